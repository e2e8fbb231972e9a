// The repository's application-side and stream-URL tables: listing and
// deleting applications, associations seen from an application, stream URLs
// and tags. (repository.cpp holds the group, session and history tables.)
#include "state/store/repository.hpp"

#include "state/store/binding_sql.hpp"

namespace gls::repo {

// ---- applications ----------------------------------------------------------------

std::vector<Application> list_applications(Store& db, const Scope& s, const std::optional<PageKey>& after,
                                           int limit) {
  std::vector<Application> out;
  std::vector<std::string> ids;
  {
    Stmt q = db.prepare(
        "SELECT id FROM applications WHERE account = ?1 AND region = ?2"
        " AND (?3 IS NULL OR (created_ms, seq) > (?3, CAST(?4 AS INTEGER))) ORDER BY created_ms, seq LIMIT ?5");
    q.args(s.account, s.region);
    if (after) q.bind(3, after->created_ms).bind(4, after->id);
    else q.bind_null(3).bind_null(4);
    q.bind(5, static_cast<int64_t>(limit) + 1);
    while (q.step()) ids.push_back(q.text(0));
  }
  for (const std::string& id : ids)
    if (auto a = find_application(db, s, id)) out.push_back(std::move(*a));
  return out;
}

void delete_application(Store& db, const Scope& s, std::string_view id) {
  db.prepare("DELETE FROM applications WHERE account = ? AND region = ? AND id = ?").args(s.account, s.region, id).run();
  db.prepare("DELETE FROM associations WHERE account = ? AND region = ? AND app_id = ?")
      .args(s.account, s.region, id)
      .run();
}

std::vector<Association> associations_of_application(Store& db, const Scope& s, std::string_view app_id) {
  Stmt q = db.prepare(
      "SELECT group_id, created_ms FROM associations WHERE account = ? AND region = ? AND app_id = ? "
      "ORDER BY created_ms, group_id");
  q.args(s.account, s.region, app_id);
  std::vector<Association> out;
  while (q.step()) out.push_back({q.text(0), std::string(app_id), q.int64(1)});
  return out;
}

std::vector<std::string> groups_defaulting_to(Store& db, const Scope& s, std::string_view app_id) {
  Stmt q = db.prepare("SELECT id FROM stream_groups WHERE account = ? AND region = ? AND default_app_id = ? ORDER BY id");
  q.args(s.account, s.region, app_id);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

// ---- stream URLs ----------------------------------------------------------------

std::optional<StreamUrl> find_stream_url(Store& db, const Scope& s, std::string_view group_id, std::string_view id) {
  static const std::string sql = binding::select_statement(
      "stream_urls", stream_url_fields(), "WHERE account = ? AND region = ? AND group_id = ? AND id = ?");
  return binding::select_one(db, sql, stream_url_fields(), s.account, s.region, group_id, id);
}

std::optional<Scope> stream_url_scope(Store& db, std::string_view group_id, std::string_view id) {
  Stmt q = db.prepare("SELECT account, region FROM stream_urls WHERE group_id = ? AND id = ? LIMIT 1");
  q.args(group_id, id);
  if (!q.step()) return std::nullopt;
  return Scope{q.text(0), q.text(1)};
}

void insert_stream_url(Store& db, const Scope& s, const StreamUrl& u) {
  static const std::string sql = binding::insert_statement("stream_urls", stream_url_fields());
  binding::insert_row(db, sql, s.account, s.region, u, stream_url_fields());
}

void update_stream_url(Store& db, const Scope& s, const StreamUrl& u) {
  static const std::string sql =
      binding::update_statement("stream_urls", stream_url_fields(), binding::kMutable, {"group_id", "id"});
  binding::update_row(db, sql, u, stream_url_fields(), binding::kMutable, s.account, s.region, u.group_id, u.id);
}

std::vector<StreamUrl> list_stream_urls(Store& db, const Scope& s, const StreamUrlQuery& query) {
  static const std::string sql = binding::select_statement(
      "stream_urls", stream_url_fields(),
      "WHERE account = ?1 AND region = ?2"
      " AND (?3 IS NULL OR group_id = ?3) AND (?4 IS NULL OR app_id = ?4) AND (?5 IS NULL OR status = ?5)"
      " AND (?6 IS NULL OR (created_ms, seq) > (?6, CAST(?7 AS INTEGER)))"
      " ORDER BY created_ms, seq LIMIT ?8");
  Stmt q = db.prepare(sql);
  q.args(s.account, s.region, query.group_id, query.app_id, query.status);
  if (query.after) q.bind(6, query.after->created_ms).bind(7, query.after->id);
  else q.bind_null(6).bind_null(7);
  q.bind(8, static_cast<int64_t>(query.limit) + 1);
  return binding::read_all(q, stream_url_fields());
}

// ---- per-resource lifecycle durations ---------------------------------------------------

std::optional<std::string> resource_timings(Store& db, const Scope& s, std::string_view kind, std::string_view resource) {
  Stmt q = db.prepare(
      "SELECT timings FROM resource_timings WHERE account = ? AND region = ? AND kind = ? AND resource = ?");
  q.args(s.account, s.region, kind, resource);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

void set_resource_timings(Store& db, const Scope& s, std::string_view kind, std::string_view resource,
                          std::string_view json) {
  db.prepare("REPLACE INTO resource_timings (account, region, kind, resource, timings) VALUES (?, ?, ?, ?, ?)")
      .args(s.account, s.region, kind, resource, json)
      .run();
}

// ---- tags ----------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> tags_of(Store& db, const Scope& s, std::string_view arn) {
  Stmt q = db.prepare("SELECT key, value FROM tags WHERE account = ? AND region = ? AND resource = ? ORDER BY key");
  q.args(s.account, s.region, arn);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.text(0), q.text(1));
  return out;
}

void put_tag(Store& db, const Scope& s, std::string_view arn, std::string_view key, std::string_view value) {
  db.prepare("REPLACE INTO tags (account, region, resource, key, value) VALUES (?, ?, ?, ?, ?)")
      .args(s.account, s.region, arn, key, value)
      .run();
}

void delete_tag(Store& db, const Scope& s, std::string_view arn, std::string_view key) {
  db.prepare("DELETE FROM tags WHERE account = ? AND region = ? AND resource = ? AND key = ?")
      .args(s.account, s.region, arn, key)
      .run();
}

void delete_tags(Store& db, const Scope& s, std::string_view arn) {
  db.prepare("DELETE FROM tags WHERE account = ? AND region = ? AND resource = ?").args(s.account, s.region, arn).run();
}

}  // namespace gls::repo
