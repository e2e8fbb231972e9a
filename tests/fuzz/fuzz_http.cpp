// Bytes as a client sends them, through the request reader and the whole
// pipeline (access checks, admin API, routing, decoding, faults, handlers,
// journal), as many requests as the bytes hold on one connection.
#include "fuzz_world.hpp"
#include "http/request_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static gls::fuzz::World world;
  world.reset();
  gls::RequestReader reader({16 * 1024, 1024 * 1024, 4 * 1024 * 1024, "/_gls/state"});
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 8 && !rest.empty(); ++i) {
    reader.reset();
    do {
      rest.remove_prefix(reader.parse(rest));
    } while (reader.state() == gls::RequestReader::State::HeaderReady);
    if (reader.state() != gls::RequestReader::State::Done) break;  // refused, or cut short: the connection ends
    const bool keep_alive = reader.keep_alive();
    gls::HttpRequest request = reader.take("fuzz");
    world.check(request, world.pipeline().handle(request));
    if (!keep_alive) break;
  }
  return 0;
}
