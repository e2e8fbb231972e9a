#include "chaos/lifecycle_faults.hpp"

#include <cmath>

#include "state/store/repository.hpp"

namespace gls {

namespace {

// The session lifecycle's timer kind and the events it fires with cause
// "fault" (see SessionLifecycle::on_timer), and the placement timers a
// placement fault replaces.
constexpr std::string_view kKind = "streamsession";
constexpr std::string_view kFail = "fail";
constexpr std::string_view kApplicationExit = "applicationExit";
constexpr std::string_view kPlaced = "placed";
constexpr std::string_view kPlacementTimeout = "placementTimeout";

}  // namespace

LifecycleFaults::LifecycleFaults(Emulator& emu) : emu_(emu) {}

Status LifecycleFaults::apply(const Scope& scope, const std::string& group_id, const std::string& session_id,
                              const FaultHit& hit) {
  if (!hit.lifecycle) return ok();
  const std::string key = group_id + "/" + session_id;
  return emu_.transact([&](Store& db, int64_t) -> Status {
    auto s = repo::find_session(db, scope, group_id, session_id);
    if (!s) return not_found("Stream session " + session_id + " was not found in stream group " + group_id);
    Scheduler& scheduler = emu_.scheduler();
    const int64_t start = s->created_ms;
    auto after = [&](int64_t default_ms) {
      return hit.after_seconds ? start + seconds_to_ms(*hit.after_seconds) : default_ms;
    };
    const auto placed = scheduler.due(db, scope, kKind, key, kPlaced);
    const int64_t placement_ms = emu_.timings().millis("streamSession", "placementSeconds");
    switch (*hit.lifecycle) {
      case LifecycleFault::PlacementTimeout:
        // The session waits for capacity that never comes.
        scheduler.cancel_events(db, scope, kKind, key, kPlaced, kPlacementTimeout);
        scheduler.arm(db, scope, kKind, key, kFail,
                      after(start + emu_.timings().millis("streamSession", "placementTimeoutSeconds")),
                      "placementTimeout");
        break;
      case LifecycleFault::InvalidSignalRequest:
        // The stream answers the offer with a rejection instead of going ACTIVE.
        scheduler.cancel(db, scope, kKind, key, kPlaced);
        scheduler.arm(db, scope, kKind, key, kFail, after(placed.value_or(start + placement_ms)),
                      "invalidSignalRequest");
        break;
      case LifecycleFault::InternalError:
        scheduler.arm(db, scope, kKind, key, kFail, after(start), "internalError");
        break;
      case LifecycleFault::ApplicationExit:
        // Armed after the placement timer, so at the same due time it fires once the session is ACTIVE.
        scheduler.arm(db, scope, kKind, key, kApplicationExit, after(placed.value_or(start + placement_ms)));
        break;
      case LifecycleFault::ExportFailed:
        // Kept with the session: its export fails when it ends, or at this
        // time if it has ended by then.
        s->export_fails_at_ms = after(start);
        repo::update_session(db, scope, *s);
        break;
    }
    return ok();
  });
}


}  // namespace gls
