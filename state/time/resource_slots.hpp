// Which of the timers a clock advance holds in memory may belong to a
// resource: a flat table of (hash of the resource, slot) pairs with linear
// probing.
//
// Why not an unordered_multimap: an advance asks this for every status a
// resource enters (to cancel its timers), and most of those resources hold
// no timer here; a node-based map chased three or four pointers per question
// (bucket, node, key, string), this table reads one run of one array.
//
// Contract:
// - candidates(resource, f) calls f(slot) for every slot added under that
//   resource, and possibly for other slots whose resource has the same hash:
//   the caller compares the timer itself.
// - Entries are never removed one by one: the owner skips slots that no
//   longer wait, and clears the table when none does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace gls {

class ResourceSlots {
 public:
  void add(std::string_view resource, uint32_t slot) {
    if (2 * (used_ + 1) > entries_.size()) grow();
    place({hash(resource), slot});
    ++used_;
  }

  template <class F>
  void candidates(std::string_view resource, F&& f) const {
    if (used_ == 0) return;
    const uint64_t h = hash(resource);
    const size_t mask = entries_.size() - 1;
    for (size_t i = h & mask; entries_[i].slot != kFree; i = (i + 1) & mask)
      if (entries_[i].hash == h) f(entries_[i].slot);
  }

  void clear() {
    if (used_ == 0) return;
    used_ = 0;
    // A table grown for a large advance is given back rather than wiped.
    if (entries_.size() > kKeptSize)
      entries_ = {};
    else
      entries_.assign(entries_.size(), Entry{});
  }

  size_t size() const { return used_; }

 private:
  static constexpr uint32_t kFree = UINT32_MAX;
  static constexpr size_t kKeptSize = 1024;
  struct Entry {
    uint64_t hash = 0;
    uint32_t slot = kFree;
  };

  static uint64_t hash(std::string_view resource) { return std::hash<std::string_view>{}(resource); }

  void place(Entry e) {
    const size_t mask = entries_.size() - 1;
    size_t i = e.hash & mask;
    while (entries_[i].slot != kFree) i = (i + 1) & mask;
    entries_[i] = e;
  }

  void grow() {
    std::vector<Entry> old(entries_.empty() ? 32 : 2 * entries_.size());
    old.swap(entries_);
    for (const Entry& e : old)
      if (e.slot != kFree) place(e);
  }

  std::vector<Entry> entries_;  // a power of two in size, at most half used
  size_t used_ = 0;
};

}  // namespace gls
