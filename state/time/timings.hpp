// Lifecycle durations, in emulator seconds.
//
// Defaults follow the service (SPEC §4); a --timings JSON file overrides any
// of them for the whole emulator, and the admin API overrides them for one
// resource. The file has one object per resource kind:
//   {"streamSession": {"placementSeconds": 2, ...}, "application": {...},
//    "streamGroup": {...}}
// Unknown kinds or names are refused, so a typo never passes silently.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "state/result.hpp"

namespace gls {

class Timings {
 public:
  Timings();  // the service's defaults

  // Seconds for `kind`.`name` (e.g. "streamSession", "idleTimeoutSeconds").
  double seconds(std::string_view kind, std::string_view name) const;
  int64_t millis(std::string_view kind, std::string_view name) const;

  // Applies overrides from JSON text (the file's format, or one kind's object
  // when `only_kind` is given). On error nothing changes.
  Status merge_json(std::string_view json, std::string_view only_kind = {});
  // The overrides of one kind as a JSON object text, e.g. for storing per resource.
  std::string kind_json(std::string_view kind) const;
  // Every kind and name with its current value, as the --timings file format.
  std::string to_json() const;

  static bool known(std::string_view kind, std::string_view name);

 private:
  std::map<std::string, std::map<std::string, double, std::less<>>, std::less<>> values_;
};

}  // namespace gls
