#include "state/ids.hpp"

#include <algorithm>
#include <cctype>

namespace gls {

std::string_view arn_type_name(ResourceType t) {
  switch (t) {
    case ResourceType::Application: return "application";
    case ResourceType::StreamGroup: return "streamgroup";
    case ResourceType::StreamSession: return "streamsession";
    case ResourceType::StreamUrl: return "streamurl";
  }
  return "";
}

std::string_view display_name(ResourceType t) {
  switch (t) {
    case ResourceType::Application: return "application";
    case ResourceType::StreamGroup: return "stream group";
    case ResourceType::StreamSession: return "stream session";
    case ResourceType::StreamUrl: return "stream URL";
  }
  return "";
}

namespace {
std::string arn_prefix(const Scope& s) { return "arn:aws:gameliftstreams:" + s.region + ":" + s.account + ":"; }

bool alnum_run(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}
bool prefixed_id(std::string_view s, std::string_view prefix) {
  return s.size() == prefix.size() + 9 && s.substr(0, prefix.size()) == prefix && alnum_run(s.substr(prefix.size()));
}
}  // namespace

std::string application_arn(const Scope& s, std::string_view id) {
  return arn_prefix(s) + "application/" + std::string(id);
}
std::string stream_group_arn(const Scope& s, std::string_view id) {
  return arn_prefix(s) + "streamgroup/" + std::string(id);
}
std::string stream_session_arn(const Scope& s, std::string_view group_id, std::string_view id) {
  return arn_prefix(s) + "streamsession/" + std::string(group_id) + "/" + std::string(id);
}
std::string stream_url_arn(const Scope& s, std::string_view group_id, std::string_view id) {
  return arn_prefix(s) + "streamurl/" + std::string(group_id) + "/" + std::string(id);
}

std::optional<Arn> parse_arn(std::string_view s) {
  constexpr std::string_view prefix = "arn:aws:gameliftstreams:";
  if (s.substr(0, prefix.size()) != prefix) return std::nullopt;
  s.remove_prefix(prefix.size());
  Arn arn;
  auto colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  arn.region = std::string(s.substr(0, colon));
  s.remove_prefix(colon + 1);
  colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  arn.account = std::string(s.substr(0, colon));
  s.remove_prefix(colon + 1);
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  arn.type = std::string(s.substr(0, slash));
  s.remove_prefix(slash + 1);
  while (true) {
    slash = s.find('/');
    arn.path.emplace_back(s.substr(0, slash));
    if (arn.path.back().empty()) return std::nullopt;
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
  }
  return arn;
}

bool is_application_id(std::string_view s) { return prefixed_id(s, "a-"); }
bool is_stream_group_id(std::string_view s) { return prefixed_id(s, "sg-"); }
bool is_stream_url_id(std::string_view s) { return prefixed_id(s, "su-"); }
bool is_stream_session_id(std::string_view s) { return s.size() == 13 && alnum_run(s); }

namespace {
// The ARN's path when it names a resource of `type` in `scope`.
Result<std::vector<std::string>> arn_path(const Scope& scope, std::string_view identifier, ResourceType type) {
  auto arn = parse_arn(identifier);
  const size_t parts = (type == ResourceType::StreamSession || type == ResourceType::StreamUrl) ? 2 : 1;
  if (!arn || arn->type != arn_type_name(type) || arn->path.size() != parts)
    return validation("'" + std::string(identifier) + "' is not " +
                      (type == ResourceType::Application ? "an " : "a ") + std::string(display_name(type)) + " ARN");
  if (arn->account != scope.account || arn->region != scope.region)
    return not_found("The " + std::string(display_name(type)) + " " + std::string(identifier) +
                     " is not in account " + scope.account + ", region " + scope.region);
  return std::move(arn->path);
}
}  // namespace

Result<std::string> resolve_id(const Scope& scope, std::string_view identifier, ResourceType type) {
  if (identifier.substr(0, 4) != "arn:") return std::string(identifier);
  auto path = arn_path(scope, identifier, type);
  if (!path) return std::move(path).take_error();
  return std::move(path->back());
}

Result<std::string> resolve_child_id(const Scope& scope, std::string_view group_id, std::string_view identifier,
                                     ResourceType type) {
  if (identifier.substr(0, 4) != "arn:") return std::string(identifier);
  auto path = arn_path(scope, identifier, type);
  if (!path) return std::move(path).take_error();
  if ((*path)[0] != group_id)
    return not_found("The " + std::string(display_name(type)) + " " + std::string(identifier) +
                     " does not belong to stream group " + std::string(group_id));
  return std::move(path->back());
}

// ---- generation ----------------------------------------------------------------

IdGenerator::IdGenerator(uint64_t seed) : rng_(seed) {}

std::string IdGenerator::draw(size_t n, std::string_view alphabet) {
  std::lock_guard lock(mu_);
  std::string s(n, ' ');
  for (char& c : s) c = alphabet[rng_() % alphabet.size()];
  return s;
}

std::string IdGenerator::alphanumeric(size_t n) {
  return draw(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

std::string IdGenerator::hex(size_t n) { return draw(n, "0123456789abcdef"); }

std::string IdGenerator::uuid() {
  std::string h = hex(32);
  h[12] = '4';
  h[16] = "89ab"[static_cast<unsigned char>(h[16]) % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string IdGenerator::application() { return "a-" + alphanumeric(9); }
std::string IdGenerator::stream_group() { return "sg-" + alphanumeric(9); }
std::string IdGenerator::stream_url() { return "su-" + alphanumeric(9); }
std::string IdGenerator::stream_session() {
  // The same letters and digits as alphanumeric(), in byte order (as SQLite compares IDs).
  static constexpr std::string_view ordered = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  constexpr size_t kCounted = 5;
  std::string id(kCounted, ordered.front());
  id += alphanumeric(13 - kCounted);
  std::lock_guard lock(mu_);
  uint64_t n = sessions_named_++;
  for (size_t i = kCounted; i-- > 0; n /= ordered.size()) id[i] = ordered[n % ordered.size()];
  return id;
}

}  // namespace gls
