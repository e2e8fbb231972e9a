// A session's writes and the counts they keep (sessions by status, units
// of a location held), gathered by the store's CommitDeltas and written once
// per changed count before the transaction commits.
//
// No trigger counts an inserted or updated session: a trigger writes its
// count at once, for each row (in a sub-program), where the gathered
// changes are written once a commit. Deleting a session (REPLACE's delete
// included) is still counted by the delete triggers, which need the
// gathered changes written first.
//
// The write of a status change needs what the counts depend on as stored
// before it (status, placed, location). The session read last on this
// thread's writing connection remembers them: the UPDATE then names them in
// its WHERE clause, so a stale memory changes no row and the change falls
// back to reading them first.
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
  db.commit_deltas().add_session_status(status, delta);
}

void count_held(Store& db, const Scope& s, std::string_view group_id, std::string_view location, int64_t delta) {
  db.commit_deltas().add_held(s, group_id, location, delta);
}

bool same_session(const StoredState& m, const Store& db, const Scope& s, const StreamSession& x) {
  return m.db == &db && m.id == x.id && m.group_id == x.group_id && m.account == s.account && m.region == s.region;
}

// An insert_statement of every column, then `offers_value` for the offers
// the session has used (a column the record does not hold).
std::string session_row_statement(std::string_view verb, std::string_view offers_value) {
  std::string sql = binding::insert_statement("stream_sessions", session_fields(), verb);
  sql.insert(sql.find(") VALUES ("), ", offers");
  sql.insert(sql.size() - 1, ", " + std::string(offers_value));
  return sql;
}

// Binds the scope and every column of the session; returns the next free parameter.
int bind_session_row(Stmt& q, const Scope& s, const StreamSession& x) {
  q.args_ref(s.account, s.region);
  return binding::bind_columns(q, 3, x, session_fields(), 0, binding::kAssigned);
}

// Counts a row just written for `x`.
void count_new_row(Store& db, const Scope& s, const StreamSession& x) {
  const std::string_view status = to_string(x.status);
  count_status(db, status, 1);
  if (holds_unit(x.placed, status)) count_held(db, s, x.group_id, x.location, 1);
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

void write_pending_counts(Store& db) { db.commit_deltas().write(db); }

void insert_session(Store& db, const Scope& s, const StreamSession& x, std::optional<std::string_view> offers) {
  static const std::string sql = session_row_statement("INSERT", "?");
  Stmt q = db.prepare(sql);
  const int next = bind_session_row(q, s, x);
  q.bind_ref(next, offers);
  q.run();
  count_new_row(db, s, x);
}

void update_session(Store& db, const Scope& s, const StreamSession& x) {
  // The REPLACE's delete trigger counts down the stored status, whose count
  // may not be written yet (a status first reached in this transaction).
  write_pending_counts(db);
  // REPLACE deletes the old row: its offers are read before it goes.
  static const std::string sql = session_row_statement(
      "REPLACE", "(SELECT offers FROM stream_sessions WHERE account = ?1 AND region = ?2 AND group_id = ? AND id = ?)");
  Stmt q = db.prepare(sql);
  const int next = bind_session_row(q, s, x);
  q.bind_ref(next, x.group_id).bind_ref(next + 1, x.id);
  q.run();
  count_new_row(db, s, x);
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
