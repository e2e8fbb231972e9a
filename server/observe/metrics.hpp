// Metrics for GET /_gls/metrics, in the Prometheus text format 0.0.4.
//
// Counters live here, fed by the pipeline (requests, their latency, faults)
// and by the store's TransitionFeed (status transitions); gauges of the
// resources by status are read from the store when metrics are scraped.
// Every name starts with gls_. Thread-safe. POST /_gls/reset clears the
// counters with the rest of the state.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "state/store/transition_feed.hpp"

namespace gls {

// Resources in a status, for the gauges: (kind, status) -> count.
struct StatusCount {
  std::string kind;  // "stream_session", "application", ...
  std::string status;
  int64_t count = 0;
};

class Metrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds.
  static const std::vector<double>& latency_buckets();

  void observe_request(std::string_view operation, int status, double latency_ms);
  void observe_fault(int64_t rule_id, std::string_view type);
  void observe_transitions(const std::vector<TransitionEvent>& events);
  void clear();

  // The exposition text. `statuses` are the resources by status: every
  // session status appears, with 0 when no session is in it.
  std::string render(const std::vector<StatusCount>& statuses) const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative counts are computed when rendering
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (operation, status)
  std::map<std::string, Histogram> latency_;                  // by operation
  // (kind, from, to, reason, cause)
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, uint64_t> transitions_;
  static constexpr size_t kMaxFaultSeries = 256;
  std::map<std::pair<int64_t, std::string>, uint64_t> faults_;  // (rule, type)
};

// A Prometheus label value, escaped.
std::string prometheus_label(std::string_view value);

}  // namespace gls
