// The stream-group domain: one function per stream-group, location and
// association operation of the API, and the admin actions on groups and
// locations.
//
// Lifecycles: stream_group_lifecycle.hpp, run by the lifecycle engine.
// Deleting a group ends its sessions, removes its associations and revokes
// its stream URLs; removing a location ends the sessions running there.
// Capacity is real: a location runs at most session_capacity() sessions,
// each new unit (a capacity increase, a location becoming ACTIVE) places the
// sessions waiting for one (group_configuration.hpp holds the capacity rules).
//
// Files: stream_groups.cpp (groups and associations), group_locations.cpp
// (locations), group_configuration.cpp (capacity rules).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/fwd.hpp"
#include "state/ids.hpp"
#include "state/store/records.hpp"
#include "state/stream_groups/stream_group_lifecycle.hpp"
#include "state/result.hpp"
#include "state/tags/tags.hpp"

namespace gls {

// One LocationConfiguration of a request; absent capacities keep their value.
struct LocationConfig {
  std::string name;
  std::optional<int64_t> always_on;
  std::optional<int64_t> on_demand;
  std::optional<int64_t> target_idle;
  std::optional<int64_t> maximum;
  std::optional<std::string> vpc_json;
};

struct CreateStreamGroupRequest {
  std::string description;
  std::string stream_class;
  std::optional<std::string> default_app;
  std::vector<LocationConfig> locations;
  TagList tags;
  std::optional<std::string> client_token;
  std::string fingerprint;
};

struct UpdateStreamGroupRequest {
  std::string identifier;
  std::optional<std::string> description;
  std::vector<LocationConfig> locations;
  std::optional<std::string> default_app;
};

struct StreamGroupPage {
  std::vector<StreamGroup> items;
  std::optional<std::string> next_token;
};

class StreamGroups {
 public:
  StreamGroups(Core& core, Cascades& cascades)
      : core_(core), cascades_(cascades), lifecycle_(core, *this, cascades), location_lifecycle_(core, *this, cascades) {}

  // ---- the API
  Result<StreamGroup> create(const Scope& scope, const CreateStreamGroupRequest& r);
  Result<StreamGroup> get(const Scope& scope, std::string_view identifier);
  Result<StreamGroupPage> list(const Scope& scope, const std::optional<std::string>& next_token, int max_results);
  Result<StreamGroup> update(const Scope& scope, const UpdateStreamGroupRequest& r);
  Status remove(const Scope& scope, std::string_view identifier);
  // The group and the names of the locations added.
  Result<std::pair<StreamGroup, std::vector<std::string>>> add_locations(const Scope& scope,
                                                                         std::string_view identifier,
                                                                         const std::vector<LocationConfig>& locations);
  Status remove_locations(const Scope& scope, std::string_view identifier, const std::vector<std::string>& names);
  // The group and the IDs of the applications (dis)associated.
  Result<std::pair<StreamGroup, std::vector<std::string>>> associate(const Scope& scope, std::string_view identifier,
                                                                     const std::vector<std::string>& apps);
  Result<std::pair<StreamGroup, std::vector<std::string>>> disassociate(const Scope& scope,
                                                                        std::string_view identifier,
                                                                        const std::vector<std::string>& apps);

  // ---- the admin API
  Result<StreamGroup> force_status(const Scope& scope, std::string_view identifier, std::string_view status,
                                   std::optional<std::string> reason, bool force);
  Result<StreamGroup> force_location_status(const Scope& scope, std::string_view identifier,
                                            std::string_view location, std::string_view status, bool force);
  Result<std::vector<HistoryEntry>> history(const Scope& scope, std::string_view identifier);
  Result<std::vector<HistoryEntry>> location_history(const Scope& scope, std::string_view identifier,
                                                     std::string_view location);

  // ---- for the other domains (inside a transaction)
  Result<StreamGroup> require(Store& db, const Scope& scope, std::string_view identifier);
  // Takes in a group that arrives in some status (fixtures, an imported
  // state): gives it one location in the scope's Region when it names none,
  // stores it and its locations with their arrival in the history and arms
  // their deadlines as of its LastUpdatedAt.
  void adopt(Store& db, const Scope& scope, StreamGroup g);
  void on_group_timer(Store& db, const Timer& timer) { lifecycle_.on_timer(db, timer); }
  void on_location_timer(Store& db, const Timer& timer) { location_lifecycle_.on_timer(db, timer); }
  StreamGroupLifecycle& lifecycle() { return lifecycle_; }
  LocationLifecycle& location_lifecycle() { return location_lifecycle_; }

  // Moves the group between ACTIVE, ACTIVE_WITH_ERRORS and UPDATING_LOCATIONS
  // to match its locations.
  void settle(Store& db, const Scope& scope, StreamGroup& g, int64_t at, Cause cause);

  static std::string location_key(std::string_view group_id, std::string_view location) {
    return std::string(group_id) + "/" + std::string(location);
  }

 private:
  Status add_location_rows(Store& db, const Scope& scope, StreamGroup& g, const std::vector<LocationConfig>& configs,
                           int64_t at, std::vector<std::string>* added);
  Result<Application> ready_application(Store& db, const Scope& scope, std::string_view identifier);
  // An ACTIVE location whose AlwaysOnCapacity grew from `always_on_before`
  // allocates the new units after capacityProvisioningSeconds (the
  // documentation: "it can take a few minutes for the allocated capacity
  // count to reflect the change").
  void provision(Store& db, const Scope& scope, StreamGroup& g, GroupLocation& l, int64_t always_on_before,
                 int64_t at);

  Core& core_;
  Cascades& cascades_;
  StreamGroupLifecycle lifecycle_;
  LocationLifecycle location_lifecycle_;
};

}  // namespace gls
