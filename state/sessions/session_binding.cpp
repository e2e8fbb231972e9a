#include "state/sessions/session_binding.hpp"

namespace gls {

namespace {
using namespace binding;
using S = StreamSession;

constexpr EnumAccess<S> kStatus{
    [](const S& s) { return to_string(s.status); },
    [](S& s, std::string_view v) {
      auto parsed = parse_session_status(v);
      if (parsed) s.status = *parsed;
      return parsed.has_value();
    }};

constexpr Field<S> kFields[] = {
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
}  // namespace

binding::Fields<StreamSession> session_fields() { return kFields; }

}  // namespace gls
