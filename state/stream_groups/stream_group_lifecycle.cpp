#include "state/stream_groups/stream_group_lifecycle.hpp"

#include "state/cascades.hpp"
#include "state/lifecycle/lifecycle_impl.hpp"
#include "state/stream_groups/stream_groups.hpp"
#include "state/tags/tags.hpp"

namespace gls {

namespace {

using G = StreamGroupStatus;
using GE = StreamGroupEvent;
using GT = StreamGroupTimer;
using L = LocationStatus;
using LE = LocationEvent;
using LT = LocationTimer;
using R = ReasonRule;

// ---- the group ------------------------------------------------------------------------

// The group's capacity is up: sessions waiting for a unit may find one.
void place_waiting(LifecycleStep<StreamGroupMachine>& step) {
  step.cascades.capacity_freed(step.db, step.scope, step.resource.id, step.at);
}

void end_group_sessions(LifecycleStep<StreamGroupMachine>& step) {
  step.cascades.stream_group_deleting(step.db, step.scope, step.resource.id, step.at);
}

// The group comes up with its locations: those still activating become ACTIVE with it.
bool activate_locations(TimerFiring<StreamGroupMachine>& f) {
  StreamGroup& g = f.resource;
  if (g.status != G::Activating) return false;
  LocationLifecycle& locations = f.owner.location_lifecycle();
  bool failed = false;
  for (GroupLocation& l : g.locations) {
    GroupLocationRef ref{g, l};
    if (l.status == L::Activating) (void)locations.apply(f.db, f.scope, ref, LE::Activated, f.timer.due_ms, f.cause);
    failed |= l.status == L::Error;
  }
  f.event = failed ? GE::ActivatedWithErrors : GE::Activated;
  return true;
}

bool delete_group(TimerFiring<StreamGroupMachine>& f) {
  if (f.resource.status == G::Deleting)
    f.owner.lifecycle().end(f.db, f.scope, f.resource, f.timer.due_ms);
  return false;  // the group is gone, not in another status
}

std::optional<int64_t> expiry(const StreamGroup& g) { return g.expires_ms; }
bool may_expire(const StreamGroup& g) { return g.status != G::Expired && g.status != G::Deleting; }

// clang-format off
constexpr Transition<G, GE> kGroupRows[] = {
    // from                event                           to                     StatusReason
    {G::Activating,        GE::Activated,                  G::Active,             R::Clear},
    {G::Activating,        GE::ActivatedWithErrors,        G::ActiveWithErrors,   R::Clear},
    {G::Activating,        GE::Fail,                       G::Error,              R::FromEvent},
    {G::Activating,        GE::Delete,                     G::Deleting,           R::Clear},
    {G::Active,            GE::LocationsChanging,          G::UpdatingLocations,  R::Clear},
    {G::Active,            GE::LocationsSettledWithErrors, G::ActiveWithErrors,   R::Clear},
    {G::Active,            GE::Fail,                       G::Error,              R::FromEvent},
    {G::Active,            GE::Expire,                     G::Expired,            R::Clear},
    {G::Active,            GE::Delete,                     G::Deleting,           R::Clear},
    {G::ActiveWithErrors,  GE::LocationsChanging,          G::UpdatingLocations,  R::Clear},
    {G::ActiveWithErrors,  GE::LocationsSettled,           G::Active,             R::Clear},
    {G::ActiveWithErrors,  GE::Fail,                       G::Error,              R::FromEvent},
    {G::ActiveWithErrors,  GE::Expire,                     G::Expired,            R::Clear},
    {G::ActiveWithErrors,  GE::Delete,                     G::Deleting,           R::Clear},
    {G::UpdatingLocations, GE::LocationsSettled,           G::Active,             R::Clear},
    {G::UpdatingLocations, GE::LocationsSettledWithErrors, G::ActiveWithErrors,   R::Clear},
    {G::UpdatingLocations, GE::Fail,                       G::Error,              R::FromEvent},
    {G::UpdatingLocations, GE::Expire,                     G::Expired,            R::Clear},
    {G::UpdatingLocations, GE::Delete,                     G::Deleting,           R::Clear},
    {G::Error,             GE::Expire,                     G::Expired,            R::Clear},
    {G::Error,             GE::Delete,                     G::Deleting,           R::Clear},
    {G::Expired,           GE::Delete,                     G::Deleting,           R::Clear},
};

constexpr StatusTimer<StreamGroupMachine> kGroupTimers[] = {
    {G::Activating, GT::Activated, "activatingSeconds"},
    {G::Deleting,   GT::Deleted,   "deletingSeconds"},
};

constexpr LifetimeTimer<StreamGroupMachine> kGroupLifetimeTimers[] = {
    {GT::Expired, expiry, may_expire},
};

constexpr StatusEntry<StreamGroupMachine> kGroupEntries[] = {
    // status           ends timers  entry action  after the write
    {G::Active,           false,     nullptr,      place_waiting},
    {G::ActiveWithErrors, false,     nullptr,      place_waiting},
    {G::Deleting,         false,     nullptr,      end_group_sessions},
};

constexpr TimerEventRow<StreamGroupMachine> kGroupTimerEvents[] = {
    {GT::Activated, "activated", GE::Activated, Cause::Timer, activate_locations},
    {GT::Expired,   "expired",   GE::Expire},
    {GT::Deleted,   "deleted",   GE::Delete,    Cause::Timer, delete_group},
};
// clang-format on

// ---- a location -----------------------------------------------------------------------

bool group_is_up(const LifecycleStep<LocationMachine>& step) {
  // Locations of an activating group come up with it (its own timer).
  return step.resource.group.status != G::Activating;
}

void location_up(LifecycleStep<LocationMachine>& step) {
  step.owner.settle(step.db, step.scope, step.resource.group, step.at, step.cause);
  step.cascades.capacity_freed(step.db, step.scope, step.resource.group.id, step.at);
}

void end_location_sessions(LifecycleStep<LocationMachine>& step) {
  step.cascades.location_removing(step.db, step.scope, step.resource.group.id, step.resource.location.name,
                                  step.at);
}

bool remove_location(TimerFiring<LocationMachine>& f) {
  StreamGroup& g = f.resource.group;
  if (f.resource.location.status != L::Removing) return false;
  f.owner.location_lifecycle().end(f.db, f.scope, f.resource, f.timer.due_ms);
  g.locations.erase(g.locations.begin() + (&f.resource.location - g.locations.data()));
  f.owner.settle(f.db, f.scope, g, f.timer.due_ms, Cause::Timer);
  return false;  // the location is gone, not in another status
}

// An increase of AlwaysOnCapacity is in place: the new units are allocated
// (and idle, so waiting sessions take them).
bool capacity_provisioned(TimerFiring<LocationMachine>& f) {
  f.resource.location.provisioning_from.reset();
  repo::update_location(f.db, f.scope, f.resource.group.id, f.resource.location, f.timer.due_ms);
  f.cascades.capacity_freed(f.db, f.scope, f.resource.group.id, f.timer.due_ms);
  return false;  // not a status change
}

// clang-format off
constexpr Transition<L, LE> kLocationRows[] = {
    // from         event         to
    {L::Activating, LE::Activated, L::Active},
    {L::Activating, LE::Fail,      L::Error},
    {L::Activating, LE::Remove,    L::Removing},
    {L::Active,     LE::Fail,      L::Error},
    {L::Active,     LE::Remove,    L::Removing},
    {L::Error,      LE::Recover,   L::Active},
    {L::Error,      LE::Remove,    L::Removing},
};

constexpr StatusTimer<LocationMachine> kLocationTimers[] = {
    {L::Activating, LT::Activated, "locationActivatingSeconds", group_is_up},
    {L::Removing,   LT::Removed,   "locationRemovingSeconds"},
};

constexpr StatusEntry<LocationMachine> kLocationEntries[] = {
    {L::Active,   false, nullptr, location_up},
    {L::Removing, false, nullptr, end_location_sessions},
};

constexpr TimerEventRow<LocationMachine> kLocationTimerEvents[] = {
    {LT::Activated, "activated", LE::Activated},
    {LT::Removed,   "removed",   LE::Remove,    Cause::Timer, remove_location},
    {LT::CapacityProvisioned, "capacityProvisioned", LE::Activated, Cause::Timer, capacity_provisioned},
};
// clang-format on

}  // namespace

const LifecycleTables<StreamGroupMachine> StreamGroupMachine::kTables = {
    kGroupRows, kGroupTimers, kGroupLifetimeTimers, kGroupEntries, kGroupTimerEvents};

const LifecycleTables<LocationMachine> LocationMachine::kTables = {
    kLocationRows, kLocationTimers, {}, kLocationEntries, kLocationTimerEvents};

std::string_view to_string(StreamGroupEvent e) {
  switch (e) {
    case GE::Activated: return "activated";
    case GE::ActivatedWithErrors: return "activatedWithErrors";
    case GE::LocationsChanging: return "locationsChanging";
    case GE::LocationsSettled: return "locationsSettled";
    case GE::LocationsSettledWithErrors: return "locationsSettledWithErrors";
    case GE::Fail: return "fail";
    case GE::Expire: return "expire";
    case GE::Delete: return "DeleteStreamGroup";
  }
  return "?";
}

std::string_view to_string(LocationEvent e) {
  switch (e) {
    case LE::Activated: return "activated";
    case LE::Fail: return "fail";
    case LE::Recover: return "recover";
    case LE::Remove: return "RemoveStreamGroupLocations";
  }
  return "?";
}

int64_t StreamGroupMachine::duration_ms(Core& core, Store& db, const Scope& scope, const StreamGroup& g,
                                        std::string_view name) {
  return core.duration_ms(db, scope, "streamGroup", g.id, name);
}

void StreamGroupMachine::save(Store& db, const Scope& scope, const StreamGroup& g, int64_t) {
  repo::update_stream_group(db, scope, g);
}

void StreamGroupMachine::erase(Core& core, Store& db, const Scope& scope, StreamGroup& g) {
  for (GroupLocation& l : g.locations)
    core.scheduler().cancel(db, scope, LocationMachine::kKind, LocationMachine::key(GroupLocationRef{g, l}));
  repo::delete_stream_group(db, scope, g.id);
  tags::remove_all(db, scope, stream_group_arn(scope, g.id));
}

template <class F>
void StreamGroupMachine::visit(Core&, Store& db, const Scope& scope, std::string_view key, F&& f) {
  if (auto g = repo::find_stream_group(db, scope, key)) f(*g);
}

int64_t LocationMachine::duration_ms(Core& core, Store& db, const Scope& scope, const GroupLocationRef& r,
                                     std::string_view name) {
  return core.duration_ms(db, scope, "streamGroup", r.group.id, name);
}

void LocationMachine::save(Store& db, const Scope& scope, const GroupLocationRef& r, int64_t at) {
  repo::update_location(db, scope, r.group.id, r.location, at);
}

void LocationMachine::erase(Core&, Store& db, const Scope& scope, GroupLocationRef& r) {
  repo::delete_location(db, scope, r.group.id, r.location.name);
}

template <class F>
void LocationMachine::visit(Core&, Store& db, const Scope& scope, std::string_view key, F&& f) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return;
  auto g = repo::find_stream_group(db, scope, key.substr(0, slash));
  if (!g) return;
  for (GroupLocation& l : g->locations)
    if (l.name == key.substr(slash + 1)) {
      GroupLocationRef ref{*g, l};
      f(ref);
      return;
    }
}

template class Lifecycle<StreamGroupMachine>;
template class Lifecycle<LocationMachine>;

}  // namespace gls
