// A session's status change and the counts it keeps (sessions by status,
// units of a location held): written at once, or gathered by a CountBatch
// and written once per changed count before the transaction commits.
//
// The write of a status change needs what the counts depend on as stored
// before it (status, placed, location). The session read last on this
// thread's writing connection remembers them: the UPDATE then names them in
// its WHERE clause, so a stale memory changes no row and the change falls
// back to reading them first.
#include <map>
#include <tuple>

#include "state/store/binding_sql.hpp"
#include "state/store/repository.hpp"

namespace gls::repo {

namespace {

// Whether a session in this status, placed or not, holds a unit of its location.
bool holds_unit(bool placed, std::string_view status) {
  static constexpr std::string_view kTerminated = to_string(SessionStatus::Terminated);
  static constexpr std::string_view kError = to_string(SessionStatus::Error);
  return placed && status != kTerminated && status != kError;
}

void add_held(Store& db, const Scope& s, std::string_view group_id, std::string_view location, int64_t delta) {
  db.prepare("UPDATE group_locations SET held = held + ? WHERE account = ? AND region = ? AND group_id = ? AND "
             "location = ?")
      .args_ref(delta, s.account, s.region, group_id, location)
      .run();
}

void add_status(Store& db, std::string_view status, int64_t delta) {
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

// The count changes of the open CountBatch of this thread, if any.
struct PendingCounts {
  const Store* db = nullptr;  // the batch's store; null when no batch is open
  std::map<std::string, int64_t, std::less<>> by_status;
  // (account, region, group, location) -> units held
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int64_t> held;
};
thread_local PendingCounts pending;

// What the counts depend on, as stored, for the session read last.
struct StoredState {
  const Store* db = nullptr;
  std::string account, region, group_id, id;
  int64_t rowid = 0;
  std::string status;
  bool placed = false;
  std::string location;
};
thread_local StoredState last_read;

void count_status(Store& db, std::string_view status, int64_t delta) {
  if (pending.db != &db) return add_status(db, status, delta);
  auto it = pending.by_status.find(status);
  if (it == pending.by_status.end()) it = pending.by_status.emplace(std::string(status), 0).first;
  it->second += delta;
}

void count_held(Store& db, const Scope& s, std::string_view group_id, std::string_view location, int64_t delta) {
  if (pending.db != &db) return add_held(db, s, group_id, location, delta);
  pending.held[{s.account, s.region, std::string(group_id), std::string(location)}] += delta;
}

bool same_session(const StoredState& m, const Store& db, const Scope& s, const StreamSession& x) {
  return m.db == &db && m.id == x.id && m.group_id == x.group_id && m.account == s.account && m.region == s.region;
}

}  // namespace

void remember_read(Store& db, const Scope& s, const StreamSession& x, int64_t rowid) {
  last_read.db = &db;
  last_read.account = s.account;
  last_read.region = s.region;
  last_read.group_id = x.group_id;
  last_read.id = x.id;
  last_read.rowid = rowid;
  last_read.status = to_string(x.status);
  last_read.placed = x.placed;
  last_read.location = x.location;
}

void write_pending_counts(Store& db) {
  if (pending.db != &db) return;
  for (const auto& [status, delta] : pending.by_status) add_status(db, status, delta);
  for (const auto& [key, delta] : pending.held)
    if (delta != 0) add_held(db, {std::get<0>(key), std::get<1>(key)}, std::get<2>(key), std::get<3>(key), delta);
  pending.by_status.clear();
  pending.held.clear();
}

CountBatch::CountBatch(Store& db) : db_(db), owner_(pending.db == nullptr) {
  if (owner_) pending.db = &db;
}

CountBatch::~CountBatch() {
  if (!owner_) return;
  pending.by_status.clear();
  pending.held.clear();
  pending.db = nullptr;
}

void CountBatch::finish() {
  if (owner_) write_pending_counts(db_);
}

void update_session_state(Store& db, const Scope& s, const StreamSession& x) {
  static const std::string sql =
      binding::update_statement("stream_sessions", session_fields(), binding::kState, {"rowid"});
  // The same with the stored values it expects, for a session read last.
  static const std::string checked_sql = binding::update_statement(
      "stream_sessions", session_fields(), binding::kState, {"rowid", "id", "group_id", "status", "placed", "location"});
  StoredState& old = last_read;
  bool written = false;
  if (same_session(old, db, s, x)) {
    Stmt q = db.prepare(checked_sql);
    q.args_ref_from(binding::bind_columns(q, 1, x, session_fields(), binding::kState), s.account, s.region, old.rowid,
                    old.id, old.group_id, old.status, static_cast<int64_t>(old.placed), old.location);
    q.run();
    written = q.changes() == 1;
  }
  if (!written) {
    {
      Stmt q = db.prepare(
          "SELECT rowid, status, placed, location FROM stream_sessions WHERE account = ? AND region = ? AND "
          "group_id = ? AND id = ?");
      q.args_ref(s.account, s.region, x.group_id, x.id);
      if (!q.step()) return;
      old.db = &db;
      old.account = s.account;
      old.region = s.region;
      old.group_id = x.group_id;
      old.id = x.id;
      old.rowid = q.int64(0);
      old.status = q.text(1);
      old.placed = q.int64(2) != 0;
      old.location = q.text(3);
    }
    binding::update_row(db, sql, x, session_fields(), binding::kState, s.account, s.region, old.rowid);
  }

  const std::string_view new_status = to_string(x.status);
  if (new_status != old.status) {
    count_status(db, old.status, -1);
    count_status(db, new_status, 1);
  }
  const bool held_before = holds_unit(old.placed, old.status);
  const bool held_after = holds_unit(x.placed, new_status);
  const bool moved = old.location != x.location;
  if (held_before && (!held_after || moved)) count_held(db, s, x.group_id, old.location, -1);
  if (held_after && (!held_before || moved)) count_held(db, s, x.group_id, x.location, 1);
  // The row now holds the new values.
  old.status = new_status;
  old.placed = x.placed;
  old.location = x.location;
}

}  // namespace gls::repo
