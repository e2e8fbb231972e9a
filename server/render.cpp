#include "render.hpp"

namespace gls {

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

void write_key(JsonWriter& w, std::string_view key) { w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size())); }

void write_string(JsonWriter& w, std::string_view key, std::string_view value) {
  write_key(w, key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_string(JsonWriter& w, std::string_view key, const char* value) {
  write_string(w, key, std::string_view(value));
}

void write_optional(JsonWriter& w, std::string_view key, const std::optional<std::string>& value) {
  if (value) write_string(w, key, std::string_view(*value));
}

void write_int(JsonWriter& w, std::string_view key, int64_t value) {
  write_key(w, key);
  w.Int64(value);
}

void write_time(JsonWriter& w, std::string_view key, int64_t ms) {
  write_key(w, key);
  // Epoch seconds; whole seconds are written as integers, others with
  // millisecond precision.
  if (ms % 1000 == 0)
    w.Int64(ms / 1000);
  else
    w.Double(static_cast<double>(ms) / 1000.0);
}

void write_raw(JsonWriter& w, std::string_view key, const std::optional<std::string>& json) {
  if (!json) return;
  write_key(w, key);
  w.RawValue(json->data(), json->size(), rapidjson::kObjectType);
}

void write_session(JsonWriter& w, const Scope& scope, const StreamSession& s, SessionView view) {
  w.StartObject();
  write_string(w, "Arn", stream_session_arn(scope, s.group_id, s.id));
  write_optional(w, "UserId", s.user_id);
  write_string(w, "Status", to_string(s.status));
  write_optional(w, "StatusReason", s.status_reason);
  write_string(w, "Protocol", s.protocol);
  write_string(w, "Location", s.location);
  write_time(w, "CreatedAt", s.created_ms);
  write_time(w, "LastUpdatedAt", s.updated_ms);
  write_string(w, "ApplicationArn", application_arn(scope, s.app_id));
  write_optional(w, "RoleArn", s.role_arn);
  if (s.export_status) {
    write_key(w, "ExportFilesMetadata");
    w.StartObject();
    write_optional(w, "Status", s.export_status);
    if (view != SessionView::Account) {
      write_optional(w, "StatusReason", s.export_reason);
      write_optional(w, "OutputUri", s.export_uri);
    }
    w.EndObject();
  }
  if (view == SessionView::Full) {
    write_optional(w, "Description", s.description);
    write_string(w, "StreamGroupId", s.group_id);
    write_string(w, "SignalRequest", s.signal_request);
    write_optional(w, "SignalResponse", s.signal_response);
    write_int(w, "ConnectionTimeoutSeconds", s.connection_timeout_s);
    write_int(w, "SessionLengthSeconds", s.session_length_s);
    write_raw(w, "AdditionalLaunchArgs", s.launch_args_json);
    write_raw(w, "AdditionalEnvironmentVariables", s.env_vars_json);
    write_raw(w, "PerformanceStatsConfiguration", s.perf_stats_json);
    write_optional(w, "LogFileLocationUri", s.log_uri);
    write_optional(w, "WebSdkProtocolUrl", s.websdk_url);
    write_raw(w, "DisplayConfiguration", s.display_json);
  }
  w.EndObject();
}

}  // namespace gls
