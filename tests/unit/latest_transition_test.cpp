// The time of the latest transition recorded, which start-up never starts
// the clock before: kept in one setting, written once a commit with the
// latest of the transitions recorded, through wipes, and brought from a
// database of schema 9, which found it through an index of every row's time.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "state/emulator.hpp"
#include "state/store/repository.hpp"
#include "state/store/store.hpp"
#include "tests/unit/old_schema.hpp"
#include "tests/unit/temp_dir.hpp"

namespace {

const gls::Scope kHere{"111122223333", "us-west-2"};
const gls::Scope kThere{"444455556666", "eu-west-1"};

void record(gls::Store& db, const gls::Scope& scope, int64_t time_ms) {
  gls::repo::record_transition(db, scope, "streamSession", "sg-1/LATEST", "ACTIVE", "TERMINATING",
                               std::string_view("idleTimeout"), "timer", time_ms);
}

// The latest time as kept, and as found by reading every history row.
void check_latest(gls::Store& db, std::optional<int64_t> want) {
  gls::Stmt q = db.prepare("SELECT MAX(time_ms) FROM history");
  REQUIRE(q.step());
  const std::optional<int64_t> scanned = q.opt_int64(0);
  CHECK(scanned == want);
  CHECK(gls::repo::latest_transition_ms(db) == want);
}

// The setting as stored, without what the open transaction has gathered.
std::optional<int64_t> stored_latest(gls::Store& db) {
  gls::Stmt q = db.prepare("SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'history.latest_ms'");
  if (!q.step()) return std::nullopt;
  return q.opt_int64(0);
}

}  // namespace

TEST_CASE("the latest transition's time is gathered as transitions are recorded, written at commit, and wiped") {
  auto opened = gls::Store::open(":memory:");
  REQUIRE(opened.ok());
  gls::Store& store = **opened;
  store.transaction([](gls::Store& db) {
    check_latest(db, std::nullopt);
    record(db, kHere, 5000);
    check_latest(db, 5000);
    record(db, kThere, 3000);  // an earlier time does not lower it
    check_latest(db, 5000);
    record(db, kThere, 7000);
    check_latest(db, 7000);
    CHECK(stored_latest(db) == std::nullopt);  // gathered, written when the transaction commits
  });
  store.transaction([](gls::Store& db) {
    CHECK(stored_latest(db) == 7000);
    for (int64_t t = 8000; t <= 9000; t += 100) record(db, kHere, t);
    CHECK(stored_latest(db) == 7000);
    check_latest(db, 9000);
  });
  // A transaction rolled back leaves nothing of its own behind.
  CHECK_THROWS(store.transaction([](gls::Store& db) {
    record(db, kHere, 20000);
    throw std::runtime_error("rolled back");
  }));
  store.transaction([](gls::Store& db) {
    CHECK(stored_latest(db) == 9000);
    check_latest(db, 9000);
    gls::repo::wipe_scope(db, kHere);  // the other scope's latest remains
    check_latest(db, 7000);
    gls::repo::wipe(db);
    check_latest(db, std::nullopt);
    record(db, kHere, 100);
    check_latest(db, 100);
  });
  store.transaction([](gls::Store& db) { CHECK(stored_latest(db) == 100); });
}

TEST_CASE("transactions batched in one commit write the latest time of those that stay, once") {
  gls::test::TempDir dir;
  auto opened = gls::Store::open((dir.path / "latest.db").string());
  REQUIRE(opened.ok());
  gls::Store& store = **opened;
  store.bound_batches(gls::Store::kBatchLimit, std::chrono::hours(1));  // committed by flush() only
  {
    gls::Store::BatchCommits batch;
    store.transaction([](gls::Store& db) { record(db, kHere, 1000); });
    // One that fails alone takes its later time with it.
    CHECK_THROWS(store.transaction([](gls::Store& db) {
      record(db, kHere, 50000);
      throw std::runtime_error("rolled back alone");
    }));
    store.transaction([](gls::Store& db) {
      record(db, kThere, 2000);
      CHECK(stored_latest(db) == std::nullopt);
      check_latest(db, 2000);
    });
    CHECK(store.flush());
  }
  CHECK(store.commit_deltas().empty());
  store.transaction([](gls::Store& db) {
    CHECK(stored_latest(db) == 2000);
    check_latest(db, 2000);
  });
}

TEST_CASE("a database of schema 9 keeps its latest transition's time, and start-up does not start before it") {
  // Later than any wall clock: start-up starts the clock there.
  const gls::test::OldSchemaFile file("gls-unit-latest", 9, R"sql(
INSERT INTO history (account, region, kind, resource, from_status, to_status, reason, cause, time_ms) VALUES
  ('111122223333', 'us-west-2', 'streamSession', 'sg-1/OLD1', NULL, 'ACTIVATING', NULL, 'api', 4102444800000),
  ('111122223333', 'us-west-2', 'streamSession', 'sg-1/OLD1', 'ACTIVATING', 'ACTIVE', NULL, 'timer', 4102444801000),
  ('111122223333', 'us-west-2', 'streamSession', 'sg-1/OLD2', NULL, 'ACTIVATING', NULL, 'api', 4102444800500);
)sql");
  {
    const std::unique_ptr<gls::Store> store = file.open_migrated();
    store->transaction([](gls::Store& db) {
      check_latest(db, 4102444801000);
      gls::Stmt q = db.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'history_by_time'");
      REQUIRE(q.step());
      CHECK(q.int64(0) == 0);
      record(db, kHere, 4102444802000);
      check_latest(db, 4102444802000);
    });
  }
  auto opened = gls::Store::open(file.path());
  REQUIRE(opened.ok());
  gls::EmulatorConfig config;
  config.clock_mode = gls::ClockMode::Manual;
  config.seed = 1;
  gls::Emulator emu(std::move(opened).value(), config);
  CHECK(emu.clock().now_ms() >= 4102444802000);
}
