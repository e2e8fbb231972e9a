#include "admin_api.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "api/codec.hpp"
#include "api/errors.hpp"
#include "dashboard.hpp"
#include "render.hpp"
#include "state/repository.hpp"

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

std::optional<std::string> optional_string(const rapidjson::Value& body, const char* key, HttpResponse& error) {
  auto it = body.FindMember(key);
  if (it == body.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsString()) {
    error = bad_admin_request(std::string("'") + key + "' must be a string");
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
  return HttpResponse{0, {}, {}, ConnectionFault::None, false};
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
    if (path.rfind("/_gls/sessions/", 0) == 0) {
      std::vector<std::string> parts;
      if (!split_admin_path(path, parts)) return bad_admin_request("the path is not valid percent-encoded UTF-8");
      return session(request, parts);
    }
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
    if (!(scale > 0) || scale > 1e6) return bad_admin_request("'scale' must be greater than 0 and at most 1000000");
  }
  if (body.HasMember("set") && static_cast<int64_t>(std::llround(epoch * 1000)) < now.now_ms)
    return bad_admin_request("the clock cannot go backwards: " + std::to_string(epoch) + " is before now (" +
                             std::to_string(static_cast<double>(now.now_ms) / 1000.0) + ")");

  // Mode and scale first, then the jump, which applies to the new mode.
  Status status = emu_.clock().set_mode(mode, scale);
  if (status && body.HasMember("advanceSeconds"))
    status = emu_.clock().advance(static_cast<int64_t>(std::llround(seconds * 1000)));
  if (status && body.HasMember("set")) status = emu_.clock().set(static_cast<int64_t>(std::llround(epoch * 1000)));
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
    write_key(w, "history");
    w.StartArray();
    for (const HistoryEntry& e : *history) {
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

}  // namespace gls
