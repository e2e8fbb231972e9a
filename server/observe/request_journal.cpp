#include "observe/request_journal.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace gls {

void write_request_record(rapidjson::Writer<rapidjson::StringBuffer>& w, const RequestRecord& r,
                          std::string_view message) {
  auto optional_string = [&w](const char* key, const std::string& v) {
    w.Key(key);
    v.empty() ? (void)w.Null() : (void)w.String(v);
  };
  w.StartObject();
  if (!message.empty()) {
    w.Key("message");
    w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  }
  w.Key("seq");
  w.Uint64(r.seq);
  w.Key("time");
  w.Double(r.wall_time);
  w.Key("emulatorTime");
  w.Double(r.emulator_time);
  optional_string("operation", r.operation);
  w.Key("method");
  w.String(r.method);
  w.Key("path");
  w.String(r.path);
  w.Key("status");
  w.Int(r.status);
  optional_string("error", r.error);
  w.Key("latencyMs");
  w.Double(std::round(r.latency_ms * 1000.0) / 1000.0);
  w.Key("requestId");
  w.String(r.request_id);
  w.Key("fault");
  if (r.fault_rule) {
    w.StartObject();
    w.Key("rule");
    w.Int64(*r.fault_rule);
    w.Key("type");
    w.String(r.fault_type);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("identifiers");
  w.StartObject();
  for (const auto& [k, v] : r.identifiers) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v);
  }
  w.EndObject();
  optional_string("account", r.account);
  optional_string("region", r.region);
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
