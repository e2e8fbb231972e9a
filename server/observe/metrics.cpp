#include "observe/metrics.hpp"

#include <algorithm>
#include <cstdio>

#include "state/store/records.hpp"

namespace gls {

namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

std::string prometheus_label(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  out += '"';
  return out;
}

const std::vector<double>& Metrics::latency_buckets() {
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return b;
}

void Metrics::observe_request(std::string_view operation, int status, double latency_ms) {
  const std::string op = operation.empty() ? "unknown" : std::string(operation);
  const double seconds = latency_ms / 1000.0;
  const auto& bounds = latency_buckets();
  std::lock_guard lock(mu_);
  ++requests_[{op, status}];
  Histogram& h = latency_[op];
  if (h.buckets.empty()) h.buckets.assign(bounds.size(), 0);
  auto i = static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  if (i < bounds.size()) ++h.buckets[i];
  ++h.count;
  h.sum_seconds += seconds;
}

void Metrics::observe_fault(int64_t rule_id, std::string_view type) {
  std::lock_guard lock(mu_);
  ++faults_[{rule_id, std::string(type)}];
  // Rules come and go for as long as the emulator runs: only the newest
  // rules' series are kept (ids grow, so the oldest come first).
  while (faults_.size() > kMaxFaultSeries) faults_.erase(faults_.begin());
}

void Metrics::observe_transitions(const std::vector<TransitionEvent>& events) {
  std::lock_guard lock(mu_);
  for (const TransitionEvent& e : events)
    ++transitions_[{e.kind, e.from.value_or(""), e.to, e.reason.value_or(""), e.cause}];
}

void Metrics::clear() {
  std::lock_guard lock(mu_);
  requests_.clear();
  latency_.clear();
  transitions_.clear();
  faults_.clear();
}

std::string Metrics::render(const std::vector<StatusCount>& statuses) const {
  std::string out;
  out.reserve(4096);
  std::lock_guard lock(mu_);

  header(out, "gls_requests_total", "counter", "API requests answered, by operation and HTTP status (0: no answer).");
  for (const auto& [key, n] : requests_)
    out += "gls_requests_total{operation=" + prometheus_label(key.first) + ",status=\"" + std::to_string(key.second) +
           "\"} " + std::to_string(n) + "\n";

  header(out, "gls_request_duration_seconds", "histogram",
         "Time to answer an API request, injected latency included, by operation.");
  const auto& bounds = latency_buckets();
  for (const auto& [op, h] : latency_) {
    const std::string label = "operation=" + prometheus_label(op);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds.size(); ++i) {
      cumulative += h.buckets[i];
      out += "gls_request_duration_seconds_bucket{" + label + ",le=\"" + number(bounds[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "gls_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "gls_request_duration_seconds_sum{" + label + "} " + number(h.sum_seconds) + "\n";
    out += "gls_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }

  header(out, "gls_stream_sessions", "gauge", "Stream sessions in each status, across accounts and regions.");
  for (SessionStatus s : kAllSessionStatuses) {
    const std::string_view name = to_string(s);
    int64_t n = 0;
    for (const StatusCount& c : statuses)
      if (c.kind == "stream_session" && c.status == name) n = c.count;
    out += "gls_stream_sessions{status=" + prometheus_label(name) + "} " + std::to_string(n) + "\n";
  }
  header(out, "gls_resources", "gauge", "Resources of each kind in each status, across accounts and regions.");
  for (const StatusCount& c : statuses)
    out += "gls_resources{kind=" + prometheus_label(c.kind) + ",status=" + prometheus_label(c.status) + "} " +
           std::to_string(c.count) + "\n";

  header(out, "gls_transitions_total", "counter",
         "Status transitions, by kind of resource, statuses, reason and cause.");
  for (const auto& [key, n] : transitions_) {
    const auto& [kind, from, to, reason, cause] = key;
    out += "gls_transitions_total{kind=" + prometheus_label(kind) + ",from=" + prometheus_label(from) +
           ",to=" + prometheus_label(to) + ",reason=" + prometheus_label(reason) + ",cause=" + prometheus_label(cause) +
           "} " + std::to_string(n) + "\n";
  }

  header(out, "gls_faults_injected_total", "counter", "Faults injected, by fault rule and what the fault was.");
  for (const auto& [key, n] : faults_)
    out += "gls_faults_injected_total{rule=\"" + std::to_string(key.first) + "\",type=" + prometheus_label(key.second) +
           "} " + std::to_string(n) + "\n";
  return out;
}

}  // namespace gls
