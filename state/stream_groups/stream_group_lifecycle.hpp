// The lifecycles of a stream group and of each of its locations, as data for
// the lifecycle engine (state/lifecycle/lifecycle.hpp); the tables are in
// stream_group_lifecycle.cpp.
//
// - group: ACTIVATING -> ACTIVE (or ACTIVE_WITH_ERRORS when a location is in
//   ERROR); UPDATING_LOCATIONS while a location activates or is removed;
//   ERROR through the admin API; EXPIRED at ExpiresAt; DELETING, then gone.
//   Entering DELETING ends the group's sessions; entering ACTIVE places the
//   sessions waiting for capacity.
// - location: ACTIVATING -> ACTIVE (with the group, or on its own when added
//   later); ERROR through the admin API; REMOVING, then gone. Entering
//   REMOVING ends the sessions running there; entering ACTIVE settles the
//   group and places waiting sessions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "state/lifecycle/lifecycle.hpp"
#include "state/store/records.hpp"

namespace gls {

class StreamGroups;

enum class StreamGroupEvent {
  Activated,
  ActivatedWithErrors,
  LocationsChanging,           // a location activates or is being removed
  LocationsSettled,            // every location is ACTIVE
  LocationsSettledWithErrors,  // ... or in ERROR, some of them in ERROR
  Fail,
  Expire,
  Delete,
};
std::string_view to_string(StreamGroupEvent e);

enum class StreamGroupTimer { Activated, Expired, Deleted };

struct StreamGroupMachine : RecordSpec<StreamGroup, StreamGroupStatus, StreamGroupEvent, StreamGroupTimer> {
  using Owner = StreamGroups;
  static constexpr std::string_view kKind = "streamgroup";
  static constexpr std::string_view kGone = "DELETED";

  static const LifecycleTables<StreamGroupMachine> kTables;

  static std::string key(const StreamGroup& g) { return g.id; }
  static std::string describe(const StreamGroup& g) { return "Stream group " + g.id; }
  static int64_t duration_ms(Core& core, Store& db, const Scope& scope, const StreamGroup& g,
                             std::string_view name);
  static void save(Store& db, const Scope& scope, const StreamGroup& g, int64_t at);
  static void erase(Core& core, Store& db, const Scope& scope, StreamGroup& g);
  template <class F>
  static void visit(Core& core, Store& db, const Scope& scope, std::string_view key, F&& f);
};

// A location, with the group it belongs to.
struct GroupLocationRef {
  StreamGroup& group;
  GroupLocation& location;
};

enum class LocationEvent { Activated, Fail, Recover, Remove };
std::string_view to_string(LocationEvent e);

enum class LocationTimer { Activated, Removed, CapacityProvisioned };

struct LocationMachine {
  using Owner = StreamGroups;
  using Resource = GroupLocationRef;
  using State = LocationStatus;
  using Event = LocationEvent;
  using TimerEvent = LocationTimer;
  static constexpr std::string_view kKind = "location";
  static constexpr std::string_view kGone = "REMOVED";

  static const LifecycleTables<LocationMachine> kTables;

  static LocationStatus& status(GroupLocationRef& r) { return r.location.status; }
  static LocationStatus status(const GroupLocationRef& r) { return r.location.status; }
  static std::optional<std::string>* reason(GroupLocationRef&) { return nullptr; }  // locations have none
  static void touch(GroupLocationRef&, int64_t) {}
  static std::string key(const GroupLocationRef& r) { return r.group.id + "/" + r.location.name; }
  static std::string describe(const GroupLocationRef& r) { return "Location " + r.location.name; }
  static bool is_final(LocationStatus) { return false; }
  static int64_t entered_at(const GroupLocationRef& r) { return r.group.updated_ms; }
  static std::string_view event_name(LocationEvent e) { return to_string(e); }
  static int64_t duration_ms(Core& core, Store& db, const Scope& scope, const GroupLocationRef& r,
                             std::string_view name);
  static void save(Store& db, const Scope& scope, const GroupLocationRef& r, int64_t at);
  static void erase(Core& core, Store& db, const Scope& scope, GroupLocationRef& r);
  template <class F>
  static void visit(Core& core, Store& db, const Scope& scope, std::string_view key, F&& f);
};

using StreamGroupLifecycle = Lifecycle<StreamGroupMachine>;
using LocationLifecycle = Lifecycle<LocationMachine>;

extern template class Lifecycle<StreamGroupMachine>;  // instantiated with its tables
extern template class Lifecycle<LocationMachine>;  // instantiated with its tables

}  // namespace gls
