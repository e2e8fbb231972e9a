// The application domain: one function per application operation of the API,
// and the admin actions on applications.
//
// Lifecycle (application_lifecycle.hpp, run by the lifecycle engine):
// INITIALIZED -> PROCESSING -> READY on the emulator's clock; ERROR through
// the admin API; DELETING, then gone. Each change is stamped with the time it
// was due and written to the history. Replication to the locations of the associated stream groups is
// derived from when each association and location began, so it is never stale.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/fwd.hpp"
#include "state/applications/application_lifecycle.hpp"
#include "state/ids.hpp"
#include "state/store/records.hpp"
#include "state/result.hpp"
#include "state/tags/tags.hpp"

namespace gls {

struct CreateApplicationRequest {
  // The members the request supplies (the binding's kInput rows, and the
  // runtime environment); the record's defaults stand for those it leaves out.
  Application draft;
  TagList tags;
  std::optional<std::string> client_token;
  std::string fingerprint;
};

struct UpdateApplicationRequest {
  std::string identifier;
  std::optional<std::string> description;
  std::optional<std::string> log_paths_json;
  std::optional<std::string> log_output_uri;
};

struct ApplicationPage {
  std::vector<Application> items;
  std::optional<std::string> next_token;
};

struct ShaderCache {
  std::string id;  // 32 lowercase hex digits
  std::string status;
  int64_t storage_bytes = 0;
  std::vector<std::string> group_ids;
  int64_t updated_ms = 0;
};

// The runtime environments the service accepts (type, version).
bool is_supported_runtime(std::string_view type, std::string_view version);

// Where the application's content is, location by location ("COMPLETED" or
// "REPLICATING"), at time `now`: its own Region, then every location of its
// stream groups, each replicated replicationSeconds after both the
// association and the location began.
std::vector<std::pair<std::string, std::string>> replication_statuses(Core& core, Store& db, const Scope& scope,
                                                                      const Application& a, int64_t now);
// An application streams from a location only once it has replicated there.
bool replicated_in(Core& core, Store& db, const Scope& scope, const Application& a, std::string_view location,
                   int64_t now);

class Applications {
 public:
  Applications(Core& core, Cascades& cascades) : core_(core), cascades_(cascades), lifecycle_(core, *this, cascades) {}

  // ---- the API
  Result<Application> create(const Scope& scope, const CreateApplicationRequest& r);
  Result<Application> get(const Scope& scope, std::string_view identifier);
  Result<ApplicationPage> list(const Scope& scope, const std::optional<std::string>& next_token, int max_results);
  Result<Application> update(const Scope& scope, const UpdateApplicationRequest& r);
  Status remove(const Scope& scope, std::string_view identifier);
  Result<std::vector<ShaderCache>> shader_caches(const Scope& scope, std::string_view identifier);

  // ---- the admin API
  Result<Application> force_status(const Scope& scope, std::string_view identifier, std::string_view status,
                                   std::optional<std::string> reason, bool force);
  Result<std::vector<HistoryEntry>> history(const Scope& scope, std::string_view identifier);

  // ---- for the other domains (inside a transaction)
  // The application named by an ID or ARN, with its derived members filled in.
  Result<Application> require(Store& db, const Scope& scope, std::string_view identifier, int64_t now);
  // Fills in AssociatedStreamGroups and ReplicationStatuses as of `now`.
  void describe(Store& db, const Scope& scope, Application& a, int64_t now);
  // Takes in an application that arrives in some status (fixtures, an
  // imported state): checks its runtime, stores it with its arrival in the
  // history and arms its deadlines as of its LastUpdatedAt. Errors name the
  // member at fault.
  Status adopt(Store& db, const Scope& scope, const Application& a);
  void on_timer(Store& db, const Timer& timer) { lifecycle_.on_timer(db, timer); }
  ApplicationLifecycle& lifecycle() { return lifecycle_; }

 private:
  Core& core_;
  Cascades& cascades_;
  ApplicationLifecycle lifecycle_;
};

}  // namespace gls
