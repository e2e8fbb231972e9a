// The stream-session state machine, as one transition table.
//
// Every status change of a session goes through SessionLifecycle::apply,
// which looks the (status, event) pair up in the table below and refuses
// what the table does not allow. Entering a status arms that status's timers
// (rows of the scheduler) and leaving it cancels them, so a deadline can only
// fire in the status it was armed for. Each change is stamped with the time
// the event happened (a timer's due time, not the time someone looked) and
// written to the history with its cause.
//
// Capacity: a session occupies one unit of its location's capacity from the
// moment it is placed until it ends (TERMINATED or ERROR). A session that
// finds no free unit in any of its requested locations waits in ACTIVATING;
// it is placed, oldest first, when a unit frees up, or fails with
// placementTimeout.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/ids.hpp"
#include "state/store/records.hpp"
#include "state/result.hpp"

namespace gls {

class Emulator;
class Store;
struct Timer;

enum class SessionEvent {
  Placed,               // capacity found, the stream is up and answered the client's offer
  PlacedWithoutClient,  // ... for a session started with NO_CLIENT_CONNECTION
  SignalRejected,       // the client's offer is not valid
  PlacementTimeout,     // no capacity within the placement timeout
  ClientConnected,      // a client connected (admin event, or --auto-connect)
  ClientDisconnected,   // the client dropped (admin event)
  ConnectionTimeout,    // no client within ConnectionTimeoutSeconds of ACTIVE
  ReconnectionTimeout,  // no reconnection within ConnectionTimeoutSeconds
  ConnectionRequested,  // CreateStreamSessionConnection
  Reconnected,          // the new connection is ready for the client
  IdleTimeout,          // no user input for the idle timeout while CONNECTED
  MaxSessionLength,     // SessionLengthSeconds since the start
  ApplicationExited,    // the application exited or crashed (admin event, fault)
  Failed,               // an error with a given reason (admin event, fault)
  TerminateRequested,   // TerminateStreamSession
  Terminated,           // the stream has shut down
};
std::string_view to_string(SessionEvent e);

// What a transition does to StatusReason.
enum class ReasonRule { Clear, Keep, Set, FromEvent };

struct SessionTransition {
  SessionStatus from;
  SessionEvent event;
  SessionStatus to;
  ReasonRule rule;
  const char* reason;  // for ReasonRule::Set
};

// Why a transition happened, as the history records it.
enum class Cause { Api, Timer, Admin, Fault };
std::string_view to_string(Cause c);

// StatusReason values that an ERROR may carry.
bool is_error_reason(std::string_view reason);
// StatusReason values that a TERMINATING/TERMINATED session may carry.
bool is_termination_reason(std::string_view reason);

class SessionLifecycle {
 public:
  explicit SessionLifecycle(Emulator& emu) : emu_(emu) {}

  static const std::vector<SessionTransition>& table();
  // Is there a row from `from` to `to`?
  static bool reachable(SessionStatus from, SessionStatus to);
  // The row for (from, event), if any.
  static const SessionTransition* find(SessionStatus from, SessionEvent event);

  // A new session enters ACTIVATING: placed where there is capacity, or
  // waiting for it. Arms the session-wide deadline (SessionLengthSeconds).
  void start(Store& db, const Scope& scope, StreamSession& s, int64_t at);

  // A session that arrives in some status (from fixtures or an imported
  // state): arms its status's deadlines as of its LastUpdatedAt and its
  // session-length deadline as of its CreatedAt. Call before inserting it.
  void adopt(Store& db, const Scope& scope, StreamSession& s);

  // Applies `event` at time `at`. Conflict when the table has no row for the
  // session's status and this event. `reason` is for ReasonRule::FromEvent.
  Status apply(Store& db, const Scope& scope, StreamSession& s, SessionEvent event, int64_t at, Cause cause,
               std::optional<std::string> reason = std::nullopt);

  // Admin: puts the session in `to`. Without `force`, `to` must be reachable
  // from the current status in one transition.
  Status force(Store& db, const Scope& scope, StreamSession& s, SessionStatus to, std::optional<std::string> reason,
               bool force, int64_t at);

  // A user sent input while CONNECTED: the idle timeout starts again.
  Status user_input(Store& db, const Scope& scope, StreamSession& s, int64_t at);

  // The new offer of a pending reconnection is not valid: the reconnection
  // ends in ERROR invalidSignalRequest instead of ACTIVE.
  void reject_offer(Store& db, const Scope& scope, const StreamSession& s);

  // Fires a stream-session timer (registered with the scheduler).
  void on_timer(Store& db, const Timer& timer);

  // Places waiting sessions of a group for which capacity has become free.
  void place_waiting(Store& db, const Scope& scope, const std::string& group_id, int64_t at);

  static std::string resource_key(const StreamSession& s) { return s.group_id + "/" + s.id; }


 private:
  // Entry actions of the session's (new) status; true when it gave back capacity.
  bool enter(Store& db, const Scope& scope, StreamSession& s, SessionStatus from, int64_t at);
  void leave(Store& db, const Scope& scope, const StreamSession& s, SessionStatus from, SessionStatus to);
  void arm(Store& db, const Scope& scope, const StreamSession& s, std::string_view event, int64_t due,
           std::string_view detail = {});
  // Reserves a unit of capacity in the first requested location that has one.
  bool try_place(Store& db, const Scope& scope, StreamSession& s);
  void finish_export(Store& db, const Scope& scope, StreamSession& s, int64_t at);
  int64_t duration_ms(const StreamSession& s, std::string_view name) const;

  // The export of an ended session fails (an injected fault that fell due).
  void fail_export(StreamSession& s);

  Emulator& emu_;
};

}  // namespace gls
