// One clock advance that applies many due transitions.
//
// Sets up N/2 ACTIVE stream sessions whose connection timeout falls due at
// the same emulator second, then advances the clock past it in one step:
// each session goes ACTIVE -> TERMINATING -> TERMINATED, so the advance
// applies N transitions, each stamped with its own due time, in deadline
// order, with history rows and timers written to SQLite (a WAL file, as in
// normal use). Prints the median of several rounds. Target: N = 100,000 in
// under 1 second.
//
// Usage: scheduler_bench [--transitions N] [--rounds R] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>
#include <algorithm>

#include "state/emulator.hpp"
#include "state/store/repository.hpp"

using namespace gls;

namespace {

double run_round(const std::string& path, int transitions) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto store = Store::open(path);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    std::exit(1);
  }
  EmulatorConfig config;
  config.clock_mode = ClockMode::Manual;
  config.seed = 42;
  Emulator emu(std::move(*store), config);
  const Scope scope = config.default_scope;
  const int sessions = transitions / 2;

  emu.transact([&](Store& db, int64_t now) {
    Application app;
    app.id = "a-BENCH0001";
    app.description = "bench";
    app.runtime_type = "PROTON";
    app.runtime_version = "20241007";
    app.executable_path = "game";
    app.source_uri = "s3://bench/game";
    app.status = ApplicationStatus::Ready;
    app.created_ms = app.updated_ms = now;
    repo::insert_application(db, scope, app);
    StreamGroup g;
    g.id = "sg-BENCH0001";
    g.description = "bench";
    g.stream_class = "gen4n_high";
    g.status = StreamGroupStatus::Active;
    g.created_ms = g.updated_ms = now;
    GroupLocation loc;
    loc.name = scope.region;
    loc.status = LocationStatus::Active;
    loc.always_on = sessions;
    g.locations.push_back(loc);
    g.app_ids.push_back(app.id);
    repo::insert_stream_group(db, scope, g);
    for (int i = 0; i < sessions; ++i) {
      StreamSession s;
      s.group_id = g.id;
      s.id = emu.ids().stream_session();
      s.app_id = app.id;
      s.status = SessionStatus::Active;
      s.location = loc.name;
      s.signal_request = "offer";
      s.created_ms = s.updated_ms = now;
      emu.session_lifecycle().adopt(db, scope, s);
      repo::insert_session(db, scope, s);
    }
  });

  const int64_t history_before = emu.transact([](Store& db, int64_t) { return repo::count(db, "history"); });
  const auto t0 = std::chrono::steady_clock::now();
  (void)emu.clock().advance(200'000);  // past the 120 s connection timeout and the 1 s of TERMINATING
  const size_t fired = emu.catch_up();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int64_t applied = emu.transact([](Store& db, int64_t) { return repo::count(db, "history"); }) - history_before;

  if (applied != transitions || fired < static_cast<size_t>(transitions)) {
    std::fprintf(stderr, "expected %d transitions, applied %lld (fired %zu timers)\n", transitions,
                 static_cast<long long>(applied), fired);
    std::exit(1);
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  int transitions = 100000, rounds = 3;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--transitions") transitions = std::atoi(argv[i + 1]);
    if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
  }
  const std::string path = dir + "/gls-scheduler-bench.db";
  std::vector<double> times;
  for (int r = 0; r < rounds; ++r) {
    times.push_back(run_round(path, transitions));
    std::printf("round %d: %d transitions in %.3f s (%.0f transitions/s)\n", r + 1, transitions, times.back(),
                transitions / times.back());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  std::printf("median: %d transitions applied by one clock advance in %.3f s (%.0f transitions/s); target < 1 s: %s\n",
              transitions, median, transitions / median, median < 1.0 ? "met" : "NOT met");
  return 0;
}
