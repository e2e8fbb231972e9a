#include "state/store/commit_deltas.hpp"

#include <algorithm>

#include "state/ids.hpp"
#include "state/store/store.hpp"

namespace gls {

// A transaction moves few counts (a status or two, a location or two), so
// they are kept in short vectors, searched in order.

namespace {
template <class Held>
bool same_location(const Held& h, const Scope& scope, std::string_view group_id, std::string_view location) {
  return h.location == location && h.group_id == group_id && h.account == scope.account && h.region == scope.region;
}
}  // namespace

void CommitDeltas::add_session_status(std::string_view status, int64_t delta) {
  auto it = std::find_if(statuses_.begin(), statuses_.end(), [&](const auto& s) { return s.first == status; });
  if (it == statuses_.end())
    statuses_.emplace_back(std::string(status), delta);
  else
    it->second += delta;
}

void CommitDeltas::add_held(const Scope& scope, std::string_view group_id, std::string_view location, int64_t delta) {
  auto it = std::find_if(held_.begin(), held_.end(),
                         [&](const Held& h) { return same_location(h, scope, group_id, location); });
  if (it == held_.end())
    held_.push_back({scope.account, scope.region, std::string(group_id), std::string(location), delta});
  else
    it->delta += delta;
}

int64_t CommitDeltas::held(const Scope& scope, std::string_view group_id, std::string_view location) const {
  int64_t sum = 0;
  for (const Held& h : held_)
    if (same_location(h, scope, group_id, location)) sum += h.delta;
  return sum;
}

void CommitDeltas::note_transition(int64_t time_ms) {
  if (!latest_transition_ || *latest_transition_ < time_ms) latest_transition_ = time_ms;
}

void CommitDeltas::write(Store& db) {
  for (const auto& [status, delta] : statuses_) {
    if (delta < 0) {
      db.prepare("UPDATE status_counts SET n = n + ? WHERE tbl = 'stream_sessions' AND status = ?")
          .args_ref(delta, status)
          .run();
    } else if (delta > 0) {
      db.prepare(
            "INSERT INTO status_counts (tbl, status, n) VALUES ('stream_sessions', ?, ?) "
            "ON CONFLICT (tbl, status) DO UPDATE SET n = n + excluded.n")
          .args_ref(status, delta)
          .run();
    }
  }
  for (const Held& h : held_) {
    if (h.delta == 0) continue;
    db.prepare(
          "UPDATE group_locations SET held = held + ? WHERE account = ? AND region = ? AND group_id = ? AND "
          "location = ?")
        .args_ref(h.delta, h.account, h.region, h.group_id, h.location)
        .run();
  }
  if (latest_transition_) {
    db.prepare(
          "INSERT INTO settings (key, value) VALUES (?1, CAST(?2 AS TEXT)) ON CONFLICT (key) DO UPDATE "
          "SET value = excluded.value WHERE CAST(value AS INTEGER) < ?2")
        .args_ref(kLatestTransitionKey, *latest_transition_)
        .run();
  }
  statuses_.clear();
  held_.clear();
  latest_transition_.reset();
}

void CommitDeltas::savepoint() {
  statuses_at_savepoint_ = statuses_;
  held_at_savepoint_ = held_;
  latest_transition_at_savepoint_ = latest_transition_;
}

void CommitDeltas::rolled_back_to_savepoint() {
  statuses_ = statuses_at_savepoint_;
  held_ = held_at_savepoint_;
  latest_transition_ = latest_transition_at_savepoint_;
}

void CommitDeltas::clear() {
  statuses_.clear();
  held_.clear();
  latest_transition_.reset();
  statuses_at_savepoint_.clear();
  held_at_savepoint_.clear();
  latest_transition_at_savepoint_.reset();
}

}  // namespace gls
