// The scheduler (deadlines as rows, fired in order at their own due time)
// and the session transition table, below the HTTP layer.
#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_world.hpp"
#include "state/emulator.hpp"
#include "state/sessions/session_lifecycle.hpp"
#include "state/store/repository.hpp"
#include "state/time/scheduler.hpp"
#include "tests/unit/manual_emulator.hpp"
#include "tests/unit/old_schema.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace gls;

namespace {

std::unique_ptr<Emulator> make_emulator() { return testing::manual_emulator(7); }

const Scope kScope{"111122223333", "us-west-2"};

// Counts a timer's firings in the store ("fired.<event>"), where a rollback undoes them.
void count_firing(Store& db, const Timer& t) {
  auto seen = db.setting("fired." + t.event);
  db.set_setting("fired." + t.event, std::to_string(seen ? std::stoi(*seen) + 1 : 1));
}

}  // namespace

TEST_CASE("timers fire in (due, id) order, each with its own due time, including ones armed while firing") {
  auto emu = make_emulator();
  Scheduler& sched = emu->scheduler();
  std::vector<std::pair<std::string, int64_t>> fired;  // event, due
  sched.on("test", [&](Store& db, const Timer& t) {
    fired.emplace_back(t.event, t.due_ms);
    // "chain" arms a follow-up that is due before the later timers.
    if (t.event == "chain") sched.arm(db, kScope, "test", "r1", "follow-up", t.due_ms + 5);
  });
  const int64_t now = emu->clock().now_ms();
  emu->store().transaction([&](Store& db) {
    sched.arm(db, kScope, "test", "r2", "late", now + 100);
    sched.arm(db, kScope, "test", "r1", "chain", now + 10);
    sched.arm(db, kScope, "test", "r3", "same-due-first", now + 50);
    sched.arm(db, kScope, "test", "r4", "same-due-second", now + 50);
    sched.arm(db, kScope, "test", "r5", "future", now + 1000);
  });
  CHECK(sched.next_due() == now + 10);
  REQUIRE(emu->clock().advance(200).ok());
  CHECK(emu->catch_up() == 5);
  const std::vector<std::pair<std::string, int64_t>> expected = {{"chain", now + 10},
                                                                 {"follow-up", now + 15},
                                                                 {"same-due-first", now + 50},
                                                                 {"same-due-second", now + 50},
                                                                 {"late", now + 100}};
  CHECK(fired == expected);
  // The one not yet due stays, and is the next deadline.
  CHECK(sched.next_due() == now + 1000);
  CHECK(emu->catch_up() == 0);
}

TEST_CASE("a timer cancelled by one fired before it in the same advance never fires") {
  auto emu = make_emulator();
  Scheduler& sched = emu->scheduler();
  std::vector<std::string> fired;
  sched.on("test", [&](Store& db, const Timer& t) {
    fired.push_back(t.event);
    if (t.event == "first") {
      sched.cancel(db, kScope, "test", "r", "second");
      // A new timer, possibly reusing the cancelled one's row id, must still fire.
      sched.arm(db, kScope, "test", "r", "replacement", t.due_ms + 1);
    }
  });
  const int64_t now = emu->clock().now_ms();
  emu->store().transaction([&](Store& db) {
    sched.arm(db, kScope, "test", "r", "first", now + 1);
    sched.arm(db, kScope, "test", "r", "second", now + 2);
  });
  REQUIRE(emu->clock().advance(10).ok());
  emu->catch_up();
  CHECK(fired == std::vector<std::string>{"first", "replacement"});
}

TEST_CASE("a timer whose handler throws is dropped, and the others still fire") {
  // What a handler does lives in the store: the failed batch is rolled back
  // and fired again without the bad timer, so each good one takes effect once.
  auto emu = make_emulator();
  Scheduler& sched = emu->scheduler();
  sched.on("test", [&](Store& db, const Timer& t) {
    if (t.event == "bad") throw std::runtime_error("broken handler");
    count_firing(db, t);
  });
  const int64_t now = emu->clock().now_ms();
  emu->store().transaction([&](Store& db) {
    sched.arm(db, kScope, "test", "a", "before", now + 1);
    sched.arm(db, kScope, "test", "b", "bad", now + 2);
    sched.arm(db, kScope, "test", "c", "after", now + 3);
  });
  REQUIRE(emu->clock().advance(10).ok());
  CHECK(emu->catch_up() == 2);
  CHECK(emu->store().setting("fired.before") == std::optional<std::string>("1"));
  CHECK(emu->store().setting("fired.after") == std::optional<std::string>("1"));
  CHECK_FALSE(emu->store().setting("fired.bad").has_value());
  emu->store().transaction([](Store& db) { CHECK(repo::count(db, "timers") == 0); });
}

TEST_CASE("a timer armed within the advance whose handler throws is dropped, and what armed it takes effect once") {
  // The failed timer never reached the table: firing again re-arms it, and
  // it must be told apart by what it is, else the advance never ends.
  auto emu = make_emulator();
  Scheduler& sched = emu->scheduler();
  int attempts = 0;
  sched.on("test", [&](Store& db, const Timer& t) {
    if (t.event == "arming") {
      count_firing(db, t);
      sched.arm(db, kScope, "test", "x", "bad", t.due_ms + 2);
      sched.arm(db, kScope, "test", "y", "good", t.due_ms + 3);
    }
    if (t.event == "bad") {
      REQUIRE(++attempts < 10);
      throw std::runtime_error("broken handler");
    }
    if (t.event == "good") db.set_setting("fired.good", "1");
  });
  const int64_t now = emu->clock().now_ms();
  emu->store().transaction([&](Store& db) { sched.arm(db, kScope, "test", "w", "arming", now + 1); });
  REQUIRE(emu->clock().advance(10).ok());
  CHECK(emu->catch_up() == 2);
  CHECK(attempts == 1);
  CHECK(emu->store().setting("fired.arming") == std::optional<std::string>("1"));
  CHECK(emu->store().setting("fired.good") == std::optional<std::string>("1"));
  emu->store().transaction([](Store& db) { CHECK(repo::count(db, "timers") == 0); });
}

TEST_CASE("timers armed while firing and due within the advance can be seen, cancelled and fire in order") {
  auto emu = make_emulator();
  Scheduler& sched = emu->scheduler();
  std::vector<std::string> fired;
  std::optional<int64_t> seen_due;
  sched.on("test", [&](Store& db, const Timer& t) {
    fired.push_back(t.event + "@" + std::to_string(t.due_ms));
    if (t.event == "start") {
      sched.arm(db, kScope, "test", "r", "doomed", t.due_ms + 3);
      sched.arm(db, kScope, "test", "r", "kept", t.due_ms + 3);
      sched.arm(db, kScope, "test", "q", "beyond", t.due_ms + 500);  // after the advance: stays armed
    }
    if (t.event == "middle") {
      seen_due = sched.due(db, kScope, "test", "r", "doomed");
      sched.cancel(db, kScope, "test", "r", "doomed");
    }
  });
  const int64_t now = emu->clock().now_ms();
  emu->store().transaction([&](Store& db) {
    sched.arm(db, kScope, "test", "r", "start", now + 1);
    sched.arm(db, kScope, "test", "m", "middle", now + 2);
    sched.arm(db, kScope, "test", "z", "same-due-as-armed", now + 4);
  });
  REQUIRE(emu->clock().advance(100).ok());
  CHECK(emu->catch_up() == 4);
  CHECK(seen_due == now + 4);
  // At the same due time, the timer armed earlier (in the table) fires first.
  CHECK(fired == std::vector<std::string>{"start@" + std::to_string(now + 1), "middle@" + std::to_string(now + 2),
                                          "same-due-as-armed@" + std::to_string(now + 4),
                                          "kept@" + std::to_string(now + 4)});
  CHECK(sched.next_due() == now + 501);
  emu->store().transaction([](Store& db) { CHECK(repo::count(db, "timers") == 1); });
}

TEST_CASE("a long chain of timers armed within one advance fires in order, with cancelled ones left behind") {
  // Each link arms the next, a decoy that a later link cancels, and a tail
  // timer due after the whole chain: far more timers are armed in the
  // advance than wait at any time, and more and more of them wait.
  auto emu = make_emulator();
  Scheduler& sched = emu->scheduler();
  constexpr int kLinks = 6000;
  const int64_t now = emu->clock().now_ms();
  const int64_t tails_due = now + kLinks + 5;
  std::vector<int> fired;  // links by number, then tails as kLinks + number
  sched.on("test", [&](Store& db, const Timer& t) {
    const int n = std::stoi(t.resource.substr(1));
    REQUIRE(t.event != "decoy");
    if (t.event == "tail") {
      CHECK(t.due_ms == tails_due);
      fired.push_back(kLinks + n);
      return;
    }
    fired.push_back(n);
    sched.cancel(db, kScope, "test", "d" + std::to_string(n), "decoy");
    sched.arm(db, kScope, "test", "t" + std::to_string(n), "tail", tails_due);
    // The next link first: a decoy armed after it at the same due time fires after it.
    if (n + 1 < kLinks) {
      sched.arm(db, kScope, "test", "r" + std::to_string(n + 1), "link", t.due_ms + 1);
      sched.arm(db, kScope, "test", "d" + std::to_string(n + 1), "decoy", t.due_ms + 1);
    }
    // Due after the link after next, which cancels it first.
    if (n + 2 < kLinks) sched.arm(db, kScope, "test", "d" + std::to_string(n + 2), "decoy", t.due_ms + 3);
  });
  emu->store().transaction([&](Store& db) { sched.arm(db, kScope, "test", "r0", "link", now + 1); });
  REQUIRE(emu->clock().advance(kLinks + 10).ok());
  CHECK(emu->catch_up() == static_cast<size_t>(2 * kLinks));
  REQUIRE(fired.size() == static_cast<size_t>(2 * kLinks));
  // The links in order, then the tails, all due at once, in the order they were armed.
  for (int i = 0; i < 2 * kLinks; ++i) REQUIRE(fired[static_cast<size_t>(i)] == i);
  CHECK(sched.next_due() == Scheduler::kNever);
  emu->store().transaction([](Store& db) { CHECK(repo::count(db, "timers") == 0); });
}

TEST_CASE("a timer written after all of its resource's timers were cancelled in the advance can still be cancelled") {
  auto emu = make_emulator();
  Scheduler& sched = emu->scheduler();
  std::vector<std::string> fired;
  sched.on("test", [&](Store& db, const Timer& t) {
    fired.push_back(t.event);
    if (t.event == "first") {
      sched.cancel(db, kScope, "test", "r");                          // every timer of r, "later" too
      sched.arm(db, kScope, "test", "r", "beyond", t.due_ms + 5000);  // after the advance: in the table
      sched.arm(db, kScope, "test", "r", "soon", t.due_ms + 5);
    }
    if (t.event == "soon") {
      CHECK(sched.due(db, kScope, "test", "r", "beyond") == t.due_ms + 4995);
      sched.cancel(db, kScope, "test", "r", "beyond");
      CHECK_FALSE(sched.due(db, kScope, "test", "r", "beyond").has_value());
    }
  });
  const int64_t now = emu->clock().now_ms();
  emu->store().transaction([&](Store& db) {
    sched.arm(db, kScope, "test", "r", "first", now + 1);
    sched.arm(db, kScope, "test", "r", "later", now + 1000);
  });
  REQUIRE(emu->clock().advance(100).ok());
  CHECK(emu->catch_up() == 2);
  CHECK(fired == std::vector<std::string>{"first", "soon"});
  emu->store().transaction([](Store& db) { CHECK(repo::count(db, "timers") == 0); });
  CHECK(sched.next_due() == Scheduler::kNever);
}

TEST_CASE("a handler failing after timers were armed within the advance leaves them in the table for the caller") {
  auto emu = make_emulator();
  Scheduler& sched = emu->scheduler();
  sched.on("test", [&](Store& db, const Timer& t) {
    if (t.event == "arming") {
      sched.arm(db, kScope, "test", "x", "armed-a", t.due_ms + 5);
      sched.arm(db, kScope, "test", "y", "armed-b", t.due_ms + 5);
    }
    if (t.event == "bad") throw std::runtime_error("broken handler");
  });
  const int64_t now = emu->clock().now_ms();
  emu->store().transaction([&](Store& db) {
    sched.arm(db, kScope, "test", "w", "arming", now + 1);
    sched.arm(db, kScope, "test", "b", "bad", now + 2);
    sched.arm(db, kScope, "test", "c", "waiting", now + 3);
  });
  // Inside the caller's transaction, which keeps what was written.
  emu->store().transaction([&](Store& db) {
    CHECK_THROWS_AS(sched.fire_due(db, now + 100), Scheduler::TimerFailure);
    Stmt q = db.prepare("SELECT event, due_ms FROM timers ORDER BY due_ms, id");
    std::vector<std::string> left;
    while (q.step()) left.push_back(q.text(0) + "@" + std::to_string(q.int64(1) - now));
    CHECK(left == std::vector<std::string>{"waiting@3", "armed-a@6", "armed-b@6"});
    CHECK(sched.next_due() <= now + 3);
  });
}

TEST_CASE("the session transition table is a function of (status, event) and ends in final statuses") {
  const auto& table = SessionLifecycle::table();
  std::set<std::pair<int, int>> keys;
  std::set<SessionStatus> from, to;
  for (const SessionLifecycle::Row& t : table) {
    CAPTURE(to_string(t.from));
    CAPTURE(to_string(t.event));
    CHECK(keys.insert({static_cast<int>(t.from), static_cast<int>(t.event)}).second);  // one row per pair
    from.insert(t.from);
    to.insert(t.to);
    // Nothing leaves TERMINATED or ERROR, but TerminateStreamSession may end a
    // session in ERROR (its documentation: any status but ACTIVATING).
    if (!(t.from == SessionStatus::Error && t.event == SessionEvent::TerminateRequested)) CHECK_FALSE(is_final(t.from));
    if (t.to == SessionStatus::Terminating) {
      REQUIRE(t.rule == ReasonRule::Set);
      CHECK(is_termination_reason(t.reason));
    }
    if (t.to == SessionStatus::Error) {
      CHECK((t.rule == ReasonRule::FromEvent || (t.rule == ReasonRule::Set && is_error_reason(t.reason))));
    }
    if (t.to == SessionStatus::Terminated) CHECK(t.rule == ReasonRule::Keep);
    if (!is_final(t.to) && t.to != SessionStatus::Terminating) CHECK(t.rule == ReasonRule::Clear);
  }
  // Every status is reached, and every non-final one is left.
  for (SessionStatus s : kAllSessionStatuses) {
    CAPTURE(to_string(s));
    if (s != SessionStatus::Activating) CHECK(to.count(s) == 1);
    if (!is_final(s)) CHECK(from.count(s) == 1);
  }
  CHECK(SessionLifecycle::reachable(SessionStatus::Active, SessionStatus::Connected));
  CHECK_FALSE(SessionLifecycle::reachable(SessionStatus::Active, SessionStatus::PendingClientReconnection));
  CHECK_FALSE(SessionLifecycle::reachable(SessionStatus::Terminated, SessionStatus::Active));
  CHECK(SessionLifecycle::find(SessionStatus::Activating, SessionEvent::TerminateRequested) == nullptr);
}

TEST_CASE("every StatusReason of the model is set by some transition or the fail event") {
  std::set<std::string> reasons;
  for (const SessionLifecycle::Row& t : SessionLifecycle::table())
    if (t.rule == ReasonRule::Set) reasons.insert(t.reason);
  for (const char* r : {"internalError", "applicationLogS3DestinationError", "assumeRoleFailed"}) {
    CHECK(is_error_reason(r));  // reached through the fail event (FromEvent rows)
    reasons.insert(r);
  }
  const std::set<std::string> model = {
      "internalError",           "invalidSignalRequest", "placementTimeout",  "applicationLogS3DestinationError",
      "assumeRoleFailed",        "applicationExit",      "connectionTimeout", "reconnectionTimeout",
      "maxSessionLengthTimeout", "idleTimeout",          "apiTerminated"};
  CHECK(reasons == model);
}

TEST_CASE("timers of a database of schema 8 are kept by the migration and fire in (due, id) order") {
  // Row ids as schema 8 gave them: in arming order, across due times.
  const test::OldSchemaFile file("gls-unit-timers-v8", 8, R"sql(
INSERT INTO timers (id, due_ms, account, region, kind, resource, event, detail) VALUES
  (1, 3000, '111122223333', 'us-west-2', 'test', 'r1', 'third', NULL),
  (2, 1000, '111122223333', 'us-west-2', 'test', 'r2', 'first', 'with detail'),
  (3, 2000, '111122223333', 'us-west-2', 'test', 'r3', 'second-a', NULL),
  (4, 2000, '111122223333', 'us-west-2', 'test', 'r4', 'second-b', NULL),
  (5, 9000000000000, '111122223333', 'us-west-2', 'test', 'r5', 'far', NULL);
INSERT INTO history (account, region, kind, resource, from_status, to_status, reason, cause, time_ms)
  VALUES ('111122223333', 'us-west-2', 'test', 'r1', NULL, 'ON', NULL, 'api', 500);
)sql");
  const std::string& path = file.path();
  {
    auto store = Store::open(path);
    REQUIRE(store.ok());
    CHECK((*store)->schema_version() == Store::latest_schema_version());
    EmulatorConfig config;
    config.clock_mode = ClockMode::Manual;
    config.seed = 7;
    Emulator emu(std::move(*store), config);
    std::vector<std::string> fired;
    std::string detail;
    emu.scheduler().on("test", [&](Store&, const Timer& t) {
      fired.push_back(t.event + "@" + std::to_string(t.due_ms));
      if (t.event == "first") detail = t.detail;
    });
    emu.store().transaction([&](Store& db) {
      emu.scheduler().reload(db);
      CHECK(emu.scheduler().next_due() == 1000);
      CHECK(repo::history(db, kScope, "test", "r1").size() == 1);
      // A timer armed at a due time that migrated timers share goes after them.
      emu.scheduler().arm(db, kScope, "test", "r6", "second-c", 2000);
    });
    CHECK(emu.scheduler().run(emu.store(), 5000) == 5);
    CHECK(fired ==
          std::vector<std::string>{"first@1000", "second-a@2000", "second-b@2000", "second-c@2000", "third@3000"});
    CHECK(detail == "with detail");
    CHECK(emu.scheduler().next_due() == 9000000000000);
  }
}

TEST_CASE("one advance applies many session transitions, each at its own due time, in due order, counted") {
  auto emu = make_emulator();
  const Scope scope = emu->config().default_scope;
  const int sessions = 700;  // more than one batch of timers
  std::vector<StreamSession> started;
  const int64_t t0 = emu->clock().now_ms();
  emu->transact([&](Store& db, int64_t now) {
    const StreamGroup g = bench::add_app_and_group(db, scope, "a-SCHED0001", "sg-SCHED0001", sessions, now);
    for (int i = 0; i < sessions; ++i) {
      StreamSession s;
      s.group_id = g.id;
      s.id = emu->ids().stream_session();
      s.app_id = g.app_ids.front();
      s.status = SessionStatus::Active;
      s.location = g.locations.front().name;
      s.signal_request = "offer";
      s.created_ms = s.updated_ms = now;
      s.connection_timeout_s = 10 + (i * 37) % 90;
      // Every third session's length ends with its connection timeout: that
      // timer is cancelled by the one fired just before it, in the same batch.
      if (i % 3 == 0) s.session_length_s = s.connection_timeout_s;
      emu->session_lifecycle().adopt(db, scope, s);
      repo::insert_session(db, scope, s);
      started.push_back(s);
    }
  });
  REQUIRE(emu->clock().advance(200'000).ok());
  CHECK(emu->catch_up() == static_cast<size_t>(2 * sessions));
  emu->transact([&](Store& db, int64_t) {
    int64_t terminating_ms = -1;
    for (const StreamSession& s : started) {
      const auto h = repo::history(db, scope, "streamsession", s.group_id + "/" + s.id);
      REQUIRE(h.size() == 2);
      CHECK(h[0].to == "TERMINATING");
      CHECK(h[0].reason == std::optional<std::string>("connectionTimeout"));
      CHECK(h[0].time_ms == t0 + s.connection_timeout_s * 1000);
      CHECK(h[1].to == "TERMINATED");
      if (terminating_ms < 0) terminating_ms = h[1].time_ms - h[0].time_ms;
      CHECK(h[1].time_ms - h[0].time_ms == terminating_ms);
    }
    CHECK(terminating_ms > 0);
    // Recorded in the order they fell due.
    Stmt q = db.prepare("SELECT time_ms FROM history WHERE kind = 'streamsession' ORDER BY seq");
    int64_t last = 0, rows = 0;
    while (q.step()) {
      CHECK(q.int64(0) >= last);
      last = q.int64(0);
      ++rows;
    }
    CHECK(rows == 2 * sessions);
    CHECK(repo::count_by_status(db, "stream_sessions") ==
          std::vector<std::pair<std::string, int64_t>>{{"TERMINATED", sessions}});
    CHECK(repo::find_location(db, scope, "sg-SCHED0001", scope.region)->allocated == 0);
    CHECK(repo::count(db, "timers") == 0);
  });
}

TEST_CASE("timers due at one time fire in arming order, through a rolled-back reservation, a reopen and a firing") {
  test::TempDir dir;
  const std::string path = (dir.path / "timers.db").string();
  constexpr int64_t kDue = 5000;
  EmulatorConfig config;
  config.clock_mode = ClockMode::Manual;
  config.seed = 7;
  auto reopen = [&] {
    auto store = Store::open(path);
    REQUIRE(store.ok());
    return std::make_unique<Emulator>(std::move(*store), config);
  };
  auto id_setting = [](Store& db) { return std::stoll(db.setting("timers.id").value_or("0")); };
  {
    auto emu = reopen();
    // The first timer of the database reserves the first block of ids; its
    // transaction is rolled back, and the reservation with it.
    CHECK_THROWS(emu->store().transaction([&](Store& db) {
      emu->scheduler().arm(db, kScope, "test", "r0", "undone", kDue);
      CHECK(id_setting(db) == Store::kReservedBlock);
      throw std::runtime_error("rolled back");
    }));
    CHECK_FALSE(emu->store().setting("timers.id").has_value());
    emu->store().transaction([&](Store& db) { emu->scheduler().arm(db, kScope, "test", "r1", "a", kDue); });
    CHECK(id_setting(emu->store()) == Store::kReservedBlock);
  }
  auto emu = reopen();
  std::vector<std::string> fired;
  emu->scheduler().on("test", [&](Store& db, const Timer& t) {
    fired.push_back(t.event);
    // Armed while its batch fires, at the same time: after the batch's timers.
    if (t.event == "a") emu->scheduler().arm(db, kScope, "test", "r3", "c", kDue);
  });
  emu->store().transaction([&](Store& db) {
    emu->scheduler().reload(db);
    emu->scheduler().arm(db, kScope, "test", "r2", "b", kDue);
  });
  CHECK(emu->scheduler().run(emu->store(), kDue) == 3);
  CHECK(fired == std::vector<std::string>{"a", "b", "c"});
  // Every id written is within what the database reserved.
  emu->store().transaction([&](Store& db) {
    emu->scheduler().arm(db, kScope, "test", "r4", "later", kDue + 1);
    Stmt q = db.prepare("SELECT MAX(id) FROM timers");
    REQUIRE(q.step());
    CHECK(q.int64(0) <= id_setting(db));
    CHECK(q.int64(0) > 1);
  });
}

TEST_CASE("a database of schema 13 reserves timer ids above its timers' own") {
  const test::OldSchemaFile file("gls-unit-timers-v13", 13, R"sql(
INSERT INTO timers (due_ms, id, account, region, kind, resource, event, detail) VALUES
  (2000, 1, '111122223333', 'us-west-2', 'test', 'r1', 'first', NULL),
  (2000, 2, '111122223333', 'us-west-2', 'test', 'r2', 'second', NULL),
  (3000, 1, '111122223333', 'us-west-2', 'test', 'r3', 'later', NULL);
)sql");
  auto store = Store::open(file.path());
  REQUIRE(store.ok());
  CHECK((*store)->setting("timers.id") == std::optional<std::string>("2"));
  EmulatorConfig config;
  config.clock_mode = ClockMode::Manual;
  config.seed = 7;
  Emulator emu(std::move(*store), config);
  std::vector<std::string> fired;
  emu.scheduler().on("test", [&](Store&, const Timer& t) { fired.push_back(t.event); });
  emu.store().transaction([&](Store& db) {
    emu.scheduler().reload(db);
    emu.scheduler().arm(db, kScope, "test", "r4", "third", 2000);
  });
  CHECK(emu.scheduler().run(emu.store(), 3000) == 4);
  CHECK(fired == std::vector<std::string>{"first", "second", "third", "later"});
}
