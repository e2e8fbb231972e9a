#include "websdk/input_messages.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

#include "state/small_json.hpp"

namespace gls::websdk {

namespace {

using Object = rapidjson::Value::ConstObject;

std::optional<std::string> string_member(const Object& o, const char* name) {
  auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// A number member; `fallback` when absent, nullopt when not a number.
std::optional<double> number_member(const Object& o, const char* name, std::optional<double> fallback) {
  auto it = o.FindMember(name);
  if (it == o.MemberEnd()) return fallback;
  if (!it->value.IsNumber()) return std::nullopt;
  return it->value.GetDouble();
}

bool number_list(const Object& o, const char* name, std::vector<double>& out, double low, double high) {
  auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsArray() || it->value.Size() > 64) return false;
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsNumber() || v.GetDouble() < low || v.GetDouble() > high) return false;
    out.push_back(v.GetDouble());
  }
  return true;
}

bool one_of(const std::string& value, std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed)
    if (value == a) return true;
  return false;
}

bool read_keyboard(const Object& o, InputMessage& m) {
  auto action = string_member(o, "action");
  auto code = string_member(o, "code");
  if (!action || !one_of(*action, {"down", "up"}) || !code) return false;
  m.action = *action;
  m.code = *code;
  m.key = string_member(o, "key").value_or("");
  return true;
}

bool read_mouse(const Object& o, InputMessage& m) {
  auto action = string_member(o, "action");
  if (!action || !one_of(*action, {"move", "down", "up", "wheel"})) return false;
  auto x = number_member(o, "x", std::nullopt), y = number_member(o, "y", std::nullopt);
  auto button = number_member(o, "button", 0.0);
  auto dx = number_member(o, "dx", 0.0), dy = number_member(o, "dy", 0.0);
  if (!x || !y || *x < 0 || *x > 1 || *y < 0 || *y > 1 || !button || !dx || !dy) return false;
  m.action = *action;
  m.x = *x;
  m.y = *y;
  m.button = static_cast<int>(*button);
  m.dx = *dx;
  m.dy = *dy;
  return true;
}

bool read_gamepad(const Object& o, InputMessage& m) {
  auto index = number_member(o, "index", std::nullopt);
  if (!index || *index < 0 || *index > 15) return false;
  m.index = static_cast<int>(*index);
  return number_list(o, "buttons", m.buttons, 0, 1) && number_list(o, "axes", m.axes, -1, 1);
}

std::string message(std::string_view kind, const char* member, std::string_view value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
  w.Key(member);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::optional<InputMessage> parse_input_message(std::string_view text) {
  SmallJson d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  const Object o = std::as_const(d).GetObject();
  auto kind = string_member(o, "kind");
  if (!kind) return std::nullopt;
  InputMessage m;
  bool valid = false;
  if (*kind == "keyboard") {
    m.kind = InputKind::Keyboard;
    valid = read_keyboard(o, m);
  } else if (*kind == "mouse") {
    m.kind = InputKind::Mouse;
    valid = read_mouse(o, m);
  } else if (*kind == "gamepad") {
    m.kind = InputKind::Gamepad;
    valid = read_gamepad(o, m);
  } else if (*kind == "heartbeat") {
    m.kind = InputKind::Heartbeat;
    valid = true;
  } else if (*kind == "application") {
    m.kind = InputKind::Application;
    auto data = string_member(o, "data");
    valid = data.has_value();
    m.data = data.value_or("");
  } else if (*kind == "stats") {
    m.kind = InputKind::Stats;
    auto it = o.FindMember("stats");
    valid = it != o.MemberEnd() && it->value.IsObject();
  } else if (*kind == "disconnect") {
    m.kind = InputKind::Disconnect;
    m.data = string_member(o, "reason").value_or("");
    valid = true;
  }
  if (!valid) return std::nullopt;
  return m;
}

std::string disconnect_message(std::string_view reason) { return message("disconnect", "reason", reason); }

std::string application_message(std::string_view base64) { return message("application", "data", base64); }

}  // namespace gls::websdk
