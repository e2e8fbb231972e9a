// ClientToken idempotency for create and start operations.
//
// The first request with a token is remembered with a fingerprint of its
// input, the resource it made and, where the operation keeps it, its
// original response. The same token with the same input names that resource
// again, and the operation answers with the original response "without
// performing the operation again" (the model's ClientToken documentation);
// with other input it is a ConflictException, as the service does. Must be
// called inside Store::transaction().
//
// SDKs fill in a new token for every such call, so the tokens kept are
// bounded: a token is remembered for kRememberedMs of emulator time, after
// which it is new again, and at most kMostKept tokens are kept, the oldest
// leaving first (the clock may stand still while requests come). Both
// outlast an SDK's retries of one call by far.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "state/ids.hpp"
#include "state/result.hpp"
#include "state/store/binding_sql.hpp"
#include "state/store/json_text.hpp"
#include "state/store/store.hpp"

namespace gls::idempotency {

inline constexpr int64_t kRememberedMs = 24 * 3600 * 1000;
inline constexpr int64_t kMostKept = 10000;
// Every kSweepEvery-th token remembered, those past either bound leave (so
// up to kSweepEvery - 1 more than kMostKept may be kept meanwhile).
inline constexpr int64_t kSweepEvery = 256;

// The resource an earlier request with this token made, if any (none once
// the token is older than kRememberedMs at `now_ms`).
Result<std::optional<std::string>> recall(Store& db, const Scope& scope, std::string_view operation,
                                          std::string_view token, std::string_view fingerprint, int64_t now_ms);
void remember(Store& db, const Scope& scope, std::string_view operation, std::string_view token,
              std::string_view fingerprint, std::string_view resource, int64_t now_ms,
              const std::optional<std::string>& response = std::nullopt);
// Keeps `response` as the original response of the request remembered
// with the token (an operation that learns it only after remembering it).
void keep_response(Store& db, const Scope& scope, std::string_view operation, std::string_view token,
                   const std::string& response);
// The original response remembered with the token, if the operation kept one.
std::optional<std::string> original_response(Store& db, const Scope& scope, std::string_view operation,
                                             std::string_view token);

// A record as its binding's columns (a JSON array in table order), and
// back: how an operation keeps the record it answered with as its original
// response. Written here, not by SQL's json_array, which cost three times
// as much; restore() reads either, so what an older version kept restores.
template <class R>
std::string snapshot(const R& r, binding::Fields<R> fields) {
  std::string out = "[";
  for (const binding::Field<R>& f : fields) {
    if (&f != fields.data()) out += ',';
    std::visit(
        [&](const auto& ref) {
          using Ref = std::decay_t<decltype(ref)>;
          if constexpr (std::is_same_v<Ref, binding::EnumAccess<R>>)
            append_json_string(out, ref.get(r));
          else if constexpr (std::is_same_v<Ref, std::string R::*>)
            append_json_string(out, r.*ref);
          else if constexpr (std::is_same_v<Ref, std::optional<std::string> R::*>)
            r.*ref ? append_json_string(out, *(r.*ref)) : void(out += "null");
          else if constexpr (std::is_same_v<Ref, int64_t R::*>)
            out += std::to_string(r.*ref);
          else if constexpr (std::is_same_v<Ref, std::optional<int64_t> R::*>)
            out += r.*ref ? std::to_string(*(r.*ref)) : "null";
          else
            out += r.*ref ? '1' : '0';  // as SQLite keeps a bool
        },
        f.ref);
  }
  out += ']';
  return out;
}

template <class R>
R restore(Store& db, const std::string& json, binding::Fields<R> fields) {
  std::string columns;
  for (size_t i = 0; i < binding::count(fields); ++i)
    columns += (i ? ", json_extract(?1, '$[" : "json_extract(?1, '$[") + std::to_string(i) + "]')";
  Stmt q = db.prepare("SELECT " + columns);
  q.args(json);
  q.step();
  R r;
  binding::read_columns(q, 0, r, fields);
  return r;
}

}  // namespace gls::idempotency
