#include "state/tags/tags.hpp"

#include <algorithm>
#include <set>

#include "state/core.hpp"
#include "state/store/repository.hpp"

namespace gls {

namespace tags {

Status check_new(const TagList& tags, size_t existing) {
  for (const auto& [key, value] : tags) {
    if (key.rfind("aws:", 0) == 0)
      return validation("Tag key '" + key + "' is not allowed: keys beginning with aws: are reserved");
  }
  if (existing + tags.size() > kMaxTagsPerResource)
    return validation("A resource can have at most " + std::to_string(kMaxTagsPerResource) + " tags; this request would give it " +
                      std::to_string(existing + tags.size()));
  return ok();
}

void remove_all(Store& db, const Scope& scope, std::string_view arn) { repo::delete_tags(db, scope, arn); }

}  // namespace tags

Status Tags::check_resource(Store& db, const Scope& scope, std::string_view arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->path.size() != 1)
    return validation("'" + std::string(arn) + "' is not the ARN of an application or a stream group");
  if (parsed->account != scope.account)
    return access_denied("Resource " + std::string(arn) + " belongs to another account");
  if (parsed->type == "application" && is_application_id(parsed->path[0])) {
    if (parsed->region == scope.region && repo::find_application(db, scope, parsed->path[0])) return ok();
  } else if (parsed->type == "streamgroup" && is_stream_group_id(parsed->path[0])) {
    if (parsed->region == scope.region && repo::stream_group_exists(db, scope, parsed->path[0])) return ok();
  } else {
    return validation("'" + std::string(arn) + "' is not the ARN of an application or a stream group; only those can be tagged");
  }
  return validation("Resource " + std::string(arn) + " was not found");
}

Status Tags::tag(const Scope& scope, std::string_view arn, const TagList& tags) {
  return core_.transact([&](Store& db, int64_t) -> Status {
    if (auto st = check_resource(db, scope, arn); !st) return st;
    std::set<std::string> keys;
    for (const auto& [k, v] : repo::tags_of(db, scope, arn)) keys.insert(k);
    TagList fresh;  // the keys the resource does not have yet
    for (const auto& t : tags)
      if (!keys.count(t.first)) fresh.push_back(t);
    if (auto st = tags::check_new(tags, 0); !st) return st;
    if (auto st = tags::check_new(fresh, keys.size()); !st) return st;
    for (const auto& [k, v] : tags) repo::put_tag(db, scope, arn, k, v);
    return ok();
  });
}

Status Tags::untag(const Scope& scope, std::string_view arn, const std::vector<std::string>& keys) {
  return core_.transact([&](Store& db, int64_t) -> Status {
    if (auto st = check_resource(db, scope, arn); !st) return st;
    for (const std::string& k : keys) repo::delete_tag(db, scope, arn, k);
    return ok();
  });
}

Result<TagList> Tags::list(const Scope& scope, std::string_view arn) {
  return core_.read([&](Store& db, int64_t) -> Result<TagList> {
    if (auto st = check_resource(db, scope, arn); !st) return std::move(st).take_error();
    return repo::tags_of(db, scope, arn);
  });
}

}  // namespace gls
