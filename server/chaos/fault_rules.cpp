#include "chaos/fault_rules.hpp"

#include <algorithm>
#include <cmath>

#include "api/render.hpp"

namespace gls {

namespace {

constexpr double kMaxLatencyMs = 300'000;        // five minutes
constexpr double kMaxAfterSeconds = 31'536'000;  // a year of emulator time
constexpr int64_t kMaxTimes = 1'000'000'000;

constexpr std::string_view kMembers[] = {"operation",  "match",      "probability", "times",
                                         "error",      "httpStatus", "message",     "latencyMs",
                                         "connection", "lifecycle",  "afterSeconds"};

struct LifecycleName {
  LifecycleFault fault;
  std::string_view name;
};
constexpr LifecycleName kLifecycleNames[] = {
    {LifecycleFault::PlacementTimeout, "placementTimeout"},
    {LifecycleFault::InvalidSignalRequest, "invalidSignalRequest"},
    {LifecycleFault::InternalError, "internalError"},
    {LifecycleFault::ApplicationExit, "applicationExit"},
    {LifecycleFault::ExportFailed, "exportFailed"},
};

std::string_view connection_name(ConnectionFault c) {
  switch (c) {
    case ConnectionFault::Reset: return "reset";
    case ConnectionFault::Close: return "close";
    case ConnectionFault::Malformed: return "malformed";
    case ConnectionFault::None: break;
  }
  return "";
}

std::string_view view(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

Error bad(std::string message) { return validation(std::move(message)); }

bool is_string_member(const api::Model& model, const api::Shape& input, std::string_view name) {
  const api::Member* m = input.find_member(name);
  if (!m) return false;
  const api::Shape* target = model.shape(m->shape);
  return target && target->type == api::Type::String;
}

// A number in [lo, hi], or a reason.
std::optional<std::string> check_number(const rapidjson::Value& v, std::string_view name, double lo, double hi,
                                        double& out) {
  if (!v.IsNumber() || !std::isfinite(v.GetDouble())) return "'" + std::string(name) + "' must be a number";
  out = v.GetDouble();
  if (out < lo || out > hi) {
    auto text = [](double d) {
      std::string s = std::to_string(d);
      s.erase(s.find_last_not_of('0') + 1);
      if (!s.empty() && s.back() == '.') s.pop_back();
      return s;
    };
    return "'" + std::string(name) + "' must be from " + text(lo) + " to " + text(hi) + ", not " + text(out);
  }
  return std::nullopt;
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A uniform draw in [0, 1) from 53 random bits: the same on every platform.
double draw(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

bool input_matches(const std::vector<std::pair<std::string, std::string>>& match, const rapidjson::Value& input) {
  if (match.empty()) return true;
  if (!input.IsObject()) return false;
  for (const auto& [member, want] : match) {
    auto it = input.FindMember(rapidjson::StringRef(member.data(), static_cast<rapidjson::SizeType>(member.size())));
    if (it == input.MemberEnd() || !it->value.IsString()) return false;
    if (resource_id_of(view(it->value)) != want) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(LifecycleFault f) {
  for (const auto& n : kLifecycleNames)
    if (n.fault == f) return n.name;
  return "?";
}

std::string_view resource_id_of(std::string_view identifier) {
  if (identifier.rfind("arn:", 0) != 0) return identifier;
  auto slash = identifier.rfind('/');
  return slash == std::string_view::npos ? identifier : identifier.substr(slash + 1);
}

std::string_view FaultHit::type() const {
  if (error) return "error";
  if (connection != ConnectionFault::None) return "connection";
  if (lifecycle) return "lifecycle";
  return "latency";
}

Result<FaultRule> parse_fault_rule(const rapidjson::Value& json, const api::Model& model) {
  if (!json.IsObject()) return bad("a fault rule must be a JSON object");
  for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
    std::string_view name = view(it->name);
    if (std::find(std::begin(kMembers), std::end(kMembers), name) != std::end(kMembers)) continue;
    if (name == "id" || name == "hits")
      return bad("'" + std::string(name) + "' is set by gls-local and cannot be given in a rule");
    std::string list;
    for (auto k : kMembers) list += (list.empty() ? "" : ", ") + std::string(k);
    return bad("unknown member '" + std::string(name) + "'; a fault rule takes " + list);
  }
  // A member may be left out, never given as null.
  for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it)
    if (it->value.IsNull()) return bad("'" + std::string(view(it->name)) + "' must not be null; leave it out instead");
  auto member = [&](const char* name) -> const rapidjson::Value* {
    auto it = json.FindMember(name);
    return it == json.MemberEnd() ? nullptr : &it->value;
  };
  FaultRule r;

  // What it does.
  if (const auto* v = member("lifecycle")) {
    if (!v->IsString()) return bad("'lifecycle' must be a string");
    for (const auto& n : kLifecycleNames)
      if (n.name == view(*v)) r.lifecycle = n.fault;
    if (!r.lifecycle)
      return bad("unknown lifecycle fault '" + std::string(view(*v)) +
                 "'; the lifecycle faults are placementTimeout, invalidSignalRequest, internalError, "
                 "applicationExit and exportFailed");
  }
  if (const auto* v = member("connection")) {
    if (!v->IsString()) return bad("'connection' must be a string");
    std::string_view c = view(*v);
    if (c == "reset")
      r.connection = ConnectionFault::Reset;
    else if (c == "close")
      r.connection = ConnectionFault::Close;
    else if (c == "malformed")
      r.connection = ConnectionFault::Malformed;
    else
      return bad("unknown connection fault '" + std::string(c) + "'; use reset, close or malformed");
  }
  if (const auto* v = member("error")) {
    if (!v->IsString()) return bad("'error' must be a string");
    r.error = std::string(view(*v));
    const api::Shape* shape = model.shape(*r.error);
    if (!shape || !shape->is_error()) return bad("'" + *r.error + "' is not an error of the GameLift Streams API");
  }
  if (const auto* v = member("latencyMs")) {
    double lo = 0, hi = 0;
    if (v->IsObject()) {
      for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it)
        if (view(it->name) != "min" && view(it->name) != "max")
          return bad("unknown member '" + std::string(view(it->name)) + "' of 'latencyMs'; it takes min and max");
      if (!v->HasMember("min") || !v->HasMember("max"))
        return bad("'latencyMs' must be a number of milliseconds or {\"min\": a, \"max\": b}");
      if (auto why = check_number((*v)["min"], "latencyMs.min", 0, kMaxLatencyMs, lo)) return bad(*why);
      if (auto why = check_number((*v)["max"], "latencyMs.max", 0, kMaxLatencyMs, hi)) return bad(*why);
      if (lo > hi) return bad("'latencyMs.min' must not be greater than 'latencyMs.max'");
    } else {
      if (auto why = check_number(*v, "latencyMs", 0, kMaxLatencyMs, lo))
        return bad(*why + " (or {\"min\": a, \"max\": b})");
      hi = lo;
    }
    r.latency_ms = std::make_pair(lo, hi);
  }
  if (r.error && r.connection != ConnectionFault::None)
    return bad("a rule gives either an 'error' or a 'connection' fault, not both");
  if (r.lifecycle && (r.error || r.connection != ConnectionFault::None || r.latency_ms))
    return bad("a lifecycle rule cannot also have 'error', 'connection' or 'latencyMs'");
  if (!r.lifecycle && !r.error && r.connection == ConnectionFault::None && !r.latency_ms)
    return bad("a fault rule needs an effect: 'error', 'latencyMs', 'connection' or 'lifecycle'");

  if (const auto* v = member("httpStatus")) {
    if (!r.error) return bad("'httpStatus' goes with 'error'");
    if (!v->IsInt() || v->GetInt() < 400 || v->GetInt() > 599)
      return bad("'httpStatus' must be an integer from 400 to 599");
    r.http_status = v->GetInt();
  } else if (r.error) {
    r.http_status = model.shape(*r.error)->error_status;
  }
  if (const auto* v = member("message")) {
    if (!r.error) return bad("'message' goes with 'error'");
    if (!v->IsString()) return bad("'message' must be a string");
    r.message = std::string(view(*v));
  }
  if (const auto* v = member("afterSeconds")) {
    if (!r.lifecycle) return bad("'afterSeconds' goes with 'lifecycle'");
    double s = 0;
    if (auto why = check_number(*v, "afterSeconds", 0, kMaxAfterSeconds, s)) return bad(*why);
    r.after_seconds = s;
  }

  // Which requests.
  const api::Operation* op = nullptr;
  if (const auto* v = member("operation")) {
    if (!v->IsString()) return bad("'operation' must be a string: an operation name or \"*\"");
    r.operation = std::string(view(*v));
  }
  if (r.lifecycle) {
    // Lifecycle faults happen to sessions that StartStreamSession starts.
    if (r.operation != "*" && r.operation != "StartStreamSession")
      return bad("a lifecycle rule applies to StartStreamSession, not " + r.operation);
    r.operation = "StartStreamSession";
  }
  if (r.operation != "*") {
    op = model.operation(r.operation);
    if (!op) return bad("unknown operation '" + r.operation + "'");
  }
  if (r.error) {
    if (op && !op->may_return(*r.error))
      return bad("the API does not list " + *r.error + " for " + op->name + "; its errors are " + [&] {
        std::string list;
        for (const auto& e : op->errors) list += (list.empty() ? "" : ", ") + e;
        return list;
      }());
    if (!op && std::none_of(model.operations().begin(), model.operations().end(),
                            [&](const api::Operation& o) { return o.may_return(*r.error); }))
      return bad("no operation of the API returns " + *r.error);
  }
  if (const auto* v = member("match")) {
    if (!v->IsObject()) return bad("'match' must be an object of input members and identifiers");
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      std::string name(view(it->name));
      if (!it->value.IsString() || it->value.GetStringLength() == 0)
        return bad("'match." + name + "' must be an identifier (an ID or an ARN)");
      bool known = op ? is_string_member(model, model.shape_or_die(op->input), name)
                      : std::any_of(model.operations().begin(), model.operations().end(), [&](const api::Operation& o) {
                          return is_string_member(model, model.shape_or_die(o.input), name);
                        });
      if (!known)
        return bad(
            "'match." + name + "': " +
            (op ? op->name + " has no string input member " + name : "no operation has a string input member " + name));
      r.match.emplace_back(name, std::string(resource_id_of(view(it->value))));
    }
  }
  if (const auto* v = member("probability")) {
    if (auto why = check_number(*v, "probability", 0, 1, r.probability)) return bad(*why);
  }
  if (const auto* v = member("times")) {
    if (!v->IsInt64() || v->GetInt64() < 1 || v->GetInt64() > kMaxTimes)
      return bad("'times' must be a whole number from 1 to " + std::to_string(kMaxTimes));
    r.times = v->GetInt64();
  }
  return r;
}

void write_fault_rule(rapidjson::Writer<rapidjson::StringBuffer>& w, const FaultRule& r) {
  w.StartObject();
  write_int(w, "id", r.id);
  write_string(w, "operation", r.operation);
  if (!r.match.empty()) write_string_map(w, "match", r.match);
  write_double(w, "probability", r.probability);
  if (r.times) write_int(w, "times", *r.times);
  write_int(w, "hits", r.hits);
  if (r.error) {
    write_string(w, "error", *r.error);
    write_int(w, "httpStatus", r.http_status.value_or(500));
    write_optional(w, "message", r.message);
  }
  if (r.latency_ms) {
    w.Key("latencyMs");
    if (r.latency_ms->first == r.latency_ms->second) {
      w.Double(r.latency_ms->first);
    } else {
      w.StartObject();
      w.Key("min");
      w.Double(r.latency_ms->first);
      w.Key("max");
      w.Double(r.latency_ms->second);
      w.EndObject();
    }
  }
  if (r.connection != ConnectionFault::None) {
    w.Key("connection");
    w.String(connection_name(r.connection).data());
  }
  if (r.lifecycle) {
    w.Key("lifecycle");
    auto name = to_string(*r.lifecycle);
    w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  }
  if (r.after_seconds) {
    w.Key("afterSeconds");
    w.Double(*r.after_seconds);
  }
  w.EndObject();
}

FaultRule FaultRules::add(FaultRule rule) {
  std::lock_guard lock(mu_);
  rule.id = next_id_++;
  rule.hits = 0;
  if (rule.error && !rule.message)
    rule.message = "Fault injected by gls-local (rule " + std::to_string(rule.id) + "): " + *rule.error;
  std::mt19937_64 rng(splitmix64(seed_ ^ splitmix64(static_cast<uint64_t>(rule.id))));
  rules_.push_back({rule, rng});
  return rule;
}

bool FaultRules::remove(int64_t id) {
  std::lock_guard lock(mu_);
  return std::erase_if(rules_, [id](const Entry& e) { return e.rule.id == id; }) > 0;
}

void FaultRules::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
  next_id_ = 1;
}

std::vector<FaultRule> FaultRules::list() const {
  std::lock_guard lock(mu_);
  std::vector<FaultRule> out;
  out.reserve(rules_.size());
  for (const Entry& e : rules_) out.push_back(e.rule);
  return out;
}

std::optional<FaultHit> FaultRules::for_request(const api::Operation& op, const rapidjson::Value& input) {
  return first_to_fire(&op, input, false);
}

std::optional<FaultHit> FaultRules::for_new_session(const rapidjson::Value& input) {
  return first_to_fire(nullptr, input, true);
}

std::optional<FaultHit> FaultRules::first_to_fire(const api::Operation* op, const rapidjson::Value& input,
                                                  bool lifecycle) {
  std::lock_guard lock(mu_);
  if (rules_.empty()) return std::nullopt;
  for (Entry& e : rules_) {
    FaultRule& r = e.rule;
    if (r.is_lifecycle() != lifecycle) continue;
    if (op) {
      if (r.operation != "*" && r.operation != op->name) continue;
      if (r.error && !op->may_return(*r.error)) continue;
    }
    if (!input_matches(r.match, input)) continue;
    if (r.times && r.hits >= *r.times) continue;
    if (r.probability < 1.0 && !(draw(e.rng) < r.probability)) continue;
    ++r.hits;
    FaultHit hit;
    hit.rule_id = r.id;
    hit.error = r.error;
    hit.http_status = r.http_status.value_or(0);
    hit.message = r.message.value_or("");
    hit.connection = r.connection;
    hit.lifecycle = r.lifecycle;
    hit.after_seconds = r.after_seconds;
    if (r.latency_ms) {
      auto [lo, hi] = *r.latency_ms;
      hit.latency_ms = lo == hi ? lo : lo + (hi - lo) * draw(e.rng);
    }
    return hit;
  }
  return std::nullopt;
}

}  // namespace gls
