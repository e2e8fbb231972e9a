#include "state/sessions/session_lifecycle.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "state/emulator.hpp"
#include "state/sessions/export_archive.hpp"
#include "state/store/repository.hpp"
#include "state/time/scheduler.hpp"
#include "state/sessions/stream_sessions.hpp"
#include "state/lifecycle/transition_table.hpp"

namespace gls {

namespace {

using S = SessionStatus;
using E = SessionEvent;
using R = ReasonRule;

constexpr std::string_view kKind = "streamsession";
constexpr const char* kNoClientConnection = "NO_CLIENT_CONNECTION";

// Timer events, as stored in the timers table.
constexpr std::string_view kPlaced = "placed";
constexpr std::string_view kPlacementTimeout = "placementTimeout";
constexpr std::string_view kConnectionTimeout = "connectionTimeout";
constexpr std::string_view kAutoConnect = "autoConnect";
constexpr std::string_view kIdleTimeout = "idleTimeout";
constexpr std::string_view kReconnectionTimeout = "reconnectionTimeout";
constexpr std::string_view kReconnected = "reconnected";
constexpr std::string_view kTerminated = "terminated";
constexpr std::string_view kMaxSessionLength = "maxSessionLength";
constexpr std::string_view kFaultApplicationExit = "applicationExit";
constexpr std::string_view kFaultFail = "fail";
constexpr std::string_view kRejectedOffer = "rejectedOffer";
constexpr std::string_view kExportFailed = "exportFailed";

// The timers that belong to a status (at most two): armed on entering it,
// cancelled on leaving it.
std::pair<std::string_view, std::string_view> status_timers(S s) {
  switch (s) {
    case S::Activating: return {kPlaced, kPlacementTimeout};
    case S::Active: return {kConnectionTimeout, kAutoConnect};
    case S::Connected: return {kIdleTimeout, kIdleTimeout};
    case S::PendingClientReconnection: return {kReconnectionTimeout, kReconnectionTimeout};
    case S::Reconnecting: return {kReconnected, kReconnected};
    case S::Terminating: return {kTerminated, kTerminated};
    case S::Terminated:
    case S::Error: return {};
  }
  return {};
}

}  // namespace

// clang-format off
// The whole state machine. A (status, event) pair that is not here is refused.
const std::vector<SessionTransition>& SessionLifecycle::table() {
  static const std::vector<SessionTransition> rows = {
      // from                          event                   to                              StatusReason
      {S::Activating,                E::Placed,              S::Active,                    R::Clear, nullptr},
      {S::Activating,                E::PlacedWithoutClient, S::PendingClientReconnection, R::Clear, nullptr},
      {S::Activating,                E::SignalRejected,      S::Error,                     R::Set,   "invalidSignalRequest"},
      {S::Activating,                E::PlacementTimeout,    S::Error,                     R::Set,   "placementTimeout"},
      {S::Activating,                E::MaxSessionLength,    S::Terminating,               R::Set,   "maxSessionLengthTimeout"},
      {S::Activating,                E::Failed,              S::Error,                     R::FromEvent, nullptr},

      {S::Active,                    E::ClientConnected,     S::Connected,                 R::Clear, nullptr},
      {S::Active,                    E::ConnectionRequested, S::Reconnecting,              R::Clear, nullptr},
      {S::Active,                    E::ConnectionTimeout,   S::Terminating,               R::Set,   "connectionTimeout"},
      {S::Active,                    E::TerminateRequested,  S::Terminating,               R::Set,   "apiTerminated"},
      {S::Active,                    E::ApplicationExited,   S::Terminating,               R::Set,   "applicationExit"},
      {S::Active,                    E::MaxSessionLength,    S::Terminating,               R::Set,   "maxSessionLengthTimeout"},
      {S::Active,                    E::Failed,              S::Error,                     R::FromEvent, nullptr},

      {S::Connected,                 E::ClientDisconnected,  S::PendingClientReconnection, R::Clear, nullptr},
      {S::Connected,                 E::IdleTimeout,         S::Terminating,               R::Set,   "idleTimeout"},
      {S::Connected,                 E::TerminateRequested,  S::Terminating,               R::Set,   "apiTerminated"},
      {S::Connected,                 E::ApplicationExited,   S::Terminating,               R::Set,   "applicationExit"},
      {S::Connected,                 E::MaxSessionLength,    S::Terminating,               R::Set,   "maxSessionLengthTimeout"},
      {S::Connected,                 E::Failed,              S::Error,                     R::FromEvent, nullptr},

      {S::PendingClientReconnection, E::ConnectionRequested, S::Reconnecting,              R::Clear, nullptr},
      {S::PendingClientReconnection, E::ReconnectionTimeout, S::Terminating,               R::Set,   "reconnectionTimeout"},
      {S::PendingClientReconnection, E::TerminateRequested,  S::Terminating,               R::Set,   "apiTerminated"},
      {S::PendingClientReconnection, E::ApplicationExited,   S::Terminating,               R::Set,   "applicationExit"},
      {S::PendingClientReconnection, E::MaxSessionLength,    S::Terminating,               R::Set,   "maxSessionLengthTimeout"},
      {S::PendingClientReconnection, E::Failed,              S::Error,                     R::FromEvent, nullptr},

      {S::Reconnecting,              E::Reconnected,         S::Active,                    R::Clear, nullptr},
      {S::Reconnecting,              E::SignalRejected,      S::Error,                     R::Set,   "invalidSignalRequest"},
      {S::Reconnecting,              E::TerminateRequested,  S::Terminating,               R::Set,   "apiTerminated"},
      {S::Reconnecting,              E::ApplicationExited,   S::Terminating,               R::Set,   "applicationExit"},
      {S::Reconnecting,              E::MaxSessionLength,    S::Terminating,               R::Set,   "maxSessionLengthTimeout"},
      {S::Reconnecting,              E::Failed,              S::Error,                     R::FromEvent, nullptr},

      {S::Terminating,               E::Terminated,          S::Terminated,                R::Keep,  nullptr},
  };
  return rows;
}
// clang-format on

std::string_view to_string(SessionEvent e) {
  switch (e) {
    case E::Placed: return "placed";
    case E::PlacedWithoutClient: return "placedWithoutClient";
    case E::SignalRejected: return "signalRejected";
    case E::PlacementTimeout: return "placementTimeout";
    case E::ClientConnected: return "clientConnect";
    case E::ClientDisconnected: return "clientDisconnect";
    case E::ConnectionTimeout: return "connectionTimeout";
    case E::ReconnectionTimeout: return "reconnectionTimeout";
    case E::ConnectionRequested: return "CreateStreamSessionConnection";
    case E::Reconnected: return "reconnected";
    case E::IdleTimeout: return "idleTimeout";
    case E::MaxSessionLength: return "maxSessionLength";
    case E::ApplicationExited: return "applicationExit";
    case E::Failed: return "fail";
    case E::TerminateRequested: return "TerminateStreamSession";
    case E::Terminated: return "terminated";
  }
  return "?";
}

std::string_view to_string(Cause c) {
  switch (c) {
    case Cause::Api: return "api";
    case Cause::Timer: return "timer";
    case Cause::Admin: return "admin";
    case Cause::Fault: return "fault";
  }
  return "?";
}

bool is_error_reason(std::string_view r) {
  return r == "internalError" || r == "invalidSignalRequest" || r == "placementTimeout" ||
         r == "applicationLogS3DestinationError" || r == "assumeRoleFailed";
}

bool is_termination_reason(std::string_view r) {
  return r == "apiTerminated" || r == "applicationExit" || r == "connectionTimeout" || r == "reconnectionTimeout" ||
         r == "maxSessionLengthTimeout" || r == "idleTimeout";
}

const SessionTransition* SessionLifecycle::find(SessionStatus from, SessionEvent event) {
  return find_transition(std::span<const SessionTransition>(table()), from, event);
}

bool SessionLifecycle::reachable(SessionStatus from, SessionStatus to) {
  return reachable_in_one_step(std::span<const SessionTransition>(table()), from, to);
}

int64_t SessionLifecycle::duration_ms(const StreamSession& s, std::string_view name) const {
  if (s.timings_json) {
    rapidjson::Document d;
    d.Parse(s.timings_json->c_str());
    if (!d.HasParseError() && d.IsObject() && d.HasMember(name.data()) && d[name.data()].IsNumber())
      return seconds_to_ms(d[name.data()].GetDouble());
  }
  return emu_.timings().millis("streamSession", name);
}

void SessionLifecycle::arm(Store& db, const Scope& scope, const StreamSession& s, std::string_view event, int64_t due,
                           std::string_view detail) {
  emu_.scheduler().arm(db, scope, kKind, resource_key(s), event, due, detail);
}

bool SessionLifecycle::try_place(Store& db, const Scope& scope, StreamSession& s) {
  std::vector<std::string> wanted;
  if (s.requested_locations_json) {
    rapidjson::Document d;
    d.Parse(s.requested_locations_json->c_str());
    if (d.IsArray())
      for (const auto& v : d.GetArray()) wanted.emplace_back(v.GetString());
  }
  if (wanted.empty()) wanted.push_back(s.location);
  for (const std::string& name : wanted) {
    auto loc = repo::find_location(db, scope, s.group_id, name);
    if (!loc || loc->status != LocationStatus::Active) continue;
    if (loc->allocated < session_capacity(*loc)) {
      s.location = name;
      s.placed = true;
      return true;
    }
  }
  s.location = wanted.front();
  s.placed = false;
  return false;
}

void SessionLifecycle::start(Store& db, const Scope& scope, StreamSession& s, int64_t at) {
  s.status = S::Activating;
  s.status_reason.reset();
  s.created_ms = s.updated_ms = at;
  enter(db, scope, s, S::Activating, at);
  arm(db, scope, s, kMaxSessionLength, at + s.session_length_s * 1000);
  repo::record_transition(db, scope, kKind, resource_key(s), std::nullopt, to_string(s.status), std::nullopt,
                          to_string(Cause::Api), at);
}

void SessionLifecycle::leave(Store& db, const Scope& scope, const StreamSession& s, SessionStatus from,
                             SessionStatus to) {
  // Entering an ending status cancels every timer of the session anyway.
  if (to == S::Terminating || to == S::Terminated || to == S::Error) return;
  auto [a, b] = status_timers(from);
  if (!a.empty()) emu_.scheduler().cancel_events(db, scope, kKind, resource_key(s), a, b);
}

void SessionLifecycle::adopt(Store& db, const Scope& scope, StreamSession& s) {
  if (is_final(s.status)) return;
  enter(db, scope, s, s.status, s.updated_ms);
  if (s.status != S::Terminating) arm(db, scope, s, kMaxSessionLength, s.created_ms + s.session_length_s * 1000);
}

bool SessionLifecycle::enter(Store& db, const Scope& scope, StreamSession& s, SessionStatus from, int64_t at) {
  switch (s.status) {
    case S::Activating:
      if (try_place(db, scope, s))
        arm(db, scope, s, kPlaced, at + duration_ms(s, "placementSeconds"));
      else
        arm(db, scope, s, kPlacementTimeout, at + duration_ms(s, "placementTimeoutSeconds"));
      break;
    case S::Active:
      s.placed = true;  // (also when an admin forces a session here)
      // The stream has answered the client's offer (CreateStreamSessionConnection
      // has already stored the answer to a new offer).
      if (!s.signal_response) s.signal_response = make_signal_response(emu_.ids());
      arm(db, scope, s, kConnectionTimeout, at + s.connection_timeout_s * 1000);
      if (auto auto_connect = emu_.config().auto_connect_ms) arm(db, scope, s, kAutoConnect, at + *auto_connect);
      break;
    case S::Connected:
      s.placed = true;
      arm(db, scope, s, kIdleTimeout, at + duration_ms(s, "idleTimeoutSeconds"));
      break;
    case S::PendingClientReconnection:
      s.placed = true;
      arm(db, scope, s, kReconnectionTimeout, at + s.connection_timeout_s * 1000);
      break;
    case S::Reconnecting:
      s.placed = true;
      arm(db, scope, s, kReconnected, at + duration_ms(s, "reconnectingSeconds"));
      break;
    case S::Terminating:
      // The session is ending: its own deadlines no longer matter.
      emu_.scheduler().cancel(db, scope, kKind, resource_key(s));
      arm(db, scope, s, kTerminated, at + duration_ms(s, "terminatingSeconds"));
      break;
    case S::Terminated:
    case S::Error: {
      emu_.scheduler().cancel(db, scope, kKind, resource_key(s));
      finish_export(db, scope, s, at);
      (void)from;
      const bool held = s.placed;
      s.placed = false;
      return held;
    }
  }
  return false;
}

Status SessionLifecycle::apply(Store& db, const Scope& scope, StreamSession& s, SessionEvent event, int64_t at,
                               Cause cause, std::optional<std::string> reason) {
  const SessionTransition* row = find(s.status, event);
  if (!row)
    return conflict("Stream session " + s.id + " is " + std::string(to_string(s.status)) + "; " +
                    std::string(to_string(event)) + " is not possible in that status");
  const SessionStatus from = s.status;
  leave(db, scope, s, from, row->to);
  s.status = row->to;
  switch (row->rule) {
    case R::Clear: s.status_reason.reset(); break;
    case R::Keep: break;
    case R::Set: s.status_reason = row->reason; break;
    case R::FromEvent: s.status_reason = reason; break;
  }
  s.updated_ms = at;
  const bool released = enter(db, scope, s, from, at);
  repo::update_session_state(db, scope, s);
  repo::record_transition(db, scope, kKind, resource_key(s), to_string(from), to_string(s.status), s.status_reason,
                          to_string(cause), at);
  // Only now that the session is written does its unit count as free.
  if (released) place_waiting(db, scope, s.group_id, at);
  return ok();
}

Status SessionLifecycle::force(Store& db, const Scope& scope, StreamSession& s, SessionStatus to,
                               std::optional<std::string> reason, bool force, int64_t at) {
  const SessionStatus from = s.status;
  if (!force && !reachable(from, to))
    return conflict("Stream session " + s.id + " cannot go from " + std::string(to_string(from)) + " to " +
                    std::string(to_string(to)) + " in one transition; send \"force\": true to set it anyway");
  if (to == S::Error) {
    if (!reason) reason = "internalError";
    if (!is_error_reason(*reason)) return validation("'" + *reason + "' is not a StatusReason of an ERROR session");
  } else if (to == S::Terminating || to == S::Terminated) {
    if (!reason) reason = s.status_reason && is_termination_reason(*s.status_reason) ? *s.status_reason : "apiTerminated";
    if (!is_termination_reason(*reason))
      return validation("'" + *reason + "' is not a StatusReason of a terminated session");
  } else if (reason) {
    return validation("a " + std::string(to_string(to)) + " session has no StatusReason");
  }
  leave(db, scope, s, from, to);
  s.status = to;
  s.status_reason = reason;
  s.updated_ms = at;
  const bool released = enter(db, scope, s, from, at);
  repo::update_session_state(db, scope, s);
  repo::record_transition(db, scope, kKind, resource_key(s), to_string(from), to_string(to), s.status_reason,
                          to_string(Cause::Admin), at);
  if (released) place_waiting(db, scope, s.group_id, at);
  return ok();
}

Status SessionLifecycle::user_input(Store& db, const Scope& scope, StreamSession& s, int64_t at) {
  if (s.status != S::Connected)
    return conflict("Stream session " + s.id + " is " + std::string(to_string(s.status)) +
                    "; user input needs a CONNECTED session");
  emu_.scheduler().cancel(db, scope, kKind, resource_key(s), kIdleTimeout);
  arm(db, scope, s, kIdleTimeout, at + duration_ms(s, "idleTimeoutSeconds"));
  return ok();
}

void SessionLifecycle::reject_offer(Store& db, const Scope& scope, const StreamSession& s) {
  auto due = emu_.scheduler().due(db, scope, kKind, resource_key(s), kReconnected);
  if (!due) return;
  emu_.scheduler().cancel(db, scope, kKind, resource_key(s), kReconnected);
  arm(db, scope, s, kReconnected, *due, kRejectedOffer);
}

void SessionLifecycle::on_timer(Store& db, const Timer& t) {
  auto slash = t.resource.find('/');
  if (slash == std::string::npos) return;
  auto found = repo::find_session(db, t.scope, t.resource.substr(0, slash), t.resource.substr(slash + 1));
  if (!found) return;
  StreamSession& s = *found;
  if (t.event == kExportFailed) {  // not a status change: the ended session's export
    if (s.export_status == "PENDING") {
      fail_export(s);
      repo::update_session_state(db, t.scope, s);
    }
    return;
  }
  Cause cause = Cause::Timer;
  std::optional<std::string> reason;
  SessionEvent event;
  if (t.event == kPlaced) {
    if (s.signal_request == kNoClientConnection)
      event = E::PlacedWithoutClient;
    else if (s.signal_request.find_first_not_of(" \t\r\n") == std::string::npos)
      event = E::SignalRejected;
    else
      event = E::Placed;
  } else if (t.event == kReconnected) {
    event = t.detail == kRejectedOffer ? E::SignalRejected : E::Reconnected;
  } else if (t.event == kPlacementTimeout) {
    event = E::PlacementTimeout;
  } else if (t.event == kConnectionTimeout) {
    event = E::ConnectionTimeout;
  } else if (t.event == kAutoConnect) {
    event = E::ClientConnected;
  } else if (t.event == kIdleTimeout) {
    event = E::IdleTimeout;
  } else if (t.event == kReconnectionTimeout) {
    event = E::ReconnectionTimeout;
  } else if (t.event == kTerminated) {
    event = E::Terminated;
  } else if (t.event == kMaxSessionLength) {
    event = E::MaxSessionLength;
  } else if (t.event == kFaultApplicationExit) {
    event = E::ApplicationExited;
    cause = Cause::Fault;
  } else if (t.event == kFaultFail) {
    event = E::Failed;
    cause = Cause::Fault;
    reason = t.detail.empty() ? "internalError" : t.detail;
  } else {
    spdlog::warn("unknown stream-session timer event {}", t.event);
    return;
  }
  if (!find(s.status, event)) {
    // Timers are cancelled when their status is left, so this only happens
    // for a deadline that no longer applies (e.g. a fault timer on an ending session).
    spdlog::debug("timer {} for {} ignored in status {}", t.event, t.resource, to_string(s.status));
    return;
  }
  (void)apply(db, t.scope, s, event, t.due_ms, cause, reason);
}

void SessionLifecycle::place_waiting(Store& db, const Scope& scope, const std::string& group_id, int64_t at) {
  for (StreamSession& w : repo::waiting_sessions(db, scope, group_id)) {
    if (!try_place(db, scope, w)) continue;
    emu_.scheduler().cancel(db, scope, kKind, resource_key(w), kPlacementTimeout);
    arm(db, scope, w, kPlaced, at + duration_ms(w, "placementSeconds"));
    repo::update_session_state(db, scope, w);
  }
}

void SessionLifecycle::fail_export(StreamSession& s) {
  s.export_status = "FAILED";
  s.export_reason = "The export of the stream session's files failed (fault injected by gls-local)";
}

void SessionLifecycle::finish_export(Store& db, const Scope& scope, StreamSession& s, int64_t at) {
  if (s.export_status != "PENDING") return;
  if (s.status == S::Error) {
    s.export_status = "FAILED";
    s.export_reason = "The stream session ended in ERROR (" + s.status_reason.value_or("internalError") +
                      ") before its files could be exported";
    return;
  }
  if (s.export_fails_at_ms) {
    // An injected fault: the export fails now, or when the fault falls due.
    if (at >= *s.export_fails_at_ms)
      fail_export(s);
    else
      arm(db, scope, s, kExportFailed, *s.export_fails_at_ms);
    return;
  }
  s.export_status = "SUCCEEDED";
  s.export_reason.reset();
  if (!emu_.config().export_dir.empty() && s.export_uri) {
    auto written = write_export_archive(emu_.config().export_dir, scope, s, at);
    if (!written) {
      s.export_status = "FAILED";
      s.export_reason = written.error().message;
    }
  }
}

}  // namespace gls
