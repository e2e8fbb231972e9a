// Admin bodies and fault rules: the first byte picks an admin route that
// takes a body, the rest is the body; then the API is called once, so that
// an accepted fault rule or clock change is exercised.
#include <iterator>

#include "fuzz_world.hpp"

namespace {
const char* const kRoutes[] = {
    "/_gls/faults",
    "/_gls/clock",
    "/_gls/reset",
    "/_gls/sessions/sg-1AB2C3De4/ABC123def4567/events",
    "/_gls/sessions/sg-1AB2C3De4/ABC123def4567/status",
    "/_gls/sessions/sg-1AB2C3De4/ABC123def4567/timings",
    "/_gls/applications/a-9ZY8X7Wv6/status",
    "/_gls/applications/a-9ZY8X7Wv6/timings",
    "/_gls/streamgroups/sg-1AB2C3De4/status",
    "/_gls/streamgroups/sg-1AB2C3De4/timings",
    "/_gls/streamgroups/sg-1AB2C3De4/locations/us-west-2/status",
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static gls::fuzz::World world;
  if (size == 0) return 0;
  world.reset();
  const char* route = kRoutes[data[0] % std::size(kRoutes)];
  gls::HttpRequest post = gls::fuzz::request("POST", route, std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  world.check(post, world.pipeline().handle(post));
  for (const char* target : {"/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567", "/_gls/faults",
                             "/_gls/metrics"}) {
    gls::HttpRequest get = gls::fuzz::request("GET", target);
    world.check(get, world.pipeline().handle(get));
  }
  gls::HttpRequest start = gls::fuzz::request(
      "POST", "/streamgroups/sg-1AB2C3De4/streamsessions",
      R"({"ApplicationIdentifier":"a-9ZY8X7Wv6","Protocol":"WebRTC","SignalRequest":"offer"})");
  world.check(start, world.pipeline().handle(start));
  gls::HttpRequest advance = gls::fuzz::request("POST", "/_gls/clock", R"({"advanceSeconds":3600})");
  world.check(advance, world.pipeline().handle(advance));
  return 0;
}
