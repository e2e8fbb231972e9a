// A resource's history rows are kept in one B-tree keyed by (resource, seq)
// (schema 13); rows of the same resource string in another scope or of
// another kind are told apart by the rest of the key, and databases of
// schemas 10, 11 and 12 keep their rows, and their order, through the
// migrations.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "state/store/repository.hpp"
#include "state/store/store.hpp"
#include "tests/unit/old_schema.hpp"
#include "tests/unit/temp_dir.hpp"

namespace {

const gls::Scope kHere{"111122223333", "us-west-2"};
const gls::Scope kThere{"444455556666", "eu-west-1"};

std::vector<std::string> statuses(gls::Store& db, const gls::Scope& scope, std::string_view kind,
                                  std::string_view resource) {
  std::vector<std::string> out;
  for (const gls::HistoryEntry& e : gls::repo::history(db, scope, kind, resource)) out.push_back(e.to);
  return out;
}

}  // namespace

TEST_CASE("a resource's history holds its own rows only, in order, keyed by the resource") {
  auto opened = gls::Store::open(":memory:");
  REQUIRE(opened.ok());
  gls::Store& store = **opened;
  store.transaction([](gls::Store& db) {
    const auto record = [&](const gls::Scope& scope, std::string_view kind, std::string_view resource,
                            std::string_view to, int64_t at) {
      gls::repo::record_transition(db, scope, kind, resource, std::nullopt, to, std::nullopt, "api", at);
    };
    record(kHere, "streamsession", "sg-1/A", "ACTIVATING", 1000);
    record(kThere, "streamsession", "sg-1/A", "ERROR", 1500);  // the same resource in another scope
    record(kHere, "application", "sg-1/A", "READY", 1700);     // another kind
    record(kHere, "streamsession", "sg-1/A", "ACTIVE", 2000);
    record(kHere, "streamsession", "sg-1/B", "TERMINATED", 2500);  // another resource
    record(kHere, "streamsession", "sg-1/A", "TERMINATING", 3000);
    CHECK(statuses(db, kHere, "streamsession", "sg-1/A") ==
          std::vector<std::string>{"ACTIVATING", "ACTIVE", "TERMINATING"});
    CHECK(statuses(db, kThere, "streamsession", "sg-1/A") == std::vector<std::string>{"ERROR"});
    CHECK(statuses(db, kHere, "application", "sg-1/A") == std::vector<std::string>{"READY"});
    CHECK(statuses(db, kHere, "streamsession", "sg-1/B") == std::vector<std::string>{"TERMINATED"});
    CHECK(statuses(db, kHere, "streamsession", "sg-1/C").empty());
    // seq counts up within a resource, in the order rows were recorded.
    gls::Stmt seqs = db.prepare("SELECT seq FROM history WHERE resource = 'sg-1/A' ORDER BY seq");
    int64_t last = 0;
    int rows = 0;
    while (seqs.step()) {
      CHECK(seqs.int64(0) > last);
      last = seqs.int64(0);
      ++rows;
    }
    CHECK(rows == 5);
    // The table's key answers the query: no scan of the table, no sort, and
    // no other B-tree than the table's own.
    gls::Stmt plan = db.prepare(
        "EXPLAIN QUERY PLAN SELECT to_status FROM history WHERE resource = ? AND kind = ? AND account = ? AND "
        "region = ? ORDER BY seq");
    std::string details;
    while (plan.step()) details += plan.text(3) + ";";
    CHECK(details.find("USING PRIMARY KEY (resource=?)") != std::string::npos);
    CHECK(details.find("TEMP B-TREE") == std::string::npos);
    gls::Stmt indexes = db.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'history'");
    REQUIRE(indexes.step());
    CHECK(indexes.int64(0) == 0);
  });
}

TEST_CASE("a database of schema 10, 11 or 12 keeps its history rows through the migrations") {
  const std::string rows = R"sql(
INSERT INTO history (account, region, kind, resource, from_status, to_status, reason, cause, time_ms) VALUES
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD1', NULL, 'ACTIVATING', NULL, 'api', 1000),
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD2', NULL, 'ACTIVATING', NULL, 'api', 1500),
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD1', 'ACTIVATING', 'ACTIVE', NULL, 'timer', 2000);
)sql";
  // Schema 11 stored each row's key hash.
  const std::string hashed = rows + "UPDATE history SET key_hash = history_key(account, region, kind, resource);";
  for (const size_t version : {size_t{10}, size_t{11}, size_t{12}}) {
    CAPTURE(version);
    const gls::test::OldSchemaFile file("gls-unit-history", version, version == 11 ? hashed : rows);
    const std::unique_ptr<gls::Store> store = file.open_migrated();
    store->transaction([](gls::Store& db) {
      CHECK(statuses(db, kHere, "streamsession", "sg-1/OLD1") == std::vector<std::string>{"ACTIVATING", "ACTIVE"});
      CHECK(statuses(db, kHere, "streamsession", "sg-1/OLD2") == std::vector<std::string>{"ACTIVATING"});
      gls::repo::record_transition(db, kHere, "streamsession", "sg-1/OLD1", std::string_view("ACTIVE"), "TERMINATING",
                                   std::nullopt, "api", 3000);
      CHECK(statuses(db, kHere, "streamsession", "sg-1/OLD1") ==
            std::vector<std::string>{"ACTIVATING", "ACTIVE", "TERMINATING"});
    });
  }
}

TEST_CASE("seq goes on from the migrated rows' latest, through a rollback (a gap) and a reopen") {
  const gls::test::OldSchemaFile file("gls-unit-history-seq", 12, R"sql(
INSERT INTO history (account, region, kind, resource, from_status, to_status, reason, cause, time_ms) VALUES
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD1', NULL, 'ACTIVATING', NULL, 'api', 1000),
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD2', NULL, 'ACTIVATING', NULL, 'api', 1500),
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD1', 'ACTIVATING', 'ACTIVE', NULL, 'timer', 2000);
)sql");
  const auto record = [](gls::Store& db, std::string_view to, int64_t at) {
    gls::repo::record_transition(db, kHere, "streamsession", "sg-1/OLD1", std::nullopt, to, std::nullopt, "api", at);
  };
  const auto seqs = [](gls::Store& db) {
    std::vector<int64_t> out;
    gls::Stmt q = db.prepare("SELECT seq FROM history WHERE resource = 'sg-1/OLD1' ORDER BY seq");
    while (q.step()) out.push_back(q.int64(0));
    return out;
  };
  int64_t last = 0;
  {
    const std::unique_ptr<gls::Store> store = file.open_migrated();
    CHECK(store->setting("history.seq") == std::optional<std::string>("3"));
    store->transaction([&](gls::Store& db) { record(db, "TERMINATING", 3000); });
    CHECK_THROWS(store->transaction([&](gls::Store& db) {
      record(db, "LOST", 3500);
      throw std::runtime_error("rolled back");
    }));
    store->transaction([&](gls::Store& db) {
      record(db, "TERMINATED", 4000);
      const std::vector<int64_t> got = seqs(db);
      REQUIRE(got.size() == 4);
      CHECK(got[0] == 1);
      CHECK(got[1] == 3);
      CHECK(got[2] > 3);
      CHECK(got[3] > got[2]);
      last = got[3];
      CHECK(statuses(db, kHere, "streamsession", "sg-1/OLD1") ==
            std::vector<std::string>{"ACTIVATING", "ACTIVE", "TERMINATING", "TERMINATED"});
    });
  }
  auto reopened = gls::Store::open(file.path());
  REQUIRE(reopened.ok());
  (*reopened)->transaction([&](gls::Store& db) {
    gls::repo::wipe(db);  // seq goes on after a wipe too
    record(db, "AGAIN", 5000);
    const std::vector<int64_t> got = seqs(db);
    REQUIRE(got.size() == 1);
    CHECK(got[0] > last);
    CHECK(statuses(db, kHere, "streamsession", "sg-1/OLD1") == std::vector<std::string>{"AGAIN"});
  });
}

TEST_CASE("seq is read again after the transaction that took a reservation is rolled back") {
  const auto record = [](gls::Store& db, std::string_view to, int64_t at) {
    gls::repo::record_transition(db, kHere, "streamsession", "sg-1/BATCH", std::nullopt, to, std::nullopt, "api", at);
  };
  // Every seq written is within what the database has reserved.
  const auto within_reservation = [](gls::Store& store) {
    return store.transaction([](gls::Store& db) {
      gls::Stmt q = db.prepare(
          "SELECT MAX(seq) <= (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'history.seq') FROM history");
      return q.step() && q.int64(0) == 1;
    });
  };
  enum Mode { kMemory, kFileAlone, kFileBatched };
  for (const Mode mode : {kMemory, kFileAlone, kFileBatched}) {
    CAPTURE(mode);
    const gls::test::TempDir dir;
    const std::string path = mode == kMemory ? ":memory:" : (dir.path / "history.db").string();
    {
      auto opened = gls::Store::open(path);
      REQUIRE(opened.ok());
      gls::Store& store = **opened;
      std::optional<gls::Store::BatchCommits> batching;
      if (mode == kFileBatched) {
        store.bound_batches(gls::Store::kBatchLimit, std::chrono::hours(1));
        batching.emplace();
      }
      // The first row takes the first reservation, which its rollback undoes.
      CHECK_THROWS(store.transaction([&](gls::Store& db) {
        record(db, "LOST", 500);
        throw std::runtime_error("rolled back");
      }));
      store.transaction([&](gls::Store& db) { record(db, "FIRST", 1000); });
      REQUIRE(store.flush());
      CHECK(within_reservation(store));
    }
    if (mode == kMemory) continue;
    // Had FIRST taken a seq above what the database reserved, SECOND would
    // come before it (or take the same seq).
    auto reopened = gls::Store::open(path);
    REQUIRE(reopened.ok());
    (*reopened)->transaction([&](gls::Store& db) {
      record(db, "SECOND", 2000);
      CHECK(statuses(db, kHere, "streamsession", "sg-1/BATCH") == std::vector<std::string>{"FIRST", "SECOND"});
    });
  }
}
