#include "admin_api.hpp"

#include <rapidjson/document.h>

#include <cmath>

#include "api/codec.hpp"
#include "api/errors.hpp"
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
    if (path == "/_gls/health" && m == "GET") return health();
    if (path == "/_gls/reset" && m == "POST") return reset(request);
    if (path == "/_gls/clock" && m == "GET") return clock_get();
    if (path == "/_gls/clock" && m == "POST") return clock_post(request);
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
  Status status = ok();
  if (body.HasMember("advanceSeconds")) {
    double seconds = 0;
    if (auto e = number("advanceSeconds", seconds)) return *e;
    if (seconds > 1e10) return bad_admin_request("'advanceSeconds' is too large");
    status = emu_.clock().advance(static_cast<int64_t>(std::llround(seconds * 1000)));
  } else if (body.HasMember("set")) {
    double epoch = 0;
    if (auto e = number("set", epoch)) return *e;
    if (epoch < 0 || epoch > 1e11) return bad_admin_request("'set' must be epoch seconds");
    status = emu_.clock().set(static_cast<int64_t>(std::llround(epoch * 1000)));
  } else if (body.HasMember("mode") || body.HasMember("scale")) {
    ClockReading now = emu_.clock().read();
    ClockMode mode = now.mode;
    double scale = now.scale;
    if (body.HasMember("mode")) {
      const auto& v = body["mode"];
      if (!v.IsString() || !parse_clock_mode(v.GetString(), mode))
        return bad_admin_request("'mode' must be \"real\" or \"manual\"");
    }
    if (body.HasMember("scale"))
      if (auto e = number("scale", scale)) return *e;
    status = emu_.clock().set_mode(mode, scale);
  } else {
    return bad_admin_request("the clock takes one of advanceSeconds, set, or mode/scale");
  }
  if (!status) return bad_admin_request(status.error().message);
  emu_.persist_clock();
  return clock_get();
}

}  // namespace gls
