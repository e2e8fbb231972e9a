#include "state/stream_groups/stream_group.hpp"

#include <algorithm>

namespace gls {

int64_t ready_always_on(const GroupLocation& l) { return std::min(l.always_on, l.provisioning_from.value_or(l.always_on)); }

int64_t session_capacity(const GroupLocation& l) {
  // MaximumCapacity caps always-on plus on-demand; the deprecated
  // OnDemandCapacity adds to always-on when no maximum is given.
  const int64_t always_on = ready_always_on(l);
  int64_t total = l.maximum ? *l.maximum : always_on + l.on_demand.value_or(0);
  return std::max(always_on, total);
}

int64_t allocated_capacity(const GroupLocation& l) {
  if (l.status == LocationStatus::Activating) return l.allocated;
  if (l.status == LocationStatus::Removing) return l.allocated;
  const int64_t want = std::max(ready_always_on(l), l.allocated + l.target_idle.value_or(0));
  return std::max(l.allocated, std::min(want, session_capacity(l)));
}

int64_t idle_capacity(const GroupLocation& l) { return allocated_capacity(l) - l.allocated; }

CapacityFigures capacity_figures(StreamGroupStatus group_status, const GroupLocation& l) {
  if (group_status == StreamGroupStatus::Expired) return {l.allocated, 0};
  return {allocated_capacity(l), idle_capacity(l)};
}

PlacementKind placement_kind(const GroupLocation& l) {
  if (l.status != LocationStatus::Active) return PlacementKind::None;
  if (idle_capacity(l) > 0) return PlacementKind::Idle;
  if (l.allocated < session_capacity(l)) return PlacementKind::OnDemand;
  return PlacementKind::None;
}

bool offers_on_demand(const GroupLocation& l) { return session_capacity(l) > l.always_on; }

int64_t stream_class_tenancy(std::string_view c) {
  if (c.size() < 6 || c.substr(0, 3) != "gen") return 0;
  if (c.find("win2022") != std::string_view::npos) return 1;
  if (c.ends_with("_high")) return 2;
  if (c == "gen6n_medium") return 4;
  if (c == "gen6n_small") return 12;
  return 1;
}

std::string_view stream_class_family(std::string_view c) { return c.substr(0, c.find('_')); }

}  // namespace gls
