// The stream group's bindings: API member <-> field <-> column, for the
// group and for each of its locations.
#pragma once

#include "state/store/binding.hpp"
#include "state/store/records.hpp"

namespace gls {

// Every column of stream_groups except the scope, in the table's order.
// DefaultApplication (an object of ID and ARN), LocationStates and
// AssociatedApplications are rendered by hand.
binding::Fields<StreamGroup> stream_group_fields();

// The columns of group_locations that describe a location (not its group,
// position or scope). The capacity figures the service derives
// (RequestedCapacity, AllocatedCapacity, IdleCapacity) are rendered by hand.
binding::Fields<GroupLocation> location_fields();

}  // namespace gls
