// The stream-session state machine: the session's Spec for the lifecycle
// engine (state/lifecycle/lifecycle.hpp), whose tables in
// session_lifecycle.cpp say which (status, event) pairs lead where, which
// timers each status arms and what entering a status does.
//
// Every status change of a session goes through the engine, which refuses
// what the table does not allow. Entering a status arms that status's timers
// (rows of the scheduler) and leaving it cancels them, so a deadline can only
// fire in the status it was armed for. Each change is stamped with the time
// the event happened (a timer's due time, not the time someone looked) and
// written to the history with its cause.
//
// Capacity: a session occupies one unit of its location's capacity from the
// moment it is placed until it ends (TERMINATED or ERROR): an idle unit in
// any requested location first (ACTIVE after placementSeconds), else one
// allocated on demand (ACTIVE after onDemandPlacementSeconds). A session that
// finds no free unit in any of its requested locations waits in ACTIVATING;
// it is placed, oldest first, when a unit frees up, or fails with
// placementTimeout after the timeout of the capacity it waits for (always-on;
// on demand, by the application's platform).
#pragma once

#include <functional>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/fwd.hpp"
#include "state/ids.hpp"
#include "state/lifecycle/lifecycle.hpp"
#include "state/store/records.hpp"
#include "state/result.hpp"
#include "state/sessions/signalling.hpp"

namespace gls {

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

// The session's timers; their names appear only in the timers table.
enum class SessionTimer {
  Placed,               // capacity was found: the stream answers the offer
  PlacementTimeout,     // no capacity came
  ConnectionTimeout,    // no client within ConnectionTimeoutSeconds of ACTIVE
  AutoConnect,          // the simulated client of --auto-connect connects
  IdleTimeout,          // no user input while CONNECTED
  ReconnectionTimeout,  // no reconnection within ConnectionTimeoutSeconds
  Reconnected,          // the new connection is ready (or its offer rejected)
  Terminated,           // the stream has shut down
  MaxSessionLength,     // SessionLengthSeconds since the start
  FaultApplicationExit, // an injected fault: the application exits
  FaultFail,            // an injected fault: ERROR with the timer's detail as reason
  ExportFailed,         // an injected fault: the ended session's export fails
};

// The session lifecycle as data (tables in session_lifecycle.cpp).
struct SessionMachine : RecordSpec<StreamSession, SessionStatus, SessionEvent, SessionTimer> {
  using Owner = SessionLifecycle;
  static constexpr std::string_view kKind = "streamsession";
  static constexpr std::string_view kGone = "GONE";  // sessions stay in the history; never used

  static const LifecycleTables<SessionMachine> kTables;

  static std::string key(const StreamSession& s) { return s.group_id + "/" + s.id; }
  static std::string describe(const StreamSession& s) { return "Stream session " + s.id; }
  static bool is_final(SessionStatus s) { return gls::is_final(s); }
  static int64_t duration_ms(Core& core, Store& db, const Scope& scope, const StreamSession& s,
                             std::string_view name);
  static void save(Store& db, const Scope& scope, const StreamSession& s, int64_t at);
  static void erase(Core&, Store&, const Scope&, StreamSession&) {}
  template <class F>
  static void visit(Core& core, Store& db, const Scope& scope, std::string_view key, F&& f);
};

extern template class Lifecycle<SessionMachine>;  // instantiated with its tables

// StatusReason values that an ERROR may carry.
bool is_error_reason(std::string_view reason);
// StatusReason values that a TERMINATING/TERMINATED session may carry.
bool is_termination_reason(std::string_view reason);

// What else happens to a session as it starts (e.g. injected faults): called
// in the transaction that starts it, after its lifecycle has started and
// before it is stored, so whatever it arms or sets is part of that start.
class SessionStartHook {
 public:
  virtual ~SessionStartHook() = default;
  virtual void started(Store& db, const Scope& scope, StreamSession& s) = 0;
};

class SessionLifecycle {
 public:
  using Engine = Lifecycle<SessionMachine>;
  using Row = Engine::Row;

  SessionLifecycle(Core& core, Cascades& cascades) : core_(core), engine_(core, *this, cascades) {}

  static std::span<const Row> table() { return Engine::rows(); }
  // Is there a row from `from` to `to`?
  static bool reachable(SessionStatus from, SessionStatus to) { return Engine::reachable(from, to); }
  // The row for (from, event), if any.
  static const Row* find(SessionStatus from, SessionEvent event) { return Engine::find(from, event); }

  // A new session enters ACTIVATING: placed where there is capacity, or
  // waiting for it. Arms the session-wide deadline (SessionLengthSeconds).
  // `group_locations`: its group's locations as read in this transaction
  // (units held included), which placement then need not read again.
  void start(Store& db, const Scope& scope, StreamSession& s, int64_t at,
             std::span<const GroupLocation> group_locations = {});

  // A session that arrives in some status (from fixtures or an imported
  // state): arms its status's deadlines as of its LastUpdatedAt and its
  // session-length deadline as of its CreatedAt. Call before inserting it.
  void adopt(Store& db, const Scope& scope, StreamSession& s) { engine_.adopt(db, scope, s); }

  // Applies `event` at time `at`. Conflict when the table has no row for the
  // session's status and this event. `reason` is for ReasonRule::FromEvent.
  Status apply(Store& db, const Scope& scope, StreamSession& s, SessionEvent event, int64_t at, Cause cause,
               std::optional<std::string> reason = std::nullopt) {
    return engine_.apply(db, scope, s, event, at, cause, std::move(reason));
  }

  // Admin: puts the session in `to`. Without `force`, `to` must be reachable
  // from the current status in one transition. The reason must suit `to`.
  Status force(Store& db, const Scope& scope, StreamSession& s, SessionStatus to, std::optional<std::string> reason,
               bool force, int64_t at);

  // The session's SignalResponse was delivered to a client (GetStreamSession):
  // with --auto-connect, the simulated client connects that long after the
  // first delivery while ACTIVE. A reconnection's answer is delivered by
  // CreateStreamSessionConnection, so its count starts on re-entering ACTIVE.
  void answer_delivered(Store& db, const Scope& scope, const StreamSession& s, int64_t at);

  // A user sent input while CONNECTED: the idle timeout starts again.
  Status user_input(Store& db, const Scope& scope, StreamSession& s, int64_t at);

  // The new offer of a pending reconnection is not valid: the reconnection
  // ends in ERROR invalidSignalRequest instead of ACTIVE.
  void reject_offer(Store& db, const Scope& scope, const StreamSession& s);

  // Fires a stream-session timer (registered with the scheduler).
  void on_timer(Store& db, const Timer& timer) { engine_.on_timer(db, timer); }

  // Places waiting sessions of a group for which capacity has become free.
  void place_waiting(Store& db, const Scope& scope, const std::string& group_id, int64_t at);

  // The session's timers, for what arms deadlines of its own (faults).
  Engine& engine() { return engine_; }

  static std::string resource_key(const StreamSession& s) { return SessionMachine::key(s); }
  static StreamPeerKey peer_key(const Scope& scope, const StreamSession& s) { return {scope, s.group_id, s.id}; }

  // How offers are answered: by live peers or inertly (state/sessions/signalling.hpp).
  SessionSignalling& signalling() { return signalling_; }
  // The locations start() was given, while it places the session.
  std::span<const GroupLocation> locations_at_start() const { return locations_at_start_; }

 private:
  Core& core_;
  Engine engine_;
  SessionSignalling signalling_;
  std::span<const GroupLocation> locations_at_start_;
};

}  // namespace gls
