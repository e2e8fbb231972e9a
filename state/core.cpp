#include "state/core.hpp"

#include <algorithm>
#include <cstdio>

#include "state/store/repository.hpp"

namespace gls {

namespace {
constexpr std::string_view kClockAnchor = "clock.anchor";  // "emu_ms wall_ms mode scale"
constexpr std::string_view kPageTokenKey = "page_tokens.key";
}  // namespace

VirtualClock Core::start_clock(Store& store, const EmulatorConfig& config, bool& recorded) {
  const int64_t wall = VirtualClock::wall_now_ms();
  recorded = false;
  // A fresh database starts at wall time. Otherwise the clock carries on from
  // its anchor (a clock that ran in real mode kept running while stopped),
  // and never starts before the latest transition it has recorded.
  int64_t start = store.transaction([&](Store& db) {
    int64_t t = wall;
    if (auto text = db.setting(kClockAnchor)) {
      ClockAnchor a{};
      char mode[16] = {};
      long long emu_ms = 0, wall_ms = 0;
      if (std::sscanf(text->c_str(), "%lld %lld %15s %lf", &emu_ms, &wall_ms, mode, &a.scale) == 4) {
        a.emu_ms = emu_ms;
        a.wall_ms = wall_ms;
        a.mode = std::string_view(mode) == "manual" ? ClockMode::Manual : ClockMode::Real;
        t = a.project(wall);
        recorded = a.mode == config.clock_mode && a.scale == config.time_scale;
      }
    }
    if (const auto latest = repo::latest_transition_ms(db); latest && *latest > t) {
      t = *latest;
      recorded = false;
    }
    return t;
  });
  return VirtualClock(config.clock_mode, config.time_scale, start);
}

Core::Core(std::unique_ptr<Store> store, EmulatorConfig config)
    : store_(std::move(store)),
      config_(std::move(config)),
      clock_(start_clock(*store_, config_, clock_recorded_)),
      ids_(config_.seed) {
  if (!clock_recorded_) persist_clock();
  auto key = store_->setting(kPageTokenKey);
  if (!key) {
    key = ids_.hex(32);
    store_->set_setting(kPageTokenKey, *key);
  }
  page_tokens_.set_key(*key);
  store_->transaction([this](Store& db) { scheduler_.reload(db); });
}

int64_t Core::duration_ms(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                              std::string_view name) {
  if (auto own = repo::resource_timings(db, scope, kind, resource)) {
    Timings t = config_.timings;
    if (t.merge_json(*own, kind).ok()) return t.millis(kind, name);
  }
  return config_.timings.millis(kind, name);
}

Result<std::string> Core::set_resource_timings(const Scope& scope, std::string_view kind,
                                                   std::string_view resource, std::string_view json) {
  return store_->transaction([&](Store& db) -> Result<std::string> {
    Timings t = config_.timings;  // checks names and values; earlier overrides stay
    if (auto own = repo::resource_timings(db, scope, kind, resource)) (void)t.merge_json(*own, kind);
    if (auto st = t.merge_json(json, kind); !st) return std::move(st).take_error();
    std::string merged = t.kind_json(kind);
    repo::set_resource_timings(db, scope, kind, resource, merged);
    return merged;
  });
}

size_t Core::catch_up() {
  return store_->exclusive([&]() -> size_t {
    const int64_t now = clock_.now_ms();
    if (scheduler_.next_due() > now) return 0;
    return fire_due(now);
  });
}

size_t Core::fire_due(int64_t now) {
  firing_.fetch_add(1);
  struct Done {
    Store& store;
    std::atomic<int>& n;
    ~Done() {
      store.hold_snapshot_reads();
      n.fetch_sub(1);
    }
  } done{*store_, firing_};
  return scheduler_.run(*store_, now);
}

std::unique_ptr<Core::DumpSnapshot> Core::settle_for_dump() {
  auto snapshot = std::make_unique<DumpSnapshot>();
  store_->exclusive([&] {
    snapshot->now = clock_.now_ms();
    if (scheduler_.next_due() <= snapshot->now) fire_due(snapshot->now);
    // Deadlines another thread fired into its batch: committed now, so
    // that the snapshot holds them.
    if (store_->snapshot_reads_held()) store_->flush();
    if (store_->reads_apart()) return;
    // One connection, which every request needs. Reading it a page at a
    // time, the lock taken for each, would let writes in between, and the
    // document would no longer be one state (a session could name a stream
    // URL deleted meanwhile, and not restore); a copy is one, made at the
    // speed of the pages and read without the lock.
    snapshot->copy = store_->copy_in_memory();
  });
  return snapshot;
}

ClockReading Core::persist_clock() {
  const ClockAnchor a = clock_.anchor();
  char text[96];
  std::snprintf(text, sizeof text, "%lld %lld %s %.17g", static_cast<long long>(a.emu_ms),
                static_cast<long long>(a.wall_ms), a.mode == ClockMode::Manual ? "manual" : "real", a.scale);
  store_->set_setting(kClockAnchor, text);
  return {a.emu_ms, a.mode, a.scale};
}

Status Core::replace_scope(const Scope& scope, const std::function<Status(Store&)>& load) {
  return store_->exclusive([&]() -> Status {
    Status s = store_->transaction([&](Store& db) -> Status {
      repo::wipe_scope(db, scope);
      return load(db);
    });
    store_->transaction([this](Store& db) { scheduler_.reload(db); });
    return s;
  });
}

void Core::wipe() {
  store_->transaction([this](Store& db) {
    repo::wipe(db);
    scheduler_.reload(db);
  });
}

}  // namespace gls
