// The database schema, in one place.
//
// Migration N brings a database from user_version N-1 to N. Never edit a
// migration that has shipped: add the next one. Every resource row is keyed
// by (account, region, ...) so that accounts and regions never see each
// other's resources. Times are emulator milliseconds since the Unix epoch.
// Attributes that are only ever echoed back (launch arguments, environment
// variables, display configuration, ...) are kept as canonical JSON text.
#include "state/store/schema.hpp"

#include <string>

#include "state/store/schema_counts.hpp"

namespace gls {

const std::vector<std::string_view>& schema_migrations() {
  static const std::vector<std::string_view> migrations = {
      // 1: every resource of the API, the scheduler's timers and the history.
      R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE applications (
  account          TEXT NOT NULL,
  region           TEXT NOT NULL,
  id               TEXT NOT NULL,
  description      TEXT NOT NULL,
  runtime_type     TEXT NOT NULL,
  runtime_version  TEXT NOT NULL,
  executable_path  TEXT NOT NULL,
  source_uri       TEXT NOT NULL,
  log_paths        TEXT NOT NULL DEFAULT '[]',
  log_output_uri   TEXT,
  status           TEXT NOT NULL,
  status_reason    TEXT,
  created_ms       INTEGER NOT NULL,
  updated_ms       INTEGER NOT NULL,
  PRIMARY KEY (account, region, id)
) WITHOUT ROWID;

CREATE TABLE stream_groups (
  account         TEXT NOT NULL,
  region          TEXT NOT NULL,
  id              TEXT NOT NULL,
  description     TEXT NOT NULL,
  stream_class    TEXT NOT NULL,
  default_app_id  TEXT,
  status          TEXT NOT NULL,
  status_reason   TEXT,
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL,
  expires_ms      INTEGER,
  PRIMARY KEY (account, region, id)
) WITHOUT ROWID;

-- One row per location of a stream group; position 0 is the primary location.
CREATE TABLE group_locations (
  account      TEXT NOT NULL,
  region       TEXT NOT NULL,
  group_id     TEXT NOT NULL,
  location     TEXT NOT NULL,
  position     INTEGER NOT NULL,
  status       TEXT NOT NULL,
  always_on    INTEGER NOT NULL DEFAULT 0,
  on_demand    INTEGER,
  target_idle  INTEGER,
  maximum      INTEGER,
  vpc          TEXT,
  updated_ms   INTEGER NOT NULL,
  PRIMARY KEY (account, region, group_id, location)
) WITHOUT ROWID;

CREATE TABLE associations (
  account     TEXT NOT NULL,
  region      TEXT NOT NULL,
  group_id    TEXT NOT NULL,
  app_id      TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  PRIMARY KEY (account, region, group_id, app_id)
) WITHOUT ROWID;
CREATE INDEX associations_by_app ON associations (account, region, app_id);

CREATE TABLE stream_sessions (
  account             TEXT NOT NULL,
  region              TEXT NOT NULL,
  group_id            TEXT NOT NULL,
  id                  TEXT NOT NULL,
  app_id              TEXT NOT NULL,
  description         TEXT,
  user_id             TEXT,
  status              TEXT NOT NULL,
  status_reason       TEXT,
  protocol            TEXT NOT NULL,
  location            TEXT NOT NULL,
  signal_request      TEXT NOT NULL,
  signal_response     TEXT,
  connection_timeout  INTEGER NOT NULL,
  session_length      INTEGER NOT NULL,
  launch_args         TEXT,
  env_vars            TEXT,
  perf_stats          TEXT,
  display             TEXT,
  role_arn            TEXT,
  log_uri             TEXT,
  websdk_url          TEXT,
  export_status       TEXT,
  export_reason       TEXT,
  export_uri          TEXT,
  url_id              TEXT,
  created_ms          INTEGER NOT NULL,
  updated_ms          INTEGER NOT NULL,
  PRIMARY KEY (account, region, group_id, id)
) WITHOUT ROWID;
CREATE INDEX sessions_by_account ON stream_sessions (account, region, created_ms, group_id, id);
CREATE INDEX sessions_by_group ON stream_sessions (account, region, group_id, created_ms, id);

CREATE TABLE stream_urls (
  account         TEXT NOT NULL,
  region          TEXT NOT NULL,
  group_id        TEXT NOT NULL,
  id              TEXT NOT NULL,
  app_id          TEXT NOT NULL,
  protocol        TEXT NOT NULL,
  status          TEXT NOT NULL,
  status_reason   TEXT,
  usage_limit     INTEGER,
  uses            INTEGER NOT NULL DEFAULT 0,
  locations       TEXT NOT NULL,
  session_length  INTEGER,
  description     TEXT,
  launch_args     TEXT,
  env_vars        TEXT,
  role_arn        TEXT,
  display         TEXT,
  expires_ms      INTEGER NOT NULL,
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL,
  PRIMARY KEY (account, region, group_id, id)
) WITHOUT ROWID;
CREATE INDEX stream_urls_by_account ON stream_urls (account, region, created_ms, group_id, id);

CREATE TABLE tags (
  account   TEXT NOT NULL,
  region    TEXT NOT NULL,
  resource  TEXT NOT NULL,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (account, region, resource, key)
) WITHOUT ROWID;

-- ClientToken idempotency: the first request's fingerprint and what it made.
CREATE TABLE idempotency (
  account      TEXT NOT NULL,
  region       TEXT NOT NULL,
  operation    TEXT NOT NULL,
  token        TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,
  resource     TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  PRIMARY KEY (account, region, operation, token)
) WITHOUT ROWID;

-- Every status transition of every resource, oldest first by seq.
CREATE TABLE history (
  seq          INTEGER PRIMARY KEY,
  account      TEXT NOT NULL,
  region       TEXT NOT NULL,
  kind         TEXT NOT NULL,
  resource     TEXT NOT NULL,
  from_status  TEXT,
  to_status    TEXT NOT NULL,
  reason       TEXT,
  cause        TEXT NOT NULL,
  time_ms      INTEGER NOT NULL
);
CREATE INDEX history_by_resource ON history (account, region, kind, resource, seq);

-- Pending deadlines: the scheduler fires them in (due_ms, id) order.
CREATE TABLE timers (
  id        INTEGER PRIMARY KEY,
  due_ms    INTEGER NOT NULL,
  account   TEXT NOT NULL,
  region    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  resource  TEXT NOT NULL,
  event     TEXT NOT NULL,
  detail    TEXT
);
CREATE INDEX timers_by_due ON timers (due_ms, id);
CREATE INDEX timers_by_resource ON timers (account, region, kind, resource);
)sql",

      // 2: what the session lifecycle needs: whether a starting session holds
      // capacity yet, the locations it asked for (in priority order) and its
      // own lifecycle durations. Session rows are large (offers, answers,
      // echoed JSON), so the table becomes an ordinary rowid table with a
      // unique key: a status change then rewrites one row and only the
      // indexes whose columns changed.
      R"sql(
CREATE TABLE stream_sessions_v2 (
  account             TEXT NOT NULL,
  region              TEXT NOT NULL,
  group_id            TEXT NOT NULL,
  id                  TEXT NOT NULL,
  app_id              TEXT NOT NULL,
  description         TEXT,
  user_id             TEXT,
  status              TEXT NOT NULL,
  status_reason       TEXT,
  protocol            TEXT NOT NULL,
  location            TEXT NOT NULL,
  signal_request      TEXT NOT NULL,
  signal_response     TEXT,
  connection_timeout  INTEGER NOT NULL,
  session_length      INTEGER NOT NULL,
  launch_args         TEXT,
  env_vars            TEXT,
  perf_stats          TEXT,
  display             TEXT,
  role_arn            TEXT,
  log_uri             TEXT,
  websdk_url          TEXT,
  export_status       TEXT,
  export_reason       TEXT,
  export_uri          TEXT,
  url_id              TEXT,
  created_ms          INTEGER NOT NULL,
  updated_ms          INTEGER NOT NULL,
  placed              INTEGER NOT NULL DEFAULT 1,
  requested_locations TEXT,
  timings             TEXT
);
INSERT INTO stream_sessions_v2 (account, region, group_id, id, app_id, description, user_id, status, status_reason,
  protocol, location, signal_request, signal_response, connection_timeout, session_length, launch_args, env_vars,
  perf_stats, display, role_arn, log_uri, websdk_url, export_status, export_reason, export_uri, url_id, created_ms,
  updated_ms)
SELECT account, region, group_id, id, app_id, description, user_id, status, status_reason, protocol, location,
  signal_request, signal_response, connection_timeout, session_length, launch_args, env_vars, perf_stats, display,
  role_arn, log_uri, websdk_url, export_status, export_reason, export_uri, url_id, created_ms, updated_ms
FROM stream_sessions;
DROP TABLE stream_sessions;
ALTER TABLE stream_sessions_v2 RENAME TO stream_sessions;
-- Keys start with their most selective column (random IDs), so that index
-- searches decide on the first field instead of walking shared prefixes.
CREATE UNIQUE INDEX sessions_key ON stream_sessions (id, group_id, account, region);
CREATE INDEX sessions_by_account ON stream_sessions (account, region, created_ms, group_id, id);
CREATE INDEX sessions_by_group ON stream_sessions (account, region, group_id, created_ms, id);
-- Partial indexes: only the sessions that hold capacity (placed = 1 from
-- placement until the session ends), and only those waiting for it, so that
-- most status changes touch neither.
CREATE INDEX sessions_holding ON stream_sessions (group_id, location, account, region) WHERE placed = 1;
-- Waiting sessions are placed oldest first, in the order they were started
-- (created_ms, then rowid, which the index carries at its end).
CREATE INDEX sessions_waiting ON stream_sessions (account, region, group_id, created_ms)
  WHERE status = 'ACTIVATING' AND placed = 0;
DROP INDEX timers_by_resource;
CREATE INDEX timers_by_resource ON timers (resource, kind, account, region);
DROP INDEX history_by_resource;
CREATE INDEX history_by_resource ON history (resource, kind, account, region, seq);
)sql",

      // 3: what applications, stream groups and stream URLs need beyond the
      // first schema: when a location joined its group (replication of the
      // associated applications counts from then), a stream URL's secret and
      // shareable address, and the creation order of listed resources.
      R"sql(
ALTER TABLE group_locations ADD COLUMN added_ms INTEGER NOT NULL DEFAULT 0;
UPDATE group_locations SET added_ms = updated_ms;
ALTER TABLE stream_urls ADD COLUMN token TEXT NOT NULL DEFAULT '';
ALTER TABLE stream_urls ADD COLUMN url TEXT NOT NULL DEFAULT '';
-- Lists go in creation order: by creation time, then by a sequence number
-- that tells apart resources created at the same emulator instant.
ALTER TABLE applications ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stream_groups ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stream_urls ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX applications_by_created ON applications (account, region, created_ms, seq);
CREATE INDEX applications_by_seq ON applications (seq);
CREATE INDEX stream_groups_by_created ON stream_groups (account, region, created_ms, seq);
CREATE INDEX stream_groups_by_seq ON stream_groups (seq);
CREATE INDEX stream_urls_by_created ON stream_urls (account, region, created_ms, seq);
CREATE INDEX stream_urls_by_seq ON stream_urls (seq);
CREATE INDEX stream_urls_by_group ON stream_urls (account, region, group_id, created_ms, seq);
CREATE INDEX sessions_by_url ON stream_sessions (account, region, group_id, url_id) WHERE url_id IS NOT NULL;
)sql",

      // 4: lifecycle durations of one application or stream group, set
      // through the admin API (sessions keep theirs in their own row).
      R"sql(
CREATE TABLE resource_timings (
  account   TEXT NOT NULL,
  region    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  resource  TEXT NOT NULL,
  timings   TEXT NOT NULL,
  PRIMARY KEY (account, region, kind, resource)
) WITHOUT ROWID;
)sql",

      // 5: an injected exportFailed fault belongs to its session, so that it
      // survives a restart like the session's timers.
      R"sql(
ALTER TABLE stream_sessions ADD COLUMN export_fails_at INTEGER;
)sql",

      kept_counts_migration(),
      // 7: a ClientToken answers with the original response, kept with the
      // token; a session remembers every offer it has used (digests, as a
      // JSON array), since a connection needs a newly generated one; capacity
      // increases take effect once provisioned.
      R"sql(
ALTER TABLE idempotency ADD COLUMN response TEXT;
ALTER TABLE stream_sessions ADD COLUMN offers TEXT;
-- While an increase of a location's AlwaysOnCapacity is provisioned: the
-- always-on units already in place.
ALTER TABLE group_locations ADD COLUMN provisioning_from INTEGER;
)sql",

      // 8: a session's status change through repo::update_session_state
      // applies its own counts (sessions by status, units held), in plain
      // statements: the update triggers that did it each ran a sub-program
      // (a frame of registers allocated and cleared per row), the largest
      // cost of a scheduled transition. Any other UPDATE of a session's
      // status, placed, location or keys must keep the counts the same way;
      // inserts, deletes and REPLACE are still counted by triggers.
      R"sql(
DROP TRIGGER stream_sessions_counted_update;
DROP TRIGGER sessions_held_update;
)sql",

      // 9: pending deadlines are kept in the order they fire: the table is
      // keyed by (due_ms, id), so that arming, firing or cancelling a timer
      // writes two B-trees (the table and timers_by_resource), not three, and
      // firing reads the table itself. An id tells apart the timers due at the
      // same time, in the order they were armed.
      R"sql(
CREATE TABLE timers_v9 (
  due_ms    INTEGER NOT NULL,
  id        INTEGER NOT NULL,
  account   TEXT NOT NULL,
  region    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  resource  TEXT NOT NULL,
  event     TEXT NOT NULL,
  detail    TEXT,
  PRIMARY KEY (due_ms, id)
) WITHOUT ROWID;
INSERT INTO timers_v9 (due_ms, id, account, region, kind, resource, event, detail)
  SELECT due_ms, id, account, region, kind, resource, event, detail FROM timers;
DROP TABLE timers;
ALTER TABLE timers_v9 RENAME TO timers;
CREATE INDEX timers_by_resource ON timers (resource, kind, account, region);
)sql",

      // 10: the time of the latest transition recorded is kept in a setting
      // (repo::latest_transition_ms) instead of being found through an index
      // of every history row's time: that index was a third B-tree written
      // per transition, for one read at start-up.
      R"sql(
INSERT OR REPLACE INTO settings (key, value)
  SELECT 'history.latest_ms', CAST(latest AS TEXT) FROM (SELECT MAX(time_ms) AS latest FROM history)
  WHERE latest IS NOT NULL;
DROP INDEX history_by_time;
)sql",

      // 11: history rows are found through the hash of their resource's key
      // (history_key), not the key's four strings: one integer an entry keeps
      // the index a quarter of the size, so that the rows a clock advance
      // records, in no order of resource, touch and write fewer of its pages.
      R"sql(
ALTER TABLE history ADD COLUMN key_hash INTEGER NOT NULL DEFAULT 0;
UPDATE history SET key_hash = history_key(account, region, kind, resource);
DROP INDEX history_by_resource;
CREATE INDEX history_by_resource ON history (key_hash);
)sql",

      // 12: history rows are found through an index of their resource alone
      // (the reader checks the rest of the key against the row), instead of
      // a hash of the whole key. A session's resource is its group, then its
      // ID, whose first characters count up (IdGenerator::stream_session),
      // so the rows that starts and clock advances record go next to each
      // other in the index; under the hash each went onto a random page,
      // one more page written to the WAL and checkpointed per row.
      R"sql(
DROP INDEX history_by_resource;
ALTER TABLE history DROP COLUMN key_hash;
CREATE INDEX history_by_resource ON history (resource);
)sql",

      // 13: history is one B-tree keyed by (resource, seq), not a rowid
      // table and an index of its resource: a transition writes one B-tree,
      // not two. Rows keep their seq; new rows take theirs from blocks
      // reserved in the setting history.seq (repo::record_transition), which
      // starts at the latest seq there is.
      R"sql(
INSERT OR REPLACE INTO settings (key, value)
  SELECT 'history.seq', CAST(latest AS TEXT) FROM (SELECT MAX(seq) AS latest FROM history) WHERE latest IS NOT NULL;
CREATE TABLE history_v13 (
  seq          INTEGER NOT NULL,
  account      TEXT NOT NULL,
  region       TEXT NOT NULL,
  kind         TEXT NOT NULL,
  resource     TEXT NOT NULL,
  from_status  TEXT,
  to_status    TEXT NOT NULL,
  reason       TEXT,
  cause        TEXT NOT NULL,
  time_ms      INTEGER NOT NULL,
  PRIMARY KEY (resource, seq)
) WITHOUT ROWID;
INSERT INTO history_v13 (seq, account, region, kind, resource, from_status, to_status, reason, cause, time_ms)
  SELECT seq, account, region, kind, resource, from_status, to_status, reason, cause, time_ms FROM history
  ORDER BY resource, seq;
DROP TABLE history;
ALTER TABLE history_v13 RENAME TO history;
)sql",

      // 14: timers' ids come from blocks reserved in the setting timers.id
      // (Store::next_reserved), which starts above every id there is.
      R"sql(
INSERT OR REPLACE INTO settings (key, value)
  SELECT 'timers.id', CAST(latest AS TEXT) FROM (SELECT MAX(id) AS latest FROM timers) WHERE latest IS NOT NULL;
)sql",

      // 15: an inserted session is counted by repo::insert_session, as 8 did
      // for status changes, through the store's CommitDeltas: the starts of
      // one batched commit write each count they move once, not once each.
      // Deletes and REPLACE's delete are still counted by triggers.
      R"sql(
DROP TRIGGER stream_sessions_counted_insert;
DROP TRIGGER sessions_held_insert;
)sql",

      // 16: no index of an account's sessions in (created, group, id) order:
      // ListStreamSessionsByAccount merges the pages of the account's groups
      // (repo::list_sessions), each read through sessions_by_group. Writing
      // that index was the costliest of a start's five B-tree inserts.
      R"sql(
DROP INDEX sessions_by_account;
)sql",
      // 17: ClientTokens are kept in the order they came (rowid), so that the
      // oldest leave first (state/store/idempotency.hpp), with the digest of
      // their request instead of the request itself.
      R"sql(
CREATE TABLE idempotency_v2 (
  account      TEXT NOT NULL,
  region       TEXT NOT NULL,
  operation    TEXT NOT NULL,
  token        TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,
  resource     TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  response     TEXT
);
INSERT INTO idempotency_v2 (account, region, operation, token, fingerprint, resource, created_ms, response)
  SELECT account, region, operation, token, text_digest(fingerprint), resource, created_ms, response
  FROM idempotency ORDER BY created_ms;
DROP TABLE idempotency;
ALTER TABLE idempotency_v2 RENAME TO idempotency;
CREATE UNIQUE INDEX idempotency_by_token ON idempotency (token, operation, account, region);
)sql",
  };
  return migrations;
}

}  // namespace gls
