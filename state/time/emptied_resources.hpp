// The resources a clock advance has left without a row in the timers table:
// those whose timers it deleted all at once, and has armed none in the
// table for since. Cancelling another timer of such a resource has nothing
// to delete, so the advance skips the statement. In an advance, each
// resource that ends is told to cancel its timers at every status it
// enters, and most of those statements would find nothing (the entering
// status's timers wait in memory, not in the table).
//
// Contract:
// - emptied(...) after a DELETE of every timer of the resource, within the
//   advance's transaction; refilled(...) whenever a row of that resource is
//   written to the table (so that the next cancel deletes it).
// - holds_none(...) is true only for a resource marked emptied and not
//   refilled since: never a false yes, since each key is compared whole.
// - At most kLimit resources are remembered; past that, none are added (an
//   unremembered resource just keeps its DELETE).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "state/ids.hpp"
#include "state/time/resource_slots.hpp"

namespace gls {

class EmptiedResources {
 public:
  static constexpr size_t kLimit = 65536;

  bool holds_none(const Scope& scope, std::string_view kind, std::string_view resource) const {
    const size_t at = find(scope, kind, resource);
    return at != kNone && keys_[at].empty;
  }

  void emptied(const Scope& scope, std::string_view kind, std::string_view resource) {
    if (const size_t at = find(scope, kind, resource); at != kNone) {
      keys_[at].empty = true;
    } else if (keys_.size() < kLimit) {
      slots_.add(resource, static_cast<uint32_t>(keys_.size()));
      keys_.push_back(Key{scope, std::string(kind), std::string(resource), true});
    }
  }

  void refilled(const Scope& scope, std::string_view kind, std::string_view resource) {
    if (keys_.empty()) return;
    if (const size_t at = find(scope, kind, resource); at != kNone) keys_[at].empty = false;
  }

 private:
  static constexpr size_t kNone = SIZE_MAX;
  struct Key {
    Scope scope;
    std::string kind, resource;
    bool empty;  // no row in the table since it was emptied
  };

  // The remembered resource's index, or kNone.
  size_t find(const Scope& scope, std::string_view kind, std::string_view resource) const {
    size_t found = kNone;
    slots_.candidates(resource, [&](uint32_t slot) {
      const Key& k = keys_[slot];
      if (k.resource == resource && k.kind == kind && k.scope.account == scope.account &&
          k.scope.region == scope.region)
        found = slot;
    });
    return found;
  }

  std::vector<Key> keys_;
  ResourceSlots slots_;
};

}  // namespace gls
