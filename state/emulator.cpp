#include "state/emulator.hpp"

#include <algorithm>

#include "state/repository.hpp"

namespace gls {

namespace {
constexpr std::string_view kClockHighWater = "clock.high_water_ms";
constexpr std::string_view kPageTokenKey = "page_tokens.key";
}  // namespace

VirtualClock Emulator::start_clock(Store& store, const EmulatorConfig& config) {
  int64_t start = VirtualClock::wall_now_ms();
  int64_t floor = store.transaction([](Store& db) {
    int64_t f = 0;
    if (auto hw = db.setting(kClockHighWater)) f = std::stoll(*hw);
    Stmt q = db.prepare("SELECT MAX(time_ms) FROM history");
    if (q.step() && !q.is_null(0)) f = std::max(f, q.int64(0));
    return f;
  });
  start = std::max(start, floor);
  return VirtualClock(config.clock_mode, config.time_scale, start);
}

Emulator::Emulator(std::unique_ptr<Store> store, EmulatorConfig config)
    : store_(std::move(store)),
      config_(std::move(config)),
      clock_(start_clock(*store_, config_)),
      ids_(config_.seed) {
  persist_clock();
  auto key = store_->setting(kPageTokenKey);
  if (!key) {
    key = ids_.hex(32);
    store_->set_setting(kPageTokenKey, *key);
  }
  page_tokens_.set_key(*key);
  scheduler_.on("streamsession", [this](Store& db, const Timer& t) { session_lifecycle_.on_timer(db, t); });
  store_->transaction([this](Store& db) { scheduler_.reload(db); });
}

size_t Emulator::catch_up() {
  return store_->exclusive([&]() -> size_t {
    const int64_t now = clock_.now_ms();
    if (scheduler_.next_due() > now) return 0;
    return store_->transaction([&](Store& db) { return scheduler_.fire_due(db, now); });
  });
}

void Emulator::persist_clock() { store_->set_setting(kClockHighWater, std::to_string(clock_.now_ms())); }

void Emulator::wipe() {
  store_->transaction([this](Store& db) {
    repo::wipe(db);
    scheduler_.reload(db);
  });
}

}  // namespace gls
