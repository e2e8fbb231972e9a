#include "state/sessions/session_lifecycle.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "state/applications/application.hpp"
#include "state/cascades.hpp"
#include "state/core.hpp"
#include "state/lifecycle/lifecycle_impl.hpp"
#include "state/sessions/export_archive.hpp"
#include "state/sessions/stream_sessions.hpp"
#include "state/small_json.hpp"
#include "state/store/repository.hpp"
#include "state/time/scheduler.hpp"

namespace gls {

namespace {

using S = SessionStatus;
using E = SessionEvent;
using T = SessionTimer;
using R = ReasonRule;
using Step = LifecycleStep<SessionMachine>;
using Firing = TimerFiring<SessionMachine>;

constexpr std::string_view kRejectedOffer = "rejectedOffer";  // the detail of a Reconnected timer

// ---- what entering a status does --------------------------------------------------

// A placed session's valid offer goes to the live peers, which start
// answering it while the placement delay runs.
void offer_to_peers(SessionSignalling& signalling, const Scope& scope, const StreamSession& s) {
  const SignalRequest request = read_signal_request(s.signal_request);
  if (request.offer) signalling.offer(SessionLifecycle::peer_key(scope, s), *request.offer);
}

// The session's locations, in priority order.
std::vector<std::string> requested_locations(const StreamSession& s) {
  std::vector<std::string> wanted;
  if (s.requested_locations_json) {
    SmallJson d;
    d.Parse(s.requested_locations_json->c_str());
    if (d.IsArray())
      for (const auto& v : d.GetArray()) wanted.emplace_back(v.GetString());
  }
  if (wanted.empty()) wanted.push_back(s.location);
  return wanted;
}

// Reserves a unit of capacity in the first requested location that has one:
// an idle unit anywhere first, else one allocated on demand. `known`: the
// group's locations as read in this transaction, if the caller has them.
bool try_place(Store& db, const Scope& scope, StreamSession& s, std::span<const GroupLocation> known = {}) {
  const std::vector<std::string> wanted = requested_locations(s);
  std::optional<std::string> on_demand;
  for (const std::string& name : wanted) {
    auto it = std::find_if(known.begin(), known.end(), [&](const GroupLocation& l) { return l.name == name; });
    auto loc = it != known.end() ? std::optional<GroupLocation>(*it) : repo::find_location(db, scope, s.group_id, name);
    if (!loc) continue;
    const PlacementKind kind = placement_kind(*loc);
    if (kind == PlacementKind::Idle) {
      s.location = name;
      s.placed = true;
      s.on_demand = false;
      return true;
    }
    if (kind == PlacementKind::OnDemand && !on_demand) on_demand = name;
  }
  if (on_demand) {
    s.location = *on_demand;
    s.placed = true;
    s.on_demand = true;
    return true;
  }
  s.location = wanted.front();
  s.placed = false;
  return false;
}

// The placement timeout of a session that waits for capacity (StartStreamSession's
// documentation): 75 s for always-on capacity; where capacity can be
// allocated on demand, 90 s for Linux and Proton runtimes, 10 minutes for Windows.
std::string_view placement_timeout_name(Store& db, const Scope& scope, const StreamSession& s) {
  bool on_demand = false;
  for (const std::string& name : requested_locations(s))
    if (auto loc = repo::find_location(db, scope, s.group_id, name)) on_demand |= offers_on_demand(*loc);
  if (!on_demand) return "placementTimeoutSeconds";
  auto app = repo::find_application(db, scope, s.app_id);
  return app && is_windows_runtime(app->runtime_type) ? "windowsOnDemandPlacementTimeoutSeconds"
                                                       : "onDemandPlacementTimeoutSeconds";
}

// The export of an ended session fails (an injected fault that fell due).
void fail_export(StreamSession& s) {
  s.export_status = "FAILED";
  s.export_reason = "The export of the stream session's files failed (fault injected by gls-local)";
}

void finish_export(Step& step) {
  StreamSession& s = step.resource;
  if (s.export_status != "PENDING") return;
  if (s.status == S::Error) {
    s.export_status = "FAILED";
    s.export_reason = "The stream session ended in ERROR (" + s.status_reason.value_or("internalError") +
                      ") before its files could be exported";
    return;
  }
  if (s.export_fails_at_ms) {
    // An injected fault: the export fails now, or when the fault falls due.
    if (step.at >= *s.export_fails_at_ms)
      fail_export(s);
    else
      step.owner.engine().arm(step.db, step.scope, s, T::ExportFailed, *s.export_fails_at_ms);
    return;
  }
  s.export_status = "SUCCEEDED";
  s.export_reason.reset();
  const EmulatorConfig& config = step.core.config();
  if (!config.export_dir.empty() && s.export_uri) {
    auto written = write_export_archive(config.export_dir, step.scope, s, step.at);
    if (!written) {
      s.export_status = "FAILED";
      s.export_reason = written.error().message;
    }
  }
}

void place(Step& step) {
  if (try_place(step.db, step.scope, step.resource, step.owner.locations_at_start()))
    offer_to_peers(step.owner.signalling(), step.scope, step.resource);
}

// A session is placed in every running status (also when an admin forces it there).
void hold(Step& step) { step.resource.placed = true; }

void answer(Step& step) {
  step.resource.placed = true;
  // The stream has answered the client's offer (CreateStreamSessionConnection
  // has already stored the answer to a new offer).
  StreamSession& s = step.resource;
  if (!s.signal_response)
    s.signal_response = step.owner.signalling().respond(SessionLifecycle::peer_key(step.scope, s),
                                                        read_signal_request(s.signal_request), step.core.ids(), true);
}

// The session's stream is over: its live peer, if any, closes.
void end_stream(Step& step) {
  step.owner.signalling().peers()->close(SessionLifecycle::peer_key(step.scope, step.resource));
}

// The session has ended: its stream and export finish and its unit of capacity is given back.
void finish(Step& step) {
  end_stream(step);
  finish_export(step);
  step.follow_up = step.resource.placed;
  step.resource.placed = false;
}

// Only once the session is written does its unit count as free.
void place_others(Step& step) {
  if (step.follow_up)
    step.cascades.capacity_freed(step.db, step.scope, step.resource.group_id, step.at);
}

bool placed(const Step& step) { return step.resource.placed; }
bool waiting(const Step& step) { return !step.resource.placed; }
// The simulated client counts from the delivery of the answer: a
// reconnection's was delivered before re-entering ACTIVE; a new session's is
// delivered by GetStreamSession (SessionLifecycle::answer_delivered).
bool auto_connects(const Step& step) {
  return step.core.config().auto_connect_ms.has_value() && step.from == S::Reconnecting;
}

// ---- what a timer means ----------------------------------------------------------

bool answer_offer(Firing& f) {
  const SignalRequest request = read_signal_request(f.resource.signal_request);
  if (request.kind == SignalKind::NoClient) {
    f.event = E::PlacedWithoutClient;
  } else if (request.kind == SignalKind::Invalid) {
    spdlog::info("stream session {}: {}", f.resource.id, request.problem);
    f.event = E::SignalRejected;
  }
  return true;
}

bool answer_new_offer(Firing& f) {
  if (f.timer.detail == kRejectedOffer) f.event = E::SignalRejected;
  return true;
}

bool fail_with_detail(Firing& f) {
  f.reason = f.timer.detail.empty() ? "internalError" : f.timer.detail;
  return true;
}

bool fail_pending_export(Firing& f) {
  if (f.resource.export_status == "PENDING") {
    fail_export(f.resource);
    repo::update_session_state(f.db, f.scope, f.resource);
  }
  return false;  // not a status change
}

std::optional<int64_t> session_end(const StreamSession& s) { return s.created_ms + s.session_length_s * 1000; }
bool not_terminating(const StreamSession& s) { return s.status != S::Terminating; }

// clang-format off
// The whole state machine. A (status, event) pair that is not here is refused.
constexpr Transition<S, E> kRows[] = {
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

    // TerminateStreamSession's documentation: any status but ACTIVATING can be
    // terminated, and the session then goes TERMINATING. A session in ERROR
    // holds no capacity any more; it ends TERMINATED, apiTerminated.
    {S::Error,                     E::TerminateRequested,  S::Terminating,               R::Set,   "apiTerminated"},
};

// Termination asked of a session that is not running: an ending session is
// left as it is, one still being placed cannot be stopped yet.
constexpr Answer<S, E> kAnswers[] = {
    {S::Activating,  E::TerminateRequested, "cannot be terminated until it leaves ACTIVATING"},
    {S::Terminating, E::TerminateRequested},
    {S::Terminated,  E::TerminateRequested},
};

// The timers each status arms on entry, `duration` after it.
constexpr StatusTimer<SessionMachine> kTimers[] = {
    {S::Activating,                T::Placed,              "placementSeconds",        placed},
    {S::Activating,                T::PlacementTimeout,    "placementTimeoutSeconds", waiting},
    {S::Active,                    T::ConnectionTimeout,   "connectionTimeoutSeconds"},
    {S::Active,                    T::AutoConnect,         "autoConnectSeconds",      auto_connects},
    {S::Connected,                 T::IdleTimeout,         "idleTimeoutSeconds"},
    {S::PendingClientReconnection, T::ReconnectionTimeout, "connectionTimeoutSeconds"},
    {S::Reconnecting,              T::Reconnected,         "reconnectingSeconds"},
    {S::Terminating,               T::Terminated,          "terminatingSeconds"},
};

constexpr LifetimeTimer<SessionMachine> kLifetimeTimers[] = {
    {T::MaxSessionLength, session_end, not_terminating},
};

// What entering a status does; an ending status ends every deadline of the session.
constexpr StatusEntry<SessionMachine> kEntries[] = {
    // status                      ends timers  entry action  after the write
    {S::Activating,                false,       place},
    {S::Active,                    false,       answer},
    {S::Connected,                 false,       hold},
    {S::PendingClientReconnection, false,       hold},
    {S::Reconnecting,              false,       hold},
    {S::Terminating,               true,        end_stream},
    {S::Terminated,                true,        finish,       place_others},
    {S::Error,                     true,        finish,       place_others},
};

constexpr TimerEventRow<SessionMachine> kTimerEvents[] = {
    // timer                  stored as              fires                     cause         interpreted by
    {T::Placed,               "placed",              E::Placed,                Cause::Timer, answer_offer},
    {T::PlacementTimeout,     "placementTimeout",    E::PlacementTimeout},
    {T::ConnectionTimeout,    "connectionTimeout",   E::ConnectionTimeout},
    {T::AutoConnect,          "autoConnect",         E::ClientConnected},
    {T::IdleTimeout,          "idleTimeout",         E::IdleTimeout},
    {T::ReconnectionTimeout,  "reconnectionTimeout", E::ReconnectionTimeout},
    {T::Reconnected,          "reconnected",         E::Reconnected,           Cause::Timer, answer_new_offer},
    {T::Terminated,           "terminated",          E::Terminated},
    {T::MaxSessionLength,     "maxSessionLength",    E::MaxSessionLength},
    {T::FaultApplicationExit, "applicationExit",     E::ApplicationExited,     Cause::Fault},
    {T::FaultFail,            "fail",                E::Failed,                Cause::Fault, fail_with_detail},
    {T::ExportFailed,         "exportFailed",        E::Failed,                Cause::Fault, fail_pending_export},
};
// clang-format on

}  // namespace

const LifecycleTables<SessionMachine> SessionMachine::kTables = {
    gls::kRows, gls::kTimers, gls::kLifetimeTimers, gls::kEntries, gls::kTimerEvents, gls::kAnswers};

int64_t SessionMachine::duration_ms(Core& core, Store& db, const Scope& scope, const StreamSession& s,
                                    std::string_view name) {
  // Which placement: on an idle unit or on one allocated on demand; which
  // timeout: by the capacity waited for and the application's platform.
  if (name == "placementSeconds" && s.on_demand) name = "onDemandPlacementSeconds";
  if (name == "placementTimeoutSeconds") name = placement_timeout_name(db, scope, s);
  // The session's own durations first: its request's, then its admin overrides.
  if (name == "connectionTimeoutSeconds") return s.connection_timeout_s * 1000;
  if (name == "autoConnectSeconds") return core.config().auto_connect_ms.value_or(0);
  if (s.timings_json) {
    SmallJson d;
    d.Parse(s.timings_json->c_str());
    if (!d.HasParseError() && d.IsObject() && d.HasMember(name.data()) && d[name.data()].IsNumber())
      return seconds_to_ms(d[name.data()].GetDouble());
  }
  return core.timings().millis("streamSession", name);
}

void SessionMachine::save(Store& db, const Scope& scope, const StreamSession& s, int64_t) {
  repo::update_session_state(db, scope, s);
}

template <class F>
void SessionMachine::visit(Core&, Store& db, const Scope& scope, std::string_view key, F&& f) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return;
  auto found = repo::find_session(db, scope, key.substr(0, slash), key.substr(slash + 1));
  if (found) f(*found);
}

template class Lifecycle<SessionMachine>;

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

bool is_error_reason(std::string_view r) {
  return r == "internalError" || r == "invalidSignalRequest" || r == "placementTimeout" ||
         r == "applicationLogS3DestinationError" || r == "assumeRoleFailed";
}

bool is_termination_reason(std::string_view r) {
  return r == "apiTerminated" || r == "applicationExit" || r == "connectionTimeout" || r == "reconnectionTimeout" ||
         r == "maxSessionLengthTimeout" || r == "idleTimeout";
}

void SessionLifecycle::start(Store& db, const Scope& scope, StreamSession& s, int64_t at,
                             std::span<const GroupLocation> group_locations) {
  s.created_ms = at;
  locations_at_start_ = group_locations;
  struct Forget {
    std::span<const GroupLocation>& locations;
    ~Forget() { locations = {}; }
  } forget{locations_at_start_};
  engine_.start(db, scope, s, S::Activating, at, Cause::Api);
}

Status SessionLifecycle::force(Store& db, const Scope& scope, StreamSession& s, SessionStatus to,
                               std::optional<std::string> reason, bool force, int64_t at) {
  if (!force && !reachable(s.status, to))
    return engine_.force(db, scope, s, to, std::move(reason), false, at);  // refused, with the engine's words
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
  return engine_.force(db, scope, s, to, std::move(reason), true, at);
}

Status SessionLifecycle::user_input(Store& db, const Scope& scope, StreamSession& s, int64_t at) {
  if (s.status != S::Connected)
    return conflict("Stream session " + s.id + " is " + std::string(to_string(s.status)) +
                    "; user input needs a CONNECTED session");
  engine_.rearm(db, scope, s, T::IdleTimeout, at);
  return ok();
}

void SessionLifecycle::answer_delivered(Store& db, const Scope& scope, const StreamSession& s, int64_t at) {
  const auto delay = core_.config().auto_connect_ms;
  if (!delay || s.status != S::Active || !s.signal_response || engine_.due(db, scope, s, T::AutoConnect)) return;
  engine_.arm(db, scope, s, T::AutoConnect, at + *delay);
}

void SessionLifecycle::reject_offer(Store& db, const Scope& scope, const StreamSession& s) {
  auto due = engine_.due(db, scope, s, T::Reconnected);
  if (!due) return;
  engine_.cancel(db, scope, s, T::Reconnected);
  engine_.arm(db, scope, s, T::Reconnected, *due, kRejectedOffer);
}

void SessionLifecycle::place_waiting(Store& db, const Scope& scope, const std::string& group_id, int64_t at) {
  for (StreamSession& w : repo::waiting_sessions(db, scope, group_id)) {
    if (!try_place(db, scope, w)) continue;
    offer_to_peers(signalling_, scope, w);
    engine_.rearm(db, scope, w, at);  // the placement timer replaces the placement timeout
    repo::update_session_state(db, scope, w);
  }
}

}  // namespace gls
