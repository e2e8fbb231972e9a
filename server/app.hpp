// The emulator, wired together once: the store and the domain, the chaos
// and observation steps, the admin API and the request pipeline, from the
// command-line options. main() puts the HTTP server and the signals around
// it; the fuzzers drive its pipeline in-process.
#pragma once

#include <memory>
#include <vector>

#include "chaos/chaos_admin.hpp"
#include "cli.hpp"
#include "observe/event_stream.hpp"
#include "chaos/fault_rules.hpp"
#include "admin/fixture_loader.hpp"
#include "http/access_policy.hpp"
#include "chaos/lifecycle_faults.hpp"
#include "observe/metrics.hpp"
#include "api/pipeline.hpp"
#include "api/rate_limits.hpp"
#include "observe/request_journal.hpp"
#include "admin/admin_api.hpp"
#include "media/session_streams.hpp"
#include "state/emulator.hpp"

namespace gls {

class App {
 public:
  // Checks everything the options name (fixtures, timings, the export
  // directory), opens the store and loads the fixtures into an empty one. An
  // error says what is wrong in one line; nothing is half-written.
  static Result<std::unique_ptr<App>> create(const Options& options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  Emulator& emulator() { return *emu_; }
  Pipeline& pipeline() { return *pipeline_; }
  // Every admin route, the chaos routes included.
  const AdminRouter& admin_router() const { return admin_->router(); }
  // The configured fixtures, all in one transaction (after a reset).
  Status load_fixtures();
  // Whether the newest journaled API request met a fault rule.
  bool last_request_was_faulted() const;
  // Cuts the state documents in progress short and joins their workers
  // (AdminApi::stop_documents): once the transport has stopped, a restore
  // answered late still logs its line while logging is up.
  void stop_documents() { admin_->stop_documents(); }

 private:
  App() = default;

  std::vector<FixtureSource> fixture_sources_;
  std::unique_ptr<Emulator> emu_;
  std::unique_ptr<FaultRules> faults_;
  std::unique_ptr<LifecycleFaults> lifecycle_faults_;
  std::unique_ptr<RequestJournal> journal_;
  std::unique_ptr<RateLimits> rate_limits_;  // only with --rate-limits aws
  std::unique_ptr<Metrics> metrics_;
  int metrics_subscription_ = 0;
  std::unique_ptr<EventStream> events_;
  std::unique_ptr<ChaosAdmin> chaos_;
  std::unique_ptr<AdminApi> admin_;
  std::unique_ptr<SessionStreams> streams_;  // before the admin API's routes to it go
  std::unique_ptr<AccessPolicy> access_;
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace gls
