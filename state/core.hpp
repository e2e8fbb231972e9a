// The infrastructure every domain object runs on: the store, the clock, the
// scheduler, the ID generator, page tokens and the lifecycle durations. It
// knows no resource kind; the domain objects get it through their
// constructors.
//
// transact() is how the domain reads and writes: it fixes "now" for the
// transaction and first fires every deadline due by then, so no read ever
// shows a state whose deadline has passed.
//
// The clock never goes backwards, also across restarts on the same database:
// its high-water mark is kept in the store and the clock starts at or after
// it, and at or after the latest transition in the history.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "state/ids.hpp"
#include "state/result.hpp"
#include "state/time/clock.hpp"
#include "state/store/page_tokens.hpp"
#include "state/time/scheduler.hpp"
#include "state/store/store.hpp"
#include "state/time/timings.hpp"

namespace gls {

struct EmulatorConfig {
  Scope default_scope{"111122223333", "us-west-2"};
  ClockMode clock_mode = ClockMode::Real;
  double time_scale = 1.0;
  uint64_t seed = 0;
  std::string export_dir;
  std::optional<int64_t> auto_connect_ms;  // a simulated client connects this long after ACTIVE
  Timings timings;
};

class Core {
 public:
  Core(std::unique_ptr<Store> store, EmulatorConfig config);
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  Store& store() { return *store_; }
  VirtualClock& clock() { return clock_; }
  IdGenerator& ids() { return ids_; }
  Scheduler& scheduler() { return scheduler_; }
  const Timings& timings() const { return config_.timings; }
  const PageTokens& page_tokens() const { return page_tokens_; }
  const EmulatorConfig& config() const { return config_; }


  // Runs f(db, now) in one transaction at emulator time `now`, after firing
  // every deadline due by `now` (in a transaction of its own, so that it
  // stands even when f's transaction is rolled back; on a thread that
  // batches commits, both join the batch: Store::BatchCommits).
  template <class F>
  auto transact(F&& f);

  // How long a read() may run.
  enum class ReadHold {
    Brief,  // an API request's
    Dump,   // a whole document, written as its client takes it
  };
  // Runs f(db, now) as a read of the state at emulator time `now`, every
  // deadline due by then fired; f must not write. When none is due or
  // being fired, it runs on a snapshot that does not wait for writes: the
  // calling thread's read-only connection (Store::read). Otherwise a Brief
  // read runs as transact() does, after firing them; a Dump fires them
  // under the store's lock, and then runs on a snapshot without it, held
  // open for as long as f takes (on a file database, checkpoints cannot
  // pass it meanwhile). A ":memory:" database has no connection apart from
  // the writer's: a Dump there reads a copy of it in memory, made under the
  // lock (Store::copy_in_memory), so that a slow client holds neither the
  // lock nor the document in memory.
  template <class F>
  auto read(F&& f, ReadHold hold = ReadHold::Brief);

  // The store's commit sequence, when what is committed is what a read at
  // the current time would show (no deadline due or being fired, checked
  // in read()'s order), else nullopt. Takes no lock: an answer kept under
  // this sequence is current for as long as the sequence has not moved.
  std::optional<uint64_t> settled_version() const;

  // A lifecycle duration of one resource: its own (set through the admin
  // API) or the emulator's. `kind` is a Timings kind ("application", "streamGroup").
  int64_t duration_ms(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                      std::string_view name);
  // Overrides durations of one resource; answers all of its own.
  Result<std::string> set_resource_timings(const Scope& scope, std::string_view kind, std::string_view resource,
                                           std::string_view json);

  // Fires every deadline due by now; returns how many fired.
  size_t catch_up();

  // Records where the clock stands, so that a restart carries on from there
  // (never earlier); returns the reading it recorded.
  ClockReading persist_clock();

  // Removes every resource, timer and history entry. The clock stays.
  void wipe();
  // Replaces one account and Region's resources by what load(db) creates,
  // all or nothing (an Error from load leaves everything as it was).
  Status replace_scope(const Scope& scope, const std::function<Status(Store&)>& load);

 private:
  // `recorded` says whether the stored anchor already gives the clock it
  // starts (same mode and scale, not moved on by history): then start-up
  // writes nothing, and its first answers wait for no sync.
  static VirtualClock start_clock(Store& store, const EmulatorConfig& config, bool& recorded);
  // A Dump's snapshot: where and at what time it reads.
  struct DumpSnapshot {
    int64_t now = 0;
    std::unique_ptr<Store> copy;  // a ":memory:" database's
  };
  // Fires what is due (and commits a batch that holds fired deadlines)
  // under the lock, and copies a ":memory:" database.
  std::unique_ptr<DumpSnapshot> settle_for_dump();
  // Fires the deadlines due by `now`; holding the store. Until it has
  // committed, read() takes no snapshot (it might miss what they changed):
  // fired into an open batch, they hold snapshot reads until it commits.
  size_t fire_due(int64_t now);
  // No deadline is due by `now`, being fired or fired into a batch not yet
  // committed, so the committed store is what a read at `now` would show.
  // In this order: firing raises next_due before it commits, and counts
  // itself in firing_ before that and until after the commit, or until it
  // has held snapshot reads, which the batch's commit releases after its
  // sequence moved.
  bool settled_at(int64_t now) const {
    return scheduler_.next_due() > now && firing_.load() == 0 && !store_->snapshot_reads_held();
  }

  std::unique_ptr<Store> store_;
  EmulatorConfig config_;
  bool clock_recorded_ = false;  // before clock_: start_clock sets it
  VirtualClock clock_;
  IdGenerator ids_;
  Scheduler scheduler_;
  PageTokens page_tokens_;
  std::atomic<int> firing_{0};  // fire_due() calls in progress
};

template <class F>
auto Core::transact(F&& f) {
  return store_->exclusive([&]() {
    const int64_t now = clock_.now_ms();
    if (scheduler_.next_due() <= now) fire_due(now);
    return store_->transaction([&](Store& db) { return f(db, now); });
  });
}

template <class F>
auto Core::read(F&& f, ReadHold hold) {
  const int64_t now = clock_.now_ms();
  const bool settled = settled_at(now);
  if (settled && (hold == ReadHold::Brief || store_->reads_apart()))
    return store_->read([&](Store& db) { return f(db, now); });
  if (hold == ReadHold::Brief) return transact(std::forward<F>(f));
  const std::unique_ptr<DumpSnapshot> snapshot = settle_for_dump();
  auto at_now = [&](Store& db) { return f(db, snapshot->now); };
  // A copy is this read's alone: its own connection reads it, and leaves
  // no reader behind on this thread.
  return snapshot->copy ? snapshot->copy->transaction(at_now) : store_->read(at_now);
}

inline std::optional<uint64_t> Core::settled_version() const {
  if (!settled_at(clock_.now_ms())) return std::nullopt;
  return store_->commit_sequence();
}

}  // namespace gls
