// ClientToken idempotency for create and start operations.
//
// The first request with a token is remembered with a fingerprint of its
// input and the resource it made. The same token with the same input names
// that resource again; with other input it is a ConflictException, as the
// service does. Must be called inside Store::transaction().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "state/ids.hpp"
#include "state/result.hpp"
#include "state/store/store.hpp"

namespace gls::idempotency {

// The resource an earlier request with this token made, if any.
Result<std::optional<std::string>> recall(Store& db, const Scope& scope, std::string_view operation,
                                          std::string_view token, std::string_view fingerprint);
void remember(Store& db, const Scope& scope, std::string_view operation, std::string_view token,
              std::string_view fingerprint, std::string_view resource, int64_t now_ms);

}  // namespace gls::idempotency
