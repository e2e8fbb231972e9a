// Stream sessions with real streams: each session's WebRTC peer (see
// stream_media.hpp) tied to the session's lifecycle. It is the emulator's
// StreamPeers (state/sessions/signalling.hpp): a session's offer starts its
// peer, whose answer becomes the session's SignalResponse.
//
// - A peer's browser connecting makes an ACTIVE session CONNECTED (at once,
//   or as soon as a reconnecting session is ACTIVE again); the browser
//   closing or vanishing makes a CONNECTED session
//   PENDING_CLIENT_RECONNECTION. Both are the lifecycle's ClientConnected /
//   ClientDisconnected events, as the admin events are.
// - Keyboard, mouse and gamepad messages on the data channel
//   (server/websdk/input_messages.hpp) are user input (the idle timeout
//   starts again), as the admin "userInput" event is, and are told to
//   `on_input` (the event stream).
// - A session that ends, fails or waits for a reconnection loses its peer.
//
// - The answers of live peers are kept as they come (StreamPeers::answer
//   waits for one outside the store's transaction, for the request that
//   made an awaited offer; a thread of its own waits for the others, those
//   of sessions placed with no request waiting), so that a session
//   becoming ACTIVE finds its answer without waiting (ready_answer); one
//   that comes after the session became ACTIVE replaces its inert answer
//   (StreamSessions::live_answer_came).
//
// Admin routes (with --admin-token, the token is needed where marked *):
//   POST /_gls/sessions/{group}/{session}/stream   * body: an offer as a
//        SignalRequest (the Web SDK's JSON, or bare SDP); answers the Web SDK's SignalResponse JSON
//        ({"type":"answer","sdp","webSdkProtocolUrl"}, plus "sessionId")
//        from a new peer for the session (ACTIVATING, ACTIVE or CONNECTED),
//        or 409
//   GET  /_gls/streams                             * the live peers
//   GET  /_gls/watch/{group}/{session}             a page that plays the
//        session's stream through the route above (opened as
//        ...#token=TOKEN with --admin-token)
// A stream URL's routes, authorised by the URL's own token (?token=, as in
// the URL) for a session the URL started, whatever the admin token:
//   GET  /_gls/play/{group}/{url}/sessions/{session}?token=          the
//        session as its page's script reads it (player_page.hpp)
//   POST /_gls/play/{group}/{url}/sessions/{session}/stream?token=   as the
//        admin stream route above
// A missing token is refused with 403 AccessDeniedException, a wrong one or
// a session of another URL with 404 ResourceNotFoundException (JSON).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "admin/admin_router.hpp"
#include "media/stream_media.hpp"
#include "state/emulator.hpp"
#include "state/sessions/signalling.hpp"

namespace gls {

class SessionStreams {
 public:
  // Sets itself as the emulator's StreamPeers until destroyed.
  SessionStreams(Emulator& emu, media::MediaOptions options);
  ~SessionStreams();
  SessionStreams(const SessionStreams&) = delete;
  SessionStreams& operator=(const SessionStreams&) = delete;

  // Starts the session's peer for a client's offer (see StreamMedia::offer).
  bool offer(const Scope& scope, const std::string& group_id, const std::string& session_id,
             const std::string& offer_sdp);
  // The peer's answer to `offer`, once ICE gathering is complete (kept for
  // ready_answer); empty when there is no stream.
  std::optional<std::string> answer(const std::string& session_id, const SdpOffer& offer);
  // The same if it has come already; never waits.
  std::optional<std::string> ready_answer(const std::string& session_id, const std::string& offer_sdp);
  void close(const std::string& session_id);

  // Told of every user input a browser sends: (key, the input's kind and action).
  void on_input(std::function<void(const StreamPeerKey&, const std::string& what)> listener) {
    input_listener_ = std::move(listener);
  }

  std::span<const AdminRoute> routes() const { return routes_; }
  media::StreamMedia& media() { return *media_; }

 private:
  struct Known {
    Scope scope;
    std::string group_id;
    std::string status;
    bool browser_connected = false;
    std::string offer_sdp;  // the last offer its peer was started with
    std::optional<std::string> answer;  // that peer's answer, once it has come
  };
  // Waits for the answers of peers started inside a transaction.
  void collect_answers();
  void forget_answer(const std::string& session_id);
  void on_transitions(const std::vector<TransitionEvent>& events);
  void on_connected(const std::string& session_id);
  void on_disconnected(const std::string& session_id, const std::string& why);
  void on_message(const std::string& session_id, const std::string& text);
  std::vector<std::string> caption(const std::string& session_id);
  // Applies an admin-style session event; false when the session's status refuses it.
  bool apply(const std::string& session_id, std::string_view event);
  // A new peer's answer for the session to the offer in `body`, or a refusal.
  HttpResponse stream_for(const Scope& scope, const StreamSession& session, const std::string& body);
  HttpResponse stream(AdminCall& call);
  HttpResponse list(AdminCall& call);
  HttpResponse watch(AdminCall& call);
  // The stream URL's session the call names, found with the URL's token.
  Result<std::pair<Scope, StreamSession>> url_session(AdminCall& call);
  HttpResponse play_session(AdminCall& call);
  HttpResponse play_stream(AdminCall& call);

  class Peers;
  Emulator& emu_;
  int subscription_ = 0;
  std::function<void(const StreamPeerKey&, const std::string&)> input_listener_;
  std::mutex mu_;
  std::map<std::string, Known> sessions_;  // by session ID, as their transitions are heard
  std::deque<std::pair<std::string, SdpOffer>> to_collect_;  // (session ID, offer) whose answer is awaited
  std::condition_variable collect_wakeup_;
  bool stopping_ = false;
  std::thread collector_;
  std::vector<AdminRoute> routes_;
  std::unique_ptr<media::StreamMedia> media_;  // last: its threads stop first
};

}  // namespace gls
