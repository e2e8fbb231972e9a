// A stream group and its locations: their records, statuses, capacity
// arithmetic and bindings (API member <-> field <-> column).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/store/binding.hpp"
#include "state/store/enum_names.hpp"

namespace gls {

enum class StreamGroupStatus { Activating, UpdatingLocations, Active, ActiveWithErrors, Error, Deleting, Expired };
template <> inline constexpr std::string_view kEnumNames<StreamGroupStatus> = "ACTIVATING UPDATING_LOCATIONS ACTIVE ACTIVE_WITH_ERRORS ERROR DELETING EXPIRED";
static_assert(to_string(StreamGroupStatus::Expired) == "EXPIRED", "one name per value, in declaration order");

enum class LocationStatus { Activating, Active, Error, Removing };
template <> inline constexpr std::string_view kEnumNames<LocationStatus> = "ACTIVATING ACTIVE ERROR REMOVING";
static_assert(to_string(LocationStatus::Removing) == "REMOVING", "one name per value, in declaration order");

struct GroupLocation {
  std::string name;
  LocationStatus status = LocationStatus::Activating;
  int64_t always_on = 0;
  std::optional<int64_t> on_demand;
  std::optional<int64_t> target_idle;
  std::optional<int64_t> maximum;
  std::optional<std::string> vpc_json;
  int64_t added_ms = 0;  // when the location joined the group
  // While an increase of AlwaysOnCapacity is being provisioned: the always-on
  // units already in place (the rest count once provisioned).
  std::optional<int64_t> provisioning_from;
  // Derived from the sessions running there, never stored: how many hold a unit.
  int64_t allocated = 0;
};

struct StreamGroup {
  std::string id;
  std::string description;
  std::string stream_class;
  std::optional<std::string> default_app_id;
  StreamGroupStatus status = StreamGroupStatus::Activating;
  std::optional<std::string> status_reason;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::optional<int64_t> expires_ms;
  int64_t seq = 0;  // creation order, given by the store
  std::vector<GroupLocation> locations;    // primary first
  std::vector<std::string> app_ids;        // associated applications
};

// The always-on units in place: an increase counts once it is provisioned.
int64_t ready_always_on(const GroupLocation& l);
// How many sessions a location can run at once.
int64_t session_capacity(const GroupLocation& l);
// What the service reports for a location: capacity provisioned (running
// sessions plus the idle units it keeps) and the idle part of it.
// A location that is not ACTIVE yet (ACTIVATING) has none provisioned.
int64_t allocated_capacity(const GroupLocation& l);
int64_t idle_capacity(const GroupLocation& l);
// The figures GetStreamGroup reports: an EXPIRED group can no longer stream,
// so it keeps no idle capacity.
struct CapacityFigures {
  int64_t allocated = 0;
  int64_t idle = 0;
};
CapacityFigures capacity_figures(StreamGroupStatus group_status, const GroupLocation& l);

// How one more session can be placed in a location: on an idle unit
// (always-on or target-idle capacity, near-instant), on a unit allocated on
// demand up to the maximum (slower), or not at all.
enum class PlacementKind { None, Idle, OnDemand };
PlacementKind placement_kind(const GroupLocation& l);
// Whether the location may allocate capacity on demand beyond its always-on units.
bool offers_on_demand(const GroupLocation& l);

// How many sessions one compute unit of a stream class hosts (the API
// documentation's "tenancy"); 0 for an unknown class.
int64_t stream_class_tenancy(std::string_view stream_class);
// The GPU family of a stream class ("gen4n", "gen5n", "gen6n", "gen6e").
std::string_view stream_class_family(std::string_view stream_class);

namespace stream_group_binding {
using namespace binding;
using G = StreamGroup;
using L = GroupLocation;
inline constexpr auto kGroupStatus = enum_field<G, StreamGroupStatus, &G::status, &parse_enum<StreamGroupStatus>>();

inline constexpr Field<G> kGroupFields[] = {
    {"Id", "id", &G::id, Form::Plain, kFull | kSummary},
    {"Description", "description", &G::description, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"StreamClass", "stream_class", &G::stream_class, Form::Plain, kFull | kSummary | kImport},
    {"", "default_app_id", &G::default_app_id, Form::Plain, kMutable},
    {"Status", "status", kGroupStatus, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"StatusReason", "status_reason", &G::status_reason, Form::Plain, kFull | kImport | kMutable},
    {"CreatedAt", "created_ms", &G::created_ms, Form::Time, kFull | kSummary | kImport},
    {"LastUpdatedAt", "updated_ms", &G::updated_ms, Form::Time, kFull | kSummary | kImport | kMutable},
    {"ExpiresAt", "expires_ms", &G::expires_ms, Form::Time, kFull | kSummary | kImport | kMutable},
    {"", "seq", &G::seq, Form::Plain, kAssigned},
};

inline constexpr auto kLocationStatus = enum_field<L, LocationStatus, &L::status, &parse_enum<LocationStatus>>();

inline constexpr Field<L> kLocationFields[] = {
    {"LocationName", "location", &L::name, Form::Plain, kFull | kImport},
    {"Status", "status", kLocationStatus, Form::Plain, kFull | kImport | kMutable},
    {"AlwaysOnCapacity", "always_on", &L::always_on, Form::Plain, kFull | kImport | kMutable},
    {"OnDemandCapacity", "on_demand", &L::on_demand, Form::Plain, kFull | kImport | kMutable | kZeroWhenAbsent},
    {"TargetIdleCapacity", "target_idle", &L::target_idle, Form::Plain, kFull | kImport | kMutable},
    {"MaximumCapacity", "maximum", &L::maximum, Form::Plain, kFull | kImport | kMutable},
    {"VpcTransitConfiguration", "vpc", &L::vpc_json, Form::Json, kFull | kImport | kMutable},
    {"", "added_ms", &L::added_ms},
    {"", "provisioning_from", &L::provisioning_from, Form::Plain, kMutable},
};
}  // namespace stream_group_binding
// Every column of stream_groups except the scope, in the table's order;
// DefaultApplication, LocationStates and AssociatedApplications are rendered
// by hand. A location's columns of group_locations (not its group, position
// or scope); the capacity figures the service derives are rendered by hand.
inline binding::Fields<StreamGroup> stream_group_fields() { return stream_group_binding::kGroupFields; }
inline binding::Fields<GroupLocation> location_fields() { return stream_group_binding::kLocationFields; }

}  // namespace gls
