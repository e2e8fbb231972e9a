// The emulator's state root: the store, the clock, the ID generator and the
// configuration that every domain operation shares.
//
// The clock never goes backwards, also across restarts on the same database:
// its high-water mark is kept in the store and the clock starts at or after
// it, and at or after the latest transition in the history.
#pragma once

#include <memory>
#include <string>

#include "state/clock.hpp"
#include "state/ids.hpp"
#include "state/store.hpp"
#include "state/stream_sessions.hpp"

namespace gls {

struct EmulatorConfig {
  Scope default_scope{"111122223333", "us-west-2"};
  ClockMode clock_mode = ClockMode::Real;
  double time_scale = 1.0;
  uint64_t seed = 0;
  std::string export_dir;
};

class Emulator {
 public:
  Emulator(std::unique_ptr<Store> store, EmulatorConfig config);
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  Store& store() { return *store_; }
  VirtualClock& clock() { return clock_; }
  IdGenerator& ids() { return ids_; }
  const EmulatorConfig& config() const { return config_; }

  // The domain, one object per kind of resource.
  StreamSessions& sessions() { return sessions_; }

  // Records the clock's current reading so a restart never starts earlier.
  void persist_clock();

  // Removes every resource, timer and history entry. The clock stays.
  void wipe();

 private:
  static VirtualClock start_clock(Store& store, const EmulatorConfig& config);

  std::unique_ptr<Store> store_;
  EmulatorConfig config_;
  VirtualClock clock_;
  IdGenerator ids_;
  StreamSessions sessions_{*this};
};

}  // namespace gls
