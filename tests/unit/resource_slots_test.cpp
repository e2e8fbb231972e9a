// The flat table a clock advance finds its in-memory timers by resource with.
#include "state/time/resource_slots.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {
std::vector<uint32_t> candidates(const gls::ResourceSlots& slots, std::string_view resource) {
  std::vector<uint32_t> out;
  slots.candidates(resource, [&](uint32_t slot) { out.push_back(slot); });
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("every slot added under a resource is among its candidates, through growth, until cleared") {
  gls::ResourceSlots slots;
  CHECK(candidates(slots, "sg-1/A").empty());
  // 3 slots a resource for 4,000 resources: the table grows many times.
  const int resources = 4000;
  uint32_t slot = 0;
  for (int round = 0; round < 3; ++round)
    for (int r = 0; r < resources; ++r) slots.add("sg-1/" + std::to_string(r), slot++);
  CHECK(slots.size() == 3 * resources);
  size_t foreign = 0;  // another resource's slot with the same hash: allowed, and rare
  for (int r = 0; r < resources; ++r) {
    const std::vector<uint32_t> found = candidates(slots, "sg-1/" + std::to_string(r));
    for (int round = 0; round < 3; ++round) {
      const auto own = static_cast<uint32_t>(round * resources + r);
      CHECK(std::binary_search(found.begin(), found.end(), own));
    }
    foreign += found.size() - 3;
  }
  CHECK(foreign == 0);
  CHECK(candidates(slots, "sg-2/0").empty());
  slots.clear();
  CHECK(slots.size() == 0);
  CHECK(candidates(slots, "sg-1/0").empty());
  slots.add("sg-1/0", 7);  // usable again after a clear
  CHECK(candidates(slots, "sg-1/0") == std::vector<uint32_t>{7});
}
