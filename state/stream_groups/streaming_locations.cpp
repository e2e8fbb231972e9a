#include "state/stream_groups/streaming_locations.hpp"

#include <string>

#include "state/stream_groups/stream_group.hpp"

namespace gls {

namespace {

struct StreamingLocation {
  std::string_view name;
  bool gen4, gen5, gen6;  // stream class families offered there
};

// Source: Amazon GameLift Streams Developer Guide, "Supported locations by
// stream class" (developerguide/stream-class-locations.html): every AWS Region
// and streaming location of the service, and which stream class families
// (gen4*, gen5*, gen6*) each offers.
constexpr StreamingLocation kStreamingLocations[] = {
    {"us-east-1", true, true, true},      {"us-east-2", true, true, true},
    {"us-west-2", true, true, true},      {"ap-south-1", true, true, true},
    {"ap-northeast-2", true, true, true}, {"ap-southeast-2", true, true, true},
    {"ap-northeast-1", true, true, true}, {"eu-central-1", true, true, true},
    {"eu-west-1", true, true, false},     {"eu-west-2", true, true, true},
    {"eu-north-1", true, true, true},     {"sa-east-1", true, true, true},
};

const StreamingLocation* find(std::string_view name) {
  for (const StreamingLocation& l : kStreamingLocations)
    if (l.name == name) return &l;
  return nullptr;
}

bool offers(const StreamingLocation& l, std::string_view family) {
  if (family == "gen4n") return l.gen4;
  if (family == "gen5n") return l.gen5;
  return l.gen6;  // gen6n, gen6e
}

}  // namespace

Status check_streaming_location(std::string_view region, std::string_view location, std::string_view stream_class,
                                std::string_view member) {
  const StreamingLocation* l = find(location);
  auto refuse = [&](const std::string& rule) -> Status { return invalid_member(std::string(location), member, rule); };
  if (!l) {
    if (location == region) return ok();  // the primary location: the Region the emulator serves
    std::string names;
    for (const StreamingLocation& known : kStreamingLocations)
      names += (names.empty() ? "" : ", ") + std::string(known.name);
    return refuse("Member must be a location Amazon GameLift Streams streams from: " + names);
  }
  if (!offers(*l, stream_class_family(stream_class)))
    return refuse("stream class " + std::string(stream_class) + " is not offered in " + std::string(location));
  return ok();
}

}  // namespace gls
