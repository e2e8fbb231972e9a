// The emulator's clock: read it, move it forward, switch it between real
// and manual time, or change how fast it runs.
#include "admin/admin_api.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "admin/admin_json.hpp"
#include "api/render.hpp"

namespace gls {

HttpResponse AdminApi::clock_get(AdminCall&) {
  return render_json([&](JsonWriter& w) { write_clock(w, emu_.clock().read()); });
}

HttpResponse AdminApi::clock_post(AdminCall& call) {
  const rapidjson::Document& body = call.body;
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
  return render_json([&](JsonWriter& w) { write_clock(w, emu_.persist_clock()); });
}

}  // namespace gls
