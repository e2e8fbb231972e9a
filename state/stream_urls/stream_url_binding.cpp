#include "state/stream_urls/stream_url_binding.hpp"

namespace gls {

namespace {
using namespace binding;
using U = StreamUrl;

constexpr EnumAccess<U> kStatus{
    [](const U& u) { return to_string(u.status); },
    [](U& u, std::string_view v) {
      auto parsed = parse_stream_url_status(v);
      if (parsed) u.status = *parsed;
      return parsed.has_value();
    }};

constexpr Field<U> kFields[] = {
    {"", "group_id", &U::group_id},
    {"StreamUrlId", "id", &U::id, Form::Plain, kFull | kSummary},
    {"", "app_id", &U::app_id},
    {"Protocol", "protocol", &U::protocol, Form::Plain, kFull | kImport},
    {"Status", "status", kStatus, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"StatusReason", "status_reason", &U::status_reason, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"UsageLimit", "usage_limit", &U::usage_limit, Form::Plain, kFull | kSummary | kImport},
    {"", "uses", &U::uses, Form::Plain, kMutable},
    {"Locations", "locations", &U::locations_json, Form::Json, kFull | kImport},
    {"SessionLengthSeconds", "session_length", &U::session_length_s, Form::Plain, kFull | kSummary | kImport},
    {"Description", "description", &U::description, Form::Plain, kFull | kSummary | kImport},
    {"AdditionalLaunchArgs", "launch_args", &U::launch_args_json, Form::Json, kFull | kImport},
    {"AdditionalEnvironmentVariables", "env_vars", &U::env_vars_json, Form::Json, kFull | kImport},
    {"RoleArn", "role_arn", &U::role_arn, Form::Plain, kFull | kImport},
    {"DisplayConfiguration", "display", &U::display_json, Form::Json, kFull | kImport},
    {"ExpiresAt", "expires_ms", &U::expires_ms, Form::Time, kFull | kSummary | kImport},
    {"CreatedAt", "created_ms", &U::created_ms, Form::Time, kFull | kSummary | kImport},
    {"", "updated_ms", &U::updated_ms, Form::Plain, kMutable},
    {"", "token", &U::token},
    {"", "url", &U::url},
    {"", "seq", &U::seq, Form::Plain, kAssigned},
};
}  // namespace

binding::Fields<StreamUrl> stream_url_fields() { return kFields; }

}  // namespace gls
