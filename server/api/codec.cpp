#include "api/codec.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>

#include <algorithm>
#include <charconv>

#include "api/validate.hpp"

namespace gls::api {

namespace {
// The deepest nesting of objects and arrays in `text`, or -1 past the limit.
int nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return -1;
      deepest = std::max(deepest, depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}
}  // namespace

bool parse_json(std::string_view text, rapidjson::Document& doc, std::string& error) {
  if (nesting_depth(text) < 0) return json_verdict(text, true, {}, 0, error);
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseIterativeFlag;
  rapidjson::MemoryStream memory(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(memory);
  doc.ParseStream<kFlags, rapidjson::UTF8<>>(in);
  return json_verdict(text, false, rapidjson::ParseResult(doc.GetParseError(), doc.GetErrorOffset()), in.Tell(),
                      error);
}

bool json_verdict(std::string_view text, bool too_deep, const rapidjson::ParseResult& parsed, size_t end,
                  std::string& error) {
  if (too_deep) {
    error = "not valid JSON here: objects and arrays nest more than " + std::to_string(kMaxJsonDepth) + " levels deep";
    return false;
  }
  if (parsed.IsError()) {
    error = std::string("not valid JSON: ") + rapidjson::GetParseError_En(parsed.Code()) + " (at byte " +
            std::to_string(parsed.Offset()) + ")";
    return false;
  }
  // Parsing stops after the first value: only whitespace may follow it.
  for (size_t i = end; i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      error = "not valid JSON: unexpected text after the value (at byte " + std::to_string(i) + ")";
      return false;
    }
  }
  return true;
}

bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
  bool ok = true;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key, value;
    ok &= percent_decode(pair.substr(0, eq), key, true);
    if (eq != std::string_view::npos) ok &= percent_decode(pair.substr(eq + 1), value, true);
    out.emplace_back(std::move(key), std::move(value));
  }
  return ok;
}

namespace {

// Converts a textual value (query parameter, header) to the JSON type of its
// shape. Numbers that do not parse stay strings, so the validator reports the
// type problem with the member's path.
rapidjson::Value scalar_value(const Shape& shape, const std::string& text, rapidjson::Document::AllocatorType& a) {
  if (shape.type == Type::Integer || shape.type == Type::Long) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return rapidjson::Value(n);
  } else if (shape.type == Type::Boolean) {
    if (text == "true") return rapidjson::Value(true);
    if (text == "false") return rapidjson::Value(false);
  }
  return rapidjson::Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), a);
}

}  // namespace

std::optional<ApiError> decode_input(const Model& model, const RouteMatch& route, const HttpRequest& request,
                                     rapidjson::Document& input) {
  const Operation& op = *route.operation;
  const Shape& shape = *op.input_shape;
  auto& a = input.GetAllocator();
  std::vector<Violation> violations;

  // The body holds the members bound to it, and nothing else.
  std::string_view body = request.body;
  bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank) {
    input.SetObject();
  } else {
    std::string error;
    if (!parse_json(body, input, error)) return validation_error("The request body is " + error);
    if (!input.IsObject()) return validation_error("the request body must be a JSON object");
    for (auto it = input.MemberBegin(); it != input.MemberEnd(); ++it) {
      std::string name(it->name.GetString(), it->name.GetStringLength());
      const Member* m = shape.find_member(name);
      if (!m || m->binding != Binding::Body)
        violations.push_back({member_path("", name), "", "Member is not defined by the body of " + shape.name});
    }
  }

  if (route.bad_encoding) return validation_error("a path parameter is not valid percent-encoded UTF-8");
  std::vector<std::pair<std::string, std::string>> query;
  if (!parse_query(request.query(), query)) return validation_error("the query string is not valid percent-encoded UTF-8");

  for (const Member& m : shape.members) {
    if (m.binding == Binding::Body) continue;
    const Shape& target = *m.target;
    rapidjson::Value name(m.name.c_str(), static_cast<rapidjson::SizeType>(m.name.size()), a);
    if (m.binding == Binding::Uri) {
      for (const auto& [label, value] : route.labels)
        if (label == m.wire_name)
          input.AddMember(name, rapidjson::Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), a), a);
    } else if (m.binding == Binding::Query) {
      if (target.type == Type::List) {
        rapidjson::Value list(rapidjson::kArrayType);
        const Shape& item = model.shape_or_die(target.member_shape);
        for (const auto& [k, v] : query)
          if (k == m.wire_name) list.PushBack(scalar_value(item, v, a), a);
        if (!list.Empty()) input.AddMember(name, list, a);
      } else {
        for (const auto& [k, v] : query)
          if (k == m.wire_name) {
            input.AddMember(name, scalar_value(target, v, a), a);
            break;  // the first occurrence counts
          }
      }
    } else if (m.binding == Binding::Header) {
      std::string lower = m.wire_name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view h = request.header(lower);
      if (!h.empty()) input.AddMember(name, scalar_value(target, std::string(h), a), a);
    }
  }

  if (violations.empty()) validate(model, shape, input, "", violations);
  if (!violations.empty()) return validation_error(describe(violations));
  return std::nullopt;
}

}  // namespace gls::api
