// A start-up writes the clock anchor only when it changes what the next
// start reads: a restart with the same clock writes nothing, so its first
// answers wait for no sync; the clock carries on either way.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "state/emulator.hpp"
#include "state/store/store.hpp"

namespace {

namespace fs = std::filesystem;

// A database file of its own, removed with its side files afterwards.
struct ScratchDb {
  fs::path path = fs::temp_directory_path() /
                  ("gls-unit-anchor-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()) + ".db");
  ~ScratchDb() {
    std::error_code ec;
    for (const char* side : {"", "-wal", "-shm"}) fs::remove(path.string() + side, ec);
  }
};

std::unique_ptr<gls::Emulator> start(const ScratchDb& db, gls::ClockMode mode, double scale = 1.0) {
  auto store = gls::Store::open(db.path.string());
  REQUIRE(store.ok());
  gls::EmulatorConfig config;
  config.clock_mode = mode;
  config.time_scale = scale;
  config.seed = 1;
  return std::make_unique<gls::Emulator>(std::move(store).value(), config);
}

}  // namespace

TEST_CASE("a restart with the same clock writes nothing; another mode or scale is recorded") {
  ScratchDb db;
  int64_t advanced_to = 0;
  {
    auto emu = start(db, gls::ClockMode::Manual);
    CHECK(emu->store().commit_sequence() > 0);  // a fresh database: its anchor and page-token key
    REQUIRE(emu->clock().advance(90'000).ok());
    advanced_to = emu->persist_clock().now_ms;
  }
  {
    auto emu = start(db, gls::ClockMode::Manual);
    CHECK(emu->store().commit_sequence() == 0);
    CHECK(emu->clock().now_ms() == advanced_to);
  }
  {
    auto emu = start(db, gls::ClockMode::Manual, 2.0);  // another scale is another anchor
    CHECK(emu->store().commit_sequence() == 1);
    CHECK(emu->clock().now_ms() == advanced_to);
  }
  {
    auto emu = start(db, gls::ClockMode::Real, 2.0);
    CHECK(emu->store().commit_sequence() == 1);
    CHECK(emu->clock().now_ms() >= advanced_to);
  }
  int64_t stopped_at = 0;
  {
    auto emu = start(db, gls::ClockMode::Real, 2.0);
    CHECK(emu->store().commit_sequence() == 0);
    stopped_at = emu->clock().now_ms();
    CHECK(stopped_at >= advanced_to);
  }
  auto emu = start(db, gls::ClockMode::Manual, 2.0);
  CHECK(emu->store().commit_sequence() == 1);
  CHECK(emu->clock().now_ms() >= stopped_at);  // a real clock ran on while stopped
}
