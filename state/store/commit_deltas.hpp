// The changes a write transaction makes to values the store keeps on rows,
// held in memory and written once each just before it commits: the stream
// sessions in each status (status_counts), the sessions holding a unit of
// each group location (group_locations.held), and the time of the latest
// transition recorded (the setting kLatestTransitionKey, which start-up
// never starts the clock before).
//
// Why: a session's start moves both counts and records a transition, and
// each status change moves the first and records one; writing such a value
// is a statement that rewrites its row (a tenth of a StartStreamSession's
// instructions when each start wrote its own counts). Held here, the starts
// of one batched commit, or the transitions of one clock advance, write
// each value they moved once.
//
// Contract (the Store drives it; state/store/store.hpp):
// - add_*() and note_transition() gather a change; held() and
//   latest_transition() say what is gathered and not written, for a reader
//   that adds it to what it reads instead of writing it first.
// - write() writes what is gathered, within the open transaction, and
//   forgets it: before every COMMIT, and before a reader or writer of the
//   counted rows that needs them written (repo::write_pending_counts).
// - A transaction of a batch runs in a savepoint: savepoint() remembers the
//   changes gathered so far, rolled_back_to_savepoint() returns to them
//   (what was written since is undone by SQLite with the savepoint), and
//   clear() forgets everything when the whole transaction rolls back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gls {

class Store;
struct Scope;

class CommitDeltas {
 public:
  void add_session_status(std::string_view status, int64_t delta);
  void add_held(const Scope& scope, std::string_view group_id, std::string_view location, int64_t delta);

  // The change gathered for a location's units held.
  int64_t held(const Scope& scope, std::string_view group_id, std::string_view location) const;

  // A transition recorded at `time_ms`; the latest one gathered, if any.
  void note_transition(int64_t time_ms);
  std::optional<int64_t> latest_transition() const { return gathered_.latest_transition; }
  // Forgets the gathered time (the history it came from was deleted).
  void forget_latest_transition() { gathered_.latest_transition.reset(); }
  static constexpr std::string_view kLatestTransitionKey = "history.latest_ms";

  bool empty() const { return gathered_.statuses.empty() && gathered_.held.empty() && !gathered_.latest_transition; }

  void write(Store& db);
  void savepoint();
  void rolled_back_to_savepoint();
  void clear();

 private:
  struct Held {
    std::string account, region, group_id, location;
    int64_t delta = 0;
  };
  struct Gathered {
    std::vector<std::pair<std::string, int64_t>> statuses;
    std::vector<Held> held;
    std::optional<int64_t> latest_transition;
  };
  Gathered gathered_;
  Gathered at_savepoint_;  // what was gathered when the open savepoint began
};

}  // namespace gls
