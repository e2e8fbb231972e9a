// A stream session: its record, its statuses and its binding (API member
// <-> field <-> column of stream_sessions).
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
template <> inline constexpr std::string_view kEnumNames<SessionStatus> = "ACTIVATING ACTIVE CONNECTED PENDING_CLIENT_RECONNECTION RECONNECTING TERMINATING TERMINATED ERROR";
static_assert(to_string(SessionStatus::Error) == "ERROR", "one name per value, in declaration order");

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
  // Whether its placement allocates a unit on demand (slower than an idle
  // unit); known from the moment it is placed, not stored (only the
  // placement timer, armed then, depends on it).
  bool on_demand = false;
  std::optional<std::string> requested_locations_json;  // priority order
  std::optional<std::string> timings_json;              // this session's own durations
};

// Statuses in which a session occupies a unit of its location's capacity.
bool holds_capacity(const StreamSession& s);
// Statuses from which nothing more happens.
bool is_final(SessionStatus s);

namespace session_binding {
using namespace binding;
using S = StreamSession;
inline constexpr auto kStatus = enum_field<S, SessionStatus, &S::status, &parse_enum<SessionStatus>>();

inline constexpr Field<S> kSessionFields[] = {
    {"StreamGroupId", "group_id", &S::group_id, Form::Plain, kFull},
    {"", "id", &S::id},
    {"", "app_id", &S::app_id},
    {"Description", "description", &S::description, Form::Plain, kFull | kInput | kImport},
    {"UserId", "user_id", &S::user_id, Form::Plain, kViews | kInput | kImport},
    {"Status", "status", kStatus, Form::Plain, kViews | kImport | kState},
    {"StatusReason", "status_reason", &S::status_reason, Form::Plain, kViews | kImport | kState},
    {"Protocol", "protocol", &S::protocol, Form::Plain, kViews | kInput | kImport},
    {"Location", "location", &S::location, Form::Plain, kViews | kImport | kState},
    {"SignalRequest", "signal_request", &S::signal_request, Form::Plain, kFull | kInput | kImport | kState},
    {"SignalResponse", "signal_response", &S::signal_response, Form::Plain, kFull | kImport | kState},
    {"ConnectionTimeoutSeconds", "connection_timeout", &S::connection_timeout_s, Form::Plain, kFull | kInput | kImport},
    {"SessionLengthSeconds", "session_length", &S::session_length_s, Form::Plain, kFull | kInput | kImport},
    {"AdditionalLaunchArgs", "launch_args", &S::launch_args_json, Form::Json, kFull | kInput | kImport},
    {"AdditionalEnvironmentVariables", "env_vars", &S::env_vars_json, Form::Json, kFull | kInput | kImport},
    {"PerformanceStatsConfiguration", "perf_stats", &S::perf_stats_json, Form::Json, kFull | kInput | kImport},
    {"DisplayConfiguration", "display", &S::display_json, Form::Json, kFull | kInput | kImport},
    {"RoleArn", "role_arn", &S::role_arn, Form::Plain, kViews | kInput | kImport},
    {"LogFileLocationUri", "log_uri", &S::log_uri, Form::Plain, kFull | kImport},
    {"WebSdkProtocolUrl", "websdk_url", &S::websdk_url, Form::Plain, kFull | kImport},
    {"", "export_status", &S::export_status, Form::Plain, kState},
    {"", "export_reason", &S::export_reason, Form::Plain, kState},
    {"", "export_uri", &S::export_uri, Form::Plain, kState},
    {"StreamUrlId", "url_id", &S::url_id, Form::Plain, kExport},
    {"CreatedAt", "created_ms", &S::created_ms, Form::Time, kViews | kImport},
    {"LastUpdatedAt", "updated_ms", &S::updated_ms, Form::Time, kViews | kImport | kState},
    {"", "placed", &S::placed, Form::Plain, kState},
    {"", "requested_locations", &S::requested_locations_json},
    {"", "timings", &S::timings_json},
    {"", "export_fails_at", &S::export_fails_at_ms},
};
}  // namespace session_binding
// Every column of stream_sessions except the scope (account, region), in the
// table's order. Members rendered by hand (Arn, ApplicationArn,
// ExportFilesMetadata) are rows without a member.
inline binding::Fields<StreamSession> session_fields() { return session_binding::kSessionFields; }

}  // namespace gls
