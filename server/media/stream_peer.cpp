// The GStreamer side of a stream peer. GStreamer calls back on its own
// threads; those callbacks copy what they were handed and post to the
// strand, where everything else happens (reading transports from a
// GStreamer thread stalls ICE).
#include "media/stream_peer.hpp"

#define GST_USE_UNSTABLE_API
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <mutex>

#include "media/gst_support.hpp"
#include "media/test_pattern.hpp"

namespace gls::media {
namespace {

using namespace std::chrono_literals;

// A browser that receives the stream sends RTCP and SCTP acknowledgements
// every second or so: this long without a packet means it has gone.
constexpr auto kSilenceLimit = 4s;
constexpr auto kAnswerLimit = 5s;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What the streaming threads share with the peer: the caption they draw, the
// frames they count, when the browser was last heard from.
struct Shared {
  std::mutex mu;
  std::vector<std::string> caption;
  int width = 0;
  int height = 0;
  std::atomic<uint64_t> frames{0};
  std::atomic<int64_t> last_inbound_ms{0};
};

class GstPeer;

// The user data of every GStreamer callback: where to post, and to whom.
struct Link {
  Strand strand;
  std::weak_ptr<GstPeer> peer;
};

void free_link(gpointer data, GClosure*) { delete static_cast<Link*>(data); }
void free_link_notify(gpointer data) { delete static_cast<Link*>(data); }
void free_shared(gpointer data) { delete static_cast<std::shared_ptr<Shared>*>(data); }

class GstPeer final : public StreamPeer, public std::enable_shared_from_this<GstPeer> {
 public:
  GstPeer(Strand strand, PeerSetup setup, PeerCallbacks callbacks)
      : strand_(strand), setup_(std::move(setup)), cb_(std::move(callbacks)), timer_(strand) {
    shared_->width = setup_.width;
    shared_->height = setup_.height;
  }
  ~GstPeer() override { release(); }

  void start() override;
  void set_caption(std::vector<std::string> lines) override {
    std::lock_guard lock(shared_->mu);
    shared_->caption = std::move(lines);
  }
  void send(const std::string& text) override {
    if (channel_ && !stopped_) g_signal_emit_by_name(channel_, "send-string", text.c_str());
  }
  void stop() override;
  uint64_t frames_sent() const override { return shared_->frames.load(); }

  // ---- on the strand, from the callbacks below
  void remote_set(bool ok, const std::string& error);
  void answer_created(GstWebRTCSessionDescription* answer);
  void local_set();
  void gathering_changed();
  void ice_changed();
  void dtls_changed();
  void channel_opened(GstWebRTCDataChannel* channel, const std::vector<gulong>& handlers);
  void message(std::string text) {
    if (!finished_ && cb_.message) cb_.message(text);
  }
  void close(const std::string& why);

  Link* link() { return new Link{strand_, weak_from_this()}; }
  template <class F>
  static void post(Link* link, F f) {
    boost::asio::post(link->strand, [peer = link->peer, f = std::move(f)]() mutable {
      if (auto p = peer.lock(); p && !p->stopped_) f(*p);
    });
  }

 private:
  void connect(gpointer object, const char* signal, GCallback handler) {
    gulong id = g_signal_connect_data(object, signal, handler, link(), free_link, GConnectFlags(0));
    handlers_.emplace_back(G_OBJECT(g_object_ref(object)), id);
  }
  void configure_ice();
  void watch_inbound();
  void tick();
  void answer(std::optional<std::string> sdp) {
    if (answered_) return;
    answered_ = true;
    if (cb_.answered) cb_.answered(std::move(sdp));
  }
  void release();

  Strand strand_;
  PeerSetup setup_;
  PeerCallbacks cb_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  GstElement* pipeline_ = nullptr;
  GstElement* webrtc_ = nullptr;
  GstWebRTCDTLSTransport* dtls_ = nullptr;
  GstWebRTCDataChannel* channel_ = nullptr;
  std::vector<std::pair<GObject*, gulong>> handlers_;
  std::vector<std::pair<GstPad*, gulong>> probes_;
  int64_t started_ms_ = 0;
  bool answered_ = false;
  bool connected_ = false;
  bool finished_ = false;  // closed: no callback after it
  bool stopped_ = false;
};

// ---- GStreamer threads: copy, post, return

void on_promise_remote(GstPromise* promise, gpointer data) {
  const GstStructure* reply = gst_promise_get_reply(promise);
  std::string error;
  if (reply && gst_structure_has_field(reply, "error")) {
    GError* e = nullptr;
    gst_structure_get(reply, "error", G_TYPE_ERROR, &e, nullptr);
    error = e ? e->message : "unknown error";
    if (e) g_error_free(e);
  }
  const bool ok = gst_promise_wait(promise) == GST_PROMISE_RESULT_REPLIED && error.empty();
  GstPeer::post(static_cast<Link*>(data), [ok, error](GstPeer& p) { p.remote_set(ok, error); });
  gst_promise_unref(promise);
}

void on_promise_answer(GstPromise* promise, gpointer data) {
  GstWebRTCSessionDescription* answer = nullptr;
  if (gst_promise_wait(promise) == GST_PROMISE_RESULT_REPLIED) {
    const GstStructure* reply = gst_promise_get_reply(promise);
    if (reply && gst_structure_has_field(reply, "answer"))
      gst_structure_get(reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, nullptr);
  }
  gst_promise_unref(promise);
  // Handed to the strand; freed there, or here if the peer is gone.
  auto owned = std::shared_ptr<GstWebRTCSessionDescription>(answer, [](GstWebRTCSessionDescription* d) {
    if (d) gst_webrtc_session_description_free(d);
  });
  GstPeer::post(static_cast<Link*>(data), [owned](GstPeer& p) { p.answer_created(owned.get()); });
}

void on_promise_local(GstPromise* promise, gpointer data) {
  gst_promise_unref(promise);
  GstPeer::post(static_cast<Link*>(data), [](GstPeer& p) { p.local_set(); });
}

void on_gathering(GstElement*, GParamSpec*, gpointer data) {
  GstPeer::post(static_cast<Link*>(data), [](GstPeer& p) { p.gathering_changed(); });
}
void on_ice_state(GstElement*, GParamSpec*, gpointer data) {
  GstPeer::post(static_cast<Link*>(data), [](GstPeer& p) { p.ice_changed(); });
}
void on_dtls_state(GstWebRTCDTLSTransport*, GParamSpec*, gpointer data) {
  GstPeer::post(static_cast<Link*>(data), [](GstPeer& p) { p.dtls_changed(); });
}
void on_message_string(GstWebRTCDataChannel*, gchar* text, gpointer data) {
  GstPeer::post(static_cast<Link*>(data), [t = std::string(text ? text : "")](GstPeer& p) { p.message(t); });
}
void on_message_data(GstWebRTCDataChannel*, GBytes* bytes, gpointer data) {
  gsize size = 0;
  const char* raw = bytes ? static_cast<const char*>(g_bytes_get_data(bytes, &size)) : nullptr;
  GstPeer::post(static_cast<Link*>(data), [t = std::string(raw ? raw : "", size)](GstPeer& p) { p.message(t); });
}
void on_channel_close(GstWebRTCDataChannel*, gpointer data) {
  GstPeer::post(static_cast<Link*>(data), [](GstPeer& p) { p.close("the data channel closed"); });
}
void on_channel_error(GstWebRTCDataChannel*, GError*, gpointer data) {
  GstPeer::post(static_cast<Link*>(data), [](GstPeer& p) { p.close("the data channel failed"); });
}
void on_data_channel(GstElement*, GstWebRTCDataChannel* channel, gpointer data) {
  // Connected here, before a message can be missed; connecting reads
  // nothing from the transport. The strand keeps the handler IDs.
  auto* link = static_cast<Link*>(data);
  std::vector<gulong> ids;
  auto hook = [&](const char* signal, GCallback handler) {
    ids.push_back(g_signal_connect_data(channel, signal, handler, new Link(*link), free_link, GConnectFlags(0)));
  };
  hook("on-message-string", G_CALLBACK(on_message_string));
  hook("on-message-data", G_CALLBACK(on_message_data));
  hook("on-close", G_CALLBACK(on_channel_close));
  hook("on-error", G_CALLBACK(on_channel_error));
  std::shared_ptr<GstWebRTCDataChannel> ref(static_cast<GstWebRTCDataChannel*>(g_object_ref(channel)),
                                            [](GstWebRTCDataChannel* c) { g_object_unref(c); });
  GstPeer::post(link, [ref, ids](GstPeer& p) { p.channel_opened(ref.get(), ids); });
}

GstBusSyncReply on_bus(GstBus*, GstMessage* message, gpointer data) {
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* e = nullptr;
    gst_message_parse_error(message, &e, nullptr);
    std::string why = std::string("pipeline error: ") + (e ? e->message : "unknown");
    if (e) g_error_free(e);
    GstPeer::post(static_cast<Link*>(data), [why](GstPeer& p) { p.close(why); });
  }
  // Nobody pops the bus: keep nothing on it. A sync handler that drops a
  // message owns it (each one holds a reference to the element it is from).
  gst_message_unref(message);
  return GST_BUS_DROP;
}

GstPadProbeReturn on_frame(GstPad*, GstPadProbeInfo* info, gpointer data) {
  Shared& shared = **static_cast<std::shared_ptr<Shared>*>(data);
  GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  const uint64_t frame = ++shared.frames;
  GstMapInfo map;
  if (gst_buffer_map(buffer, &map, GST_MAP_WRITE)) {
    if (map.size >= i420_size(shared.width, shared.height)) {
      std::lock_guard lock(shared.mu);
      auto lines = shared.caption;
      lines.push_back("frame " + std::to_string(frame));
      draw_caption(map.data, shared.width, shared.height, lines);
    }
    gst_buffer_unmap(buffer, &map);
  }
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn on_inbound(GstPad*, GstPadProbeInfo*, gpointer data) {
  (*static_cast<std::shared_ptr<Shared>*>(data))->last_inbound_ms = steady_ms();
  return GST_PAD_PROBE_OK;
}

// ---- the strand

void GstPeer::start() {
  init_gstreamer();
  started_ms_ = steady_ms();
  std::string description = "webrtcbin name=webrtc bundle-policy=max-bundle ";
  const std::string size = ",width=" + std::to_string(setup_.width) + ",height=" + std::to_string(setup_.height) +
                           ",framerate=" + std::to_string(setup_.fps) + "/1";
  if (auto pt = setup_.media.vp8_payload) {
    const std::string p = std::to_string(*pt);
    description += "videotestsrc name=pattern is-live=true pattern=smpte horizontal-speed=2 ! video/x-raw,format=I420" +
                   size +
                   " ! queue max-size-buffers=2 leaky=downstream ! vp8enc deadline=1 cpu-used=8 threads=1 "
                   "target-bitrate=800000 keyframe-max-dist=30 end-usage=cbr ! rtpvp8pay picture-id-mode=15-bit pt=" +
                   p + " ! application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=" + p +
                   " ! webrtc. ";
  }
  if (auto pt = setup_.media.opus_payload) {
    const std::string p = std::to_string(*pt);
    description += "audiotestsrc is-live=true wave=sine freq=440 volume=0.05 samplesperbuffer=960 ! audioconvert ! "
                   "audioresample ! audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=32000 ! rtpopuspay pt=" +
                   p + " ! application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=" + p +
                   " ! webrtc. ";
  }
  GError* error = nullptr;
  pipeline_ = gst_parse_launch(description.c_str(), &error);
  if (!pipeline_ || error) {
    spdlog::warn("stream {}: cannot build the pipeline: {}", setup_.session_id, error ? error->message : "?");
    if (error) g_error_free(error);
    if (pipeline_) gst_object_unref(pipeline_);
    pipeline_ = nullptr;
    answer(std::nullopt);
    return;
  }
  gst_object_ref_sink(pipeline_);
  webrtc_ = gst_bin_get_by_name(GST_BIN(pipeline_), "webrtc");

  GstBus* bus = gst_element_get_bus(pipeline_);
  gst_bus_set_sync_handler(bus, on_bus, link(), free_link_notify);
  gst_object_unref(bus);
  if (GstElement* pattern = gst_bin_get_by_name(GST_BIN(pipeline_), "pattern")) {
    GstPad* pad = gst_element_get_static_pad(pattern, "src");
    gulong id = gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_frame, new std::shared_ptr<Shared>(shared_),
                                  free_shared);
    probes_.emplace_back(pad, id);
    gst_object_unref(pattern);
  }

  configure_ice();
  connect(webrtc_, "notify::ice-gathering-state", G_CALLBACK(on_gathering));
  connect(webrtc_, "notify::ice-connection-state", G_CALLBACK(on_ice_state));
  connect(webrtc_, "on-data-channel", G_CALLBACK(on_data_channel));

  if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    close("the pipeline did not start");
    return;
  }
  GstSDPMessage* sdp = nullptr;
  gst_sdp_message_new_from_text(setup_.offer_sdp.c_str(), &sdp);
  GstWebRTCSessionDescription* offer = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  g_signal_emit_by_name(webrtc_, "set-remote-description", offer,
                        gst_promise_new_with_change_func(on_promise_remote, link(), free_link_notify));
  gst_webrtc_session_description_free(offer);
  tick();
}

void GstPeer::configure_ice() {
  if (!restrict_ice_to(webrtc_, setup_.local_addresses))
    spdlog::warn("stream {}: the ICE agent cannot be configured; loopback candidates may be missing",
                 setup_.session_id);
}

void GstPeer::remote_set(bool ok, const std::string& error) {
  if (!ok) {
    spdlog::info("stream {}: the offer was refused: {}", setup_.session_id, error);
    close("the offer was refused");
    return;
  }
  g_signal_emit_by_name(webrtc_, "create-answer", nullptr,
                        gst_promise_new_with_change_func(on_promise_answer, link(), free_link_notify));
}

void GstPeer::answer_created(GstWebRTCSessionDescription* answer_description) {
  if (!answer_description) {
    close("no answer could be made");
    return;
  }
  g_signal_emit_by_name(webrtc_, "set-local-description", answer_description,
                        gst_promise_new_with_change_func(on_promise_local, link(), free_link_notify));
}

void GstPeer::local_set() {
  // The transports exist now: follow the DTLS state and listen for the browser.
  GstWebRTCRTPTransceiver* transceiver = nullptr;
  g_signal_emit_by_name(webrtc_, "get-transceiver", 0, &transceiver);
  if (transceiver) {
    GstWebRTCRTPSender* sender = nullptr;
    g_object_get(transceiver, "sender", &sender, nullptr);
    if (sender) {
      g_object_get(sender, "transport", &dtls_, nullptr);
      gst_object_unref(sender);
    }
    gst_object_unref(transceiver);
  }
  if (!dtls_) {
    GstWebRTCSCTPTransport* sctp = nullptr;
    g_object_get(webrtc_, "sctp-transport", &sctp, nullptr);
    if (sctp) {
      g_object_get(sctp, "transport", &dtls_, nullptr);
      gst_object_unref(sctp);
    }
  }
  if (dtls_) connect(dtls_, "notify::state", G_CALLBACK(on_dtls_state));

  watch_inbound();
  gathering_changed();
}

void GstPeer::watch_inbound() {
  GstIterator* it = gst_bin_iterate_all_by_element_factory_name(GST_BIN(webrtc_), "nicesrc");
  GValue item = G_VALUE_INIT;
  while (it && gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* src = GST_ELEMENT(g_value_get_object(&item));
    GstPad* pad = gst_element_get_static_pad(src, "src");
    gulong id = gst_pad_add_probe(pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                                  on_inbound, new std::shared_ptr<Shared>(shared_), free_shared);
    probes_.emplace_back(pad, id);
    g_value_reset(&item);
  }
  g_value_unset(&item);
  if (it) gst_iterator_free(it);
}

void GstPeer::gathering_changed() {
  if (answered_) return;
  GstWebRTCICEGatheringState state = GST_WEBRTC_ICE_GATHERING_STATE_NEW;
  g_object_get(webrtc_, "ice-gathering-state", &state, nullptr);
  if (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) return;
  GstWebRTCSessionDescription* local = nullptr;
  g_object_get(webrtc_, "local-description", &local, nullptr);
  if (!local) return;  // gathering ended before the answer was set: local_set() asks again
  gchar* text = gst_sdp_message_as_text(local->sdp);
  std::string sdp = text ? text : "";
  g_free(text);
  gst_webrtc_session_description_free(local);
  spdlog::debug("stream {}: answered in {} ms", setup_.session_id, steady_ms() - started_ms_);
  answer(std::move(sdp));
}

void GstPeer::ice_changed() {
  GstWebRTCICEConnectionState state = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
  g_object_get(webrtc_, "ice-connection-state", &state, nullptr);
  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED) close("ICE failed");
}

void GstPeer::dtls_changed() {
  if (!dtls_) return;
  GstWebRTCDTLSTransportState state = GST_WEBRTC_DTLS_TRANSPORT_STATE_NEW;
  g_object_get(dtls_, "state", &state, nullptr);
  if (state == GST_WEBRTC_DTLS_TRANSPORT_STATE_CONNECTED && !connected_) {
    connected_ = true;
    shared_->last_inbound_ms = steady_ms();
    if (cb_.connected) cb_.connected();
  } else if (state == GST_WEBRTC_DTLS_TRANSPORT_STATE_CLOSED || state == GST_WEBRTC_DTLS_TRANSPORT_STATE_FAILED) {
    close(state == GST_WEBRTC_DTLS_TRANSPORT_STATE_CLOSED ? "the browser closed the connection" : "DTLS failed");
  }
}

void GstPeer::channel_opened(GstWebRTCDataChannel* channel, const std::vector<gulong>& handlers) {
  // Takes over the handlers; a second channel is heard too, but the first
  // one carries what the emulator sends.
  for (gulong id : handlers) handlers_.emplace_back(G_OBJECT(g_object_ref(channel)), id);
  if (!channel_) {
    channel_ = static_cast<GstWebRTCDataChannel*>(g_object_ref(channel));
    send("{\"type\":\"hello\",\"sessionId\":\"" + setup_.session_id + "\"}");
  }
}

void GstPeer::tick() {
  if (stopped_ || finished_) return;
  const int64_t now = steady_ms();
  if (!answered_ && now - started_ms_ > std::chrono::milliseconds(kAnswerLimit).count()) {
    close("no answer within " + std::to_string(std::chrono::seconds(kAnswerLimit).count()) + " s");
    return;
  }
  if (connected_ && now - shared_->last_inbound_ms.load() > std::chrono::milliseconds(kSilenceLimit).count()) {
    close("the browser went silent");
    return;
  }
  timer_.expires_after(250ms);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (auto p = weak.lock(); p && !ec) p->tick();
  });
}

void GstPeer::close(const std::string& why) {
  if (finished_ || stopped_) return;
  finished_ = true;
  timer_.cancel();
  answer(std::nullopt);
  spdlog::info("stream {}: closed ({})", setup_.session_id, why);
  if (cb_.closed) cb_.closed(why);
}

void GstPeer::stop() {
  if (stopped_) return;
  stopped_ = true;
  finished_ = true;
  timer_.cancel();
  answer(std::nullopt);  // whoever waits for the answer stops waiting
  release();
}

void GstPeer::release() {
  for (auto& [object, id] : handlers_) {
    g_signal_handler_disconnect(object, id);
    g_object_unref(object);
  }
  handlers_.clear();
  for (auto& [pad, id] : probes_) {
    gst_pad_remove_probe(pad, id);
    gst_object_unref(pad);
  }
  probes_.clear();
  if (pipeline_) {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    GstBus* bus = gst_element_get_bus(pipeline_);
    gst_bus_set_sync_handler(bus, nullptr, nullptr, nullptr);
    gst_object_unref(bus);
  }
  if (channel_) g_object_unref(channel_);
  if (dtls_) gst_object_unref(dtls_);
  if (webrtc_) gst_object_unref(webrtc_);
  const bool had_pipeline = pipeline_ != nullptr;
  if (pipeline_) gst_object_unref(pipeline_);
  // A peer's threads leave their malloc arenas behind: give them back.
  if (had_pipeline) malloc_trim(0);
  channel_ = nullptr;
  dtls_ = nullptr;
  webrtc_ = nullptr;
  pipeline_ = nullptr;
}

}  // namespace

std::shared_ptr<StreamPeer> make_gst_peer(Strand strand, PeerSetup setup, PeerCallbacks callbacks) {
  return std::make_shared<GstPeer>(strand, std::move(setup), std::move(callbacks));
}

}  // namespace gls::media
