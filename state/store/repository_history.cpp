// The history of every resource's transitions, and the latest time it holds.
#include "state/store/repository.hpp"

namespace gls::repo {

// ---- history --------------------------------------------------------------------------

// The latest time is gathered by the store and written once before each
// commit (state/store/commit_deltas.hpp): a start or a clock advance's
// transitions rewrite the setting's row once, not once each.
std::optional<int64_t> latest_transition_ms(Store& db) {
  const std::optional<int64_t> written = db.integer_setting(CommitDeltas::kLatestTransitionKey);
  const std::optional<int64_t> gathered = db.commit_deltas().latest_transition();
  if (!written || (gathered && *gathered > *written)) return gathered;
  return written;
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
  db.commit_deltas().note_transition(time_ms);
  if (db.transitions().listened())
    db.transitions().stage({s, std::string(kind), std::string(resource),
                            from ? std::optional<std::string>(*from) : std::nullopt, std::string(to),
                            reason ? std::optional<std::string>(*reason) : std::nullopt, std::string(cause), time_ms});
}

void recount_latest_transition(Store& db) {
  db.commit_deltas().forget_latest_transition();
  db.prepare("DELETE FROM settings WHERE key = ?").args(CommitDeltas::kLatestTransitionKey).run();
  Stmt q = db.prepare("SELECT MAX(time_ms) FROM history");
  if (q.step() && !q.is_null(0)) db.commit_deltas().note_transition(q.int64(0));
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
