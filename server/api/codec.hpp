// The REST-JSON request codec: from an HTTP request to the operation's input
// document, driven by the member bindings of the API description.
//
// The input document is one JSON object whose members are named as in the
// model (PascalCase), whichever part of the request they came from: URI
// labels, query parameters, headers or the JSON body. It has been validated
// against the input shape when decode_input returns no error.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string_view>

#include "api/errors.hpp"
#include "api/router.hpp"
#include "http/http_types.hpp"

namespace gls::api {

std::optional<ApiError> decode_input(const Model& model, const RouteMatch& route, const HttpRequest& request,
                                     rapidjson::Document& input);

// How deeply objects and arrays may nest: far more than any request of the
// API needs, and little enough that no recursive walk over a parsed value
// can exhaust the stack.
constexpr int kMaxJsonDepth = 100;

// Parses a JSON text strictly (UTF-8 validated, at most kMaxJsonDepth deep,
// no trailing garbage). On failure, fills `error` with "not valid JSON:
// <why> (at byte N)" or "not valid JSON here: <why>".
bool parse_json(std::string_view text, rapidjson::Document& doc, std::string& error);

// parse_json's verdict, for a reader that parses the text its own way (with
// kParseValidateEncodingFlag | kParseStopWhenDoneFlag): whether it nested
// too deep, what the parse gave, and where it stopped. False with
// parse_json's message in `error` unless all is well.
bool json_verdict(std::string_view text, bool too_deep, const rapidjson::ParseResult& parsed, size_t end,
                  std::string& error);

// Splits a query string into decoded (key, value) pairs. False on bad encoding.
bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace gls::api
