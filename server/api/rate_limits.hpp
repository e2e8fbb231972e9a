// The service's documented request rates per operation (--rate-limits aws):
// a request beyond its operation's rate, per account and Region, is answered
// with a ThrottlingException (429) before the operation runs. The figures
// are data in rate_limits.cpp, with their source. Off by default.
//
// Each (account, Region, operation) has a token bucket that holds one
// second of requests and refills at the documented rate, on the wall clock
// (request rates are real time whatever the emulator's clock does).
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "state/ids.hpp"

namespace gls {

class RateLimits {
 public:
  using Clock = std::chrono::steady_clock;

  // The documented rate of an operation (requests per second), if it has one.
  static std::optional<double> rate_of(std::string_view operation);

  // Whether a request of `operation` in `scope` is within its rate now; takes
  // one request from its bucket when it is.
  bool admit(const Scope& scope, std::string_view operation, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  std::mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace gls
