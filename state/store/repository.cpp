#include "state/store/repository.hpp"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "state/store/binding_sql.hpp"

namespace gls::repo {

// ---- applications ----------------------------------------------------------------

std::optional<Application> find_application(Store& db, const Scope& s, std::string_view id) {
  static const std::string sql = binding::select_statement("applications", application_fields(),
                                                           "WHERE account = ? AND region = ? AND id = ?");
  return binding::select_one(db, sql, application_fields(), s.account, s.region, id);
}

void insert_application(Store& db, const Scope& s, const Application& a) {
  static const std::string sql = binding::insert_statement("applications", application_fields());
  binding::insert_row(db, sql, s.account, s.region, a, application_fields());
}

void update_application(Store& db, const Scope& s, const Application& a) {
  static const std::string sql = binding::update_statement("applications", application_fields(), binding::kMutable, {"id"});
  binding::update_row(db, sql, a, application_fields(), binding::kMutable, s.account, s.region, a.id);
}

std::vector<std::string> groups_of_application(Store& db, const Scope& s, std::string_view app_id) {
  Stmt q = db.prepare(
      "SELECT group_id FROM associations WHERE account = ? AND region = ? AND app_id = ? "
      "ORDER BY created_ms, group_id");
  q.args(s.account, s.region, app_id);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

// ---- stream groups ----------------------------------------------------------------

namespace {
// A location's columns, then the number of sessions that hold a unit of it
// (kept on the row by the schema's triggers).
const std::string& location_select() {
  static const std::string sql = "SELECT " + binding::column_list(location_fields(), 0) + ", l.held FROM group_locations l";
  return sql;
}

GroupLocation read_location(const Stmt& q) {
  GroupLocation l;
  const int allocated = binding::read_columns(q, 0, l, location_fields());
  l.allocated = q.int64(allocated);
  return l;
}

// Its locations (primary first) and associated applications.
void load_group_children(Store& db, const Scope& s, StreamGroup& g) {
  write_pending_counts(db);
  static const std::string locations_sql =
      location_select() + " WHERE l.account = ? AND l.region = ? AND l.group_id = ? ORDER BY l.position";
  Stmt l = db.prepare(locations_sql);
  l.args(s.account, s.region, g.id);
  while (l.step()) g.locations.push_back(read_location(l));

  Stmt a = db.prepare(
      "SELECT app_id FROM associations WHERE account = ? AND region = ? AND group_id = ? ORDER BY created_ms, app_id");
  a.args(s.account, s.region, g.id);
  while (a.step()) g.app_ids.push_back(a.text(0));
}
}  // namespace

std::optional<StreamGroup> find_stream_group(Store& db, const Scope& s, std::string_view id) {
  static const std::string sql = binding::select_statement("stream_groups", stream_group_fields(),
                                                           "WHERE account = ? AND region = ? AND id = ?");
  auto g = binding::select_one(db, sql, stream_group_fields(), s.account, s.region, id);
  if (g) load_group_children(db, s, *g);
  return g;
}

std::vector<StreamGroup> list_stream_groups(Store& db, const Scope& s, const std::optional<PageKey>& after, int limit) {
  static const std::string sql = binding::select_statement(
      "stream_groups", stream_group_fields(),
      "WHERE account = ?1 AND region = ?2 AND (?3 IS NULL OR (created_ms, seq) > (?3, CAST(?4 AS INTEGER))) "
      "ORDER BY created_ms, seq LIMIT ?5");
  std::vector<StreamGroup> out;
  {
    Stmt q = db.prepare(sql);
    q.args(s.account, s.region);
    if (after) q.bind(3, after->created_ms).bind(4, after->id);
    else q.bind_null(3).bind_null(4);
    q.bind(5, static_cast<int64_t>(limit) + 1);
    out = binding::read_all(q, stream_group_fields());
  }
  for (StreamGroup& g : out) load_group_children(db, s, g);
  return out;
}

void update_stream_group(Store& db, const Scope& s, const StreamGroup& g) {
  static const std::string sql =
      binding::update_statement("stream_groups", stream_group_fields(), binding::kMutable, {"id"});
  binding::update_row(db, sql, g, stream_group_fields(), binding::kMutable, s.account, s.region, g.id);
}

void insert_location(Store& db, const Scope& s, std::string_view group_id, const GroupLocation& l, int64_t now_ms) {
  write_pending_counts(db);
  // After the group's last location; it joins (and was last updated) now.
  static const std::string sql =
      "INSERT INTO group_locations (account, region, group_id, position, updated_ms, " +
      binding::column_list(location_fields()) +
      ", held) VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position) + 1, 0) FROM group_locations WHERE account = ?1 "
      "AND region = ?2 AND group_id = ?3), ?4, " + binding::placeholders(binding::count(location_fields())) +
      // Sessions still running in a location that left the group and came back hold units of it again.
      ", (SELECT COUNT(*) FROM stream_sessions x WHERE x.group_id = ?3 AND x.location = ?5 AND x.account = ?1 "
      "AND x.region = ?2 AND x.placed = 1 AND x.status NOT IN ('TERMINATED', 'ERROR')))";
  GroupLocation joined = l;
  joined.added_ms = now_ms;
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, group_id, now_ms);
  binding::bind_columns(q, 5, joined, location_fields());
  q.run();
}

void update_location(Store& db, const Scope& s, std::string_view group_id, const GroupLocation& l, int64_t now_ms) {
  static const std::string sql = binding::update_statement("group_locations", location_fields(), binding::kMutable,
                                                           {"group_id", "location"}, {"updated_ms"});
  binding::update_row(db, sql, l, location_fields(), binding::kMutable, now_ms, s.account, s.region, group_id, l.name);
}

void delete_location(Store& db, const Scope& s, std::string_view group_id, std::string_view location) {
  write_pending_counts(db);
  db.prepare("DELETE FROM group_locations WHERE account = ? AND region = ? AND group_id = ? AND location = ?")
      .args(s.account, s.region, group_id, location)
      .run();
}

void delete_stream_group(Store& db, const Scope& s, std::string_view id) {
  write_pending_counts(db);
  for (const char* sql : {"DELETE FROM stream_groups WHERE account = ? AND region = ? AND id = ?",
                          "DELETE FROM group_locations WHERE account = ? AND region = ? AND group_id = ?",
                          "DELETE FROM associations WHERE account = ? AND region = ? AND group_id = ?"})
    db.prepare(sql).args(s.account, s.region, id).run();
}

void disassociate(Store& db, const Scope& s, std::string_view group_id, std::string_view app_id) {
  db.prepare("DELETE FROM associations WHERE account = ? AND region = ? AND group_id = ? AND app_id = ?")
      .args(s.account, s.region, group_id, app_id)
      .run();
}

bool stream_group_exists(Store& db, const Scope& s, std::string_view id) {
  Stmt q = db.prepare("SELECT 1 FROM stream_groups WHERE account = ? AND region = ? AND id = ?");
  q.args(s.account, s.region, id);
  return q.step();
}

std::optional<GroupLocation> find_location(Store& db, const Scope& s, std::string_view group_id,
                                           std::string_view location) {
  write_pending_counts(db);
  static const std::string sql =
      location_select() + " WHERE l.account = ? AND l.region = ? AND l.group_id = ? AND l.location = ?";
  Stmt l = db.prepare(sql);
  l.args(s.account, s.region, group_id, location);
  if (!l.step()) return std::nullopt;
  return read_location(l);
}

void insert_stream_group(Store& db, const Scope& s, const StreamGroup& g) {
  static const std::string sql = binding::insert_statement("stream_groups", stream_group_fields());
  binding::insert_row(db, sql, s.account, s.region, g, stream_group_fields());
  for (const GroupLocation& l : g.locations) insert_location(db, s, g.id, l, l.added_ms ? l.added_ms : g.created_ms);
  for (const std::string& app : g.app_ids) associate(db, s, g.id, app, g.created_ms);
}

void associate(Store& db, const Scope& s, std::string_view group_id, std::string_view app_id, int64_t now_ms) {
  db.prepare(
        "INSERT INTO associations (account, region, group_id, app_id, created_ms) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING")
      .args(s.account, s.region, group_id, app_id, now_ms)
      .run();
}

// ---- stream sessions ----------------------------------------------------------------

namespace {
// SELECT every column of a session FROM stream_sessions, then `rest`.
std::string select_sessions(std::string_view rest) {
  return binding::select_statement("stream_sessions", session_fields(), rest);
}

std::vector<StreamSession> read_sessions(Stmt& q) { return binding::read_all(q, session_fields()); }
}  // namespace

std::optional<StreamSession> find_session(Store& db, const Scope& s, std::string_view group_id, std::string_view id) {
  // Every column, then the rowid, which a status change of this session writes by.
  static const std::string sql = binding::select_statement(
      "stream_sessions", session_fields(), "WHERE account = ? AND region = ? AND group_id = ? AND id = ?");
  static const std::string with_rowid = "SELECT rowid, " + sql.substr(7);
  Stmt q = db.prepare(with_rowid);
  q.args_ref(s.account, s.region, group_id, id);
  if (!q.step()) return std::nullopt;
  StreamSession x;
  binding::read_columns(q, 1, x, session_fields());
  remember_read(db, s, x, q.int64(0));
  return x;
}

std::optional<StreamSession> find_session_anywhere(Store& db, const Scope& s, std::string_view id) {
  static const std::string sql = select_sessions("WHERE account = ? AND region = ? AND id = ? LIMIT 1");
  return binding::select_one(db, sql, session_fields(), s.account, s.region, id);
}

std::vector<StreamSession> waiting_sessions(Store& db, const Scope& s, std::string_view group_id) {
  // Most calls (one for each unit of capacity given back) find none: a
  // probe of the waiting sessions' partial index, one cursor and no
  // columns, says so for less than the query of every column.
  {
    Stmt probe = db.prepare(
        "SELECT 1 FROM stream_sessions WHERE account = ? AND region = ? AND group_id = ? AND placed = 0 AND "
        "status = 'ACTIVATING' LIMIT 1");
    probe.args_ref(s.account, s.region, group_id);
    if (!probe.step()) return {};
  }
  static const std::string sql = select_sessions(
      "WHERE account = ? AND region = ? AND group_id = ? AND placed = 0 AND status = 'ACTIVATING' "
      "ORDER BY created_ms, rowid");
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, group_id);
  return read_sessions(q);
}

std::vector<StreamSession> running_sessions(Store& db, const Scope& s, std::string_view group_id,
                                            std::optional<std::string_view> location) {
  static const std::string sql = select_sessions(
      "WHERE account = ?1 AND region = ?2 AND group_id = ?3 AND (?4 IS NULL OR location = ?4) "
      "AND status NOT IN ('TERMINATED', 'ERROR') ORDER BY created_ms, rowid");
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, group_id);
  location ? q.bind(4, *location) : q.bind_null(4);
  return read_sessions(q);
}

std::vector<StreamSession> sessions_of_stream_url(Store& db, const Scope& s, std::string_view group_id,
                                                  std::string_view url_id) {
  static const std::string sql =
      select_sessions("WHERE account = ? AND region = ? AND group_id = ? AND url_id = ? ORDER BY created_ms, rowid");
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, group_id, url_id);
  return read_sessions(q);
}

bool application_in_use(Store& db, const Scope& s, std::string_view app_id) {
  Stmt q = db.prepare(
      "SELECT 1 FROM stream_sessions WHERE account = ? AND region = ? AND app_id = ? "
      "AND status NOT IN ('TERMINATED', 'ERROR') LIMIT 1");
  q.args(s.account, s.region, app_id);
  return q.step();
}

// Keyset pages of one group's sessions follow its index (sessions_by_group),
// so that a next page seeks to the row after the token's instead of reading
// every earlier row. The account's sessions are the pages of its groups,
// merged: no index keeps them in (created, group, id) order, since keeping
// one was the costliest of a start's writes (5% of its instructions) for
// ListStreamSessionsByAccount alone.
namespace {
constexpr std::string_view kSessionFilters =
    " AND (?4 IS NULL OR status = ?4) AND (?5 IS NULL OR export_status = ?5)";

std::vector<StreamSession> group_page(Store& db, const Scope& s, const SessionQuery& query, std::string_view group_id,
                                      const std::optional<SessionKey>& after) {
  Stmt q = db.prepare(session_page_statement(after.has_value()));
  q.args(s.account, s.region, group_id, query.status, query.export_status);
  if (after) q.bind(6, after->created_ms).bind(7, after->group_id).bind(8, after->id);
  q.bind(9, static_cast<int64_t>(query.limit) + 1);
  return read_sessions(q);
}

// Where a group's part of the merged order starts, after the session `after`
// of any group: (created, group, id) order is (created, id) order within a
// group, with the groups named before `after`'s group coming first among
// sessions created at the same time. IDs are never empty.
SessionKey group_start_after(const SessionKey& after, const std::string& group_id) {
  if (group_id == after.group_id) return after;
  if (group_id > after.group_id) return {after.created_ms, group_id, ""};  // from the same time on
  return {after.created_ms + 1, group_id, ""};                             // from the next millisecond on
}
}  // namespace

const std::string& session_page_statement(bool next) {
  static const std::string statements[2] = {
      select_sessions("WHERE account = ?1 AND region = ?2 AND group_id = ?3" + std::string(kSessionFilters) +
                      " ORDER BY created_ms, id LIMIT ?9"),
      select_sessions("WHERE account = ?1 AND region = ?2 AND group_id = ?3" + std::string(kSessionFilters) +
                      " AND ?7 = ?3 AND (created_ms, id) > (?6, ?8) ORDER BY created_ms, id LIMIT ?9")};
  return statements[next];
}

const std::string& session_group_statement() {
  static const std::string sql =
      "SELECT group_id FROM stream_sessions WHERE account = ?1 AND region = ?2 AND group_id > ?3 "
      "ORDER BY group_id LIMIT 1";
  return sql;
}

std::vector<StreamSession> list_sessions(Store& db, const Scope& s, const SessionQuery& query) {
  if (query.group_id) return group_page(db, s, query, *query.group_id, query.after);
  std::vector<StreamSession> merged;
  std::string group_id;  // the groups that hold sessions, each found by a seek past the one before
  while (true) {
    {
      Stmt q = db.prepare(session_group_statement());
      q.args(s.account, s.region, group_id);
      if (!q.step()) break;
      group_id = q.text(0);
    }
    std::optional<SessionKey> after;
    if (query.after) after = group_start_after(*query.after, group_id);
    std::vector<StreamSession> page = group_page(db, s, query, group_id, after);
    std::move(page.begin(), page.end(), std::back_inserter(merged));
  }
  // Each group gave up to limit + 1 in order, so the first limit + 1 of all are here.
  const auto earlier = [](const StreamSession& a, const StreamSession& b) {
    return std::tie(a.created_ms, a.group_id, a.id) < std::tie(b.created_ms, b.group_id, b.id);
  };
  const size_t wanted = std::min(merged.size(), static_cast<size_t>(query.limit) + 1);
  std::partial_sort(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(wanted), merged.end(), earlier);
  merged.resize(wanted);
  return merged;
}

// ---- everything -------------------------------------------------------------------------

void wipe(Store& db) {
  write_pending_counts(db);
  for (const char* table : {"applications", "stream_groups", "group_locations", "associations", "stream_sessions",
                            "stream_urls", "tags", "idempotency", "history", "timers", "resource_timings"})
    db.exec(std::string("DELETE FROM ") + table);
  recount_latest_transition(db);
}

void wipe_scope(Store& db, const Scope& s) {
  write_pending_counts(db);
  for (const char* table : {"applications", "stream_groups", "group_locations", "associations", "stream_sessions",
                            "stream_urls", "tags", "idempotency", "history", "timers", "resource_timings"})
    db.prepare(std::string("DELETE FROM ") + table + " WHERE account = ? AND region = ?").args(s.account, s.region).run();
  recount_latest_transition(db);  // the other scopes' latest
}

namespace {
// Resource tables whose rows the schema's triggers count by status.
bool counted_by_status(std::string_view table) {
  return table == "applications" || table == "stream_groups" || table == "stream_sessions" || table == "stream_urls";
}
}  // namespace

int64_t count(Store& db, std::string_view table) {
  write_pending_counts(db);
  if (counted_by_status(table)) {
    Stmt q = db.prepare("SELECT COALESCE(SUM(n), 0) FROM status_counts WHERE tbl = ?");
    q.args(table);
    q.step();
    return q.int64(0);
  }
  Stmt q = db.prepare("SELECT COUNT(*) FROM " + std::string(table));
  q.step();
  return q.int64(0);
}

std::vector<std::pair<std::string, int64_t>> count_by_status(Store& db, std::string_view table) {
  write_pending_counts(db);
  std::vector<std::pair<std::string, int64_t>> out;
  if (counted_by_status(table)) {
    Stmt q = db.prepare("SELECT status, n FROM status_counts WHERE tbl = ? AND n > 0 ORDER BY status");
    q.args(table);
    while (q.step()) out.emplace_back(q.text(0), q.int64(1));
    return out;
  }
  Stmt q = db.prepare("SELECT status, COUNT(*) FROM " + std::string(table) + " GROUP BY status ORDER BY status");
  while (q.step()) out.emplace_back(q.text(0), q.int64(1));
  return out;
}

}  // namespace gls::repo
