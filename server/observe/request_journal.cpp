#include "observe/request_journal.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "api/render.hpp"

namespace gls {

void write_request_record(rapidjson::Writer<rapidjson::StringBuffer>& w, const RequestRecord& r,
                          std::string_view message) {
  auto or_null = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
  w.StartObject();
  if (!message.empty()) write_string(w, "message", message);
  write_key(w, "seq");
  w.Uint64(r.seq);
  write_double(w, "time", r.wall_time);
  write_double(w, "emulatorTime", r.emulator_time);
  write_nullable(w, "operation", or_null(r.operation));
  write_string(w, "method", r.method);
  write_string(w, "path", r.path);
  write_int(w, "status", r.status);
  write_nullable(w, "error", or_null(r.error));
  write_double(w, "latencyMs", std::round(r.latency_ms * 1000.0) / 1000.0);
  write_string(w, "requestId", r.request_id);
  write_key(w, "fault");
  if (r.fault_rule) {
    w.StartObject();
    write_int(w, "rule", *r.fault_rule);
    write_string(w, "type", r.fault_type);
    w.EndObject();
  } else {
    w.Null();
  }
  write_string_map(w, "identifiers", r.identifiers);
  write_nullable(w, "account", or_null(r.account));
  write_nullable(w, "region", or_null(r.region));
  w.EndObject();
}

std::string request_record_json(const RequestRecord& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  write_request_record(w, r);
  return std::string(buf.GetString(), buf.GetSize());
}

RequestJournal::RequestJournal(size_t capacity) : capacity_(capacity) {
  ring_.reserve(std::min<size_t>(capacity, 1024));
}

uint64_t RequestJournal::record(RequestRecord r) {
  {
    std::lock_guard lock(mu_);
    r.seq = ++seq_;
    if (capacity_ > 0) {
      if (ring_.size() < capacity_) {
        ring_.push_back(r);
      } else {
        ring_[next_] = r;
        next_ = (next_ + 1) % capacity_;
      }
    }
  }
  listeners_.notify(r);
  return r.seq;
}

std::vector<RequestRecord> RequestJournal::newest(const JournalQuery& q) const {
  std::lock_guard lock(mu_);
  std::vector<RequestRecord> out;
  const size_t n = ring_.size();
  // The newest entry sits just before next_ once the ring has wrapped, else at the end.
  const size_t newest = ring_.size() < capacity_ ? n : next_ + n;
  for (size_t k = 0; k < n && out.size() < q.limit; ++k) {
    const RequestRecord& r = ring_[(newest - 1 - k) % n];
    if (q.operation && r.operation != *q.operation) continue;
    if (q.status && (q.status_class ? r.status / 100 != *q.status : r.status != *q.status)) continue;
    out.push_back(r);
  }
  return out;
}

size_t RequestJournal::size() const {
  std::lock_guard lock(mu_);
  return ring_.size();
}

void RequestJournal::clear() {
  std::lock_guard lock(mu_);
  ring_.clear();
  next_ = 0;
  seq_ = 0;
}

}  // namespace gls
