// Where a stream group may stream from: the documented locations and the
// stream class families each offers, kept as data in one table
// (streaming_locations.cpp, with its source).
//
// A stream group's primary location is the Region of the request, which the
// emulator serves whatever it is; every other location (a remote location)
// must be a documented one. A location in the table offers only the stream
// class families the table gives it, whether primary or remote.
#pragma once

#include <string_view>

#include "state/result.hpp"

namespace gls {

// ValidationException naming `member` (e.g. "LocationConfigurations.2.member.LocationName")
// unless `location` may host `stream_class` in a group of `region`.
Status check_streaming_location(std::string_view region, std::string_view location, std::string_view stream_class,
                                std::string_view member);

}  // namespace gls
