// The locations of a stream group: adding, removing and forcing them, and
// how the group follows them.
#include <algorithm>

#include "state/core.hpp"
#include "state/store/repository.hpp"
#include "state/stream_groups/group_configuration.hpp"
#include "state/stream_groups/stream_groups.hpp"
#include "state/stream_groups/streaming_locations.hpp"

namespace gls {

namespace {

using L = LocationStatus;

std::string status_text(StreamGroupStatus s) { return std::string(to_string(s)); }

}  // namespace

void StreamGroups::settle(Store& db, const Scope& scope, StreamGroup& g, int64_t at, Cause cause) {
  bool changing = false, failed = false;
  for (const GroupLocation& l : g.locations) {
    changing |= l.status == L::Activating || l.status == L::Removing;
    failed |= l.status == L::Error;
  }
  const StreamGroupEvent e = changing ? StreamGroupEvent::LocationsChanging
                             : failed ? StreamGroupEvent::LocationsSettledWithErrors
                                      : StreamGroupEvent::LocationsSettled;
  // Only the statuses that follow their locations have rows for these events.
  if (StreamGroupLifecycle::find(g.status, e)) (void)lifecycle_.apply(db, scope, g, e, at, cause);
}

Status StreamGroups::add_location_rows(Store& db, const Scope& scope, StreamGroup& g,
                                       const std::vector<LocationConfig>& configs, int64_t at,
                                       std::vector<std::string>* added) {
  const int64_t tenancy = stream_class_tenancy(g.stream_class);
  for (const LocationConfig& c : configs) {
    if (find_group_location(g, c.name))
      return validation("Location " + c.name + " is already a location of stream group " + g.id);
    if (auto st = check_streaming_location(scope.region, c.name, g.stream_class,
                                           "locationConfigurations.member.locationName");
        !st)
      return st;
    GroupLocation l;
    l.name = c.name;
    l.added_ms = at;
    if (auto st = configure(l, c, tenancy, g.stream_class, true); !st) return st;
    g.locations.push_back(std::move(l));
    GroupLocationRef ref{g, g.locations.back()};
    location_lifecycle_.start(db, scope, ref, L::Activating, at);
    repo::insert_location(db, scope, g.id, ref.location, at);
    if (added) added->push_back(c.name);
  }
  return ok();
}

// ---- the API ------------------------------------------------------------------------------

Result<std::pair<StreamGroup, std::vector<std::string>>> StreamGroups::add_locations(
    const Scope& scope, std::string_view identifier, const std::vector<LocationConfig>& locations) {
  return core_.transact([&](Store& db, int64_t now) -> Result<std::pair<StreamGroup, std::vector<std::string>>> {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (!configurable(g->status))
      return validation("Stream group " + g->id + " is " + status_text(g->status) +
                        "; locations can be added only when it is ACTIVE");
    std::vector<std::string> added;
    if (auto st = add_location_rows(db, scope, *g, locations, now, &added); !st) return std::move(st).take_error();
    settle(db, scope, *g, now, Cause::Api);
    return std::pair{*repo::find_stream_group(db, scope, g->id), added};
  });
}

Status StreamGroups::remove_locations(const Scope& scope, std::string_view identifier,
                                      const std::vector<std::string>& names) {
  return core_.transact([&](Store& db, int64_t now) -> Status {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (!configurable(g->status))
      return validation("Stream group " + g->id + " is " + status_text(g->status) +
                        "; locations can be removed only when it is ACTIVE");
    for (const std::string& name : names) {
      if (!g->locations.empty() && g->locations.front().name == name)
        return validation("Location " + name + " is the primary location of stream group " + g->id +
                          " and cannot be removed; set its capacity to 0 instead");
      GroupLocation* l = find_group_location(*g, name);
      if (!l) return validation("Location " + name + " is not a location of stream group " + g->id);
      if (l->status == L::Removing) continue;
      GroupLocationRef ref{*g, *l};
      (void)location_lifecycle_.apply(db, scope, ref, LocationEvent::Remove, now, Cause::Api);
    }
    settle(db, scope, *g, now, Cause::Api);
    return ok();
  });
}

// ---- admin ---------------------------------------------------------------------------------

Result<StreamGroup> StreamGroups::force_location_status(const Scope& scope, std::string_view identifier,
                                                        std::string_view location, std::string_view status,
                                                        bool force) {
  auto to = parse_enum<LocationStatus>(status);
  if (!to)
    return validation("'" + std::string(status) +
                      "' is not a location status; the statuses are ACTIVATING, ACTIVE, ERROR and REMOVING");
  return core_.transact([&](Store& db, int64_t now) -> Result<StreamGroup> {
    auto g = require(db, scope, identifier);
    if (!g) return g;
    GroupLocation* l = find_group_location(*g, location);
    if (!l) return not_found("Location " + std::string(location) + " is not a location of stream group " + g->id);
    GroupLocationRef ref{*g, *l};
    if (auto st = location_lifecycle_.force(db, scope, ref, *to, std::nullopt, force, now); !st)
      return std::move(st).take_error();
    settle(db, scope, *g, now, Cause::Admin);
    return *repo::find_stream_group(db, scope, g->id);
  });
}

Result<std::vector<HistoryEntry>> StreamGroups::location_history(const Scope& scope, std::string_view identifier,
                                                                 std::string_view location) {
  return core_.transact([&](Store& db, int64_t) -> Result<std::vector<HistoryEntry>> {
    auto id = resolve_id(scope, identifier, ResourceType::StreamGroup);
    if (!id) return std::move(id).take_error();
    auto entries = repo::history(db, scope, LocationMachine::kKind, location_key(*id, location));
    if (entries.empty())
      return not_found("Location " + std::string(location) + " of stream group " + *id + " was not found");
    return entries;
  });
}

}  // namespace gls
