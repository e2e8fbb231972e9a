#include "state/store/repository.hpp"

namespace gls::repo {

// ---- applications ----------------------------------------------------------------

namespace {
constexpr std::string_view kAppColumns =
    "id, description, runtime_type, runtime_version, executable_path, source_uri, log_paths, log_output_uri, "
    "status, status_reason, created_ms, updated_ms, seq";

Application read_application(const Stmt& q) {
  Application a;
  a.id = q.text(0);
  a.description = q.text(1);
  a.runtime_type = q.text(2);
  a.runtime_version = q.text(3);
  a.executable_path = q.text(4);
  a.source_uri = q.text(5);
  a.log_paths_json = q.text(6);
  a.log_output_uri = q.opt_text(7);
  a.status = parse_application_status(q.text_view(8)).value_or(ApplicationStatus::Error);
  a.status_reason = q.opt_text(9);
  a.created_ms = q.int64(10);
  a.updated_ms = q.int64(11);
  a.seq = q.int64(12);
  return a;
}
}  // namespace

std::optional<Application> find_application(Store& db, const Scope& s, std::string_view id) {
  static const std::string sql = "SELECT " + std::string(kAppColumns) +
                      " FROM applications WHERE account = ? AND region = ? AND id = ?";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, id);
  if (!q.step()) return std::nullopt;
  return read_application(q);
}

void insert_application(Store& db, const Scope& s, const Application& a) {
  static const std::string sql = "INSERT INTO applications (account, region, " + std::string(kAppColumns) +
             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM applications))";
  db.prepare(sql)
      .args(s.account, s.region, a.id, a.description, a.runtime_type, a.runtime_version, a.executable_path,
            a.source_uri, a.log_paths_json, a.log_output_uri, to_string(a.status), a.status_reason, a.created_ms,
            a.updated_ms)
      .run();
}

void update_application(Store& db, const Scope& s, const Application& a) {
  db.prepare(
        "UPDATE applications SET description = ?, log_paths = ?, log_output_uri = ?, status = ?, "
        "status_reason = ?, updated_ms = ? WHERE account = ? AND region = ? AND id = ?")
      .args(a.description, a.log_paths_json, a.log_output_uri, to_string(a.status), a.status_reason, a.updated_ms,
            s.account, s.region, a.id)
      .run();
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
// A location with the number of sessions that hold a unit of it.
constexpr std::string_view kLocationSelect =
    "SELECT l.location, l.status, l.always_on, l.on_demand, l.target_idle, l.maximum, l.vpc, l.added_ms, "
    "  (SELECT COUNT(*) FROM stream_sessions x WHERE x.account = l.account AND x.region = l.region "
    "     AND x.group_id = l.group_id AND x.location = l.location "
    "     AND x.placed = 1 AND x.status <> 'TERMINATED' AND x.status <> 'ERROR') "
    "FROM group_locations l";

GroupLocation read_location(const Stmt& l) {
  GroupLocation loc;
  loc.name = l.text(0);
  loc.status = parse_location_status(l.text_view(1)).value_or(LocationStatus::Error);
  loc.always_on = l.int64(2);
  loc.on_demand = l.opt_int64(3);
  loc.target_idle = l.opt_int64(4);
  loc.maximum = l.opt_int64(5);
  loc.vpc_json = l.opt_text(6);
  loc.added_ms = l.int64(7);
  loc.allocated = l.int64(8);
  return loc;
}
}  // namespace

namespace {
constexpr std::string_view kGroupColumns =
    "id, description, stream_class, default_app_id, status, status_reason, created_ms, updated_ms, expires_ms, seq";

StreamGroup read_group_row(const Stmt& q) {
  StreamGroup g;
  g.id = q.text(0);
  g.description = q.text(1);
  g.stream_class = q.text(2);
  g.default_app_id = q.opt_text(3);
  g.status = parse_stream_group_status(q.text_view(4)).value_or(StreamGroupStatus::Error);
  g.status_reason = q.opt_text(5);
  g.created_ms = q.int64(6);
  g.updated_ms = q.int64(7);
  g.expires_ms = q.opt_int64(8);
  g.seq = q.int64(9);
  return g;
}

// Its locations (primary first) and associated applications.
void load_group_children(Store& db, const Scope& s, StreamGroup& g) {
  static const std::string locations_sql =
      std::string(kLocationSelect) + " WHERE l.account = ? AND l.region = ? AND l.group_id = ? ORDER BY l.position";
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
  static const std::string sql =
      "SELECT " + std::string(kGroupColumns) + " FROM stream_groups WHERE account = ? AND region = ? AND id = ?";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, id);
  if (!q.step()) return std::nullopt;
  StreamGroup g = read_group_row(q);
  load_group_children(db, s, g);
  return g;
}

std::vector<StreamGroup> list_stream_groups(Store& db, const Scope& s, const std::optional<PageKey>& after, int limit) {
  static const std::string sql = "SELECT " + std::string(kGroupColumns) +
                                 " FROM stream_groups WHERE account = ?1 AND region = ?2"
                                 " AND (?3 IS NULL OR (created_ms, seq) > (?3, CAST(?4 AS INTEGER))) ORDER BY created_ms, seq LIMIT ?5";
  std::vector<StreamGroup> out;
  {
    Stmt q = db.prepare(sql);
    q.args(s.account, s.region);
    if (after) q.bind(3, after->created_ms).bind(4, after->id);
    else q.bind_null(3).bind_null(4);
    q.bind(5, static_cast<int64_t>(limit) + 1);
    while (q.step()) out.push_back(read_group_row(q));
  }
  for (StreamGroup& g : out) load_group_children(db, s, g);
  return out;
}

void update_stream_group(Store& db, const Scope& s, const StreamGroup& g) {
  db.prepare(
        "UPDATE stream_groups SET description = ?, default_app_id = ?, status = ?, status_reason = ?, "
        "updated_ms = ?, expires_ms = ? WHERE account = ? AND region = ? AND id = ?")
      .args(g.description, g.default_app_id, to_string(g.status), g.status_reason, g.updated_ms, g.expires_ms,
            s.account, s.region, g.id)
      .run();
}

void insert_location(Store& db, const Scope& s, std::string_view group_id, const GroupLocation& l, int64_t now_ms) {
  db.prepare(
        "INSERT INTO group_locations (account, region, group_id, location, position, status, always_on, "
        "on_demand, target_idle, maximum, vpc, updated_ms, added_ms) VALUES (?1, ?2, ?3, ?4, "
        "(SELECT COALESCE(MAX(position) + 1, 0) FROM group_locations WHERE account = ?1 AND region = ?2 "
        "AND group_id = ?3), ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)")
      .args(s.account, s.region, group_id, l.name, to_string(l.status), l.always_on, l.on_demand, l.target_idle,
            l.maximum, l.vpc_json, now_ms)
      .run();
}

void update_location(Store& db, const Scope& s, std::string_view group_id, const GroupLocation& l, int64_t now_ms) {
  db.prepare(
        "UPDATE group_locations SET status = ?, always_on = ?, on_demand = ?, target_idle = ?, maximum = ?, "
        "vpc = ?, updated_ms = ? WHERE account = ? AND region = ? AND group_id = ? AND location = ?")
      .args(to_string(l.status), l.always_on, l.on_demand, l.target_idle, l.maximum, l.vpc_json, now_ms, s.account,
            s.region, group_id, l.name)
      .run();
}

void delete_location(Store& db, const Scope& s, std::string_view group_id, std::string_view location) {
  db.prepare("DELETE FROM group_locations WHERE account = ? AND region = ? AND group_id = ? AND location = ?")
      .args(s.account, s.region, group_id, location)
      .run();
}

void delete_stream_group(Store& db, const Scope& s, std::string_view id) {
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
  static const std::string sql =
      std::string(kLocationSelect) + " WHERE l.account = ? AND l.region = ? AND l.group_id = ? AND l.location = ?";
  Stmt l = db.prepare(sql);
  l.args(s.account, s.region, group_id, location);
  if (!l.step()) return std::nullopt;
  return read_location(l);
}

void insert_stream_group(Store& db, const Scope& s, const StreamGroup& g) {
  db.prepare(
        "INSERT INTO stream_groups (account, region, id, description, stream_class, default_app_id, status, "
        "status_reason, created_ms, updated_ms, expires_ms, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "(SELECT COALESCE(MAX(seq), 0) + 1 FROM stream_groups))")
      .args(s.account, s.region, g.id, g.description, g.stream_class, g.default_app_id, to_string(g.status),
            g.status_reason, g.created_ms, g.updated_ms, g.expires_ms)
      .run();
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
constexpr std::string_view kSessionColumns =
    "group_id, id, app_id, description, user_id, status, status_reason, protocol, location, signal_request, "
    "signal_response, connection_timeout, session_length, launch_args, env_vars, perf_stats, display, role_arn, "
    "log_uri, websdk_url, export_status, export_reason, export_uri, url_id, created_ms, updated_ms, placed, "
    "requested_locations, timings, export_fails_at";

StreamSession read_session(const Stmt& q) {
  StreamSession x;
  x.group_id = q.text(0);
  x.id = q.text(1);
  x.app_id = q.text(2);
  x.description = q.opt_text(3);
  x.user_id = q.opt_text(4);
  x.status = parse_session_status(q.text_view(5)).value_or(SessionStatus::Error);
  x.status_reason = q.opt_text(6);
  x.protocol = q.text(7);
  x.location = q.text(8);
  x.signal_request = q.text(9);
  x.signal_response = q.opt_text(10);
  x.connection_timeout_s = q.int64(11);
  x.session_length_s = q.int64(12);
  x.launch_args_json = q.opt_text(13);
  x.env_vars_json = q.opt_text(14);
  x.perf_stats_json = q.opt_text(15);
  x.display_json = q.opt_text(16);
  x.role_arn = q.opt_text(17);
  x.log_uri = q.opt_text(18);
  x.websdk_url = q.opt_text(19);
  x.export_status = q.opt_text(20);
  x.export_reason = q.opt_text(21);
  x.export_uri = q.opt_text(22);
  x.url_id = q.opt_text(23);
  x.created_ms = q.int64(24);
  x.updated_ms = q.int64(25);
  x.placed = q.int64(26) != 0;
  x.requested_locations_json = q.opt_text(27);
  x.timings_json = q.opt_text(28);
  x.export_fails_at_ms = q.opt_int64(29);
  return x;
}

// Binds every column of kSessionColumns, in order, starting at parameter `first`.
void bind_session(Stmt& q, int first, const StreamSession& x) {
  q.args_from(first, x.group_id, x.id, x.app_id, x.description, x.user_id, to_string(x.status), x.status_reason,
              x.protocol, x.location, x.signal_request, x.signal_response, x.connection_timeout_s,
              x.session_length_s, x.launch_args_json, x.env_vars_json, x.perf_stats_json, x.display_json,
              x.role_arn, x.log_uri, x.websdk_url, x.export_status, x.export_reason, x.export_uri, x.url_id,
              x.created_ms, x.updated_ms, x.placed, x.requested_locations_json, x.timings_json, x.export_fails_at_ms);
}
}  // namespace

std::optional<StreamSession> find_session(Store& db, const Scope& s, std::string_view group_id, std::string_view id) {
  static const std::string sql = "SELECT " + std::string(kSessionColumns) +
                      " FROM stream_sessions WHERE account = ? AND region = ? AND group_id = ? AND id = ?";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, group_id, id);
  if (!q.step()) return std::nullopt;
  return read_session(q);
}

std::optional<StreamSession> find_session_anywhere(Store& db, const Scope& s, std::string_view id) {
  static const std::string sql = "SELECT " + std::string(kSessionColumns) +
                      " FROM stream_sessions WHERE account = ? AND region = ? AND id = ? LIMIT 1";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, id);
  if (!q.step()) return std::nullopt;
  return read_session(q);
}

void insert_session(Store& db, const Scope& s, const StreamSession& x) {
  static const std::string sql = "INSERT INTO stream_sessions (account, region, " + std::string(kSessionColumns) +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region);
  bind_session(q, 3, x);
  q.run();
}

std::vector<StreamSession> waiting_sessions(Store& db, const Scope& s, std::string_view group_id) {
  static const std::string sql = "SELECT " + std::string(kSessionColumns) +
                                 " FROM stream_sessions WHERE account = ? AND region = ? AND group_id = ? "
                                 "AND placed = 0 AND status = 'ACTIVATING' ORDER BY created_ms, rowid";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, group_id);
  std::vector<StreamSession> out;
  while (q.step()) out.push_back(read_session(q));
  return out;
}

std::vector<StreamSession> running_sessions(Store& db, const Scope& s, std::string_view group_id,
                                            std::optional<std::string_view> location) {
  static const std::string sql = "SELECT " + std::string(kSessionColumns) +
                                 " FROM stream_sessions WHERE account = ?1 AND region = ?2 AND group_id = ?3"
                                 " AND (?4 IS NULL OR location = ?4) AND status NOT IN ('TERMINATED', 'ERROR')"
                                 " ORDER BY created_ms, rowid";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, group_id);
  location ? q.bind(4, *location) : q.bind_null(4);
  std::vector<StreamSession> out;
  while (q.step()) out.push_back(read_session(q));
  return out;
}

std::vector<StreamSession> sessions_of_stream_url(Store& db, const Scope& s, std::string_view group_id,
                                                  std::string_view url_id) {
  static const std::string sql = "SELECT " + std::string(kSessionColumns) +
                                 " FROM stream_sessions WHERE account = ? AND region = ? AND group_id = ?"
                                 " AND url_id = ? ORDER BY created_ms, rowid";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, group_id, url_id);
  std::vector<StreamSession> out;
  while (q.step()) out.push_back(read_session(q));
  return out;
}

bool application_in_use(Store& db, const Scope& s, std::string_view app_id) {
  Stmt q = db.prepare(
      "SELECT 1 FROM stream_sessions WHERE account = ? AND region = ? AND app_id = ? "
      "AND status NOT IN ('TERMINATED', 'ERROR') LIMIT 1");
  q.args(s.account, s.region, app_id);
  return q.step();
}

std::vector<StreamSession> list_sessions(Store& db, const Scope& s, const SessionQuery& query) {
  static const std::string sql =
      "SELECT " + std::string(kSessionColumns) +
      " FROM stream_sessions WHERE account = ?1 AND region = ?2"
      " AND (?3 IS NULL OR group_id = ?3) AND (?4 IS NULL OR status = ?4) AND (?5 IS NULL OR export_status = ?5)"
      " AND (?6 IS NULL OR (created_ms, group_id, id) > (?6, ?7, ?8))"
      " ORDER BY created_ms, group_id, id LIMIT ?9";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, query.group_id, query.status, query.export_status);
  if (query.after) {
    q.bind(6, query.after->created_ms).bind(7, query.after->group_id).bind(8, query.after->id);
  } else {
    q.bind_null(6).bind_null(7).bind_null(8);
  }
  q.bind(9, static_cast<int64_t>(query.limit) + 1);
  std::vector<StreamSession> out;
  while (q.step()) out.push_back(read_session(q));
  return out;
}

void update_session(Store& db, const Scope& s, const StreamSession& x) {
  static const std::string sql = "REPLACE INTO stream_sessions (account, region, " + std::string(kSessionColumns) +
                                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                 "?, ?, ?, ?, ?, ?, ?, ?)";
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region);
  bind_session(q, 3, x);
  q.run();
}

void update_session_state(Store& db, const Scope& s, const StreamSession& x) {
  Stmt q = db.prepare(
      "UPDATE stream_sessions SET status = ?, status_reason = ?, signal_request = ?, signal_response = ?, "
      "export_status = ?, export_reason = ?, export_uri = ?, location = ?, placed = ?, updated_ms = ? "
      "WHERE account = ? AND region = ? AND group_id = ? AND id = ?");
  q.args(to_string(x.status), x.status_reason, x.signal_request, x.signal_response, x.export_status, x.export_reason,
         x.export_uri, x.location, x.placed, x.updated_ms, s.account, s.region, x.group_id, x.id);
  q.run();
}

// ---- history --------------------------------------------------------------------------

void record_transition(Store& db, const Scope& s, std::string_view kind, std::string_view resource,
                       std::optional<std::string_view> from, std::string_view to,
                       std::optional<std::string_view> reason, std::string_view cause, int64_t time_ms) {
  Stmt q = db.prepare(
      "INSERT INTO history (account, region, kind, resource, from_status, to_status, reason, cause, time_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.args(s.account, s.region, kind, resource);
  from ? q.bind(5, *from) : q.bind_null(5);
  q.bind(6, to);
  reason ? q.bind(7, *reason) : q.bind_null(7);
  q.bind(8, cause).bind(9, time_ms);
  q.run();
  db.transitions().stage({s, std::string(kind), std::string(resource), from ? std::optional<std::string>(*from) : std::nullopt,
                          std::string(to), reason ? std::optional<std::string>(*reason) : std::nullopt,
                          std::string(cause), time_ms});
}

std::vector<HistoryEntry> history(Store& db, const Scope& s, std::string_view kind, std::string_view resource) {
  Stmt q = db.prepare(
      "SELECT from_status, to_status, reason, cause, time_ms FROM history "
      "WHERE account = ? AND region = ? AND kind = ? AND resource = ? ORDER BY seq");
  q.args(s.account, s.region, kind, resource);
  std::vector<HistoryEntry> out;
  while (q.step()) out.push_back({q.opt_text(0), q.text(1), q.opt_text(2), q.text(3), q.int64(4)});
  return out;
}

// ---- everything -------------------------------------------------------------------------

void wipe(Store& db) {
  for (const char* table : {"applications", "stream_groups", "group_locations", "associations", "stream_sessions",
                            "stream_urls", "tags", "idempotency", "history", "timers", "resource_timings"})
    db.exec(std::string("DELETE FROM ") + table);
}

void wipe_scope(Store& db, const Scope& s) {
  for (const char* table : {"applications", "stream_groups", "group_locations", "associations", "stream_sessions",
                            "stream_urls", "tags", "idempotency", "history", "timers", "resource_timings"})
    db.prepare(std::string("DELETE FROM ") + table + " WHERE account = ? AND region = ?").args(s.account, s.region).run();
}

int64_t count(Store& db, std::string_view table) {
  Stmt q = db.prepare("SELECT COUNT(*) FROM " + std::string(table));
  q.step();
  return q.int64(0);
}

std::vector<std::pair<std::string, int64_t>> count_by_status(Store& db, std::string_view table) {
  Stmt q = db.prepare("SELECT status, COUNT(*) FROM " + std::string(table) + " GROUP BY status ORDER BY status");
  std::vector<std::pair<std::string, int64_t>> out;
  while (q.step()) out.emplace_back(q.text(0), q.int64(1));
  return out;
}

}  // namespace gls::repo
