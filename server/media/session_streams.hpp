// Stream sessions with real streams: each session's WebRTC peer (see
// stream_media.hpp) tied to the session's lifecycle.
//
// - A peer's browser connecting makes an ACTIVE session CONNECTED (at once,
//   or as soon as a reconnecting session is ACTIVE again); the browser
//   closing or vanishing makes a CONNECTED session
//   PENDING_CLIENT_RECONNECTION. Both are the lifecycle's ClientConnected /
//   ClientDisconnected events, as the admin events are.
// - A message on the data channel is user input (the idle timeout starts
//   again), as the admin "userInput" event is.
// - A session that ends, fails or waits for a reconnection loses its peer.
//
// Admin routes:
//   POST /_gls/sessions/{group}/{session}/stream   body: an SDP offer (bare,
//        or JSON with "sdp"); answers {"type":"answer","sdp":...} from a new
//        peer for the session (ACTIVATING, ACTIVE or CONNECTED), or 409
//   GET  /_gls/streams                             the live peers
//   GET  /_gls/watch/{group}/{session}             a page that plays the session's stream
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "admin/admin_router.hpp"
#include "media/stream_media.hpp"
#include "state/emulator.hpp"

namespace gls {

class SessionStreams {
 public:
  SessionStreams(Emulator& emu, media::MediaOptions options);
  ~SessionStreams();
  SessionStreams(const SessionStreams&) = delete;
  SessionStreams& operator=(const SessionStreams&) = delete;

  // Starts the session's peer for a client's offer (see StreamMedia::offer).
  bool offer(const Scope& scope, const std::string& group_id, const std::string& session_id,
             const std::string& offer_sdp);
  // The peer's answer, once ICE gathering is complete; empty when there is no stream.
  std::optional<std::string> answer(const std::string& session_id);
  void close(const std::string& session_id);

  std::span<const AdminRoute> routes() const { return routes_; }
  media::StreamMedia& media() { return *media_; }

 private:
  struct Known {
    Scope scope;
    std::string group_id;
    std::string status;
    bool browser_connected = false;
  };
  void on_transitions(const std::vector<TransitionEvent>& events);
  void on_connected(const std::string& session_id);
  void on_disconnected(const std::string& session_id, const std::string& why);
  void on_message(const std::string& session_id, const std::string& text);
  std::vector<std::string> caption(const std::string& session_id);
  // Applies an admin-style session event; false when the session's status refuses it.
  bool apply(const std::string& session_id, std::string_view event);
  HttpResponse stream(AdminCall& call);
  HttpResponse list(AdminCall& call);
  HttpResponse watch(AdminCall& call);

  Emulator& emu_;
  int subscription_ = 0;
  std::mutex mu_;
  std::map<std::string, Known> sessions_;  // by session ID, as their transitions are heard
  std::vector<AdminRoute> routes_;
  std::unique_ptr<media::StreamMedia> media_;  // last: its threads stop first
};

}  // namespace gls
