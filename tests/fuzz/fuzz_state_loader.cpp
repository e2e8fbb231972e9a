// Fixtures and state documents: whatever the text, the loader answers Ok or
// an Error naming what is wrong, loads all of it or nothing, and never
// crashes; a document it accepted is exported and loads again.
#include "admin/fixture_loader.hpp"
#include "fuzz_world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static gls::fuzz::World world;
  world.reset();
  std::string text(reinterpret_cast<const char*>(data), size);
  gls::HttpRequest put = gls::fuzz::request("PUT", "/_gls/state", text);
  gls::HttpResponse answer = world.pipeline().handle(put);
  world.check(put, answer);
  if (answer.status != 200) return 0;
  // What was accepted round-trips.
  gls::HttpRequest again = gls::fuzz::request("PUT", "/_gls/state", answer.body);
  gls::HttpResponse second = world.pipeline().handle(again);
  world.check(again, second);
  if (second.status != 200) {
    std::fprintf(stderr, "fuzz: an exported state did not load again: %s\n", second.body.substr(0, 400).c_str());
    std::abort();
  }
  return 0;
}
