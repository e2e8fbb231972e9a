// The live streams: at most one WebRTC peer per stream session, and at most
// `max_streams` at once. A session beyond that, an offer the stream cannot
// answer or a build without GStreamer gets no peer: its caller answers with
// the inert answer instead.
//
// Thread-safe. The peers run on one media thread (an Asio strand). The
// events below are called on a second thread, in order, never under the
// registry's lock; they may call back into it and may wait for the store.
// `caption` alone is called on the media thread: it must be quick and must
// not wait for the store (a caller of answer() may hold it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gls::media {

struct MediaOptions {
  size_t max_streams = 8;
  std::vector<std::string> local_addresses = {"127.0.0.1"};  // what ICE may gather
};

struct MediaEvents {
  std::function<void(const std::string& session_id)> connected;  // ICE and DTLS are up
  // The browser closed or vanished (its peer is gone).
  std::function<void(const std::string& session_id, const std::string& why)> disconnected;
  std::function<void(const std::string& session_id, const std::string& text)> message;  // data channel
  // The caption drawn on the session's video, asked about once a second.
  std::function<std::vector<std::string>(const std::string& session_id)> caption;
};

struct PeerInfo {
  std::string session_id;
  bool connected = false;
  uint64_t frames_sent = 0;
};

class StreamMedia {
 public:
  StreamMedia(MediaOptions options, MediaEvents events);
  // Stops every peer before returning.
  ~StreamMedia();
  StreamMedia(const StreamMedia&) = delete;
  StreamMedia& operator=(const StreamMedia&) = delete;

  // Whether this build streams.
  static bool built();
  // One line for --help and the log: the stream's state and why.
  static std::string describe();
  // The addresses ICE should gather for a server bound to `host`.
  static std::vector<std::string> local_addresses_for(const std::string& host);

  // Starts a peer answering `offer_sdp` for the session, in place of the
  // session's previous peer. False (and no peer) when the build has no
  // stream, the offer receives neither VP8 video nor Opus audio, or max_streams
  // other sessions have peers. An offer with nothing the stream can answer
  // leaves the session's peer as it was.
  bool offer(const std::string& session_id, const std::string& offer_sdp);
  // The answer of the session's peer, waiting for it up to `limit` (ICE
  // gathering takes about 200 ms). Empty when there is no peer or it
  // could not answer (the peer is then closed).
  std::optional<std::string> answer(const std::string& session_id,
                                    std::chrono::milliseconds limit = std::chrono::milliseconds(5000));
  // Stops the session's peer, if any; no event for it follows. A farewell
  // is sent on its data channel first (and given 200 ms to leave).
  void close(const std::string& session_id, const std::string& farewell = {});
  // Sends text to the session's browser over its data channel.
  void send(const std::string& session_id, const std::string& text);

  // Calls `connected` again (on the events' thread) if the session's
  // browser is connected: for a session that could not take it before.
  void repeat_connected(const std::string& session_id);

  bool has_peer(const std::string& session_id) const;
  std::vector<PeerInfo> peers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gls::media
