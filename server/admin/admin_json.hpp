// The JSON of the admin API, shared by every module that declares admin
// routes: answers, refusals (the restJson1 error shape of api/errors.hpp)
// and the members of request bodies.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_types.hpp"
#include "state/result.hpp"

namespace gls {

struct ClockReading;
struct Scope;
class Emulator;

// An application/json answer with this body.
HttpResponse json_response(int status, const rapidjson::StringBuffer& body);

// An application/json answer written by `write(JsonWriter&)`.
template <class Write>
HttpResponse render_json(int status, Write&& write) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  write(w);
  return json_response(status, buf);
}
template <class Write>
HttpResponse render_json(Write&& write) {
  return render_json(200, std::forward<Write>(write));
}

// Refusals.
HttpResponse admin_error(int status, const std::string& code, std::string message);
HttpResponse bad_admin_request(std::string message);  // 400 ValidationException
HttpResponse domain_error(const Error& e);            // the status api::from_domain gives its kind
HttpResponse no_admin_operation(const HttpRequest& request);  // 404 UnknownOperationException

// Parses a body that must be a JSON object; an empty body is {}. The
// refusal, if it is not one.
std::optional<HttpResponse> parse_object_body(const std::string& text, rapidjson::Document& doc);

// A string member that may be left out, but not given as null or as
// another type: nothing when it is absent; `error` set when it is bad.
std::optional<std::string> optional_string(const rapidjson::Value& body, const char* key,
                                           std::optional<HttpResponse>& error);
// The refusal of a body with a member not in `known`.
std::optional<HttpResponse> unknown_members(const rapidjson::Value& body,
                                            std::initializer_list<std::string_view> known);

// Admin requests are rarely signed: the scope comes from an ARN given as
// `identifier`, else from ?account=&region=, else the defaults.
Scope admin_scope(const Emulator& emu, const HttpRequest& request, std::string_view identifier);

// {"now": epoch seconds, "mode": "real"|"manual", "scale": n}
void write_clock(rapidjson::Writer<rapidjson::StringBuffer>& w, const ClockReading& c);

}  // namespace gls
