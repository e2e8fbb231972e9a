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
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>
#include <algorithm>

#include "bench/bench_world.hpp"
#include "state/emulator.hpp"
#include "state/store/repository.hpp"

using namespace gls;

namespace {

struct Round {
  double seconds = 0;      // wall-clock time of the advance
  double cpu_seconds = 0;  // this process's CPU time meanwhile (steadier on a shared machine)
};

double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

Round run_round(const std::string& path, int transitions) {
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
    const StreamGroup g = bench::add_app_and_group(db, scope, "a-BENCH0001", "sg-BENCH0001", sessions, now);
    const GroupLocation& loc = g.locations.front();
    for (int i = 0; i < sessions; ++i) {
      StreamSession s;
      s.group_id = g.id;
      s.id = emu.ids().stream_session();
      s.app_id = g.app_ids.front();
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
  const double cpu0 = cpu_now();
  (void)emu.clock().advance(200'000);  // past the 120 s connection timeout and the 1 s of TERMINATING
  const size_t fired = emu.catch_up();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu_seconds = cpu_now() - cpu0;
  const int64_t applied = emu.transact([](Store& db, int64_t) { return repo::count(db, "history"); }) - history_before;

  if (applied != transitions || fired < static_cast<size_t>(transitions)) {
    std::fprintf(stderr, "expected %d transitions, applied %lld (fired %zu timers)\n", transitions,
                 static_cast<long long>(applied), fired);
    std::exit(1);
  }
  return {seconds, cpu_seconds};
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
  std::vector<double> times, cpu;
  for (int r = 0; r < rounds; ++r) {
    const Round round = run_round(path, transitions);
    times.push_back(round.seconds);
    cpu.push_back(round.cpu_seconds);
    std::printf("round %d: %d transitions in %.3f s, %.3f s of CPU (%.0f transitions/s)\n", r + 1, transitions,
                round.seconds, round.cpu_seconds, transitions / round.seconds);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::sort(times.begin(), times.end());
  std::sort(cpu.begin(), cpu.end());
  const double median = times[times.size() / 2];
  std::printf("median CPU time: %.3f s\n", cpu[cpu.size() / 2]);
  std::printf("median: %d transitions applied by one clock advance in %.3f s (%.0f transitions/s); target < 1 s: %s\n",
              transitions, median, transitions / median, median < 1.0 ? "met" : "NOT met");
  return 0;
}
