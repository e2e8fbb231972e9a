// Fault rules: what chaos a test asked for, and which request gets it.
//
// A rule names an operation (or "*" for every operation), optionally the
// identifiers a request must carry, and an effect:
//   - an API error the model lists for the operation (name, HTTP status, message),
//   - added latency (fixed, or uniform between two bounds),
//   - a transport fault (reset, close, malformed), or
//   - a lifecycle fault for the next sessions StartStreamSession starts.
// An error or a transport fault may come with latency; a lifecycle rule does
// only that.
//
// Matching: rules are tried in the order they were added. A rule is a
// candidate when its operation and identifiers match and it has hits left
// (`times`); a candidate with a probability below 1 draws once from its own
// random stream and fires when the draw is below it. The first rule that
// fires wins; the others are not consulted (and do not draw). Request rules
// are consulted before the operation runs, lifecycle rules only once a
// StartStreamSession has succeeded.
//
// Reproducibility: each rule's random stream is seeded from the emulator's
// seed and the rule's id, so with --seed the same rules and the same
// sequence of requests hit the same requests on every run.
//
// A rule with operation "*" and an error applies only to operations whose
// model lists that error (a "*" ThrottlingException rule hits everything; a
// "*" ResourceNotFoundException rule skips the list operations). Identifiers
// match the decoded input by resource ID: an ARN and its ID are the same.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/model.hpp"
#include "http/http_types.hpp"
#include "state/result.hpp"

namespace gls {

enum class LifecycleFault { PlacementTimeout, InvalidSignalRequest, InternalError, ApplicationExit, ExportFailed };
std::string_view to_string(LifecycleFault f);

struct FaultRule {
  int64_t id = 0;
  std::string operation = "*";
  std::vector<std::pair<std::string, std::string>> match;  // input member -> resource ID
  double probability = 1.0;
  std::optional<int64_t> times;  // at most this many hits
  int64_t hits = 0;

  std::optional<std::string> error;
  std::optional<int> http_status;  // the model's status when not given
  std::optional<std::string> message;
  std::optional<std::pair<double, double>> latency_ms;  // [min, max]; min == max for a fixed delay
  ConnectionFault connection = ConnectionFault::None;
  std::optional<LifecycleFault> lifecycle;
  std::optional<double> after_seconds;

  bool is_lifecycle() const { return lifecycle.has_value(); }
};

// Reads a rule from its JSON form; a refusal says why in one sentence.
Result<FaultRule> parse_fault_rule(const rapidjson::Value& json, const api::Model& model);

// The rule's JSON form, as GET /_gls/faults lists it.
void write_fault_rule(rapidjson::Writer<rapidjson::StringBuffer>& w, const FaultRule& rule);

// What a fired request rule does to one request.
struct FaultHit {
  int64_t rule_id = 0;
  std::optional<std::string> error;
  int http_status = 0;
  std::string message;
  double latency_ms = 0;
  ConnectionFault connection = ConnectionFault::None;
  // A fired lifecycle rule.
  std::optional<LifecycleFault> lifecycle;
  std::optional<double> after_seconds;

  // "error", "latency", "connection" or "lifecycle": what the fault was, for
  // the journal and the metrics (an error with latency is an error).
  std::string_view type() const;
};

// The rules in force. Thread-safe.
class FaultRules {
 public:
  explicit FaultRules(uint64_t seed) : seed_(seed) {}
  FaultRules(const FaultRules&) = delete;
  FaultRules& operator=(const FaultRules&) = delete;

  // Stores the rule under the next id; returns it as stored.
  FaultRule add(FaultRule rule);
  bool remove(int64_t id);
  // Removes every rule; ids start again from 1.
  void clear();
  std::vector<FaultRule> list() const;

  // The request rule that fires for this request, if any (counts its hit).
  std::optional<FaultHit> for_request(const api::Operation& op, const rapidjson::Value& input);
  // The lifecycle rule that fires for a session StartStreamSession has just
  // started with this input, if any (counts its hit).
  std::optional<FaultHit> for_new_session(const rapidjson::Value& input);

 private:
  struct Entry {
    FaultRule rule;
    std::mt19937_64 rng;
  };
  std::optional<FaultHit> first_to_fire(const api::Operation* op, const rapidjson::Value& input, bool lifecycle);

  const uint64_t seed_;
  mutable std::mutex mu_;
  std::vector<Entry> rules_;
  int64_t next_id_ = 1;
};

// The resource ID an identifier names: the last part of an ARN, or the
// identifier itself.
std::string_view resource_id_of(std::string_view identifier);

}  // namespace gls
