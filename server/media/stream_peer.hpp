// One session's WebRTC peer: a GStreamer pipeline (webrtcbin) that answers a
// browser's offer and sends it a test pattern (VP8) and a tone (Opus), and
// carries the data channel the browser opens.
//
// Threading: every member is called on the peer's strand, and every
// callback is made there. GStreamer's own threads only post to the strand;
// pipeline state changes happen on the strand alone. No GStreamer type
// appears here: only the stream module's files (stream_peer.cpp,
// gst_support.cpp) include its headers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "media/offer_codecs.hpp"

namespace gls::media {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

struct PeerSetup {
  std::string session_id;
  std::string offer_sdp;
  OfferedMedia media;                       // from scan_offer(offer_sdp)
  std::vector<std::string> local_addresses;  // the only addresses ICE gathers
  int width = 640;
  int height = 360;
  int fps = 15;
};

// Made on the strand. `closed` comes at most once, and nothing after it.
struct PeerCallbacks {
  std::function<void(std::optional<std::string> answer_sdp)> answered;  // once; empty: no answer
  std::function<void()> connected;                                       // ICE and DTLS are up
  std::function<void(const std::string& why)> closed;                   // the browser left or vanished
  std::function<void(const std::string& text)> message;                 // from the data channel
};

class StreamPeer {
 public:
  virtual ~StreamPeer() = default;
  // Builds the pipeline and starts answering the offer.
  virtual void start() = 0;
  // The caption lines drawn on the following frames (any thread).
  virtual void set_caption(std::vector<std::string> lines) = 0;
  // Sends text over the data channel, once the browser has opened one.
  virtual void send(const std::string& text) = 0;
  // Stops the pipeline: no callback after this returns.
  virtual void stop() = 0;
  virtual uint64_t frames_sent() const = 0;
};

// Whether this build streams: GStreamer's WebRTC support was found, and the
// stream module that links it is installed (media/stream_module.hpp; this
// does not load it).
bool webrtc_built();
// "GStreamer 1.22.0" or why there is no stream.
std::string webrtc_description();
// Why no peer can be made though the build streams ("GStreamer elements
// missing: ...", a module that does not load); empty when peers can be made.
std::string missing_elements();

// Null when the build has no WebRTC support.
std::shared_ptr<StreamPeer> make_stream_peer(Strand strand, PeerSetup setup, PeerCallbacks callbacks);

}  // namespace gls::media
