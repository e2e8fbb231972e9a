// The history of status transitions: one row per transition, inserted at
// once or kept by a HistoryBatch and inserted many rows to a statement.
#include <string>
#include <vector>

#include "state/store/binding_sql.hpp"
#include "state/store/history_batch.hpp"
#include "state/store/repository.hpp"

namespace gls::repo {

namespace {

constexpr std::string_view kInsertHistory =
    "INSERT INTO history (account, region, kind, resource, from_status, to_status, reason, cause, time_ms) VALUES ";
constexpr size_t kRowsPerStatement = 32;
// Kept rows are inserted once there are this many (memory stays bounded).
constexpr size_t kMostKept = 1024;

// The same for `rows` rows.
std::string insert_history(size_t rows) {
  std::string sql(kInsertHistory);
  for (size_t i = 0; i < rows; ++i) sql += i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return sql;
}

int bind_row(Stmt& q, int first, const TransitionEvent& e) {
  q.args_ref_from(first, e.scope.account, e.scope.region, e.kind, e.resource, e.from, e.to, e.reason, e.cause,
                  e.time_ms);
  return first + 9;
}

// The rows the open HistoryBatch of this thread keeps, if any.
struct PendingHistory {
  const Store* db = nullptr;  // the batch's store; null when no batch is open
  std::vector<TransitionEvent> rows;
};
thread_local PendingHistory pending;

}  // namespace

void write_pending_history(Store& db) {
  if (pending.db != &db || pending.rows.empty()) return;
  static const std::string full = insert_history(kRowsPerStatement);
  static const std::string one = insert_history(1);
  const std::vector<TransitionEvent>& rows = pending.rows;
  size_t at = 0;
  for (; at + kRowsPerStatement <= rows.size(); at += kRowsPerStatement) {
    Stmt q = db.prepare(full);
    int next = 1;
    for (size_t i = at; i < at + kRowsPerStatement; ++i) next = bind_row(q, next, rows[i]);
    q.run();
  }
  for (; at < rows.size(); ++at) {
    Stmt q = db.prepare(one);
    bind_row(q, 1, rows[at]);
    q.run();
  }
  pending.rows.clear();
}

HistoryBatch::HistoryBatch(Store& db) : db_(db), owner_(pending.db == nullptr) {
  if (owner_) pending.db = &db;
}

HistoryBatch::~HistoryBatch() {
  if (!owner_) return;
  pending.rows.clear();
  pending.db = nullptr;
}

void HistoryBatch::finish() {
  if (owner_) write_pending_history(db_);
}

void record_transition(Store& db, const Scope& s, std::string_view kind, std::string_view resource,
                       std::optional<std::string_view> from, std::string_view to,
                       std::optional<std::string_view> reason, std::string_view cause, int64_t time_ms) {
  TransitionEvent e{s,
                    std::string(kind),
                    std::string(resource),
                    from ? std::optional<std::string>(*from) : std::nullopt,
                    std::string(to),
                    reason ? std::optional<std::string>(*reason) : std::nullopt,
                    std::string(cause),
                    time_ms};
  if (pending.db == &db) {
    pending.rows.push_back(e);
    if (pending.rows.size() >= kMostKept) write_pending_history(db);
  } else {
    static const std::string one = insert_history(1);
    Stmt q = db.prepare(one);
    bind_row(q, 1, e);
    q.run();
  }
  db.transitions().stage(std::move(e));
}

std::vector<HistoryEntry> history(Store& db, const Scope& s, std::string_view kind, std::string_view resource) {
  write_pending_history(db);
  Stmt q = db.prepare(
      "SELECT from_status, to_status, reason, cause, time_ms FROM history "
      "WHERE account = ? AND region = ? AND kind = ? AND resource = ? ORDER BY seq");
  q.args(s.account, s.region, kind, resource);
  std::vector<HistoryEntry> out;
  while (q.step()) out.push_back({q.opt_text(0), q.text(1), q.opt_text(2), q.text(3), q.int64(4)});
  return out;
}

}  // namespace gls::repo
