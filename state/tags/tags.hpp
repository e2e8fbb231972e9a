// Tags on applications and stream groups, keyed by the resource's ARN.
//
// The limits are the API's: at most 50 tags per resource, keys 1-128 and
// values 0-256 characters (the validator checks lengths), and keys beginning
// with "aws:" are reserved. A tag operation on an ARN of another account is
// refused with AccessDeniedException; one on a resource that does not exist
// here (unknown, another Region, another resource type) with
// ValidationException, the only refusals the API documents for them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/fwd.hpp"
#include "state/ids.hpp"
#include "state/result.hpp"

namespace gls {

using TagList = std::vector<std::pair<std::string, std::string>>;

namespace tags {
constexpr size_t kMaxTagsPerResource = 50;
// Checks tags about to be added to a resource that has `existing` other keys.
Status check_new(const TagList& tags, size_t existing);
// Removes every tag of a resource (when it is deleted). Inside a transaction.
void remove_all(Store& db, const Scope& scope, std::string_view arn);
}  // namespace tags

class Tags {
 public:
  explicit Tags(Core& core) : core_(core) {}

  Status tag(const Scope& scope, std::string_view arn, const TagList& tags);
  Status untag(const Scope& scope, std::string_view arn, const std::vector<std::string>& keys);
  Result<TagList> list(const Scope& scope, std::string_view arn);

 private:
  // The ARN, checked to name a taggable resource that exists in the scope.
  Status check_resource(Store& db, const Scope& scope, std::string_view arn);
  Core& core_;
};

}  // namespace gls
