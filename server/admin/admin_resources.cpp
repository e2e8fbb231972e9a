// One resource at a time: its transition history, a status forced on it
// (with or without the lifecycle's consent), the durations its lifecycle
// waits, and a session's client events.
#include "admin/admin_api.hpp"

#include "admin/admin_json.hpp"
#include "api/render.hpp"

namespace gls {

namespace {

void write_history(JsonWriter& w, const std::vector<HistoryEntry>& history) {
  write_key(w, "history");
  w.StartArray();
  for (const HistoryEntry& e : history) {
    w.StartObject();
    write_key(w, "from");
    e.from ? (void)w.String(e.from->c_str()) : (void)w.Null();
    write_string(w, "to", e.to);
    write_key(w, "reason");
    e.reason ? (void)w.String(e.reason->c_str()) : (void)w.Null();
    write_string(w, "cause", e.cause);
    write_key(w, "time");
    w.Double(static_cast<double>(e.time_ms) / 1000.0);
    w.EndObject();
  }
  w.EndArray();
}

// A resource's history with its ARN and current status.
HttpResponse history_response(const std::string& arn, std::string_view status,
                              const std::vector<HistoryEntry>& history) {
  return render_json([&](JsonWriter& w) {
    w.StartObject();
    write_string(w, "arn", arn);
    write_string(w, "status", status);
    write_history(w, history);
    w.EndObject();
  });
}

// The body of a forced status: {"status", "statusReason", "force"}.
struct ForcedStatus {
  std::string status;
  std::optional<std::string> reason;
  bool force = false;
};
std::optional<HttpResponse> parse_forced_status(const rapidjson::Value& body, ForcedStatus& out, bool with_reason) {
  if (auto bad = with_reason ? unknown_members(body, {"status", "statusReason", "force"})
                             : unknown_members(body, {"status", "force"}))
    return bad;
  std::optional<HttpResponse> error;
  auto status = optional_string(body, "status", error);
  if (error) return error;
  if (!status) return bad_admin_request("'status' is required");
  out.status = *status;
  out.reason = optional_string(body, "statusReason", error);
  if (error) return error;
  if (body.HasMember("force")) {
    if (!body["force"].IsBool()) return bad_admin_request("'force' must be true or false");
    out.force = body["force"].GetBool();
  }
  return std::nullopt;
}

// {"<kind>": {...the resource's durations}}
HttpResponse timings_response(std::string_view kind, std::string_view timings) {
  return render_json([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, kind);
    w.RawValue(timings.data(), timings.size(), rapidjson::kObjectType);
    w.EndObject();
  });
}

// Forces the status the body asks for with `force(ForcedStatus)`, and
// answers the resource as `write(JsonWriter&, resource)` renders it.
template <class Force, class Write>
HttpResponse forced_status_response(const rapidjson::Value& body, bool with_reason, Force&& force, Write&& write) {
  ForcedStatus f;
  if (auto error = parse_forced_status(body, f, with_reason)) return *error;
  auto resource = force(f);
  if (!resource) return domain_error(resource.error());
  return render_json([&](JsonWriter& w) { write(w, *resource); });
}

// Sets the durations a found application or stream group waits.
template <class Resource>
HttpResponse set_timings(Emulator& emu, const Scope& scope, std::string_view kind, const Result<Resource>& found,
                         const std::string& body) {
  if (!found) return domain_error(found.error());
  auto timings = emu.set_resource_timings(scope, kind, found->id, body);
  if (!timings) return domain_error(timings.error());
  return timings_response(kind, *timings);
}

HttpResponse session_response(const Scope& scope, const StreamSession& s) {
  return render_json([&](JsonWriter& w) { write_session(w, scope, s, SessionView::Full); });
}

}  // namespace

// ---- stream sessions: /_gls/sessions/{group}/{session}/...

HttpResponse AdminApi::session_event(AdminCall& call) {
  const std::string& group = call.param("group");
  const Scope scope = admin_scope(emu_, call.request, group);
  if (auto bad = unknown_members(call.body, {"event", "reason"})) return *bad;
  std::optional<HttpResponse> error;
  auto event = optional_string(call.body, "event", error);
  if (error) return *error;
  if (!event)
    return bad_admin_request("'event' is required: clientConnect, clientDisconnect, userInput, applicationExit or fail");
  auto reason = optional_string(call.body, "reason", error);
  if (error) return *error;
  auto s = emu_.sessions().event(scope, group, call.param("session"), *event, reason);
  if (!s) return domain_error(s.error());
  return session_response(scope, *s);
}

HttpResponse AdminApi::session_status(AdminCall& call) {
  const std::string& group = call.param("group");
  const Scope scope = admin_scope(emu_, call.request, group);
  return forced_status_response(
      call.body, true,
      [&](const ForcedStatus& f) {
        return emu_.sessions().force_status(scope, group, call.param("session"), f.status, f.reason, f.force);
      },
      [&](JsonWriter& w, const StreamSession& s) { write_session(w, scope, s, SessionView::Full); });
}

HttpResponse AdminApi::session_timings(AdminCall& call) {
  const std::string& group = call.param("group");
  const Scope scope = admin_scope(emu_, call.request, group);
  auto s = emu_.sessions().set_timings(scope, group, call.param("session"), call.request.body);
  if (!s) return domain_error(s.error());
  return timings_response("streamSession", *s->timings_json);
}

HttpResponse AdminApi::session_history(AdminCall& call) {
  const std::string& group = call.param("group");
  const std::string& id = call.param("session");
  const Scope scope = admin_scope(emu_, call.request, group);
  auto history = emu_.sessions().history(scope, group, id);
  if (!history) return domain_error(history.error());
  auto current = emu_.sessions().get(scope, group, id);
  if (!current) return domain_error(current.error());
  return history_response(stream_session_arn(scope, current->group_id, current->id), to_string(current->status),
                          *history);
}

// ---- applications: /_gls/applications/{application}/...

HttpResponse AdminApi::application_status(AdminCall& call) {
  const std::string& id = call.param("application");
  const Scope scope = admin_scope(emu_, call.request, id);
  return forced_status_response(
      call.body, true,
      [&](const ForcedStatus& f) { return emu_.applications().force_status(scope, id, f.status, f.reason, f.force); },
      [&](JsonWriter& w, const Application& a) { write_application(w, scope, a, ResourceView::Full); });
}

HttpResponse AdminApi::application_timings(AdminCall& call) {
  const Scope scope = admin_scope(emu_, call.request, call.param("application"));
  return set_timings(emu_, scope, "application", emu_.applications().get(scope, call.param("application")),
                     call.request.body);
}

HttpResponse AdminApi::application_history(AdminCall& call) {
  const std::string& identifier = call.param("application");
  const Scope scope = admin_scope(emu_, call.request, identifier);
  auto history = emu_.applications().history(scope, identifier);
  if (!history) return domain_error(history.error());
  // A deleted application keeps its history: its status is the last one.
  auto current = emu_.applications().get(scope, identifier);
  auto id = resolve_id(scope, identifier, ResourceType::Application);
  return history_response(application_arn(scope, *id),
                          current ? to_string(current->status) : std::string_view(history->back().to), *history);
}

// ---- stream groups and their locations: /_gls/streamgroups/{group}/...

HttpResponse AdminApi::stream_group_status(AdminCall& call) {
  const std::string& group = call.param("group");
  const Scope scope = admin_scope(emu_, call.request, group);
  return forced_status_response(
      call.body, true,
      [&](const ForcedStatus& f) { return emu_.stream_groups().force_status(scope, group, f.status, f.reason, f.force); },
      [&](JsonWriter& w, const StreamGroup& g) { write_stream_group(w, scope, g, ResourceView::Full); });
}

HttpResponse AdminApi::stream_group_timings(AdminCall& call) {
  const Scope scope = admin_scope(emu_, call.request, call.param("group"));
  return set_timings(emu_, scope, "streamGroup", emu_.stream_groups().get(scope, call.param("group")),
                     call.request.body);
}

HttpResponse AdminApi::stream_group_history(AdminCall& call) {
  const std::string& group = call.param("group");
  const Scope scope = admin_scope(emu_, call.request, group);
  auto history = emu_.stream_groups().history(scope, group);
  if (!history) return domain_error(history.error());
  auto id = resolve_id(scope, group, ResourceType::StreamGroup);
  return history_response(stream_group_arn(scope, *id), history->back().to, *history);
}

HttpResponse AdminApi::location_status(AdminCall& call) {
  const std::string& group = call.param("group");
  const Scope scope = admin_scope(emu_, call.request, group);
  return forced_status_response(
      call.body, false,
      [&](const ForcedStatus& f) {
        return emu_.stream_groups().force_location_status(scope, group, call.param("location"), f.status, f.force);
      },
      [&](JsonWriter& w, const StreamGroup& g) { write_stream_group(w, scope, g, ResourceView::Full); });
}

HttpResponse AdminApi::location_history(AdminCall& call) {
  const std::string& group = call.param("group");
  const std::string& location = call.param("location");
  const Scope scope = admin_scope(emu_, call.request, group);
  auto history = emu_.stream_groups().location_history(scope, group, location);
  if (!history) return domain_error(history.error());
  auto id = resolve_id(scope, group, ResourceType::StreamGroup);
  return history_response(stream_group_arn(scope, *id) + "/location/" + location, history->back().to, *history);
}

// ---- stream URLs: /_gls/streamurls/{group}/{url}/history

HttpResponse AdminApi::stream_url_history(AdminCall& call) {
  const std::string& group_identifier = call.param("group");
  const Scope scope = admin_scope(emu_, call.request, group_identifier);
  auto history = emu_.stream_urls().history(scope, group_identifier, call.param("url"));
  if (!history) return domain_error(history.error());
  auto group = resolve_id(scope, group_identifier, ResourceType::StreamGroup);
  auto id = resolve_child_id(scope, *group, call.param("url"), ResourceType::StreamUrl);
  return history_response(stream_url_arn(scope, *group, *id), history->back().to, *history);
}

}  // namespace gls
