// What a stream group's configuration may be: the statuses in which it can
// change, and the capacity rules of a LocationConfiguration.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "state/result.hpp"
#include "state/store/records.hpp"
#include "state/stream_groups/stream_groups.hpp"

namespace gls {

// Statuses in which a group's configuration (locations, applications) can change.
bool configurable(StreamGroupStatus s);

GroupLocation* find_group_location(StreamGroup& g, std::string_view name);

// CreateStreamGroup's documentation: stream groups older than 180 days can
// no longer be updated with new application associations.
inline constexpr int64_t kAssociationDays = 180;
bool takes_new_associations(const StreamGroup& g, int64_t now_ms);

// Applies a LocationConfiguration to a location (`fresh`: one being added),
// checking the capacity rules against the stream class's tenancy.
Status configure(GroupLocation& l, const LocationConfig& c, int64_t tenancy, const std::string& stream_class,
                 bool fresh);

}  // namespace gls
