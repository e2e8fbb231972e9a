#include "api/rate_limits.hpp"

#include <algorithm>

namespace gls {

namespace {

struct Rate {
  std::string_view operation;
  double per_second;
};

// Source: Amazon GameLift Streams Developer Guide, "Amazon GameLift Streams
// API rate limits" (developerguide/api-rate-limits.html): the maximum rate of
// requests per second from an account to the service in a Region. Operations
// the page does not list have no limit here.
constexpr Rate kRates[] = {
    {"AddStreamGroupLocations", 5},        {"AssociateApplications", 5},    {"CreateApplication", 5},
    {"CreateStreamGroup", 1},              {"CreateStreamSessionConnection", 20},
    {"DeleteApplication", 5},              {"DeleteStreamGroup", 5},        {"DisassociateApplications", 5},
    {"ExportStreamSessionFiles", 20},      {"GetApplication", 10},          {"GetStreamGroup", 10},
    {"GetStreamSession", 20},              {"ListApplications", 10},        {"ListStreamGroups", 10},
    {"ListStreamSessions", 20},            {"ListStreamSessionsByAccount", 20},
    {"ListTagsForResource", 10},           {"RemoveStreamGroupLocations", 5},
    {"StartStreamSession", 20},            {"TagResource", 10},             {"TerminateStreamSession", 20},
    {"UntagResource", 10},                 {"UpdateApplication", 5},        {"UpdateStreamGroup", 5},
};

}  // namespace

std::optional<double> RateLimits::rate_of(std::string_view operation) {
  for (const Rate& r : kRates)
    if (r.operation == operation) return r.per_second;
  return std::nullopt;
}

bool RateLimits::admit(const Scope& scope, std::string_view operation, Clock::time_point now) {
  const auto rate = rate_of(operation);
  if (!rate) return true;
  const std::string key = scope.account + "|" + scope.region + "|" + std::string(operation);
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{*rate, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(*rate, b.tokens + elapsed * *rate);
    b.updated = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace gls
