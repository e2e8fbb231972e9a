#include "media/gst_support.hpp"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <nice/agent.h>

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "media/stream_module.hpp"

namespace gls::media {

void init_gstreamer() {
  static std::once_flag once;
  std::call_once(once, [] {
    gst_init(nullptr, nullptr);
    // Gives back the registry, the plugins and their threads at exit, once
    // every peer has stopped (they stop before main returns), so that what
    // is still allocated then is a leak (LeakSanitizer, GStreamer's leaks tracer).
    std::atexit([] { gst_deinit(); });
  });
}

namespace {

// libnice's functions, from the copy GStreamer's nice plugin loaded with the
// first ICE agent. gls-local does not link libnice: with its dependencies
// (GnuTLS, libsoup, ICU, ...) it would cost every start-up about 7 ms and
// 8 MiB of memory, streams or not.
struct LibNice {
  void (*address_init)(NiceAddress*) = nullptr;
  gboolean (*address_set_from_string)(NiceAddress*, const gchar*) = nullptr;
  gboolean (*agent_add_local_address)(NiceAgent*, NiceAddress*) = nullptr;
  bool loaded() const { return address_init && address_set_from_string && agent_add_local_address; }
};

template <typename Function>
void look_up(void* library, const char* name, Function*& function) {
  function = reinterpret_cast<Function*>(dlsym(library, name));
}

const LibNice& libnice() {
  static const LibNice nice = [] {
    LibNice n;
    void* library = dlopen("libnice.so.10", RTLD_LAZY | RTLD_NOLOAD);
    if (!library) return n;
    look_up(library, "nice_address_init", n.address_init);
    look_up(library, "nice_address_set_from_string", n.address_set_from_string);
    look_up(library, "nice_agent_add_local_address", n.agent_add_local_address);
    return n;  // the plugin keeps the library loaded: the handle stays open
  }();
  return nice;
}

}  // namespace

bool restrict_ice_to(GstElement* webrtcbin, const std::vector<std::string>& addresses) {
  GstWebRTCICE* ice = nullptr;
  g_object_get(webrtcbin, "ice-agent", &ice, nullptr);
  if (!ice) return false;
  NiceAgent* agent = nullptr;
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent")) g_object_get(ice, "agent", &agent, nullptr);
  gst_object_unref(ice);
  if (!agent) return false;
  g_object_set(agent, "upnp", FALSE, "ice-tcp", FALSE, nullptr);
  const LibNice& nice = libnice();
  for (const std::string& address : addresses) {
    if (!nice.loaded()) break;
    NiceAddress a;
    nice.address_init(&a);
    if (nice.address_set_from_string(&a, address.c_str())) nice.agent_add_local_address(agent, &a);
  }
  g_object_unref(agent);
  return nice.loaded();
}

std::string gstreamer_description() {
  init_gstreamer();
  gchar* version = gst_version_string();
  std::string text = version ? version : "GStreamer";
  g_free(version);
  return text;
}

std::string missing_gst_elements() {
  init_gstreamer();
  std::string missing;
  for (const char* name : {"webrtcbin", "nicesrc", "dtlssrtpenc", "sctpenc", "srtpenc", "rtpbin", "videotestsrc",
                           "audiotestsrc", "vp8enc", "rtpvp8pay", "opusenc", "rtpopuspay", "audioconvert",
                           "audioresample", "queue"}) {
    GstElementFactory* f = gst_element_factory_find(name);
    if (f) {
      gst_object_unref(f);
    } else {
      missing += (missing.empty() ? "" : " ") + std::string(name);
    }
  }
  return missing;
}

}  // namespace gls::media

// The module's one exported symbol (the module is built with hidden visibility).
extern "C" __attribute__((visibility("default"))) const gls::media::StreamModule* gls_local_stream_module() {
  static const gls::media::StreamModule module{GLS_VERSION, gls::media::gstreamer_description,
                                               gls::media::missing_gst_elements, gls::media::make_gst_peer};
  return &module;
}
