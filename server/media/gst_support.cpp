#include "media/gst_support.hpp"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <nice/agent.h>

#include <cstdlib>
#include <mutex>

#include "media/stream_peer.hpp"

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

bool restrict_ice_to(GstElement* webrtcbin, const std::vector<std::string>& addresses) {
  GstWebRTCICE* ice = nullptr;
  g_object_get(webrtcbin, "ice-agent", &ice, nullptr);
  if (!ice) return false;
  NiceAgent* agent = nullptr;
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent")) g_object_get(ice, "agent", &agent, nullptr);
  gst_object_unref(ice);
  if (!agent) return false;
  g_object_set(agent, "upnp", FALSE, "ice-tcp", FALSE, nullptr);
  for (const std::string& address : addresses) {
    NiceAddress a;
    nice_address_init(&a);
    if (nice_address_set_from_string(&a, address.c_str())) nice_agent_add_local_address(agent, &a);
  }
  g_object_unref(agent);
  return true;
}

bool webrtc_built() { return true; }

std::string webrtc_description() {
  init_gstreamer();
  gchar* version = gst_version_string();
  std::string text = version ? version : "GStreamer";
  g_free(version);
  return text;
}

std::string missing_elements() {
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
