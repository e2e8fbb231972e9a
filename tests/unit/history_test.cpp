// A resource's history rows are found through an index of the resource
// (schema 12); rows of the same resource string in another scope or of
// another kind are told apart by the rest of the key, and databases of
// schemas 10 and 11 keep their rows through the migrations.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "state/store/repository.hpp"
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

TEST_CASE("a resource's history holds its own rows only, in order, through an index of the resource") {
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
    // The index answers the query: no scan of the table, no sort.
    gls::Stmt plan = db.prepare(
        "EXPLAIN QUERY PLAN SELECT to_status FROM history WHERE resource = ? AND kind = ? AND account = ? AND "
        "region = ? ORDER BY seq");
    std::string details;
    while (plan.step()) details += plan.text(3) + ";";
    CHECK(details.find("USING INDEX history_by_resource (resource=?)") != std::string::npos);
    CHECK(details.find("TEMP B-TREE") == std::string::npos);
  });
}

TEST_CASE("a database of schema 10 or 11 keeps its history rows through the migrations") {
  const std::string rows = R"sql(
INSERT INTO history (account, region, kind, resource, from_status, to_status, reason, cause, time_ms) VALUES
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD1', NULL, 'ACTIVATING', NULL, 'api', 1000),
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD2', NULL, 'ACTIVATING', NULL, 'api', 1500),
  ('111122223333', 'us-west-2', 'streamsession', 'sg-1/OLD1', 'ACTIVATING', 'ACTIVE', NULL, 'timer', 2000);
)sql";
  // Schema 11 stored each row's key hash.
  const std::string hashed = rows + "UPDATE history SET key_hash = history_key(account, region, kind, resource);";
  for (const size_t version : {size_t{10}, size_t{11}}) {
    CAPTURE(version);
    const gls::test::OldSchemaFile file("gls-unit-history", version, version == 10 ? rows : hashed);
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
