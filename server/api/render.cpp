#include "api/render.hpp"

#include "api/binding_json.hpp"
#include "state/applications/application.hpp"
#include "state/sessions/stream_session.hpp"
#include "state/stream_groups/stream_group.hpp"
#include "state/stream_urls/stream_url.hpp"

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

void write_double(JsonWriter& w, std::string_view key, double value) {
  write_key(w, key);
  w.Double(value);
}

void write_nullable(JsonWriter& w, std::string_view key, const std::optional<std::string>& value) {
  write_key(w, key);
  value ? (void)w.String(value->data(), static_cast<rapidjson::SizeType>(value->size())) : (void)w.Null();
}

void write_string_map(JsonWriter& w, std::string_view key, const std::vector<std::pair<std::string, std::string>>& map) {
  write_key(w, key);
  w.StartObject();
  for (const auto& [k, v] : map) write_string(w, k, v);
  w.EndObject();
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
  const unsigned views[] = {binding::kFull, binding::kSummary, binding::kAccount, binding::kExport | binding::kFull};
  const unsigned which = views[static_cast<int>(view)];
  w.StartObject();
  write_string(w, "Arn", stream_session_arn(scope, s.group_id, s.id));
  write_string(w, "ApplicationArn", application_arn(scope, s.app_id));
  write_members(w, s, session_fields(), which);
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
  w.EndObject();
}

void write_arn_list(JsonWriter& w, std::string_view key, const std::vector<std::string>& arns) {
  write_key(w, key);
  w.StartArray();
  for (const std::string& a : arns) w.String(a.data(), static_cast<rapidjson::SizeType>(a.size()));
  w.EndArray();
}

void write_application(JsonWriter& w, const Scope& scope, const Application& a, ResourceView view) {
  const unsigned which = view == ResourceView::Full ? binding::kFull : binding::kSummary;
  w.StartObject();
  write_string(w, "Arn", application_arn(scope, a.id));
  write_key(w, "RuntimeEnvironment");
  w.StartObject();
  write_string(w, "Type", a.runtime_type);
  write_string(w, "Version", a.runtime_version);
  w.EndObject();
  write_members(w, a, application_fields(), which);
  if (view == ResourceView::Full) {
    write_key(w, "ReplicationStatuses");
    w.StartArray();
    for (const auto& [location, status] : a.replication) {
      w.StartObject();
      write_string(w, "Location", location);
      write_string(w, "Status", status);
      w.EndObject();
    }
    w.EndArray();
    std::vector<std::string> arns;
    for (const std::string& g : a.group_ids) arns.push_back(stream_group_arn(scope, g));
    write_arn_list(w, "AssociatedStreamGroups", arns);
  }
  w.EndObject();
}

void write_location_state(JsonWriter& w, StreamGroupStatus group_status, const GroupLocation& l) {
  w.StartObject();
  write_members(w, l, location_fields(), binding::kFull);
  write_int(w, "RequestedCapacity", l.always_on);
  const CapacityFigures figures = capacity_figures(group_status, l);
  write_int(w, "AllocatedCapacity", figures.allocated);
  write_int(w, "IdleCapacity", figures.idle);
  w.EndObject();
}

void write_stream_group(JsonWriter& w, const Scope& scope, const StreamGroup& g, ResourceView view) {
  const unsigned which = view == ResourceView::Full ? binding::kFull : binding::kSummary;
  w.StartObject();
  write_string(w, "Arn", stream_group_arn(scope, g.id));
  if (g.default_app_id) {
    write_key(w, "DefaultApplication");
    w.StartObject();
    write_string(w, "Id", *g.default_app_id);
    write_string(w, "Arn", application_arn(scope, *g.default_app_id));
    w.EndObject();
  }
  write_members(w, g, stream_group_fields(), which);
  if (view == ResourceView::Full) {
    write_key(w, "LocationStates");
    w.StartArray();
    for (const GroupLocation& l : g.locations) write_location_state(w, g.status, l);
    w.EndArray();
    std::vector<std::string> arns;
    for (const std::string& a : g.app_ids) arns.push_back(application_arn(scope, a));
    write_arn_list(w, "AssociatedApplications", arns);
  }
  w.EndObject();
}

void write_stream_url(JsonWriter& w, const Scope& scope, const StreamUrl& u, ResourceView view,
                      std::string_view endpoint, const std::vector<StreamSession>* sessions) {
  const unsigned which = view == ResourceView::Full ? binding::kFull : binding::kSummary;
  w.StartObject();
  write_string(w, "Arn", stream_url_arn(scope, u.group_id, u.id));
  write_string(w, "StreamUrl", std::string(endpoint) + u.url);
  write_int(w, "RemainingUses", u.remaining_uses());
  write_string(w, "StreamGroupArn", stream_group_arn(scope, u.group_id));
  write_string(w, "ApplicationArn", application_arn(scope, u.app_id));
  write_members(w, u, stream_url_fields(), which);
  if (view == ResourceView::Full && sessions) {
    write_key(w, "StreamSessions");
    w.StartArray();
    for (const StreamSession& s : *sessions) write_session(w, scope, s, SessionView::Summary);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace gls
