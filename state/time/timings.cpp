#include "state/time/timings.hpp"

#include "state/time/clock.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

namespace gls {

namespace {
struct Default {
  const char* kind;
  const char* name;
  double seconds;
};
// The service's durations (SPEC §4 and the API documentation).
constexpr Default kDefaults[] = {
    {"streamSession", "placementSeconds", 2},            // ACTIVATING -> ACTIVE on an idle (always-on) unit
    // ACTIVATING -> ACTIVE on a unit allocated on demand: the guide says such a
    // start takes minutes, and it must fit the shortest on-demand timeout (90 s).
    {"streamSession", "onDemandPlacementSeconds", 60},
    // StartStreamSession's placement timeouts, by the capacity the session waits for:
    {"streamSession", "placementTimeoutSeconds", 75},              // always-on capacity
    {"streamSession", "onDemandPlacementTimeoutSeconds", 90},      // on-demand, Linux and Proton runtimes
    {"streamSession", "windowsOnDemandPlacementTimeoutSeconds", 600},  // on-demand, the Windows runtime
    {"streamSession", "reconnectingSeconds", 1},         // RECONNECTING -> ACTIVE
    {"streamSession", "terminatingSeconds", 1},          // TERMINATING -> TERMINATED
    {"streamSession", "idleTimeoutSeconds", 3600},       // CONNECTED without user input -> idleTimeout
    {"application", "initializedSeconds", 1},            // INITIALIZED -> PROCESSING
    {"application", "processingSeconds", 5},             // PROCESSING -> READY
    {"application", "deletingSeconds", 2},               // DELETING -> gone
    {"application", "replicationSeconds", 10},           // REPLICATING -> COMPLETED per location
    {"streamGroup", "activatingSeconds", 10},            // ACTIVATING -> ACTIVE
    {"streamGroup", "locationActivatingSeconds", 10},    // a new location ACTIVATING -> ACTIVE
    {"streamGroup", "locationRemovingSeconds", 5},       // a location REMOVING -> gone
    {"streamGroup", "capacityProvisioningSeconds", 10},  // more AlwaysOnCapacity -> allocated, like a new location
    {"streamGroup", "deletingSeconds", 5},               // DELETING -> gone
    {"streamGroup", "expirationSeconds", 31536000},      // CreatedAt -> ExpiresAt (EXPIRED), 365 days
};
}  // namespace

Timings::Timings() {
  for (const Default& d : kDefaults) values_[d.kind][d.name] = d.seconds;
}

bool Timings::known(std::string_view kind, std::string_view name) {
  for (const Default& d : kDefaults)
    if (d.kind == kind && d.name == name) return true;
  return false;
}

double Timings::seconds(std::string_view kind, std::string_view name) const {
  auto k = values_.find(kind);
  if (k == values_.end()) return 0;
  auto n = k->second.find(name);
  return n == k->second.end() ? 0 : n->second;
}

int64_t Timings::millis(std::string_view kind, std::string_view name) const {
  return seconds_to_ms(seconds(kind, name));
}

Status Timings::merge_json(std::string_view json, std::string_view only_kind) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return validation("timings must be a JSON object");
  Timings next = *this;
  auto apply_kind = [&](std::string_view kind, const rapidjson::Value& obj) -> Status {
    if (!obj.IsObject()) return validation("timings: '" + std::string(kind) + "' must be an object");
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
      std::string name = it->name.GetString();
      if (!known(kind, name)) {
        std::string names;
        for (const Default& d : kDefaults)
          if (d.kind == kind) names += (names.empty() ? "" : ", ") + std::string(d.name);
        return validation("timings: unknown duration '" + std::string(kind) + "." + name + "'" +
                          (names.empty() ? "" : "; " + std::string(kind) + " has " + names));
      }
      if (!it->value.IsNumber() || !std::isfinite(it->value.GetDouble()) || it->value.GetDouble() < 0 ||
          it->value.GetDouble() > 31536000)
        return validation("timings: '" + std::string(kind) + "." + name + "' must be seconds from 0 to 31536000");
      next.values_[std::string(kind)][name] = it->value.GetDouble();
    }
    return ok();
  };
  if (!only_kind.empty()) {
    if (auto s = apply_kind(only_kind, doc); !s) return s;
  } else {
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      std::string kind = it->name.GetString();
      if (!values_.count(kind))
        return validation("timings: unknown kind '" + kind + "'; the kinds are streamSession, application, streamGroup");
      if (auto s = apply_kind(kind, it->value); !s) return s;
    }
  }
  *this = std::move(next);
  return ok();
}

std::string Timings::kind_json(std::string_view kind) const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  if (auto k = values_.find(kind); k != values_.end())
    for (const auto& [name, v] : k->second) {
      w.Key(name.c_str());
      w.Double(v);
    }
  w.EndObject();
  return buf.GetString();
}

std::string Timings::to_json() const {
  std::string out = "{";
  bool first = true;
  for (const auto& [kind, names] : values_) {
    out += (first ? "\"" : ",\"") + kind + "\":" + kind_json(kind);
    first = false;
  }
  return out + "}";
}

}  // namespace gls
