#include "state/store/idempotency.hpp"

namespace gls::idempotency {

Result<std::optional<std::string>> recall(Store& db, const Scope& scope, std::string_view operation,
                                          std::string_view token, std::string_view fingerprint, int64_t now_ms) {
  Stmt q = db.prepare(
      "SELECT fingerprint, resource, created_ms, rowid FROM idempotency "
      "WHERE token = ? AND operation = ? AND account = ? AND region = ?");
  q.args(token, operation, scope.account, scope.region);
  if (!q.step()) return std::optional<std::string>();
  if (q.int64(2) < now_ms - kRememberedMs) {
    // Forgotten: the request that follows remembers the token anew.
    db.prepare("DELETE FROM idempotency WHERE rowid = ?").args(q.int64(3)).run();
    return std::optional<std::string>();
  }
  if (q.text_view(0) != fingerprint)
    return conflict("The ClientToken " + std::string(token) + " was already used for a " + std::string(operation) +
                    " request with different parameters");
  return std::optional<std::string>(q.text(1));
}

void remember(Store& db, const Scope& scope, std::string_view operation, std::string_view token,
              std::string_view fingerprint, std::string_view resource, int64_t now_ms,
              const std::optional<std::string>& response) {
  // The rowid from the connection, not RETURNING: that made the insert cost
  // twice as much.
  Stmt insert = db.prepare(
      "INSERT INTO idempotency (account, region, operation, token, fingerprint, resource, created_ms, response) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.args(scope.account, scope.region, operation, token, fingerprint, resource, now_ms, response).run();
  const int64_t last = insert.inserted_rowid();
  // Every so often, what is too old or too many leaves: tokens in the order
  // they came (rowid), so both are a range at the start of the table.
  if (last % kSweepEvery != 0) return;
  db.prepare("DELETE FROM idempotency WHERE rowid <= ?").args(last - kMostKept).run();
  db.prepare(
        "DELETE FROM idempotency WHERE rowid < COALESCE((SELECT rowid FROM idempotency WHERE created_ms >= ? "
        "ORDER BY rowid LIMIT 1), ?)")
      .args(now_ms - kRememberedMs, last + 1)
      .run();
}

void keep_response(Store& db, const Scope& scope, std::string_view operation, std::string_view token,
                   const std::string& response) {
  db.prepare("UPDATE idempotency SET response = ? WHERE token = ? AND operation = ? AND account = ? AND region = ?")
      .args(response, token, operation, scope.account, scope.region)
      .run();
}

std::optional<std::string> original_response(Store& db, const Scope& scope, std::string_view operation,
                                             std::string_view token) {
  Stmt q =
      db.prepare("SELECT response FROM idempotency WHERE token = ? AND operation = ? AND account = ? AND region = ?");
  q.args(token, operation, scope.account, scope.region);
  if (!q.step()) return std::nullopt;
  return q.opt_text(0);
}

}  // namespace gls::idempotency
