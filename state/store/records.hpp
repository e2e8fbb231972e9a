// The resources the emulator keeps, as plain values.
//
// A record is what one row (plus its child rows) of the store holds; the
// server renders records into the API's output shapes. Attributes that are
// only ever echoed back are kept as canonical JSON text (`*_json`).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gls {

enum class SessionStatus {
  Activating,
  Active,
  Connected,
  PendingClientReconnection,
  Reconnecting,
  Terminating,
  Terminated,
  Error,
};
inline constexpr SessionStatus kAllSessionStatuses[] = {
    SessionStatus::Activating,   SessionStatus::Active,      SessionStatus::Connected,
    SessionStatus::PendingClientReconnection, SessionStatus::Reconnecting,
    SessionStatus::Terminating,  SessionStatus::Terminated,  SessionStatus::Error,
};
std::string_view to_string(SessionStatus s);
std::optional<SessionStatus> parse_session_status(std::string_view s);

enum class ApplicationStatus { Initialized, Processing, Ready, Deleting, Error };
std::string_view to_string(ApplicationStatus s);
std::optional<ApplicationStatus> parse_application_status(std::string_view s);

enum class StreamGroupStatus { Activating, UpdatingLocations, Active, ActiveWithErrors, Error, Deleting, Expired };
std::string_view to_string(StreamGroupStatus s);
std::optional<StreamGroupStatus> parse_stream_group_status(std::string_view s);

enum class LocationStatus { Activating, Active, Error, Removing };
std::string_view to_string(LocationStatus s);
std::optional<LocationStatus> parse_location_status(std::string_view s);

enum class StreamUrlStatus { Active, Expired, Revoked, LimitReached };
std::string_view to_string(StreamUrlStatus s);
std::optional<StreamUrlStatus> parse_stream_url_status(std::string_view s);

struct Application {
  std::string id;
  std::string description;
  std::string runtime_type;
  std::string runtime_version;
  std::string executable_path;
  std::string source_uri;
  std::string log_paths_json = "[]";
  std::optional<std::string> log_output_uri;
  ApplicationStatus status = ApplicationStatus::Initialized;
  std::optional<std::string> status_reason;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t seq = 0;  // creation order, given by the store
  // Derived from the associations, never stored: the stream groups it is
  // associated with, and its replication status per location.
  std::vector<std::string> group_ids;
  std::vector<std::pair<std::string, std::string>> replication;  // (location, REPLICATING|COMPLETED)
};

struct GroupLocation {
  std::string name;
  LocationStatus status = LocationStatus::Activating;
  int64_t always_on = 0;
  std::optional<int64_t> on_demand;
  std::optional<int64_t> target_idle;
  std::optional<int64_t> maximum;
  std::optional<std::string> vpc_json;
  int64_t added_ms = 0;  // when the location joined the group
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

struct StreamSession {
  std::string group_id;
  std::string id;
  std::string app_id;
  std::optional<std::string> description;
  std::optional<std::string> user_id;
  SessionStatus status = SessionStatus::Activating;
  std::optional<std::string> status_reason;
  std::string protocol = "WebRTC";
  std::string location;
  std::string signal_request;
  std::optional<std::string> signal_response;
  int64_t connection_timeout_s = 120;
  int64_t session_length_s = 43200;
  std::optional<std::string> launch_args_json;
  std::optional<std::string> env_vars_json;
  std::optional<std::string> perf_stats_json;
  std::optional<std::string> display_json;
  std::optional<std::string> role_arn;
  std::optional<std::string> log_uri;
  std::optional<std::string> websdk_url;
  std::optional<std::string> export_status;
  std::optional<std::string> export_reason;
  std::optional<std::string> export_uri;
  std::optional<std::string> url_id;  // the stream URL that started it, if any
  // An injected exportFailed fault: the pending export fails when the session
  // ends, or at this time if the session has ended before it.
  std::optional<int64_t> export_fails_at_ms;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  // Whether the session holds a unit of its location's capacity: from its
  // placement (while ACTIVATING) until it ends. A session that never found
  // capacity never holds one, whatever status it ends through.
  bool placed = true;
  std::optional<std::string> requested_locations_json;  // priority order
  std::optional<std::string> timings_json;              // this session's own durations
};

// One status change of a resource, as the history keeps it.
struct HistoryEntry {
  std::optional<std::string> from;  // none for the creation
  std::string to;
  std::optional<std::string> reason;
  std::string cause;  // api, timer, admin or fault
  int64_t time_ms = 0;
};

// Statuses in which a session occupies a unit of its location's capacity.
bool holds_capacity(const StreamSession& s);
// Statuses from which nothing more happens.
bool is_final(SessionStatus s);

// How many sessions a location can run at once.
int64_t session_capacity(const GroupLocation& l);
// What the service reports for a location: capacity provisioned (running
// sessions plus the idle units it keeps) and the idle part of it.
int64_t allocated_capacity(const GroupLocation& l);
int64_t idle_capacity(const GroupLocation& l);

// How many sessions one compute unit of a stream class hosts (the API
// documentation's "tenancy"); 0 for an unknown class.
int64_t stream_class_tenancy(std::string_view stream_class);
// The GPU family of a stream class ("gen4n", "gen5n", "gen6n", "gen6e").
std::string_view stream_class_family(std::string_view stream_class);

struct StreamUrl {
  std::string group_id;
  std::string id;
  std::string app_id;
  std::string protocol = "WebRTC";
  StreamUrlStatus status = StreamUrlStatus::Active;
  std::optional<std::string> status_reason;
  std::optional<int64_t> usage_limit;
  int64_t uses = 0;
  std::string locations_json = "[]";
  std::optional<int64_t> session_length_s;
  std::optional<std::string> description;
  std::optional<std::string> launch_args_json;
  std::optional<std::string> env_vars_json;
  std::optional<std::string> role_arn;
  std::optional<std::string> display_json;
  int64_t expires_ms = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t seq = 0;    // creation order, given by the store
  std::string token;  // the secret in the shareable URL
  std::string url;    // the shareable URL's path on the emulator (the endpoint is the caller's)
  int64_t remaining_uses() const { return usage_limit ? std::max<int64_t>(0, *usage_limit - uses) : 0; }
};

}  // namespace gls
