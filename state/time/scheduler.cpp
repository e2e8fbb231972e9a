#include "state/time/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "state/store/repository.hpp"

namespace gls {

void Scheduler::on(std::string kind, Handler handler) { handlers_[std::move(kind)] = std::move(handler); }

void Scheduler::lower_next_due(int64_t due_ms) {
  int64_t current = next_due_.load(std::memory_order_acquire);
  while (due_ms < current && !next_due_.compare_exchange_weak(current, due_ms, std::memory_order_acq_rel)) {
  }
  if (due_ms < current && listener_) listener_(due_ms);
}

void Scheduler::arm(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                    std::string_view event, int64_t due_ms, std::string_view detail) {
  // After the timers already due at the same time.
  Stmt q = db.prepare(
      "INSERT INTO timers (due_ms, account, region, kind, resource, event, detail, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
      "?7, (SELECT COALESCE(MAX(id), 0) + 1 FROM timers WHERE due_ms = ?1))");
  q.args_ref(due_ms, scope.account, scope.region, kind, resource, event);
  detail.empty() ? q.bind_null(7) : q.bind_ref(7, detail);
  q.run();
  armed_floor_ = std::min(armed_floor_, due_ms);
  lower_next_due(due_ms);
}

void Scheduler::cancel(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                       std::string_view event) {
  if (event.empty()) {
    db.prepare("DELETE FROM timers WHERE account = ? AND region = ? AND kind = ? AND resource = ?")
        .args_ref(scope.account, scope.region, kind, resource)
        .run();
  } else {
    db.prepare("DELETE FROM timers WHERE account = ? AND region = ? AND kind = ? AND resource = ? AND event = ?")
        .args_ref(scope.account, scope.region, kind, resource, event)
        .run();
  }
}

void Scheduler::cancel_events(Store& db, const Scope& scope, std::string_view kind, std::string_view resource,
                              std::string_view event1, std::string_view event2) {
  db.prepare(
        "DELETE FROM timers WHERE account = ? AND region = ? AND kind = ? AND resource = ? AND event IN (?, ?)")
      .args_ref(scope.account, scope.region, kind, resource, event1, event2)
      .run();
}

std::optional<int64_t> Scheduler::due(Store& db, const Scope& scope, std::string_view kind,
                                      std::string_view resource, std::string_view event) {
  Stmt q = db.prepare(
      "SELECT MIN(due_ms) FROM timers WHERE account = ? AND region = ? AND kind = ? AND resource = ? AND event = ?");
  q.args_ref(scope.account, scope.region, kind, resource, event);
  if (!q.step() || q.is_null(0)) return std::nullopt;
  return q.int64(0);
}

size_t Scheduler::run(Store& store, int64_t now) {
  while (true) {
    try {
      return store.transaction([&](Store& db) { return fire_due(db, now); });
    } catch (const TimerFailure& failure) {
      // Everything fired in that transaction was rolled back; drop the timer
      // that failed and fire the rest again.
      spdlog::error("a timer failed and was dropped: {}", failure.what());
      store.transaction([&](Store& db) {
        db.prepare("DELETE FROM timers WHERE due_ms = ? AND id = ?").args(failure.due_ms, failure.id).run();
      });
    }
  }
}

size_t Scheduler::fire_due(Store& db, int64_t now) {
  if (next_due() > now) return 0;
  // The counts that the fired status changes keep are written once each, at
  // the end, whether or not a handler fails (the caller decides whether
  // what was written so far stays).
  repo::CountBatch counts(db);
  size_t fired = 0;
  try {
    fired = fire_batches(db, now);
  } catch (...) {
    counts.finish();
    throw;
  }
  counts.finish();
  reload(db);
  return fired;
}

size_t Scheduler::fire_batches(Store& db, int64_t now) {
  constexpr int kBatch = 512;
  size_t fired = 0;
  bool more = true;
  while (more) {
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
    more = batch.size() == static_cast<size_t>(kBatch);
    armed_floor_ = kNever;
    for (const Timer& t : batch) {
      // A timer armed meanwhile may be due before the rest of the batch
      // (same due time: it has a higher id, so it comes after): read again.
      if (armed_floor_ < t.due_ms) {
        more = true;
        break;
      }
      // Cancelled by a timer fired before it? (Ids can be reused once a
      // timer is gone, so the whole timer must match, not just its key.)
      Stmt del = db.prepare("DELETE FROM timers WHERE due_ms = ? AND id = ? AND resource = ? AND event = ?");
      del.args_ref(t.due_ms, t.id, t.resource, t.event).run();
      if (del.changes() == 0) continue;
      auto handler = handlers_.find(t.kind);
      if (handler == handlers_.end()) {
        spdlog::warn("dropping a timer of unknown kind {} ({} {})", t.kind, t.resource, t.event);
        continue;
      }
      try {
        handler->second(db, t);
      } catch (const std::exception& e) {
        throw TimerFailure(t.due_ms, t.id, t.kind + " " + t.resource + " " + t.event + ": " + e.what());
      }
      ++fired;
    }
    // Firing may have armed timers that are already due.
    if (armed_floor_ <= now) more = true;
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
