// The scheduler: pending deadlines are rows of the `timers` table, not
// sleeping threads.
//
// Guarantees:
// - fire_due(now) fires every timer due at or before `now`, in (due, id)
//   order, including timers that firing arms with a due time <= now (those
//   are kept in memory until they fire, never written to the table); each
//   handler runs with the timer's own due time as "now", so what it changes
//   is stamped with the time it was due, not the time someone looked.
// - A timer whose handler throws is logged and dropped (the batch is rolled
//   back and fired again without it), so one bad timer never blocks the others.
// - next_due() is a lock-free hint for the fast path: never later than the
//   earliest pending timer (it may be earlier, which only costs a lookup).
// Every method that takes a Store must run inside Store::transaction().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "state/ids.hpp"
#include "state/store/store.hpp"

namespace gls {

struct Timer {
  int64_t id = 0;  // tells apart the timers due at the same time, in the order they were armed
  int64_t due_ms = 0;
  Scope scope;
  std::string kind;      // the resource kind: "streamsession", "application", ...
  std::string resource;  // e.g. "sg-1AB2C3De4/ABC123def4567"
  std::string event;     // e.g. "connectionTimeout"
  std::string detail;    // event data, e.g. a StatusReason
};

class Scheduler {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  using Handler = std::function<void(Store& db, const Timer& timer)>;

  // Who fires timers of a kind.
  void on(std::string kind, Handler handler);

  void arm(Store& db, const Scope& scope, std::string_view kind, std::string_view resource, std::string_view event,
           int64_t due_ms, std::string_view detail = {});
  // Cancels the resource's pending timers: all of them, or those of one event.
  void cancel(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
              std::string_view event = {});
  // Cancels the resource's pending timers of one or two events, in one statement.
  void cancel_events(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                     std::string_view event1, std::string_view event2);
  // The due time of a resource's pending timer for `event`, if armed.
  std::optional<int64_t> due(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                             std::string_view event);

  // Fires everything due at or before `now` in one transaction of its own;
  // returns how many fired. Call holding the store (Store::exclusive).
  size_t run(Store& store, int64_t now);
  // The same, inside the caller's transaction; a failing handler throws
  // TimerFailure.
  size_t fire_due(Store& db, int64_t now);

  struct TimerFailure : std::runtime_error {
    TimerFailure(Timer failed, const std::string& what) : std::runtime_error(what), timer(std::move(failed)) {}
    Timer timer;  // from the table, or armed within the advance
  };

  int64_t next_due() const { return next_due_.load(std::memory_order_acquire); }
  // Recomputes next_due() from the table (after a restart or a rollback).
  void reload(Store& db);
  // Called (outside any lock order guarantees) when next_due() moves earlier.
  void set_listener(std::function<void(int64_t due_ms)> listener) { listener_ = std::move(listener); }

 private:
  void lower_next_due(int64_t due_ms);
  bool failed_before(const Timer& t) const;
  // fire_due's loop: batches of due timers, in order, until none is due.
  size_t fire_batches(Store& db, int64_t now);

  std::map<std::string, Handler, std::less<>> handlers_;
  // Within run(): timers whose handler failed, skipped when fired again
  // (also those that firing re-arms within the advance, never in the table).
  std::vector<Timer> failed_;
  std::atomic<int64_t> next_due_{kNever};
  std::function<void(int64_t)> listener_;
};

}  // namespace gls
