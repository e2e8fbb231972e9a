// The history of every resource's transitions, and the latest time it holds.
#include "state/store/repository.hpp"

namespace gls::repo {

// ---- history --------------------------------------------------------------------------

namespace {
constexpr std::string_view kLatestTransition = "history.latest_ms";

// The open LatestTransitionBatch of this thread: the latest time recorded meanwhile.
struct PendingLatest {
  Store* db = nullptr;
  std::optional<int64_t> latest;
};
thread_local PendingLatest pending_latest;

// Keeps the setting at `time_ms` if that is later than what it holds.
void write_latest(Store& db, int64_t time_ms) {
  db.prepare(
        "INSERT INTO settings (key, value) VALUES (?1, CAST(?2 AS TEXT)) ON CONFLICT (key) DO UPDATE "
        "SET value = excluded.value WHERE CAST(value AS INTEGER) < ?2")
      .args(kLatestTransition, time_ms)
      .run();
}
}  // namespace

std::optional<int64_t> latest_transition_ms(Store& db) { return db.integer_setting(kLatestTransition); }

LatestTransitionBatch::LatestTransitionBatch(Store& db) : db_(db), owner_(pending_latest.db == nullptr) {
  if (owner_) pending_latest = {&db, std::nullopt};
}

LatestTransitionBatch::~LatestTransitionBatch() {
  if (owner_) pending_latest = {};
}

void LatestTransitionBatch::finish() {
  if (!owner_ || !pending_latest.latest) return;
  write_latest(db_, *pending_latest.latest);
  pending_latest.latest.reset();
}

void record_transition(Store& db, const Scope& s, std::string_view kind, std::string_view resource,
                       std::optional<std::string_view> from, std::string_view to,
                       std::optional<std::string_view> reason, std::string_view cause, int64_t time_ms) {
  Stmt q = db.prepare(
      "INSERT INTO history (seq, account, region, kind, resource, from_status, to_status, reason, cause, time_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.args_ref(db.next_reserved(Store::Counter::HistorySeq), s.account, s.region, kind, resource, from, to, reason, cause,
             time_ms);
  q.run();
  if (pending_latest.db != &db) write_latest(db, time_ms);
  else if (!pending_latest.latest || *pending_latest.latest < time_ms) pending_latest.latest = time_ms;
  if (db.transitions().listened())
    db.transitions().stage({s, std::string(kind), std::string(resource),
                            from ? std::optional<std::string>(*from) : std::nullopt, std::string(to),
                            reason ? std::optional<std::string>(*reason) : std::nullopt, std::string(cause), time_ms});
}

void recount_latest_transition(Store& db) {
  if (pending_latest.db == &db) pending_latest.latest.reset();
  db.prepare("DELETE FROM settings WHERE key = ?").args(kLatestTransition).run();
  Stmt q = db.prepare("SELECT MAX(time_ms) FROM history");
  if (q.step() && !q.is_null(0)) write_latest(db, q.int64(0));
}

std::vector<HistoryEntry> history(Store& db, const Scope& s, std::string_view kind, std::string_view resource) {
  Stmt q = db.prepare(
      "SELECT from_status, to_status, reason, cause, time_ms FROM history "
      "WHERE resource = ? AND kind = ? AND account = ? AND region = ? ORDER BY seq");
  q.args(resource, kind, s.account, s.region);
  std::vector<HistoryEntry> out;
  while (q.step()) out.push_back({q.opt_text(0), q.text(1), q.opt_text(2), q.text(3), q.int64(4)});
  return out;
}

}  // namespace gls::repo
