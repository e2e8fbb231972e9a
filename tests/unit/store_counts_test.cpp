// Counts the store keeps instead of counting rows (units of capacity held
// per location, resources per status), checked against counting the rows
// after every kind of change; the schema migration that introduces them;
// and keyset pages that seek on their index.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "state/store/records.hpp"
#include "state/store/repository.hpp"
#include "state/store/schema.hpp"
#include "state/store/store.hpp"
#include "state/stream_groups/group_for_start.hpp"
#include "tests/unit/old_schema.hpp"
#include "tests/unit/temp_dir.hpp"

using gls::Store;

namespace {

const gls::Scope kScope{"111122223333", "us-west-2"};

std::unique_ptr<Store> memory_store() {
  auto opened = Store::open(":memory:");
  REQUIRE(opened.ok());
  return std::move(*opened);
}
const std::string kGroup = "sg-C0UNT1234";

int64_t scalar(Store& db, const std::string& sql) {
  gls::Stmt q = db.prepare(sql);
  REQUIRE(q.step());
  return q.int64(0);
}

// The units of `location` held, as kept and as counted from the rows.
void check_held(Store& db, const std::string& location) {
  auto kept = gls::repo::find_location(db, kScope, kGroup, location);
  REQUIRE(kept.has_value());
  const int64_t counted =
      scalar(db, "SELECT COUNT(*) FROM stream_sessions WHERE group_id = '" + kGroup + "' AND location = '" + location +
                     "' AND placed = 1 AND status NOT IN ('TERMINATED', 'ERROR')");
  CHECK_MESSAGE(kept->allocated == counted, location << ": kept " << kept->allocated << ", counted " << counted);
}

// Sessions by status, as kept and as counted.
void check_statuses(Store& db) {
  std::vector<std::pair<std::string, int64_t>> counted;
  gls::Stmt q = db.prepare("SELECT status, COUNT(*) FROM stream_sessions GROUP BY status ORDER BY status");
  while (q.step()) counted.emplace_back(q.text(0), q.int64(1));
  CHECK(gls::repo::count_by_status(db, "stream_sessions") == counted);
  CHECK(gls::repo::count(db, "stream_sessions") == scalar(db, "SELECT COUNT(*) FROM stream_sessions"));
}

gls::StreamGroup two_location_group() {
  gls::StreamGroup g;
  g.id = kGroup;
  g.description = "counted";
  g.stream_class = "gen4n_high";
  g.status = gls::StreamGroupStatus::Active;
  for (const char* name : {"us-west-2", "us-east-1"}) {
    gls::GroupLocation l;
    l.name = name;
    l.status = gls::LocationStatus::Active;
    l.always_on = 10;
    g.locations.push_back(l);
  }
  return g;
}

gls::StreamSession running(const std::string& id, const std::string& location) {
  gls::StreamSession x;
  x.group_id = kGroup;
  x.id = id;
  x.app_id = "a-C0UNT1234";
  x.status = gls::SessionStatus::Connected;
  x.location = location;
  x.signal_request = "offer";
  x.placed = true;
  return x;
}

// The counts as stored, read by SQL rather than through the repository
// (which would write what the transaction has gathered first), against the rows.
void check_stored(Store& db) {
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM (SELECT status, COUNT(*) AS n FROM stream_sessions GROUP BY status) c "
               "LEFT JOIN status_counts k ON k.tbl = 'stream_sessions' AND k.status = c.status "
               "WHERE k.n IS NOT c.n") == 0);
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM group_locations l WHERE l.held != (SELECT COUNT(*) FROM stream_sessions x "
               "WHERE x.group_id = l.group_id AND x.location = l.location AND x.placed = 1 "
               "AND x.status NOT IN ('TERMINATED', 'ERROR'))") == 0);
}

void check_all(Store& db) {
  check_held(db, "us-west-2");
  check_held(db, "us-east-1");
  check_statuses(db);
}

// The two-location group and `n` running sessions named prefix0..., every other one in us-east-1.
std::vector<gls::StreamSession> group_with_sessions(Store& db, const std::string& prefix, int n) {
  gls::repo::insert_stream_group(db, kScope, two_location_group());
  std::vector<gls::StreamSession> s;
  for (int i = 0; i < n; ++i) {
    s.push_back(running(prefix + std::to_string(i), i % 2 ? "us-east-1" : "us-west-2"));
    gls::repo::insert_session(db, kScope, s.back());
  }
  return s;
}

// A fixed pseudo-random sequence of changes to stored sessions' counted
// state: every status, placed or not, in either location.
class RandomChanges {
 public:
  explicit RandomChanges(uint32_t seed) : r_(seed) {}
  uint32_t next(uint32_t n) {
    r_ = r_ * 1103515245u + 12345u;
    return (r_ >> 16) % n;
  }
  void change(gls::StreamSession& x) {
    static constexpr gls::SessionStatus kStatuses[] = {
        gls::SessionStatus::Activating, gls::SessionStatus::Active,      gls::SessionStatus::Connected,
        gls::SessionStatus::PendingClientReconnection, gls::SessionStatus::Reconnecting,
        gls::SessionStatus::Terminating, gls::SessionStatus::Terminated, gls::SessionStatus::Error};
    x.status = kStatuses[next(8)];
    x.placed = next(4) != 0;
    if (next(5) == 0) x.location = x.location == "us-west-2" ? "us-east-1" : "us-west-2";
  }

 private:
  uint32_t r_;
};

}  // namespace

TEST_CASE("units held and sessions by status follow every change of a session") {
  const std::unique_ptr<Store> opened = memory_store();
  Store& store = *opened;
  store.transaction([](Store& db) {
    std::vector<gls::StreamSession> s = group_with_sessions(db, "C0UNTSESSION", 6);
    check_all(db);
    CHECK(gls::repo::find_location(db, kScope, kGroup, "us-west-2")->allocated == 3);

    // A status change that keeps the unit, one that gives it back, one that waits.
    s[0].status = gls::SessionStatus::Terminating;
    gls::repo::update_session_state(db, kScope, s[0]);
    check_all(db);
    s[0].status = gls::SessionStatus::Terminated;
    s[0].placed = false;
    gls::repo::update_session_state(db, kScope, s[0]);
    check_all(db);
    s[1].status = gls::SessionStatus::Error;
    gls::repo::update_session(db, kScope, s[1]);  // the whole row (REPLACE)
    check_all(db);
    s[2].status = gls::SessionStatus::Activating;
    s[2].placed = false;
    gls::repo::update_session_state(db, kScope, s[2]);
    check_all(db);
    s[2].placed = true;  // placed again, in the other location
    s[2].location = "us-east-1";
    gls::repo::update_session_state(db, kScope, s[2]);
    check_all(db);
    s[3].location = "us-west-2";  // a running session moved between locations
    gls::repo::update_session(db, kScope, s[3]);
    check_all(db);

    // A location that leaves and comes back counts the sessions still in it.
    const int64_t east = gls::repo::find_location(db, kScope, kGroup, "us-east-1")->allocated;
    CHECK(east > 0);
    gls::repo::delete_location(db, kScope, kGroup, "us-east-1");
    gls::repo::insert_location(db, kScope, kGroup, two_location_group().locations[1], 1);
    CHECK(gls::repo::find_location(db, kScope, kGroup, "us-east-1")->allocated == east);
    check_all(db);

    // Sessions removed with their scope give their units back.
    db.exec("DELETE FROM stream_sessions WHERE id = 'C0UNTSESSION4'");
    check_all(db);
    gls::repo::wipe_scope(db, kScope);
    check_statuses(db);
    CHECK(gls::repo::count(db, "stream_sessions") == 0);
    CHECK(gls::repo::count_by_status(db, "stream_sessions").empty());
  });
}

TEST_CASE("opening a database of the previous schema counts what it holds") {
  // Schema version 5, written the way that version wrote it.
  const gls::test::OldSchemaFile file("gls-unit-counts", 5, R"sql(
INSERT INTO group_locations (account, region, group_id, location, position, status, updated_ms)
  VALUES ('111122223333', 'us-west-2', 'sg-C0UNT1234', 'us-west-2', 0, 'ACTIVE', 0);
INSERT INTO stream_sessions (account, region, group_id, id, app_id, status, protocol, location, signal_request,
  connection_timeout, session_length, created_ms, updated_ms, placed) VALUES
  ('111122223333', 'us-west-2', 'sg-C0UNT1234', 'OLDSESSION001', 'a-1', 'CONNECTED', 'WebRTC', 'us-west-2', 'o', 1, 1, 1, 1, 1),
  ('111122223333', 'us-west-2', 'sg-C0UNT1234', 'OLDSESSION002', 'a-1', 'ACTIVE', 'WebRTC', 'us-west-2', 'o', 1, 1, 2, 2, 1),
  ('111122223333', 'us-west-2', 'sg-C0UNT1234', 'OLDSESSION003', 'a-1', 'TERMINATED', 'WebRTC', 'us-west-2', 'o', 1, 1, 3, 3, 1);
)sql");
  const std::string& path = file.path();
  {
    auto opened = Store::open(path);
    REQUIRE(opened.ok());
    Store& store = *opened.value();
    CHECK(store.schema_version() == Store::latest_schema_version());
    store.transaction([](Store& db) {
      CHECK(gls::repo::find_location(db, kScope, kGroup, "us-west-2")->allocated == 2);
      check_statuses(db);
      CHECK(gls::repo::count(db, "stream_sessions") == 3);
      // Inserts are counted in code since schema 15, not by triggers as well.
      CHECK(scalar(db,
                   "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                   "('stream_sessions_counted_insert', 'sessions_held_insert')") == 0);
      gls::repo::insert_session(db, kScope, running("NEWSESSION001", "us-west-2"));
    });
    store.transaction([](Store& db) {
      CHECK(gls::repo::find_location(db, kScope, kGroup, "us-west-2")->allocated == 3);
      check_statuses(db);
      CHECK(gls::repo::count(db, "stream_sessions") == 4);
    });
  }
}

TEST_CASE("counts kept through thousands of status changes equal the counted rows") {
  const std::unique_ptr<Store> opened = memory_store();
  Store& store = *opened;
  store.transaction([](Store& db) {
    std::vector<gls::StreamSession> s = group_with_sessions(db, "C0UNTMANY", 400);
    RandomChanges random(12345);
    for (int change = 0; change < 6000; ++change) {
      gls::StreamSession& x = s[random.next(static_cast<uint32_t>(s.size()))];
      random.change(x);
      gls::repo::update_session_state(db, kScope, x);
      if (change % 1000 == 0) check_all(db);
    }
    check_all(db);
    CHECK(gls::repo::find_location(db, kScope, kGroup, "us-west-2")->allocated +
              gls::repo::find_location(db, kScope, kGroup, "us-east-1")->allocated >
          0);
    // A session that is not stored changes nothing.
    gls::StreamSession ghost = running("C0UNTGHOST01", "us-west-2");
    ghost.status = gls::SessionStatus::Active;
    gls::repo::update_session_state(db, kScope, ghost);
    check_all(db);
    CHECK_FALSE(gls::repo::find_session(db, kScope, kGroup, "C0UNTGHOST01").has_value());
  });
}

TEST_CASE("count changes gathered by a transaction: seen by reads within it, written once when it commits") {
  const std::unique_ptr<Store> opened = memory_store();
  Store& store = *opened;
  RandomChanges random(777);
  std::vector<gls::StreamSession> s;
  store.transaction([&](Store& db) { s = group_with_sessions(db, "C0UNTBATCH", 300); });
  auto raw_counts = [](Store& db) {
    gls::Stmt q = db.prepare(
        "SELECT (SELECT group_concat(status || '=' || n, ' ') FROM status_counts) || ' held ' || "
        "(SELECT group_concat(held, ' ') FROM group_locations)");
    REQUIRE(q.step());
    return q.text(0);
  };
  for (int round = 0; round < 4; ++round) {
    store.transaction([&](Store& db) {
      const std::string kept_before = raw_counts(db);
      for (int change = 0; change < 1500; ++change) {
        // Read as the scheduler does (so the change may use what the read remembered), or not.
        const size_t i = random.next(static_cast<uint32_t>(s.size()));
        if (random.next(2) == 0) s[i] = *gls::repo::find_session(db, kScope, kGroup, s[i].id);
        random.change(s[i]);
        gls::repo::update_session_state(db, kScope, s[i]);
        if (change == 700) {
          // Nothing is written yet: the kept rows are as before the transaction ...
          CHECK(raw_counts(db) == kept_before);
          // ... but every read through the repository sees the changes so far.
          check_all(db);
        }
      }
    });
    // The commit wrote them.
    CHECK(store.commit_deltas().empty());
    store.transaction([&](Store& db) { check_stored(db); });
  }
  // A transaction rolled back drops the changes it gathered with everything else.
  CHECK_THROWS(store.transaction([&](Store& db) {
    for (gls::StreamSession& x : s) {
      x.status = gls::SessionStatus::Error;
      gls::repo::update_session_state(db, kScope, x);
    }
    gls::repo::insert_session(db, kScope, running("C0UNTBATCHNEW", "us-west-2"));
    throw std::runtime_error("rolled back");
  }));
  CHECK(store.commit_deltas().empty());
  store.transaction([&](Store& db) { check_all(db); });
}

TEST_CASE("a stale memory of a session's stored state never miscounts") {
  const std::unique_ptr<Store> opened = memory_store();
  Store& store = *opened;
  store.transaction([](Store& db) {
    std::vector<gls::StreamSession> s = group_with_sessions(db, "C0UNTSTALE", 2);
    // Read one session, then change it through another copy: what the read
    // remembered no longer holds when the first copy is written.
    gls::StreamSession first = *gls::repo::find_session(db, kScope, kGroup, s[0].id);
    gls::StreamSession other = first;
    other.status = gls::SessionStatus::Terminated;
    gls::repo::update_session_state(db, kScope, other);
    check_all(db);
    gls::repo::update_session(db, kScope, s[0]);  // back to CONNECTED, by REPLACE (new rowid)
    check_all(db);
    first.status = gls::SessionStatus::Error;
    first.location = "us-east-1";
    gls::repo::update_session_state(db, kScope, first);
    check_all(db);
    CHECK(gls::repo::find_session(db, kScope, kGroup, s[0].id)->status == gls::SessionStatus::Error);
  });
}

TEST_CASE("a status change writes the state it changed: the row read back equals the record, each time") {
  const std::unique_ptr<Store> opened = memory_store();
  Store& store = *opened;
  store.transaction([](Store& db) {
    std::vector<gls::StreamSession> s = group_with_sessions(db, "C0UNTSTATE", 2);
    gls::StreamSession x = *gls::repo::find_session(db, kScope, kGroup, s[0].id);
    const auto same_state = [&](const gls::StreamSession& want) {
      const gls::StreamSession got = *gls::repo::find_session(db, kScope, kGroup, want.id);
      CHECK(got.status == want.status);
      CHECK(got.status_reason == want.status_reason);
      CHECK(got.location == want.location);
      CHECK(got.signal_request == want.signal_request);
      CHECK(got.signal_response == want.signal_response);
      CHECK(got.export_status == want.export_status);
      CHECK(got.export_reason == want.export_reason);
      CHECK(got.export_uri == want.export_uri);
      CHECK(got.updated_ms == want.updated_ms);
      CHECK(got.placed == want.placed);
      CHECK(got.app_id == want.app_id);  // not a state column: left as stored
    };
    // Changes one or several state columns at a time, without reading in between.
    x.status = gls::SessionStatus::Terminating;
    x.status_reason = "idleTimeout";
    x.updated_ms = 1000;
    gls::repo::update_session_state(db, kScope, x);
    same_state(x);
    x.signal_response = "answer";
    x.export_status = "PENDING";
    x.export_uri = "s3://bucket/key";
    gls::repo::update_session_state(db, kScope, x);
    same_state(x);
    x.status = gls::SessionStatus::Terminated;
    x.placed = false;
    x.export_status = "FAILED";
    x.export_reason = "why";
    x.updated_ms = 2000;
    gls::repo::update_session_state(db, kScope, x);
    same_state(x);
    gls::repo::update_session_state(db, kScope, x);  // nothing changed
    same_state(x);
    // Written through another copy in between: the first copy's write still
    // puts every state column it holds in place.
    gls::StreamSession y = *gls::repo::find_session(db, kScope, kGroup, s[1].id);
    gls::StreamSession other = y;
    other.status_reason = "apiTerminated";
    other.signal_response = "other answer";
    gls::repo::update_session(db, kScope, other);  // by REPLACE (new rowid)
    y.status = gls::SessionStatus::Error;
    y.updated_ms = 3000;
    gls::repo::update_session_state(db, kScope, y);
    same_state(y);
    check_all(db);
  });
}

TEST_CASE("a whole-row rewrite counts from the statuses the transaction gathered") {
  const std::unique_ptr<Store> opened = memory_store();
  Store& store = *opened;
  store.transaction([](Store& db) {
    std::vector<gls::StreamSession> s = group_with_sessions(db, "C0UNTREWRITE", 2);
    // A status no session had before, gathered but not yet written ...
    s[0].status = gls::SessionStatus::Terminating;
    gls::repo::update_session_state(db, kScope, s[0]);
    // ... which the REPLACE's delete trigger then counts down.
    s[0].status = gls::SessionStatus::Error;
    s[0].placed = false;
    gls::repo::update_session(db, kScope, s[0]);
  });
  store.transaction([](Store& db) { check_all(db); });
}

TEST_CASE("whole-row rewrites mixed with status changes keep the counts, the changes written often or at the end") {
  // A rewrite by REPLACE is counted down by the schema's delete triggers, up
  // in code; a status change in code: each must count from what the other left.
  for (const bool written_often : {true, false}) {
    CAPTURE(written_often);
    const std::unique_ptr<Store> opened = memory_store();
    Store& store = *opened;
    RandomChanges random(written_often ? 4242 : 2424);
    std::vector<gls::StreamSession> s;
    store.transaction([&](Store& db) { s = group_with_sessions(db, "C0UNTMIXED", 40); });
    for (int round = 0; round < 3; ++round) {
      store.transaction([&](Store& db) {
        for (int change = 0; change < 600; ++change) {
          const size_t i = random.next(static_cast<uint32_t>(s.size()));
          // Read first (so the write may use what the read remembered), or not.
          if (random.next(2) == 0) s[i] = *gls::repo::find_session(db, kScope, kGroup, s[i].id);
          random.change(s[i]);
          if (random.next(3) == 0)
            gls::repo::update_session(db, kScope, s[i]);
          else
            gls::repo::update_session_state(db, kScope, s[i]);
          if (written_often && change % 7 == 0) gls::repo::write_pending_counts(db);
        }
        check_all(db);
      });
      store.transaction([&](Store& db) { check_all(db); });
    }
  }
}

TEST_CASE("starts batched in one commit read the units held with what the batch gathered; a failed one drops its own") {
  gls::test::TempDir dir;
  auto opened = Store::open((dir.path / "counts.db").string());
  REQUIRE(opened.ok());
  Store& store = **opened;
  store.bound_batches(Store::kBatchLimit, std::chrono::hours(1));  // committed by flush() only
  store.transaction([](Store& db) { gls::repo::insert_stream_group(db, kScope, two_location_group()); });
  int64_t placed = 0;
  {
    Store::BatchCommits batch;
    for (int i = 0; i < 40; ++i) {
      const bool fails = i % 4 == 3;
      auto start = [&] {
        store.transaction([&](Store& db) {
          // As a start does: read the group's locations, then add a session to one.
          const auto g = gls::read_group_for_start(db, kScope, kGroup, "a-C0UNT1234");
          REQUIRE(g.has_value());
          CHECK(g->locations.at(0).allocated == placed);
          gls::repo::insert_session(db, kScope, running("C0UNTSTART" + std::to_string(i), "us-west-2"));
          // Now and then what is gathered is written within a transaction of the batch (one that fails too).
          if (i % 5 == 0) gls::repo::write_pending_counts(db);
          if (fails) throw std::runtime_error("rolled back alone");
        });
      };
      if (fails) {
        CHECK_THROWS(start());
      } else {
        start();
        ++placed;
      }
    }
    CHECK(store.flush());
  }
  CHECK(store.commit_deltas().empty());
  store.transaction([&](Store& db) {
    check_stored(db);
    check_all(db);
    CHECK(gls::repo::find_location(db, kScope, kGroup, "us-west-2")->allocated == placed);
    CHECK(gls::repo::count(db, "stream_sessions") == placed);
  });
}
