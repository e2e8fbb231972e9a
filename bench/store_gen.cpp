// Writes a large store straight through the emulator's own store layer, so
// that benchmarks can start gls-local on a million sessions without making a
// million API calls.
//
// The store holds the default fixtures' application a-9ZY8X7Wv6 and stream
// group sg-1AB2C3De4 (one location, us-west-2, with capacity for every
// running session plus --spare units), the documented CONNECTED session
// ABC123def4567, and --sessions more sessions with IDs B000000000000,
// B000000000001, ... (13 characters: "B" and the zero-padded index), created
// one millisecond apart. The first --running of them are CONNECTED (their
// timers armed, as a running session's are); the rest have TERMINATED. Each
// session has one history entry, as one adopted from fixtures has.
//
// Usage: store_gen --db PATH [--sessions N] [--running R] [--spare S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench/bench_world.hpp"
#include "state/emulator.hpp"
#include "state/store/repository.hpp"

using namespace gls;

namespace {

StreamSession session_record(const std::string& group_id, const std::string& app_id, const std::string& location,
                             std::string id, SessionStatus status, int64_t created_ms) {
  StreamSession s;
  s.group_id = group_id;
  s.id = std::move(id);
  s.app_id = app_id;
  s.description = "bench";
  s.user_id = "player";
  s.status = status;
  if (status == SessionStatus::Terminated) s.status_reason = "apiTerminated";
  s.location = location;
  s.signal_request = "v=0 o=- 4611731400430051336 2 IN IP4 127.0.0.1 s=- t=0 0 a=group:BUNDLE 0 1";
  s.signal_response = "v=0 answer";
  s.created_ms = s.updated_ms = created_ms;
  s.placed = status != SessionStatus::Terminated;
  s.requested_locations_json = "[\"" + location + "\"]";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  long long sessions = 1000, running = 0, spare = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--db") path = argv[i + 1];
    else if (a == "--sessions") sessions = std::atoll(argv[i + 1]);
    else if (a == "--running") running = std::atoll(argv[i + 1]);
    else if (a == "--spare") spare = std::atoll(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  if (path.empty() || running > sessions) {
    std::fprintf(stderr, "usage: store_gen --db PATH [--sessions N] [--running R <= N] [--spare S]\n");
    return 2;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  const auto t0 = std::chrono::steady_clock::now();
  auto store = Store::open(path);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  EmulatorConfig config;
  config.clock_mode = ClockMode::Manual;
  config.seed = 42;
  Emulator emu(std::move(*store), config);
  const Scope scope = config.default_scope;

  emu.transact([&](Store& db, int64_t now) {
    // A multiple of gen4n_high's tenancy (2).
    const int64_t units = (running + 1 + spare + 1) / 2 * 2;
    const StreamGroup g = bench::add_app_and_group(db, scope, "a-9ZY8X7Wv6", "sg-1AB2C3De4", units, now - sessions - 10);
    const GroupLocation& loc = g.locations.front();
    const std::string& app_id = g.app_ids.front();

    auto put = [&](StreamSession s) {
      if (s.status != SessionStatus::Terminated) emu.session_lifecycle().adopt(db, scope, s);
      repo::insert_session(db, scope, s);
      repo::record_transition(db, scope, "streamsession", s.group_id + "/" + s.id, std::nullopt, to_string(s.status),
                              s.status_reason, "admin", s.created_ms);
    };
    put(session_record(g.id, app_id, loc.name, "ABC123def4567", SessionStatus::Connected, g.created_ms + 1));
    char id[32];
    for (long long i = 0; i < sessions; ++i) {
      std::snprintf(id, sizeof id, "B%012lld", i);
      put(session_record(g.id, app_id, loc.name, id, i < running ? SessionStatus::Connected : SessionStatus::Terminated,
                         now - sessions + i));
    }
  });
  emu.persist_clock();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("store_gen: %s with %lld sessions (%lld running) in %.1f s\n", path.c_str(), sessions + 1, running + 1,
              seconds);
  return 0;
}
