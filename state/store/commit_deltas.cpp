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
  auto& statuses = gathered_.statuses;
  auto it = std::find_if(statuses.begin(), statuses.end(), [&](const auto& s) { return s.first == status; });
  if (it == statuses.end())
    statuses.emplace_back(std::string(status), delta);
  else
    it->second += delta;
}

void CommitDeltas::add_held(const Scope& scope, std::string_view group_id, std::string_view location, int64_t delta) {
  auto& held = gathered_.held;
  auto it = std::find_if(held.begin(), held.end(),
                         [&](const Held& h) { return same_location(h, scope, group_id, location); });
  if (it == held.end())
    held.push_back({scope.account, scope.region, std::string(group_id), std::string(location), delta});
  else
    it->delta += delta;
}

int64_t CommitDeltas::held(const Scope& scope, std::string_view group_id, std::string_view location) const {
  int64_t sum = 0;
  for (const Held& h : gathered_.held)
    if (same_location(h, scope, group_id, location)) sum += h.delta;
  return sum;
}

void CommitDeltas::note_transition(int64_t time_ms) {
  std::optional<int64_t>& latest = gathered_.latest_transition;
  if (!latest || *latest < time_ms) latest = time_ms;
}

void CommitDeltas::write(Store& db) {
  for (const auto& [status, delta] : gathered_.statuses) {
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
  for (const Held& h : gathered_.held) {
    if (h.delta == 0) continue;
    db.prepare(
          "UPDATE group_locations SET held = held + ? WHERE account = ? AND region = ? AND group_id = ? AND "
          "location = ?")
        .args_ref(h.delta, h.account, h.region, h.group_id, h.location)
        .run();
  }
  if (gathered_.latest_transition) {
    db.prepare(
          "INSERT INTO settings (key, value) VALUES (?1, CAST(?2 AS TEXT)) ON CONFLICT (key) DO UPDATE "
          "SET value = excluded.value WHERE CAST(value AS INTEGER) < ?2")
        .args_ref(kLatestTransitionKey, *gathered_.latest_transition)
        .run();
  }
  gathered_ = {};
}

void CommitDeltas::savepoint() { at_savepoint_ = gathered_; }

void CommitDeltas::rolled_back_to_savepoint() { gathered_ = at_savepoint_; }

void CommitDeltas::clear() {
  gathered_ = {};
  at_savepoint_ = {};
}

}  // namespace gls
