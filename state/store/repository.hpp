// Reading and writing records: the only code that knows the table layout.
//
// Every function must be called inside Store::transaction(), and acts within
// one Scope (account and region). Finders return std::nullopt for a resource
// that does not exist in that scope.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/ids.hpp"
#include "state/store/page_tokens.hpp"
#include "state/store/records.hpp"
#include "state/store/store.hpp"

namespace gls::repo {

// ---- applications
std::optional<Application> find_application(Store& db, const Scope& s, std::string_view id);
void insert_application(Store& db, const Scope& s, const Application& a);
void update_application(Store& db, const Scope& s, const Application& a);
// IDs of the stream groups an application is associated with.
std::vector<std::string> groups_of_application(Store& db, const Scope& s, std::string_view app_id);
void delete_application(Store& db, const Scope& s, std::string_view id);

using gls::PageKey;
// Up to limit + 1 applications in creation order (one more than a page, so
// that the caller knows whether another page follows).
std::vector<Application> list_applications(Store& db, const Scope& s, const std::optional<PageKey>& after, int limit);

struct Association {
  std::string group_id;
  std::string app_id;
  int64_t created_ms = 0;
};
std::vector<Association> associations_of_application(Store& db, const Scope& s, std::string_view app_id);
// Stream groups whose default application this is.
std::vector<std::string> groups_defaulting_to(Store& db, const Scope& s, std::string_view app_id);
// Whether a session that has not ended runs the application.
bool application_in_use(Store& db, const Scope& s, std::string_view app_id);

// ---- stream groups (with their locations and associated applications)
std::optional<StreamGroup> find_stream_group(Store& db, const Scope& s, std::string_view id);
bool stream_group_exists(Store& db, const Scope& s, std::string_view id);
// One location of a group, with the number of sessions occupying it.
std::optional<GroupLocation> find_location(Store& db, const Scope& s, std::string_view group_id,
                                           std::string_view location);
void insert_stream_group(Store& db, const Scope& s, const StreamGroup& g);
void associate(Store& db, const Scope& s, std::string_view group_id, std::string_view app_id, int64_t now_ms);
void disassociate(Store& db, const Scope& s, std::string_view group_id, std::string_view app_id);
// The group's own row (description, default application, status, times).
void update_stream_group(Store& db, const Scope& s, const StreamGroup& g);
// Up to limit + 1 stream groups in creation order, with their locations.
std::vector<StreamGroup> list_stream_groups(Store& db, const Scope& s, const std::optional<PageKey>& after, int limit);
// Adds a location after the group's last one.
void insert_location(Store& db, const Scope& s, std::string_view group_id, const GroupLocation& l, int64_t now_ms);
void update_location(Store& db, const Scope& s, std::string_view group_id, const GroupLocation& l, int64_t now_ms);
void delete_location(Store& db, const Scope& s, std::string_view group_id, std::string_view location);
// The group with its locations and associations (sessions and stream URLs stay).
void delete_stream_group(Store& db, const Scope& s, std::string_view id);
// Sessions of a group (in one location, when given) that have not ended.
std::vector<StreamSession> running_sessions(Store& db, const Scope& s, std::string_view group_id,
                                            std::optional<std::string_view> location = std::nullopt);
// Sessions a stream URL started, in the order they started.
std::vector<StreamSession> sessions_of_stream_url(Store& db, const Scope& s, std::string_view group_id,
                                                  std::string_view url_id);

// ---- stream URLs
std::optional<StreamUrl> find_stream_url(Store& db, const Scope& s, std::string_view group_id, std::string_view id);
// The account and Region of a stream URL known only by its IDs (its shareable address names neither).
std::optional<Scope> stream_url_scope(Store& db, std::string_view group_id, std::string_view id);
void insert_stream_url(Store& db, const Scope& s, const StreamUrl& u);
// Status, reason and usage.
void update_stream_url(Store& db, const Scope& s, const StreamUrl& u);
struct StreamUrlQuery {
  std::optional<std::string> group_id;
  std::optional<std::string> app_id;
  std::optional<std::string> status;
  std::optional<PageKey> after;
  int limit = 25;
};
// Up to limit + 1 stream URLs in (created, group, id) order.
std::vector<StreamUrl> list_stream_urls(Store& db, const Scope& s, const StreamUrlQuery& q);

// ---- tags (keyed by the resource's ARN)
std::vector<std::pair<std::string, std::string>> tags_of(Store& db, const Scope& s, std::string_view arn);
void put_tag(Store& db, const Scope& s, std::string_view arn, std::string_view key, std::string_view value);
void delete_tag(Store& db, const Scope& s, std::string_view arn, std::string_view key);
void delete_tags(Store& db, const Scope& s, std::string_view arn);

// ---- stream sessions
std::optional<StreamSession> find_session(Store& db, const Scope& s, std::string_view group_id, std::string_view id);
// A session by ID alone, in any stream group of the scope.
std::optional<StreamSession> find_session_anywhere(Store& db, const Scope& s, std::string_view id);
// `offers`: the JSON array of the offers the session has used (as
// session_rules.hpp keeps them), NULL when not given. It keeps the
// sessions-by-status and units-held counts itself, through the store's
// CommitDeltas.
void insert_session(Store& db, const Scope& s, const StreamSession& x,
                    std::optional<std::string_view> offers = std::nullopt);
// Sessions of a group still waiting for capacity, in the order they started.
std::vector<StreamSession> waiting_sessions(Store& db, const Scope& s, std::string_view group_id);

// Where a page of sessions starts: after this (created, group, id).
struct SessionKey {
  int64_t created_ms = 0;
  std::string group_id;
  std::string id;
};
struct SessionQuery {
  std::optional<std::string> group_id;       // all groups when empty
  std::optional<std::string> status;         // StreamSessionStatus filter
  std::optional<std::string> export_status;  // ExportFilesStatus filter
  std::optional<SessionKey> after;
  int limit = 25;
};
// Up to limit + 1 sessions in (created, group, id) order: one more than a
// page, so that the caller knows whether another page follows.
std::vector<StreamSession> list_sessions(Store& db, const Scope& s, const SessionQuery& q);
// The SQL list_sessions runs for one group's page, the first or a next one
// (parameters: ?1 account, ?2 region, ?3 group, ?4 status, ?5 export status,
// ?6-?8 the key after which the page starts, ?9 the limit); for every group,
// it merges the groups' pages, finding each group with
// session_group_statement (the first group after ?3 that holds sessions).
const std::string& session_page_statement(bool next);
const std::string& session_group_statement();
// Every column of the session's row but the offers it has used, which stay.
// The stored row's counts go by the delete trigger, the new row's as
// insert_session counts them.
void update_session(Store& db, const Scope& s, const StreamSession& x);
// Writes back only what a status change alters (status, reason, signalling,
// export, placement, times), leaving the other indexes of the row alone:
// the lifecycle's hot path. It keeps the sessions-by-status and units-held
// counts itself, through the store's CommitDeltas. Nothing for a session that is not stored.
void update_session_state(Store& db, const Scope& s, const StreamSession& x);

// Writes the count changes the transaction has gathered (Store::commit_deltas)
// now, for what reads or rewrites the counted rows by SQL: find_location,
// count, count_by_status, a group's locations, a location's insert or
// delete, and REPLACE's delete trigger call it first, so the transaction
// always sees its own counts. (read_group_for_start, a start's read, adds
// the changes to what it reads instead.)
void write_pending_counts(Store& db);
// (find_session tells update_session_state what the row it read holds.)
void remember_read(Store& db, const Scope& s, const StreamSession& x, int64_t rowid);

// ---- history
// Every status transition of every kind of resource is recorded here; it is
// also staged on the store's TransitionFeed, heard once the transaction commits.
void record_transition(Store& db, const Scope& s, std::string_view kind, std::string_view resource,
                       std::optional<std::string_view> from, std::string_view to,
                       std::optional<std::string_view> reason, std::string_view cause, int64_t time_ms);

// The latest time_ms recorded (the largest), if any transition is; kept in
// a setting written once a commit, with what the open transaction gathered.
std::optional<int64_t> latest_transition_ms(Store& db);
// Sets the kept latest time from the history rows, after rows were deleted
// (a scan of them all).
void recount_latest_transition(Store& db);

// Oldest first.
std::vector<HistoryEntry> history(Store& db, const Scope& s, std::string_view kind, std::string_view resource);

// ---- per-resource lifecycle durations (a Timings kind's JSON object)
std::optional<std::string> resource_timings(Store& db, const Scope& s, std::string_view kind, std::string_view resource);
void set_resource_timings(Store& db, const Scope& s, std::string_view kind, std::string_view resource,
                          std::string_view json);

// ---- everything
void wipe(Store& db);
// Every resource, timer and history entry of one account and Region.
void wipe_scope(Store& db, const Scope& s);
int64_t count(Store& db, std::string_view table);
// How many rows of a resource table are in each status, across all scopes.
std::vector<std::pair<std::string, int64_t>> count_by_status(Store& db, std::string_view table);

}  // namespace gls::repo
