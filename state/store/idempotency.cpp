#include "state/store/idempotency.hpp"

namespace gls::idempotency {

Result<std::optional<std::string>> recall(Store& db, const Scope& scope, std::string_view operation,
                                          std::string_view token, std::string_view fingerprint) {
  Stmt q = db.prepare(
      "SELECT fingerprint, resource FROM idempotency WHERE account = ? AND region = ? AND operation = ? AND token = ?");
  q.args(scope.account, scope.region, operation, token);
  if (!q.step()) return std::optional<std::string>();
  if (q.text_view(0) != fingerprint)
    return conflict("The ClientToken " + std::string(token) + " was already used for a " + std::string(operation) +
                    " request with different parameters");
  return std::optional<std::string>(q.text(1));
}

void remember(Store& db, const Scope& scope, std::string_view operation, std::string_view token,
              std::string_view fingerprint, std::string_view resource, int64_t now_ms,
              const std::optional<std::string>& response) {
  db.prepare(
        "INSERT INTO idempotency (account, region, operation, token, fingerprint, resource, created_ms, response) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .args(scope.account, scope.region, operation, token, fingerprint, resource, now_ms, response)
      .run();
}

void keep_response(Store& db, const Scope& scope, std::string_view operation, std::string_view token,
                   const std::string& response) {
  db.prepare("UPDATE idempotency SET response = ? WHERE account = ? AND region = ? AND operation = ? AND token = ?")
      .args(response, scope.account, scope.region, operation, token)
      .run();
}

std::optional<std::string> original_response(Store& db, const Scope& scope, std::string_view operation,
                                             std::string_view token) {
  Stmt q = db.prepare(
      "SELECT response FROM idempotency WHERE account = ? AND region = ? AND operation = ? AND token = ?");
  q.args(scope.account, scope.region, operation, token);
  if (!q.step()) return std::nullopt;
  return q.opt_text(0);
}

}  // namespace gls::idempotency
