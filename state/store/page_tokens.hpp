// Opaque NextToken values for the List operations.
//
// A token carries the position after the last item of a page, bound to the
// operation, its filters and the caller's scope, and sealed with a keyed
// hash. A token that was edited, forged, or used with other filters is
// refused (ValidationException), as is one from before a reset.
// The key lives in the store, so tokens survive a restart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/result.hpp"

namespace gls {

// Where a page of a List operation starts: after the item with this
// (creation time, key) in the list's order.
struct PageKey {
  int64_t created_ms = 0;
  std::string id;
};

class PageTokens {
 public:
  void set_key(std::string key) { key_ = std::move(key); }

  std::string issue(std::string_view context, std::string_view position) const;
  // The position sealed in `token`, if it was issued for `context`.
  Result<std::string> open(std::string_view context, std::string_view token) const;

  // Keyset paging: the key a token names (none without a token) ...
  Result<std::optional<PageKey>> open_key(std::string_view context, const std::optional<std::string>& token) const;
  // ... and the page out of `items`, read with limit + 1 rows: trims them to
  // `limit` and returns the token of the next page, if there is one.
  template <class T, class KeyOf>
  std::optional<std::string> cut(std::string_view context, std::vector<T>& items, int limit, KeyOf key_of) const {
    if (static_cast<int>(items.size()) <= limit) return std::nullopt;
    items.resize(static_cast<size_t>(limit));
    const PageKey key = key_of(items.back());
    return issue(context, std::to_string(key.created_ms) + ":" + key.id);
  }

 private:
  std::string seal(std::string_view context, std::string_view position) const;
  std::string key_;
};

std::string base64url_encode(std::string_view in);
bool base64url_decode(std::string_view in, std::string& out);

}  // namespace gls
