// The request journal: what the last N API requests were and how they ended,
// for tests to assert on (GET /_gls/requests) and for the event stream.
//
// A bounded ring buffer in memory: once full, each new entry replaces the
// oldest. Admin requests (/_gls/...) are not journaled. Thread-safe; the
// listeners hear each entry as it is recorded, outside the journal's lock.
#pragma once

#include "state/listeners.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gls {

// What one request was and how it ended, for the journal, the metrics and
// the log line.
struct RequestRecord {
  uint64_t seq = 0;  // 1, 2, ... in the order requests were journaled
  std::string request_id;
  std::string method;
  std::string path;
  std::string operation;  // empty when no operation matched; "admin" for /_gls/...
  std::string account;
  std::string region;
  int status = 0;            // 0 when a transport fault left the request unanswered
  std::string error;         // error code, empty on success
  double latency_ms = 0;     // until the response was ready, injected latency included
  double wall_time = 0;      // epoch seconds at which the request arrived
  double emulator_time = 0;  // the emulator clock then, epoch seconds
  // The fault rule that fired for the request, if any, and what it did.
  std::optional<int64_t> fault_rule;
  std::string fault_type;  // error, latency, connection, lifecycle
  // The resource IDs the request named (input member -> ID); for
  // StartStreamSession also the session it started.
  std::vector<std::pair<std::string, std::string>> identifiers;
};

// The record as the journal shows it: {"operation", "status", "error",
// "latencyMs", "requestId", "fault", "identifiers", "time", ...}.
void write_request_record(rapidjson::Writer<rapidjson::StringBuffer>& w, const RequestRecord& r,
                          std::string_view message = {});
std::string request_record_json(const RequestRecord& r);

struct JournalQuery {
  size_t limit = 100;
  std::optional<std::string> operation;
  // An exact status (e.g. 429), or a class: 4 for 4xx, 5 for 5xx.
  std::optional<int> status;
  bool status_class = false;
};

class RequestJournal {
 public:
  using Listener = std::function<void(const RequestRecord&)>;

  explicit RequestJournal(size_t capacity);
  RequestJournal(const RequestJournal&) = delete;
  RequestJournal& operator=(const RequestJournal&) = delete;

  // Stores the record (numbering it) and tells the listeners; returns its number.
  uint64_t record(RequestRecord r);
  // Newest first.
  std::vector<RequestRecord> newest(const JournalQuery& q) const;
  size_t size() const;
  size_t capacity() const { return capacity_; }
  void clear();

  int subscribe(Listener listener) { return listeners_.add(std::move(listener)); }
  void unsubscribe(int handle) { listeners_.remove(handle); }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::vector<RequestRecord> ring_;  // grows to capacity_, then wraps
  size_t next_ = 0;                  // where the next record goes once full
  uint64_t seq_ = 0;
  Listeners<const RequestRecord&> listeners_{"a request journal listener"};
};

}  // namespace gls
