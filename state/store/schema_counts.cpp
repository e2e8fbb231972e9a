// Migration 6 of the schema (state/store/schema.cpp), in a file of its own
// for its size. A migration that has shipped is never edited.
#include "state/store/schema_counts.hpp"

namespace gls {

namespace {
// Triggers that keep status_counts for one resource table, and its first counts.
std::string counted_by_status(const std::string& table) {
  const std::string add_new = "  INSERT INTO status_counts (tbl, status, n) VALUES ('" + table +
                              "', NEW.status, 1)\n    ON CONFLICT (tbl, status) DO UPDATE SET n = n + 1;\n";
  const std::string remove_old =
      "  UPDATE status_counts SET n = n - 1 WHERE tbl = '" + table + "' AND status = OLD.status;\n";
  return "CREATE TRIGGER " + table + "_counted_insert AFTER INSERT ON " + table + " BEGIN\n" + add_new + "END;\n" +
         "CREATE TRIGGER " + table + "_counted_delete AFTER DELETE ON " + table + " BEGIN\n" + remove_old + "END;\n" +
         "CREATE TRIGGER " + table + "_counted_update AFTER UPDATE OF status ON " + table +
         " WHEN OLD.status IS NOT NEW.status BEGIN\n" + remove_old + add_new + "END;\n" +
         "INSERT INTO status_counts (tbl, status, n) SELECT '" + table + "', status, COUNT(*) FROM " + table +
         " GROUP BY status;\n";
}
}  // namespace

// 6: counts kept instead of counted. Triggers keep, in the statement that
// changes a session, the number of sessions holding a unit of each location
// (placed and not ended) on the location's row, and for every resource
// table the number of rows in each status; start-up, capacity, health and
// metrics read these instead of scanning. (REPLACE fires the delete
// triggers too: the store turns recursive_triggers on.) The latest
// transition's time is found through an index.
const std::string& kept_counts_migration() {
  static const std::string sql = std::string(R"sql(
ALTER TABLE group_locations ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
UPDATE group_locations SET held = (SELECT COUNT(*) FROM stream_sessions x WHERE x.group_id = group_locations.group_id
  AND x.location = group_locations.location AND x.account = group_locations.account
  AND x.region = group_locations.region AND x.placed = 1 AND x.status NOT IN ('TERMINATED', 'ERROR'));
CREATE TRIGGER sessions_held_insert AFTER INSERT ON stream_sessions
  WHEN NEW.placed = 1 AND NEW.status NOT IN ('TERMINATED', 'ERROR')
BEGIN
  UPDATE group_locations SET held = held + 1 WHERE account = NEW.account AND region = NEW.region
    AND group_id = NEW.group_id AND location = NEW.location;
END;
CREATE TRIGGER sessions_held_delete AFTER DELETE ON stream_sessions
  WHEN OLD.placed = 1 AND OLD.status NOT IN ('TERMINATED', 'ERROR')
BEGIN
  UPDATE group_locations SET held = held - 1 WHERE account = OLD.account AND region = OLD.region
    AND group_id = OLD.group_id AND location = OLD.location;
END;
CREATE TRIGGER sessions_held_update AFTER UPDATE OF placed, status, location, group_id, account, region
  ON stream_sessions
  WHEN (OLD.placed = 1 AND OLD.status NOT IN ('TERMINATED', 'ERROR'))
         IS NOT (NEW.placed = 1 AND NEW.status NOT IN ('TERMINATED', 'ERROR'))
    OR (OLD.placed = 1 AND OLD.status NOT IN ('TERMINATED', 'ERROR') AND (OLD.location IS NOT NEW.location
        OR OLD.group_id IS NOT NEW.group_id OR OLD.account IS NOT NEW.account OR OLD.region IS NOT NEW.region))
BEGIN
  UPDATE group_locations SET held = held - 1 WHERE OLD.placed = 1 AND OLD.status NOT IN ('TERMINATED', 'ERROR')
    AND account = OLD.account AND region = OLD.region AND group_id = OLD.group_id AND location = OLD.location;
  UPDATE group_locations SET held = held + 1 WHERE NEW.placed = 1 AND NEW.status NOT IN ('TERMINATED', 'ERROR')
    AND account = NEW.account AND region = NEW.region AND group_id = NEW.group_id AND location = NEW.location;
END;
CREATE TABLE status_counts (
  tbl     TEXT NOT NULL,
  status  TEXT NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (tbl, status)
) WITHOUT ROWID;
)sql") + counted_by_status("applications") +
                                 counted_by_status("stream_groups") + counted_by_status("stream_sessions") +
                                 counted_by_status("stream_urls") + R"sql(
CREATE INDEX history_by_time ON history (time_ms);
-- Only the count read this index; without it, a status change of a running
-- session rewrites no index entry for its unit.
DROP INDEX sessions_holding;
)sql";
  return sql;
}

}  // namespace gls
