#include "state/sessions/session_rules.hpp"

#include <rapidjson/document.h>

#include <string>

#include "state/digest.hpp"
#include "state/small_json.hpp"

namespace gls {

namespace {

constexpr int64_t kMaxPixels = 2'073'600;  // 1920 x 1080
constexpr std::string_view kRolePrefix = "GameLiftStreams-";

Status check_resolution(const std::string& display_json) {
  SmallJson d;
  d.Parse(display_json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("Resolution") || !d["Resolution"].IsObject()) return ok();
  const auto& r = d["Resolution"];
  auto dimension = [&](const char* name) -> int64_t {
    return r.HasMember(name) && r[name].IsInt64() ? r[name].GetInt64() : 0;
  };
  const int64_t width = dimension("Width"), height = dimension("Height");
  if (width % 2 != 0)
    return invalid_member(std::to_string(width), "displayConfiguration.resolution.width", "Member must be an even number");
  if (height % 2 != 0)
    return invalid_member(std::to_string(height), "displayConfiguration.resolution.height", "Member must be an even number");
  if (width * height > kMaxPixels)
    return invalid_member(std::to_string(width) + "x" + std::to_string(height), "displayConfiguration.resolution",
                     "Width x height must not exceed " + std::to_string(kMaxPixels) + " pixels (1920 x 1080)");
  return ok();
}

Status check_role(const std::string& arn) {
  // arn:aws:iam::<account>:role/<path/>name: the name is the last segment.
  const auto slash = arn.rfind('/');
  const std::string_view name = slash == std::string::npos ? std::string_view() : std::string_view(arn).substr(slash + 1);
  if (arn.find(":role/") == std::string::npos || !name.starts_with(kRolePrefix))
    return invalid_member(arn, "roleArn", "Member must name an IAM role whose name starts with " + std::string(kRolePrefix));
  return ok();
}

}  // namespace

Status check_start_input(const std::optional<std::string>& display_json, const std::optional<std::string>& role_arn) {
  if (display_json)
    if (auto st = check_resolution(*display_json); !st) return st;
  if (role_arn)
    if (auto st = check_role(*role_arn); !st) return st;
  return ok();
}

bool offer_used(Store& db, const Scope& scope, const StreamSession& s, std::string_view offer) {
  Stmt q = db.prepare(
      "SELECT 1 FROM stream_sessions s, json_each(s.offers) o WHERE s.account = ? AND s.region = ? AND "
      "s.group_id = ? AND s.id = ? AND o.value = ?");
  q.args(scope.account, scope.region, s.group_id, s.id, text_digest(offer));
  return q.step();
}

void remember_offer(Store& db, const Scope& scope, const StreamSession& s, std::string_view offer) {
  db.prepare(
        "UPDATE stream_sessions SET offers = json_insert(COALESCE(offers, '[]'), '$[#]', ?) "
        "WHERE account = ? AND region = ? AND group_id = ? AND id = ?")
      .args(text_digest(offer), scope.account, scope.region, s.group_id, s.id)
      .run();
}

// As remember_offer leaves a session that had used none: a JSON array of one
// digest (hexadecimal digits, which need no escaping).
std::string offers_started_with(std::string_view offer) { return "[\"" + text_digest(offer) + "\"]"; }

}  // namespace gls
