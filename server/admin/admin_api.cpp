#include "admin/admin_api.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "api/codec.hpp"
#include "api/errors.hpp"
#include "observe/dashboard.hpp"
#include "admin/fixture_loader.hpp"
#include "api/render.hpp"
#include "state/store/repository.hpp"

namespace gls {

namespace {

HttpResponse json_response(int status, const rapidjson::StringBuffer& body) {
  HttpResponse r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body.assign(body.GetString(), body.GetSize());
  return r;
}

HttpResponse admin_error(int status, const std::string& code, std::string message) {
  return api::error_response({code, status, std::move(message)});
}
HttpResponse bad_admin_request(std::string message) {
  return admin_error(400, "ValidationException", std::move(message));
}

HttpResponse domain_error(const Error& e) {
  switch (e.kind) {
    case ErrorKind::NotFound: return admin_error(404, "ResourceNotFoundException", e.message);
    case ErrorKind::Conflict: return admin_error(409, "ConflictException", e.message);
    case ErrorKind::Validation: return admin_error(400, "ValidationException", e.message);
    default: return admin_error(500, "InternalServerException", e.message);
  }
}

// The path's segments after /_gls/, percent-decoded.
bool split_admin_path(std::string_view path, std::vector<std::string>& parts) {
  path.remove_prefix(std::string_view("/_gls/").size());
  while (!path.empty()) {
    auto slash = path.find('/');
    std::string part;
    if (!api::percent_decode(path.substr(0, slash), part)) return false;
    parts.push_back(std::move(part));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return true;
}

// Admin requests are rarely signed: the scope comes from an ARN in the path,
// else from ?account=&region=, else the defaults.
Scope admin_scope(const Emulator& emu, const HttpRequest& request, std::string_view identifier) {
  Scope scope = emu.config().default_scope;
  std::vector<std::pair<std::string, std::string>> query;
  api::parse_query(request.query(), query);
  for (const auto& [k, v] : query) {
    if (k == "account") scope.account = v;
    if (k == "region") scope.region = v;
  }
  if (auto arn = parse_arn(identifier)) {
    scope.account = arn->account;
    scope.region = arn->region;
  }
  return scope;
}

// A member that may be left out, but not given as null or as another type.
std::optional<std::string> optional_string(const rapidjson::Value& body, const char* key, HttpResponse& error) {
  auto it = body.FindMember(key);
  if (it == body.MemberEnd()) return std::nullopt;
  if (!it->value.IsString()) {
    error = bad_admin_request(std::string("'") + key + "' must be a string" + (it->value.IsNull() ? ", not null" : ""));
    return std::nullopt;
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

HttpResponse unknown_members(const rapidjson::Value& body, std::initializer_list<std::string_view> known) {
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return bad_admin_request("unknown member '" + std::string(name) + "'; this request takes " + list);
    }
  }
  HttpResponse none;
  none.status = 0;
  return none;
}

HttpResponse session_response(const Scope& scope, const StreamSession& s) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_session(w, scope, s, SessionView::Full);
  return json_response(200, buf);
}

// Parses an optional JSON object body; an empty body is {}.
bool parse_body(const HttpRequest& req, rapidjson::Document& doc, HttpResponse& error) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    doc.SetObject();
    return true;
  }
  std::string message;
  if (!api::parse_json(req.body, doc, message)) {
    error = bad_admin_request("The request body is " + message);
    return false;
  }
  if (!doc.IsObject()) {
    error = bad_admin_request("the request body must be a JSON object");
    return false;
  }
  return true;
}

void write_clock(JsonWriter& w, const ClockReading& c) {
  w.StartObject();
  write_key(w, "now");
  w.Double(static_cast<double>(c.now_ms) / 1000.0);
  write_string(w, "mode", to_string(c.mode));
  write_key(w, "scale");
  w.Double(c.scale);
  w.EndObject();
}

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
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_string(w, "arn", arn);
  write_string(w, "status", status);
  write_history(w, history);
  w.EndObject();
  return json_response(200, buf);
}

// The body of a forced status: {"status", "statusReason", "force"}.
struct ForcedStatus {
  std::string status;
  std::optional<std::string> reason;
  bool force = false;
};
std::optional<HttpResponse> parse_forced_status(const HttpRequest& request, ForcedStatus& out, bool with_reason) {
  rapidjson::Document body;
  HttpResponse error;
  if (!parse_body(request, body, error)) return error;
  error.status = 0;
  if (auto bad = with_reason ? unknown_members(body, {"status", "statusReason", "force"})
                             : unknown_members(body, {"status", "force"});
      bad.status)
    return bad;
  auto status = optional_string(body, "status", error);
  if (error.status) return error;
  if (!status) return bad_admin_request("'status' is required");
  out.status = *status;
  out.reason = optional_string(body, "statusReason", error);
  if (error.status) return error;
  if (body.HasMember("force")) {
    if (!body["force"].IsBool()) return bad_admin_request("'force' must be true or false");
    out.force = body["force"].GetBool();
  }
  return std::nullopt;
}

template <class F>
HttpResponse render_json(F&& f) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  f(w);
  return json_response(200, buf);
}

HttpResponse unknown_admin_path(const HttpRequest& request, std::string_view hint) {
  return admin_error(404, "UnknownOperationException",
                     "No admin operation matches " + request.method + " " + std::string(request.path()) + "; " +
                         std::string(hint));
}

// {"<kind>": {...the resource's durations}}
HttpResponse timings_response(std::string_view kind, const Result<std::string>& timings) {
  if (!timings) return domain_error(timings.error());
  return render_json([&](JsonWriter& w) {
    w.StartObject();
    write_key(w, kind);
    w.RawValue(timings->c_str(), timings->size(), rapidjson::kObjectType);
    w.EndObject();
  });
}

// How the client reached the emulator, for URLs that point back at it.
std::string endpoint_of(const HttpRequest& request) {
  std::string_view host = request.header("host");
  return "http://" + std::string(host.empty() ? std::string_view("127.0.0.1") : host);
}

}  // namespace

AdminApi::AdminApi(Emulator& emu, std::function<Status()> load_fixtures)
    : emu_(emu), load_fixtures_(std::move(load_fixtures)) {}

HttpResponse AdminApi::handle(const HttpRequest& request) {
  const std::string_view path = request.path();
  const std::string& m = request.method;
  try {
    if ((path == "/_gls/" || path == "/_gls") && (m == "GET" || m == "HEAD")) return dashboard_page();
    if (path == "/_gls/health" && m == "GET") return health();
    if (path == "/_gls/reset" && m == "POST") return reset(request);
    if (path == "/_gls/clock" && m == "GET") return clock_get();
    if (path == "/_gls/clock" && m == "POST") return clock_post(request);
    if (path == "/_gls/state" && m == "GET") return state_get(request);
    if (path == "/_gls/state" && m == "PUT") return state_put(request);
    for (std::string_view prefix : {"/_gls/sessions/", "/_gls/applications/", "/_gls/streamgroups/",
                                    "/_gls/streamurls/", "/_gls/play/"}) {
      if (path.rfind(prefix, 0) != 0) continue;
      std::vector<std::string> parts;
      if (!split_admin_path(path, parts)) return bad_admin_request("the path is not valid percent-encoded UTF-8");
      if (parts[0] == "sessions") return session(request, parts);
      if (parts[0] == "applications") return application(request, parts);
      if (parts[0] == "streamgroups") return stream_group(request, parts);
      if (parts[0] == "streamurls") return stream_url(request, parts);
      return play(request, parts);
    }
    for (const Routes& routes : routes_)
      if (auto r = routes(request)) return std::move(*r);
  } catch (const std::exception& e) {
    return admin_error(500, "InternalServerException", std::string("admin request failed: ") + e.what());
  }
  return admin_error(404, "UnknownOperationException",
                     "No admin operation matches " + m + " " + std::string(path));
}

HttpResponse AdminApi::health() {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_string(w, "status", "ok");
  write_string(w, "version", GLS_VERSION);
  write_key(w, "clock");
  write_clock(w, emu_.clock().read());
  write_key(w, "counts");
  w.StartObject();
  emu_.store().transaction([&](Store& db) {
    write_int(w, "applications", repo::count(db, "applications"));
    write_int(w, "streamGroups", repo::count(db, "stream_groups"));
    write_int(w, "streamSessions", repo::count(db, "stream_sessions"));
    write_int(w, "streamUrls", repo::count(db, "stream_urls"));
  });
  w.EndObject();
  w.EndObject();
  return json_response(200, buf);
}

HttpResponse AdminApi::reset(const HttpRequest& request) {
  rapidjson::Document body;
  HttpResponse error;
  if (!parse_body(request, body, error)) return error;
  bool fixtures = true;
  if (auto it = body.FindMember("fixtures"); it != body.MemberEnd()) {
    if (!it->value.IsBool()) return bad_admin_request("'fixtures' must be true or false");
    fixtures = it->value.GetBool();
  }
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it)
    if (std::string_view(it->name.GetString()) != "fixtures")
      return bad_admin_request("unknown member '" + std::string(it->name.GetString()) + "'; reset takes 'fixtures'");
  emu_.wipe();
  for (const auto& clear : on_reset_) clear();
  if (fixtures && load_fixtures_) {
    Status s = load_fixtures_();
    if (!s) return admin_error(500, "InternalServerException", "fixtures failed to load: " + s.error().message);
  }
  return health();
}

HttpResponse AdminApi::clock_get() {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_clock(w, emu_.clock().read());
  return json_response(200, buf);
}

HttpResponse AdminApi::clock_post(const HttpRequest& request) {
  rapidjson::Document body;
  HttpResponse error;
  if (!parse_body(request, body, error)) return error;
  const char* known[] = {"advanceSeconds", "set", "mode", "scale"};
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string_view name = it->name.GetString();
    if (std::find(std::begin(known), std::end(known), name) == std::end(known))
      return bad_admin_request("unknown member '" + std::string(name) +
                               "'; the clock takes advanceSeconds, set, mode and scale");
  }
  auto number = [&](const char* key, double& out) -> std::optional<HttpResponse> {
    const auto& v = body[key];
    if (!v.IsNumber() || !std::isfinite(v.GetDouble()))
      return bad_admin_request(std::string("'") + key + "' must be a number");
    out = v.GetDouble();
    return std::nullopt;
  };
  if (body.HasMember("advanceSeconds") && body.HasMember("set"))
    return bad_admin_request("give either advanceSeconds or set, not both");
  if (body.ObjectEmpty())
    return bad_admin_request("the clock takes advanceSeconds, set, and/or mode and scale");

  // Validate everything before changing anything.
  double seconds = 0, epoch = 0;
  if (body.HasMember("advanceSeconds")) {
    if (auto e = number("advanceSeconds", seconds)) return *e;
    if (seconds < 0) return bad_admin_request("the clock cannot go backwards: advanceSeconds must not be negative");
    if (seconds > 1e10) return bad_admin_request("'advanceSeconds' is too large");
  }
  if (body.HasMember("set")) {
    if (auto e = number("set", epoch)) return *e;
    if (epoch < 0 || epoch > 1e11) return bad_admin_request("'set' must be epoch seconds");
  }
  ClockReading now = emu_.clock().read();
  ClockMode mode = now.mode;
  double scale = now.scale;
  if (body.HasMember("mode")) {
    const auto& v = body["mode"];
    if (!v.IsString() || !parse_clock_mode(v.GetString(), mode))
      return bad_admin_request("'mode' must be \"real\" or \"manual\"");
  }
  if (body.HasMember("scale")) {
    if (auto e = number("scale", scale)) return *e;
    if (!(scale >= kMinTimeScale && scale <= kMaxTimeScale))
      return bad_admin_request("'scale' must be a number from 0.001 to 1000000");
  }
  if (body.HasMember("set") && seconds_to_ms(epoch) < now.now_ms)
    return bad_admin_request("the clock cannot go backwards: " + std::to_string(epoch) + " is before now (" +
                             std::to_string(static_cast<double>(now.now_ms) / 1000.0) + ")");

  // Mode and scale first, then the jump, which applies to the new mode.
  Status status = emu_.clock().set_mode(mode, scale);
  if (status && body.HasMember("advanceSeconds"))
    status = emu_.clock().advance(seconds_to_ms(seconds));
  if (status && body.HasMember("set")) status = emu_.clock().set(seconds_to_ms(epoch));
  if (!status) return bad_admin_request(status.error().message);
  // Answer only once everything that fell due has happened; then let the
  // deadline waker re-arm for the new time or mode.
  emu_.catch_up();
  emu_.store().transaction([this](Store& db) { emu_.scheduler().reload(db); });
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_clock(w, emu_.persist_clock());
  return json_response(200, buf);
}

HttpResponse AdminApi::session(const HttpRequest& request, const std::vector<std::string>& parts) {
  // parts: sessions, {sg}, {session}, {action}
  if (parts.size() != 4)
    return admin_error(404, "UnknownOperationException",
                       "session admin paths are /_gls/sessions/{streamGroup}/{session}/{events|status|history|timings}");
  const std::string& group = parts[1];
  const std::string& id = parts[2];
  const std::string& action = parts[3];
  const std::string& m = request.method;
  const Scope scope = admin_scope(emu_, request, group);
  StreamSessions& sessions = emu_.sessions();

  if (action == "history" && m == "GET") {
    auto history = sessions.history(scope, group, id);
    if (!history) return domain_error(history.error());
    auto current = sessions.get(scope, group, id);
    if (!current) return domain_error(current.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "arn", stream_session_arn(scope, current->group_id, current->id));
    write_string(w, "status", to_string(current->status));
    write_history(w, *history);
    w.EndObject();
    return json_response(200, buf);
  }

  if (m != "POST" || (action != "events" && action != "status" && action != "timings"))
    return admin_error(404, "UnknownOperationException",
                       "No admin operation matches " + m + " " + std::string(request.path()) +
                           "; use POST .../events, POST .../status, POST .../timings or GET .../history");
  rapidjson::Document body;
  HttpResponse error;
  if (!parse_body(request, body, error)) return error;
  error.status = 0;  // from here on, a status says that a member was bad

  if (action == "events") {
    if (auto bad = unknown_members(body, {"event", "reason"}); bad.status) return bad;
    auto event = optional_string(body, "event", error);
    if (error.status) return error;
    if (!event) return bad_admin_request("'event' is required: clientConnect, clientDisconnect, userInput, "
                                         "applicationExit or fail");
    auto reason = optional_string(body, "reason", error);
    if (error.status) return error;
    auto s = sessions.event(scope, group, id, *event, reason);
    if (!s) return domain_error(s.error());
    return session_response(scope, *s);
  }
  if (action == "status") {
    if (auto bad = unknown_members(body, {"status", "statusReason", "force"}); bad.status) return bad;
    auto status = optional_string(body, "status", error);
    if (error.status) return error;
    if (!status) return bad_admin_request("'status' is required");
    auto reason = optional_string(body, "statusReason", error);
    if (error.status) return error;
    bool force = false;
    if (body.HasMember("force")) {
      if (!body["force"].IsBool()) return bad_admin_request("'force' must be true or false");
      force = body["force"].GetBool();
    }
    auto s = sessions.force_status(scope, group, id, *status, reason, force);
    if (!s) return domain_error(s.error());
    return session_response(scope, *s);
  }
  // timings
  auto s = sessions.set_timings(scope, group, id, request.body);
  if (!s) return domain_error(s.error());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_key(w, "streamSession");
  w.RawValue(s->timings_json->c_str(), s->timings_json->size(), rapidjson::kObjectType);
  w.EndObject();
  return json_response(200, buf);
}

// ---- applications, stream groups, locations and stream URLs ----------------------------

HttpResponse AdminApi::application(const HttpRequest& request, const std::vector<std::string>& parts) {
  // parts: applications, {id}, {status|history}
  constexpr std::string_view hint = "use POST /_gls/applications/{id}/{status|timings} or GET /_gls/applications/{id}/history";
  if (parts.size() != 3) return unknown_admin_path(request, hint);
  const Scope scope = admin_scope(emu_, request, parts[1]);
  Applications& apps = emu_.applications();
  if (parts[2] == "history" && request.method == "GET") {
    auto history = apps.history(scope, parts[1]);
    if (!history) return domain_error(history.error());
    auto current = apps.get(scope, parts[1]);
    auto id = resolve_id(scope, parts[1], ResourceType::Application);
    return history_response(application_arn(scope, *id),
                            current ? to_string(current->status) : std::string_view(history->back().to), *history);
  }
  if (parts[2] == "timings" && request.method == "POST") {
    auto a = apps.get(scope, parts[1]);
    if (!a) return domain_error(a.error());
    return timings_response("application", emu_.set_resource_timings(scope, "application", a->id, request.body));
  }
  if (parts[2] != "status" || request.method != "POST") return unknown_admin_path(request, hint);
  ForcedStatus f;
  if (auto error = parse_forced_status(request, f, true)) return *error;
  auto a = apps.force_status(scope, parts[1], f.status, f.reason, f.force);
  if (!a) return domain_error(a.error());
  return render_json([&](JsonWriter& w) { write_application(w, scope, *a, ResourceView::Full); });
}

HttpResponse AdminApi::stream_group(const HttpRequest& request, const std::vector<std::string>& parts) {
  // parts: streamgroups, {id}, {status|history}  or  streamgroups, {id}, locations, {name}, {status|history}
  constexpr std::string_view hint =
      "use POST|GET /_gls/streamgroups/{id}/{status|history} or /_gls/streamgroups/{id}/locations/{name}/{status|history}";
  const bool location = parts.size() == 5 && parts[2] == "locations";
  if (parts.size() != 3 && !location) return unknown_admin_path(request, hint);
  const std::string& action = parts.back();
  const Scope scope = admin_scope(emu_, request, parts[1]);
  StreamGroups& groups = emu_.stream_groups();
  if (action == "history" && request.method == "GET") {
    auto history = location ? groups.location_history(scope, parts[1], parts[3]) : groups.history(scope, parts[1]);
    if (!history) return domain_error(history.error());
    auto id = resolve_id(scope, parts[1], ResourceType::StreamGroup);
    std::string arn = stream_group_arn(scope, *id) + (location ? "/location/" + parts[3] : "");
    return history_response(arn, history->back().to, *history);
  }
  if (action == "timings" && request.method == "POST" && !location) {
    auto g = groups.get(scope, parts[1]);
    if (!g) return domain_error(g.error());
    return timings_response("streamGroup", emu_.set_resource_timings(scope, "streamGroup", g->id, request.body));
  }
  if (action != "status" || request.method != "POST") return unknown_admin_path(request, hint);
  ForcedStatus f;
  if (auto error = parse_forced_status(request, f, !location)) return *error;
  auto g = location ? groups.force_location_status(scope, parts[1], parts[3], f.status, f.force)
                    : groups.force_status(scope, parts[1], f.status, f.reason, f.force);
  if (!g) return domain_error(g.error());
  return render_json([&](JsonWriter& w) { write_stream_group(w, scope, *g, ResourceView::Full); });
}

HttpResponse AdminApi::stream_url(const HttpRequest& request, const std::vector<std::string>& parts) {
  // parts: streamurls, {sg}, {su}, history
  if (parts.size() != 4 || parts[3] != "history" || request.method != "GET")
    return unknown_admin_path(request, "use GET /_gls/streamurls/{streamGroup}/{streamUrl}/history");
  const Scope scope = admin_scope(emu_, request, parts[1]);
  auto history = emu_.stream_urls().history(scope, parts[1], parts[2]);
  if (!history) return domain_error(history.error());
  auto group = resolve_id(scope, parts[1], ResourceType::StreamGroup);
  auto id = resolve_child_id(scope, *group, parts[2], ResourceType::StreamUrl);
  return history_response(stream_url_arn(scope, *group, *id), history->back().to, *history);
}

// The emulator's web player: what a browser opening a stream URL reaches.
HttpResponse AdminApi::play(const HttpRequest& request, const std::vector<std::string>& parts) {
  if (parts.size() != 3 || (request.method != "GET" && request.method != "HEAD"))
    return unknown_admin_path(request, "a stream URL is opened with GET");
  std::string token;
  std::vector<std::pair<std::string, std::string>> query;
  api::parse_query(request.query(), query);
  for (const auto& [k, v] : query)
    if (k == "token") token = v;
  auto opened = emu_.stream_urls().open(parts[1], parts[2], token);
  if (!opened) {
    const Error& e = opened.error();
    if (e.kind == ErrorKind::NotFound) return admin_error(404, "ResourceNotFoundException", e.message);
    if (e.kind == ErrorKind::Conflict && e.message.rfind("This stream URL", 0) == 0)
      return admin_error(410, "StreamUrlGone", e.message);
    return domain_error(e);
  }
  const Scope& scope = opened->first;
  const StreamSession& session = opened->second;
  const std::string arn = stream_session_arn(scope, session.group_id, session.id);
  std::string_view accept = request.header("accept");
  if (accept.find("text/html") != std::string_view::npos) {
    HttpResponse r;
    r.status = 200;
    r.set_header("Content-Type", "text/html; charset=utf-8");
    r.set_header("x-gls-stream-session-arn", arn);
    r.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GameLift Streams Local</title>"
             "</head><body><h1>Stream session started</h1><p>Stream session <code id=\"session\">" + session.id +
             "</code> in stream group <code>" + session.group_id + "</code> is <span id=\"status\">" +
             std::string(to_string(session.status)) + "</span>.</p><p><code>" + arn + "</code></p></body></html>";
    return r;
  }
  HttpResponse r = render_json([&](JsonWriter& w) {
    w.StartObject();
    write_string(w, "StreamSessionArn", arn);
    write_string(w, "StreamSessionId", session.id);
    write_string(w, "StreamGroupId", session.group_id);
    write_string(w, "Status", to_string(session.status));
    w.EndObject();
  });
  r.set_header("x-gls-stream-session-arn", arn);
  return r;
}

// ---- the whole state ------------------------------------------------------------------------

HttpResponse AdminApi::state_get(const HttpRequest& request) {
  const Scope scope = admin_scope(emu_, request, "");
  const std::string endpoint = endpoint_of(request);
  return render_json([&](JsonWriter& w) {
    (void)emu_.transact([&](Store& db, int64_t now) {
      w.StartObject();
      write_string(w, "account", scope.account);
      write_string(w, "region", scope.region);
      write_key(w, "clock");
      write_clock(w, emu_.clock().read());
      write_key(w, "applications");
      w.StartArray();
      for (Application& a : repo::list_applications(db, scope, std::nullopt, 1 << 30)) {
        emu_.applications().describe(db, scope, a, now);
        write_application(w, scope, a, ResourceView::Full);
      }
      w.EndArray();
      write_key(w, "streamGroups");
      w.StartArray();
      for (const StreamGroup& g : repo::list_stream_groups(db, scope, std::nullopt, 1 << 30))
        write_stream_group(w, scope, g, ResourceView::Full);
      w.EndArray();
      write_key(w, "streamSessions");
      w.StartArray();
      repo::SessionQuery q;
      q.limit = 1 << 30;
      for (const StreamSession& s : repo::list_sessions(db, scope, q)) {
        // The Get shape, plus the stream URL that started it (not an API member).
        rapidjson::StringBuffer one;
        JsonWriter ow(one);
        write_session(ow, scope, s, SessionView::Full);
        std::string text(one.GetString(), one.GetSize());
        if (s.url_id) text.insert(text.size() - 1, ",\"StreamUrlId\":\"" + *s.url_id + "\"");
        w.RawValue(text.data(), text.size(), rapidjson::kObjectType);
      }
      w.EndArray();
      write_key(w, "streamUrls");
      w.StartArray();
      repo::StreamUrlQuery uq;
      uq.limit = 1 << 30;
      for (StreamUrl& u : repo::list_stream_urls(db, scope, uq)) write_stream_url(w, scope, u, ResourceView::Full, endpoint);
      w.EndArray();
      w.EndObject();
      return ok();
    });
  });
}

HttpResponse AdminApi::state_put(const HttpRequest& request) {
  rapidjson::Document body;
  HttpResponse error;
  if (!parse_body(request, body, error)) return error;
  // The scope's resources are replaced by the document's, all or nothing.
  Scope scope = admin_scope(emu_, request, "");
  if (body.HasMember("account") && body["account"].IsString()) scope.account = body["account"].GetString();
  if (body.HasMember("region") && body["region"].IsString()) scope.region = body["region"].GetString();
  body.RemoveMember("clock");
  rapidjson::StringBuffer text;
  JsonWriter w(text);
  body.Accept(w);
  Status s = emu_.replace_scope(scope, [&](Store&) {
    return load_fixtures(emu_, FixtureSource{"PUT /_gls/state", std::string(text.GetString(), text.GetSize())});
  });
  if (!s) return domain_error(s.error());
  return state_get(request);
}

}  // namespace gls
