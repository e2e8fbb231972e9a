// An emulator on an in-memory store whose clock moves only when a test
// advances it: the start of most tests below the HTTP layer.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>

#include "state/emulator.hpp"

namespace gls::testing {

// `seed` makes the IDs it generates reproducible.
inline std::unique_ptr<Emulator> manual_emulator(uint64_t seed) {
  auto store = Store::open(":memory:");
  REQUIRE(store.ok());
  EmulatorConfig config;
  config.clock_mode = ClockMode::Manual;
  config.seed = seed;
  return std::make_unique<Emulator>(std::move(*store), config);
}

}  // namespace gls::testing
