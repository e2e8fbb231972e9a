#include "admin/admin_json.hpp"

#include <algorithm>

#include "api/codec.hpp"
#include "api/errors.hpp"
#include "api/render.hpp"
#include "state/emulator.hpp"

namespace gls {

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

HttpResponse domain_error(const Error& e) { return api::error_response(api::from_domain(e)); }

HttpResponse no_admin_operation(const HttpRequest& request) {
  return admin_error(404, "UnknownOperationException",
                     "No admin operation matches " + request.method + " " + std::string(request.path()));
}

std::optional<HttpResponse> parse_object_body(const std::string& text, rapidjson::Document& doc) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    doc.SetObject();
    return std::nullopt;
  }
  std::string message;
  if (!api::parse_json(text, doc, message)) return bad_admin_request("The request body is " + message);
  if (!doc.IsObject()) return bad_admin_request("the request body must be a JSON object");
  return std::nullopt;
}

std::optional<std::string> optional_string(const rapidjson::Value& body, const char* key,
                                           std::optional<HttpResponse>& error) {
  auto it = body.FindMember(key);
  if (it == body.MemberEnd()) return std::nullopt;
  if (!it->value.IsString()) {
    error = bad_admin_request(std::string("'") + key + "' must be a string" + (it->value.IsNull() ? ", not null" : ""));
    return std::nullopt;
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<HttpResponse> unknown_members(const rapidjson::Value& body,
                                            std::initializer_list<std::string_view> known) {
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return bad_admin_request("unknown member '" + std::string(name) + "'; this request takes " + list);
    }
  }
  return std::nullopt;
}

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

void write_clock(JsonWriter& w, const ClockReading& c) {
  w.StartObject();
  write_key(w, "now");
  w.Double(static_cast<double>(c.now_ms) / 1000.0);
  write_string(w, "mode", to_string(c.mode));
  write_key(w, "scale");
  w.Double(c.scale);
  w.EndObject();
}

}  // namespace gls
