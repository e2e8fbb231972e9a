#include "chaos/lifecycle_faults.hpp"

#include "observe/metrics.hpp"

namespace gls {

void LifecycleFaults::apply(Store& db, const Scope& scope, StreamSession& s, const FaultHit& hit) {
  if (!hit.lifecycle) return;
  using T = SessionTimer;
  SessionLifecycle::Engine& timers = emu_.session_lifecycle().engine();
  const int64_t start = s.created_ms;
  auto after = [&](int64_t default_ms) {
    return hit.after_seconds ? start + seconds_to_ms(*hit.after_seconds) : default_ms;
  };
  const auto placed = timers.due(db, scope, s, T::Placed);
  const int64_t placement_ms = emu_.timings().millis("streamSession", "placementSeconds");
  switch (*hit.lifecycle) {
    case LifecycleFault::PlacementTimeout:
      // The session waits for capacity that never comes.
      timers.cancel(db, scope, s, T::Placed);
      timers.cancel(db, scope, s, T::PlacementTimeout);
      // By default at the session's own placement timeout (by capacity type and platform).
      timers.arm(db, scope, s, T::FaultFail,
                 after(start + SessionMachine::duration_ms(emu_, db, scope, s, "placementTimeoutSeconds")),
                 "placementTimeout");
      break;
    case LifecycleFault::InvalidSignalRequest:
      // The stream answers the offer with a rejection instead of going ACTIVE.
      timers.cancel(db, scope, s, T::Placed);
      timers.arm(db, scope, s, T::FaultFail, after(placed.value_or(start + placement_ms)), "invalidSignalRequest");
      break;
    case LifecycleFault::InternalError:
      timers.arm(db, scope, s, T::FaultFail, after(start), "internalError");
      break;
    case LifecycleFault::ApplicationExit:
      // Armed after the placement timer, so at the same due time it fires once the session is ACTIVE.
      timers.arm(db, scope, s, T::FaultApplicationExit, after(placed.value_or(start + placement_ms)));
      break;
    case LifecycleFault::ExportFailed:
      // Kept with the session: its export fails when it ends, or at this
      // time if it has ended by then.
      s.export_fails_at_ms = after(start);
      break;
  }
}

void LifecycleFaults::RequestHook::started(Store& db, const Scope& scope, StreamSession& s) {
  auto hit = faults_.rules_.for_new_session(input_);
  if (!hit) return;
  record_.fault_rule = hit->rule_id;
  record_.fault_type = std::string(hit->type());
  if (metrics_) metrics_->observe_fault(hit->rule_id, hit->type());
  faults_.apply(db, scope, s, *hit);
}

}  // namespace gls
