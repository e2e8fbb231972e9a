#include "state/stream_groups/group_for_start.hpp"

#include <algorithm>
#include <utility>

#include "state/store/binding_sql.hpp"
#include "state/store/repository.hpp"

namespace gls {

namespace {
// "l.location, l.status, ...": the group's columns share some of the names.
std::string location_columns() {
  std::string out;
  for (const auto& f : location_fields()) out += (out.empty() ? "l." : ", l.") + std::string(f.column);
  return out;
}
}  // namespace

std::optional<GroupForStart> read_group_for_start(Store& db, const Scope& scope, std::string_view group_id,
                                                  std::string_view app_id) {
  // The locations come in key order and are put in position order here: a
  // few rows need no sorter. The association is one key lookup, run once.
  static const std::string sql =
      "SELECT g.status, EXISTS (SELECT 1 FROM associations a WHERE a.account = ?1 AND a.region = ?2 AND "
      "a.group_id = ?3 AND a.app_id = ?4), g.default_app_id, l.position, " +
      location_columns() +
      ", l.held FROM stream_groups g LEFT JOIN group_locations l ON l.account = ?1 AND l.region = ?2 AND "
      "l.group_id = ?3 WHERE g.account = ?1 AND g.region = ?2 AND g.id = ?3";
  Stmt q = db.prepare(sql);
  q.args_ref(scope.account, scope.region, group_id, app_id);
  if (!q.step()) return std::nullopt;
  GroupForStart g;
  g.status = parse_enum<StreamGroupStatus>(q.text_view(0)).value_or(g.status);
  g.app_associated = q.int64(1) != 0;
  g.default_app_id = q.opt_text(2);
  std::vector<std::pair<int64_t, GroupLocation>> placed;
  do {
    if (q.is_null(3)) break;  // a group without locations
    GroupLocation l;
    const int held = binding::read_columns(q, 4, l, location_fields());
    l.allocated = q.int64(held) + db.commit_deltas().held(scope, group_id, l.name);
    placed.emplace_back(q.int64(3), std::move(l));
  } while (q.step());
  std::sort(placed.begin(), placed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  g.locations.reserve(placed.size());
  for (auto& [position, l] : placed) g.locations.push_back(std::move(l));
  return g;
}

}  // namespace gls
