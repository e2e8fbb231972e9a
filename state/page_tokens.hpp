// Opaque NextToken values for the List operations.
//
// A token carries the position after the last item of a page, bound to the
// operation, its filters and the caller's scope, and sealed with a keyed
// hash. A token that was edited, forged, or used with other filters is
// refused (ValidationException), as is one from before a reset.
// The key lives in the store, so tokens survive a restart.
#pragma once

#include <string>
#include <string_view>

#include "state/result.hpp"

namespace gls {

class PageTokens {
 public:
  void set_key(std::string key) { key_ = std::move(key); }

  std::string issue(std::string_view context, std::string_view position) const;
  // The position sealed in `token`, if it was issued for `context`.
  Result<std::string> open(std::string_view context, std::string_view token) const;

 private:
  std::string seal(std::string_view context, std::string_view position) const;
  std::string key_;
};

std::string base64url_encode(std::string_view in);
bool base64url_decode(std::string_view in, std::string& out);

}  // namespace gls
