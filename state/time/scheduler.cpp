#include "state/time/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

#include "state/time/emptied_resources.hpp"
#include "state/time/resource_slots.hpp"

namespace gls {

namespace {

// Tells every advance under way on this thread that the resource has a row
// in the table again (EmptiedResources); defined with ArmedTimers below.
void timer_row_written(const Scope& scope, std::string_view kind, std::string_view resource);

// Writes a timer with its id: one taken from the store's counter orders it
// after every timer armed before it (those due at the same time included,
// whether in the table or in a batch being fired).
void write_timer(Store& db, int64_t id, const Scope& scope, std::string_view kind, std::string_view resource,
                 std::string_view event, int64_t due_ms, std::string_view detail) {
  Stmt q = db.prepare(
      "INSERT INTO timers (due_ms, id, account, region, kind, resource, event, detail) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  q.args_ref(due_ms, id, scope.account, scope.region, kind, resource, event);
  detail.empty() ? q.bind_null(8) : q.bind_ref(8, detail);
  q.run();
  timer_row_written(scope, kind, resource);
}

void insert_timer(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                  std::string_view event, int64_t due_ms, std::string_view detail) {
  write_timer(db, db.next_reserved(Store::Counter::TimerId), scope, kind, resource, event, due_ms, detail);
}

// Whether the timer is one of that resource's.
bool belongs_to(const Timer& t, const Scope& scope, std::string_view kind, std::string_view resource) {
  return t.resource == resource && t.kind == kind && t.scope.account == scope.account && t.scope.region == scope.region;
}

// The batch of timers firing on this thread. Its timers leave the table in
// one statement before the first fires; cancelling a timer or asking for its
// due time also looks here, so a timer that a handler cancels never fires,
// whether it is still in the table or only in the batch.
class FiringBatch {
 public:
  enum State : char { kWaiting, kFired, kCancelled };

  FiringBatch(const Scheduler& owner, const std::vector<Timer>& batch)
      : owner_(owner), batch_(batch), state_(batch.size(), kWaiting), outer_(current) {
    for (size_t i = 0; i < batch.size(); ++i) by_resource_.add(batch[i].resource, static_cast<uint32_t>(i));
    current = this;
  }
  ~FiringBatch() { current = outer_; }
  FiringBatch(const FiringBatch&) = delete;
  FiringBatch& operator=(const FiringBatch&) = delete;

  // The batch `owner` is firing on this thread, if any.
  static FiringBatch* of(const Scheduler& owner) { return current && &current->owner_ == &owner ? current : nullptr; }

  State state(size_t i) const { return state_[i]; }
  void fired(size_t i) { state_[i] = kFired; }

  // Cancels the waiting timers of a resource: all, or those of one of the events.
  void cancel(const Scope& scope, std::string_view kind, std::string_view resource, std::string_view event1 = {},
              std::string_view event2 = {}) {
    by_resource_.candidates(resource, [&](uint32_t i) {
      const Timer& t = batch_[i];
      if (state_[i] == kWaiting && belongs_to(t, scope, kind, resource) &&
          (event1.empty() || t.event == event1 || t.event == event2))
        state_[i] = kCancelled;
    });
  }

  // The earliest due time of a waiting timer of the resource for `event`.
  std::optional<int64_t> due(const Scope& scope, std::string_view kind, std::string_view resource,
                             std::string_view event) const {
    std::optional<int64_t> earliest;
    by_resource_.candidates(resource, [&](uint32_t i) {
      const Timer& t = batch_[i];
      if (state_[i] == kWaiting && belongs_to(t, scope, kind, resource) && t.event == event &&
          (!earliest || t.due_ms < *earliest))
        earliest = t.due_ms;
    });
    return earliest;
  }

  // Puts the timers from `first` on that are still waiting back in the table.
  void restore_from(Store& db, size_t first) {
    for (size_t i = first; i < batch_.size(); ++i) {
      if (state_[i] != kWaiting) continue;
      const Timer& t = batch_[i];
      write_timer(db, t.id, t.scope, t.kind, t.resource, t.event, t.due_ms, t.detail);
      state_[i] = kCancelled;  // no longer this batch's to fire
    }
  }

 private:
  static thread_local FiringBatch* current;
  const Scheduler& owner_;
  const std::vector<Timer>& batch_;
  std::vector<State> state_;
  ResourceSlots by_resource_;
  FiringBatch* outer_;
};
thread_local FiringBatch* FiringBatch::current = nullptr;

// Timers that firing arms with a due time at or before the `now` being fired
// up to: they fire before this fire_due returns, so they are kept here, in
// (due, arming) order, instead of being written to the table and taken out
// again. Each comes after every table timer of its due time (those were all
// armed before it). Cancelling one or asking for its due time looks here too;
// if a handler fails, the ones still waiting are written to the table.
class ArmedTimers {
 public:
  ArmedTimers(const Scheduler& owner, int64_t horizon) : owner_(owner), horizon_(horizon), outer_(current) {
    current = this;
  }
  ~ArmedTimers() { current = outer_; }
  ArmedTimers(const ArmedTimers&) = delete;
  ArmedTimers& operator=(const ArmedTimers&) = delete;

  static ArmedTimers* of(const Scheduler& owner) { return current && &current->owner_ == &owner ? current : nullptr; }

  // Whether a timer due then fires in this call, so it belongs here.
  bool keeps(int64_t due_ms) const { return due_ms <= horizon_; }

  void add(const Scope& scope, std::string_view kind, std::string_view resource, std::string_view event, int64_t due_ms,
           std::string_view detail) {
    const auto slot = static_cast<uint32_t>(timers_.size());
    timers_.push_back(
        Timer{0, due_ms, scope, std::string(kind), std::string(resource), std::string(event), std::string(detail)});
    waiting_.push_back(true);
    ++waiting_count_;
    by_resource_.add(resource, slot);
    order_.push_back({due_ms, slot});
    std::push_heap(order_.begin(), order_.end(), Later{});
  }

  // The earliest waiting timer's due time, if any.
  std::optional<int64_t> next_due() {
    drop_gone();
    return order_.empty() ? std::nullopt : std::optional<int64_t>(order_.front().due_ms);
  }
  // Takes the earliest waiting timer out, to fire it. Only after next_due() said there is one.
  Timer take_next() {
    drop_gone();
    const uint32_t slot = order_.front().slot;
    std::pop_heap(order_.begin(), order_.end(), Later{});
    order_.pop_back();
    Timer t = std::move(timers_[slot]);
    leave(slot);
    forget_if_none_waits();
    return t;
  }

  void cancel(const Scope& scope, std::string_view kind, std::string_view resource, std::string_view event1 = {},
              std::string_view event2 = {}) {
    by_resource_.candidates(resource, [&](uint32_t slot) {
      const Timer& t = timers_[slot];
      if (waiting_[slot] && belongs_to(t, scope, kind, resource) &&
          (event1.empty() || t.event == event1 || t.event == event2))
        leave(slot);
    });
    forget_if_none_waits();
  }

  std::optional<int64_t> due(const Scope& scope, std::string_view kind, std::string_view resource,
                             std::string_view event) const {
    std::optional<int64_t> earliest;
    by_resource_.candidates(resource, [&](uint32_t slot) {
      const Timer& t = timers_[slot];
      if (waiting_[slot] && belongs_to(t, scope, kind, resource) && t.event == event &&
          (!earliest || t.due_ms < *earliest))
        earliest = t.due_ms;
    });
    return earliest;
  }

  // What the advance has emptied of the table's timers.
  EmptiedResources& emptied() { return emptied_; }
  // The resource has a row in the table again, for this advance and any it runs within.
  static void row_written(const Scope& scope, std::string_view kind, std::string_view resource) {
    for (ArmedTimers* a = current; a; a = a->outer_) a->emptied_.refilled(scope, kind, resource);
  }

  // Writes the waiting timers to the table, in their order, after the
  // timers already there at their due times; returns the earliest due time.
  std::optional<int64_t> restore(Store& db) {
    std::sort_heap(order_.begin(), order_.end(), Later{});  // latest first
    std::optional<int64_t> earliest;
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
      if (!waiting_[it->slot]) continue;
      const Timer& t = timers_[it->slot];
      if (!earliest) earliest = t.due_ms;
      insert_timer(db, t.scope, t.kind, t.resource, t.event, t.due_ms, t.detail);
    }
    waiting_count_ = 0;
    forget_if_none_waits();
    return earliest;
  }

 private:
  // A place in the firing order; slots count up in arming order.
  struct Due {
    int64_t due_ms;
    uint32_t slot;
  };
  struct Later {  // makes the heap's top the earliest (due, arming)
    bool operator()(const Due& a, const Due& b) const {
      return a.due_ms != b.due_ms ? a.due_ms > b.due_ms : a.slot > b.slot;
    }
  };

  void leave(uint32_t slot) {
    waiting_[slot] = false;
    --waiting_count_;
  }
  // Cancelled timers leave the order when they reach its top.
  void drop_gone() {
    while (!order_.empty() && !waiting_[order_.front().slot]) {
      std::pop_heap(order_.begin(), order_.end(), Later{});
      order_.pop_back();
    }
  }
  // Slots are not reused while any timer waits: once none does, all go;
  // once most are done with (a long advance whose firings keep arming), the
  // waiting ones move down, in arming order, so that memory follows what
  // waits rather than what was ever armed.
  void forget_if_none_waits() {
    if (waiting_count_ != 0) {
      if (timers_.size() > 2 * waiting_count_ + kSlotsKeptDone) compact();
      return;
    }
    timers_.clear();
    waiting_.clear();
    order_.clear();
    by_resource_.clear();
  }
  void compact() {
    std::vector<Timer> kept;
    kept.reserve(waiting_count_);
    by_resource_.clear();
    order_.clear();
    for (size_t slot = 0; slot < timers_.size(); ++slot) {
      if (!waiting_[slot]) continue;
      const auto moved = static_cast<uint32_t>(kept.size());
      kept.push_back(std::move(timers_[slot]));
      by_resource_.add(kept.back().resource, moved);
      order_.push_back({kept.back().due_ms, moved});
    }
    std::make_heap(order_.begin(), order_.end(), Later{});
    timers_ = std::move(kept);
    waiting_.assign(timers_.size(), true);
  }
  static constexpr size_t kSlotsKeptDone = 1024;

  static thread_local ArmedTimers* current;
  const Scheduler& owner_;
  const int64_t horizon_;
  std::vector<Timer> timers_;  // by slot
  std::vector<bool> waiting_;  // by slot: neither fired nor cancelled
  size_t waiting_count_ = 0;
  std::vector<Due> order_;  // a heap
  ResourceSlots by_resource_;
  EmptiedResources emptied_;
  ArmedTimers* outer_;
};
thread_local ArmedTimers* ArmedTimers::current = nullptr;

void timer_row_written(const Scope& scope, std::string_view kind, std::string_view resource) {
  ArmedTimers::row_written(scope, kind, resource);
}

}  // namespace

void Scheduler::on(std::string kind, Handler handler) { handlers_[std::move(kind)] = std::move(handler); }

void Scheduler::lower_next_due(int64_t due_ms) {
  int64_t current = next_due_.load(std::memory_order_acquire);
  while (due_ms < current && !next_due_.compare_exchange_weak(current, due_ms, std::memory_order_acq_rel)) {
  }
  if (due_ms < current && listener_) listener_(due_ms);
}

void Scheduler::arm(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                    std::string_view event, int64_t due_ms, std::string_view detail) {
  ArmedTimers* armed = ArmedTimers::of(*this);
  if (armed && armed->keeps(due_ms)) {
    armed->add(scope, kind, resource, event, due_ms, detail);
    return;
  }
  insert_timer(db, scope, kind, resource, event, due_ms, detail);
  lower_next_due(due_ms);
}

void Scheduler::cancel(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                       std::string_view event) {
  ArmedTimers* armed = ArmedTimers::of(*this);
  if (!armed || !armed->emptied().holds_none(scope, kind, resource)) {
    if (event.empty()) {
      db.prepare("DELETE FROM timers WHERE account = ? AND region = ? AND kind = ? AND resource = ?")
          .args_ref(scope.account, scope.region, kind, resource)
          .run();
      if (armed) armed->emptied().emptied(scope, kind, resource);
    } else {
      db.prepare("DELETE FROM timers WHERE account = ? AND region = ? AND kind = ? AND resource = ? AND event = ?")
          .args_ref(scope.account, scope.region, kind, resource, event)
          .run();
    }
  }
  if (FiringBatch* firing = FiringBatch::of(*this)) firing->cancel(scope, kind, resource, event, event);
  if (armed) armed->cancel(scope, kind, resource, event, event);
}

void Scheduler::cancel_events(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                              std::string_view event1, std::string_view event2) {
  ArmedTimers* armed = ArmedTimers::of(*this);
  if (!armed || !armed->emptied().holds_none(scope, kind, resource))
    db.prepare("DELETE FROM timers WHERE account = ? AND region = ? AND kind = ? AND resource = ? AND event IN (?, ?)")
        .args_ref(scope.account, scope.region, kind, resource, event1, event2)
        .run();
  if (FiringBatch* firing = FiringBatch::of(*this)) firing->cancel(scope, kind, resource, event1, event2);
  if (armed) armed->cancel(scope, kind, resource, event1, event2);
}

std::optional<int64_t> Scheduler::due(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                                      std::string_view event) {
  Stmt q = db.prepare(
      "SELECT MIN(due_ms) FROM timers WHERE account = ? AND region = ? AND kind = ? AND resource = ? AND event = ?");
  q.args_ref(scope.account, scope.region, kind, resource, event);
  std::optional<int64_t> earliest;
  if (q.step() && !q.is_null(0)) earliest = q.int64(0);
  const auto keep_earliest = [&](std::optional<int64_t> waiting) {
    if (waiting && (!earliest || *waiting < *earliest)) earliest = waiting;
  };
  if (const FiringBatch* firing = FiringBatch::of(*this)) keep_earliest(firing->due(scope, kind, resource, event));
  if (const ArmedTimers* armed = ArmedTimers::of(*this)) keep_earliest(armed->due(scope, kind, resource, event));
  return earliest;
}

size_t Scheduler::run(Store& store, int64_t now) {
  struct Forget {
    std::vector<Timer>& failed;
    ~Forget() { failed.clear(); }
  } forget{failed_};
  while (true) {
    try {
      return store.transaction([&](Store& db) { return fire_due(db, now); });
    } catch (TimerFailure& failure) {
      // Everything fired in that transaction was rolled back; fire it again
      // without the timer that failed. It is matched by what it is rather
      // than by its row: a timer armed within the advance has none, and is
      // armed again when what armed it fires again.
      spdlog::error("a timer failed and was dropped: {}", failure.what());
      failed_.push_back(std::move(failure.timer));
    }
  }
}

bool Scheduler::failed_before(const Timer& t) const {
  return std::any_of(failed_.begin(), failed_.end(), [&](const Timer& f) {
    return f.due_ms == t.due_ms && f.event == t.event && f.resource == t.resource && f.kind == t.kind &&
           f.scope.account == t.scope.account && f.scope.region == t.scope.region;
  });
}

size_t Scheduler::fire_due(Store& db, int64_t now) {
  if (next_due() > now) return 0;
  // (The counts and the latest transition's time that the fired status
  // changes move are the store's to write once each, when the transaction
  // commits: state/store/commit_deltas.hpp.)
  const size_t fired = fire_batches(db, now);
  reload(db);
  return fired;
}

size_t Scheduler::fire_batches(Store& db, int64_t now) {
  constexpr int kBatch = 512;
  ArmedTimers armed(*this, now);
  size_t fired = 0;
  // Fires one timer; what has not fired goes back to the table if it fails.
  const auto fire = [&](const Timer& t, auto&& restore_rest) {
    if (!failed_.empty() && failed_before(t)) return;
    auto handler = handlers_.find(t.kind);
    if (handler == handlers_.end()) {
      spdlog::warn("dropping a timer of unknown kind {} ({} {})", t.kind, t.resource, t.event);
      return;
    }
    try {
      handler->second(db, t);
    } catch (const std::exception& e) {
      // What has not fired goes back (the failing timer stays out), in case
      // the caller keeps what was written.
      restore_rest();
      if (auto earliest = armed.restore(db)) lower_next_due(*earliest);
      throw TimerFailure(t, t.kind + " " + t.resource + " " + t.event + ": " + e.what());
    }
    ++fired;
  };
  bool table_more = true;  // the table may hold more due timers than read so far
  while (table_more) {
    // Read the next due timers in (due, id) order, a batch at a time.
    std::vector<Timer> batch;
    {
      Stmt q = db.prepare(
          "SELECT id, due_ms, account, region, kind, resource, event, detail FROM timers "
          "WHERE due_ms <= ? ORDER BY due_ms, id LIMIT ?");
      q.args(now, static_cast<int64_t>(kBatch));
      while (q.step()) {
        Timer t;
        t.id = q.int64(0);
        t.due_ms = q.int64(1);
        t.scope = {q.text(2), q.text(3)};
        t.kind = q.text(4);
        t.resource = q.text(5);
        t.event = q.text(6);
        if (!q.is_null(7)) t.detail = q.text(7);
        batch.push_back(std::move(t));
      }
    }
    table_more = batch.size() == static_cast<size_t>(kBatch);
    // The whole batch leaves the table at once: exactly the timers up to its
    // last one in (due, id) order.
    // (A row value, so that the key bounds the range on both columns: many
    // timers can share one due time.)
    if (!batch.empty())
      db.prepare("DELETE FROM timers WHERE (due_ms, id) <= (?, ?)").args(batch.back().due_ms, batch.back().id).run();
    FiringBatch firing(*this, batch);
    size_t i = 0;
    while (true) {
      while (i < batch.size() && firing.state(i) == FiringBatch::kCancelled) ++i;  // by a timer fired before it
      const bool from_table = i < batch.size();
      if (!from_table && table_more) break;  // the table's next timers may come first
      // A timer armed meanwhile fires before the table's timers due after it
      // (at the same due time it was armed after them).
      const std::optional<int64_t> armed_due = armed.next_due();
      if (armed_due && (!from_table || *armed_due < batch[i].due_ms)) {
        const Timer t = armed.take_next();
        fire(t, [&] { firing.restore_from(db, i); });
        continue;
      }
      if (!from_table) break;
      firing.fired(i);
      const size_t at = i++;
      fire(batch[at], [&] { firing.restore_from(db, i); });
    }
  }
  return fired;
}

void Scheduler::reload(Store& db) {
  Stmt q = db.prepare("SELECT MIN(due_ms) FROM timers");
  int64_t next = kNever;
  if (q.step() && !q.is_null(0)) next = q.int64(0);
  next_due_.store(next, std::memory_order_release);
  if (next != kNever && listener_) listener_(next);
}

}  // namespace gls
