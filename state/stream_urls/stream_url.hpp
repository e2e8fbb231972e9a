// A stream URL: its record, its statuses and its binding (API member <->
// field <-> column of stream_urls).
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

enum class StreamUrlStatus { Active, Expired, Revoked, LimitReached };
template <> inline constexpr std::string_view kEnumNames<StreamUrlStatus> = "ACTIVE EXPIRED REVOKED LIMIT_REACHED";
static_assert(to_string(StreamUrlStatus::LimitReached) == "LIMIT_REACHED", "one name per value, in declaration order");

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

namespace stream_url_binding {
using namespace binding;
using U = StreamUrl;
inline constexpr auto kStatus = enum_field<U, StreamUrlStatus, &U::status, &parse_enum<StreamUrlStatus>>();

inline constexpr Field<U> kUrlFields[] = {
    {"", "group_id", &U::group_id},
    {"StreamUrlId", "id", &U::id, Form::Plain, kFull | kSummary},
    {"", "app_id", &U::app_id},
    {"Protocol", "protocol", &U::protocol, Form::Plain, kFull | kInput | kImport},
    {"Status", "status", kStatus, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"StatusReason", "status_reason", &U::status_reason, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"UsageLimit", "usage_limit", &U::usage_limit, Form::Plain, kFull | kSummary | kInput | kImport},
    {"", "uses", &U::uses, Form::Plain, kMutable},
    {"Locations", "locations", &U::locations_json, Form::Json, kFull | kImport},
    {"SessionLengthSeconds", "session_length", &U::session_length_s, Form::Plain, kFull | kSummary | kInput | kImport},
    {"Description", "description", &U::description, Form::Plain, kFull | kSummary | kInput | kImport},
    {"AdditionalLaunchArgs", "launch_args", &U::launch_args_json, Form::Json, kFull | kInput | kImport},
    {"AdditionalEnvironmentVariables", "env_vars", &U::env_vars_json, Form::Json, kFull | kInput | kImport},
    {"RoleArn", "role_arn", &U::role_arn, Form::Plain, kFull | kInput | kImport},
    {"DisplayConfiguration", "display", &U::display_json, Form::Json, kFull | kInput | kImport},
    {"ExpiresAt", "expires_ms", &U::expires_ms, Form::Time, kFull | kSummary | kImport},
    {"CreatedAt", "created_ms", &U::created_ms, Form::Time, kFull | kSummary | kImport},
    {"", "updated_ms", &U::updated_ms, Form::Plain, kMutable},
    {"", "token", &U::token},
    {"", "url", &U::url},
    {"", "seq", &U::seq, Form::Plain, kAssigned},
};
}  // namespace stream_url_binding
// Every column of stream_urls except the scope, in the table's order. The
// ARNs, the shareable URL, RemainingUses and StreamSessions are rendered by hand.
inline binding::Fields<StreamUrl> stream_url_fields() { return stream_url_binding::kUrlFields; }

}  // namespace gls
