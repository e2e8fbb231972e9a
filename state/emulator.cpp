#include "state/emulator.hpp"

namespace gls {

Emulator::Emulator(std::unique_ptr<Store> store, EmulatorConfig config) : Core(std::move(store), std::move(config)) {
  Scheduler& timers = scheduler();
  timers.on("streamsession", [this](Store& db, const Timer& t) { session_lifecycle_.on_timer(db, t); });
  timers.on("application", [this](Store& db, const Timer& t) { applications_.on_timer(db, t); });
  timers.on("streamgroup", [this](Store& db, const Timer& t) { stream_groups_.on_group_timer(db, t); });
  timers.on("location", [this](Store& db, const Timer& t) { stream_groups_.on_location_timer(db, t); });
  timers.on("streamurl", [this](Store& db, const Timer& t) { stream_urls_.on_timer(db, t); });
}

}  // namespace gls
