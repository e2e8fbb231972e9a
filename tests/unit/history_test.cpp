// A resource's history rows are found through the hash of the resource's
// key (schema 11), which is stored and so must not change between versions;
// rows of resources that share a hash are told apart by the key itself, and
// a database of schema 10 has its rows hashed by the migration.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "state/store/repository.hpp"
#include "state/store/schema.hpp"
#include "state/store/store.hpp"
#include "tests/unit/old_schema.hpp"

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

TEST_CASE("the history key is FNV-1a over the key's four parts, each ended by 0xff") {
  // Stored in every history row: a different value would lose the rows of older databases.
  CHECK(gls::history_key("", "", "", "") == static_cast<int64_t>(0x994f76653e2a3951ull));
  CHECK(gls::history_key("111122223333", "us-west-2", "streamsession", "sg-1AB2C3De4/ABC123def4567") ==
        static_cast<int64_t>(0x4e55e0623e53868eull));
  // Where one part ends matters.
  CHECK(gls::history_key("a", "bc", "k", "r") != gls::history_key("ab", "c", "k", "r"));
}

TEST_CASE("a resource's history holds its own rows only, in order, also when another key has the same hash") {
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
    // A row of another resource stored under this one's hash, as a collision would.
    db.prepare(
          "INSERT INTO history (account, region, kind, resource, to_status, cause, time_ms, key_hash) "
          "VALUES (?, ?, 'streamsession', 'sg-1/B', 'TERMINATED', 'api', 2500, ?)")
        .args(kHere.account, kHere.region, gls::history_key(kHere.account, kHere.region, "streamsession", "sg-1/A"))
        .run();
    record(kHere, "streamsession", "sg-1/A", "TERMINATING", 3000);
    CHECK(statuses(db, kHere, "streamsession", "sg-1/A") ==
          std::vector<std::string>{"ACTIVATING", "ACTIVE", "TERMINATING"});
    CHECK(statuses(db, kThere, "streamsession", "sg-1/A") == std::vector<std::string>{"ERROR"});
    CHECK(statuses(db, kHere, "application", "sg-1/A") == std::vector<std::string>{"READY"});
    CHECK(statuses(db, kHere, "streamsession", "sg-1/B").empty());  // stored under another hash
    // The index answers the query: no scan of the table, no sort.
    gls::Stmt plan = db.prepare(
        "EXPLAIN QUERY PLAN SELECT to_status FROM history WHERE key_hash = ? AND account = ? AND region = ? AND "
        "kind = ? AND resource = ? ORDER BY seq");
    std::string details;
    while (plan.step()) details += plan.text(3) + ";";
    CHECK(details.find("USING INDEX history_by_resource") != std::string::npos);
    CHECK(details.find("TEMP B-TREE") == std::string::npos);
  });
}

TEST_CASE("a database of schema 10 has its history rows hashed by the migration") {
  const gls::test::OldSchemaFile file("gls-unit-history", 10, R"sql(
INSERT INTO history (account, region, kind, resource, from_status, to_status, reason, cause, time_ms) VALUES
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD1', NULL, 'ACTIVATING', NULL, 'api', 1000),
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD2', NULL, 'ACTIVATING', NULL, 'api', 1500),
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD1', 'ACTIVATING', 'ACTIVE', NULL, 'timer', 2000);
)sql");
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
