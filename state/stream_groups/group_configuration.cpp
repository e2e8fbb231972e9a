#include "state/stream_groups/group_configuration.hpp"

#include <utility>

namespace gls {

bool configurable(StreamGroupStatus s) {
  return s == StreamGroupStatus::Active || s == StreamGroupStatus::ActiveWithErrors;
}

bool takes_new_associations(const StreamGroup& g, int64_t now_ms) {
  return now_ms - g.created_ms <= kAssociationDays * 24 * 3600 * 1000;
}

GroupLocation* find_group_location(StreamGroup& g, std::string_view name) {
  for (GroupLocation& l : g.locations)
    if (l.name == name) return &l;
  return nullptr;
}

Status configure(GroupLocation& l, const LocationConfig& c, int64_t tenancy, const std::string& stream_class,
                 bool fresh) {
  const bool any = c.always_on || c.on_demand || c.target_idle || c.maximum;
  if (c.on_demand && (c.maximum || c.target_idle))
    return validation("Location " + c.name +
                      ": OnDemandCapacity cannot be combined with MaximumCapacity or TargetIdleCapacity");
  for (const auto& [name, value] : {std::pair{"AlwaysOnCapacity", c.always_on},
                                    {"OnDemandCapacity", c.on_demand},
                                    {"TargetIdleCapacity", c.target_idle},
                                    {"MaximumCapacity", c.maximum}}) {
    if (value && *value % tenancy != 0)
      return validation("Location " + c.name + ": " + name + " " + std::to_string(*value) + " is not a multiple of " +
                        std::to_string(tenancy) + ", the tenancy of stream class " + stream_class);
  }
  if (c.always_on) l.always_on = *c.always_on;
  if (c.on_demand) {
    l.on_demand = c.on_demand;
    l.maximum.reset();
    l.target_idle.reset();
  }
  if (c.target_idle || c.maximum) l.on_demand.reset();
  if (c.target_idle) l.target_idle = c.target_idle;
  if (c.maximum) l.maximum = c.maximum;
  if (fresh && !any) l.always_on = tenancy;  // the service's default: one unit
  if (l.maximum && *l.maximum < l.always_on)
    return validation("Location " + c.name + ": MaximumCapacity " + std::to_string(*l.maximum) +
                      " is less than AlwaysOnCapacity " + std::to_string(l.always_on));
  if (c.vpc_json) l.vpc_json = c.vpc_json;
  return ok();
}

}  // namespace gls
