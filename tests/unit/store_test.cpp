// The SQLite store (open, schema, transactions, statement cache, settings)
// and the repository that reads and writes records through it.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "state/store/records.hpp"
#include "state/store/repository.hpp"
#include "state/result.hpp"
#include "state/store/store.hpp"

namespace fs = std::filesystem;
using gls::Store;

namespace {

// A unique path under the temporary directory, removed (with the SQLite
// side files) when the test is done.
class TempPath {
 public:
  explicit TempPath(const std::string& suffix = ".db") {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("gls-unit-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter++) + "-" + std::to_string(rd()) + suffix);
  }
  ~TempPath() {
    std::error_code ec;
    for (const char* side : {"", "-wal", "-shm", "-journal"}) fs::remove_all(path_.string() + side, ec);
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  std::string str() const { return path_.string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::unique_ptr<Store> open_ok(const std::string& path) {
  auto r = Store::open(path);
  const std::string why = r.ok() ? std::string() : r.error().message;  // doctest may stringify it anyway
  REQUIRE_MESSAGE(r.ok(), "cannot open " << path << ": " << why);
  return std::move(r).value();
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string pragma(Store& store, const std::string& name) {
  return store.transaction([&](Store& db) {
    gls::Stmt q = db.prepare("PRAGMA " + name);
    REQUIRE(q.step());
    return q.text(0);
  });
}

const gls::Scope kA{"111122223333", "us-west-2"};
const gls::Scope kOtherAccount{"444455556666", "us-west-2"};
const gls::Scope kOtherRegion{"111122223333", "eu-west-1"};

gls::Application sample_application(const std::string& id) {
  gls::Application a;
  a.id = id;
  a.description = "Game " + id;
  a.runtime_type = "PROTON";
  a.runtime_version = "20241007";
  a.executable_path = "bin/game.exe";
  a.source_uri = "s3://bucket/" + id;
  a.log_paths_json = R"(["logs"])";
  a.log_output_uri = "s3://bucket/logs";
  a.status = gls::ApplicationStatus::Ready;
  a.status_reason = std::nullopt;
  a.created_ms = 1000;
  a.updated_ms = 2000;
  return a;
}

gls::StreamGroup sample_group(const std::string& id, const std::vector<std::string>& apps) {
  gls::StreamGroup g;
  g.id = id;
  g.description = "Group " + id;
  g.stream_class = "gen4n_high";
  g.default_app_id = apps.empty() ? std::nullopt : std::optional<std::string>(apps.front());
  g.status = gls::StreamGroupStatus::Active;
  g.created_ms = 3000;
  g.updated_ms = 4000;
  g.expires_ms = 99000;
  gls::GroupLocation primary;
  primary.name = "us-west-2";
  primary.status = gls::LocationStatus::Active;
  primary.always_on = 2;
  primary.on_demand = 3;
  primary.maximum = 10;
  gls::GroupLocation second;
  second.name = "ap-northeast-1";
  second.status = gls::LocationStatus::Activating;
  second.always_on = 0;
  second.target_idle = 1;
  second.vpc_json = R"({"VpcId":"vpc-1"})";
  // Not alphabetical: the stored order (primary first) must survive.
  g.locations = {primary, second};
  g.app_ids = apps;
  return g;
}

gls::StreamSession sample_session(const std::string& group, const std::string& id, const std::string& app) {
  gls::StreamSession x;
  x.group_id = group;
  x.id = id;
  x.app_id = app;
  x.description = "session " + id;
  x.user_id = "player-1";
  x.status = gls::SessionStatus::Active;
  x.location = "us-west-2";
  x.signal_request = "offer";
  x.signal_response = "answer";
  x.connection_timeout_s = 60;
  x.session_length_s = 3600;
  x.launch_args_json = R"(["-x"])";
  x.env_vars_json = R"({"A":"1"})";
  x.perf_stats_json = R"({"SharedWithClient":true})";
  x.display_json = R"({"Resolution":{"Width":1280,"Height":720}})";
  x.role_arn = "arn:aws:iam::111122223333:role/r";
  x.log_uri = "s3://bucket/logs/" + group + "/" + id + "/";
  x.websdk_url = "https://example/";
  x.export_status = "PENDING";
  x.export_uri = "s3://bucket/x.zip";
  x.url_id = "su-1AB2C3De4";
  x.created_ms = 5000;
  x.updated_ms = 6000;
  return x;
}

}  // namespace

// ---- opening ---------------------------------------------------------------------

TEST_CASE("Store::open(':memory:') brings the schema up to date") {
  auto store = open_ok(":memory:");
  CHECK(Store::latest_schema_version() >= 1);
  CHECK(store->schema_version() == Store::latest_schema_version());
  CHECK(store->path() == ":memory:");
  CHECK(pragma(*store, "foreign_keys") == "1");
  // Every table of the schema exists and is empty.
  store->transaction([](Store& db) {
    for (const char* table : {"settings", "applications", "stream_groups", "group_locations", "associations",
                              "stream_sessions", "stream_urls", "tags", "idempotency", "history", "timers"}) {
      CAPTURE(table);
      CHECK(gls::repo::count(db, table) == 0);
    }
  });
}

TEST_CASE("SQL built on the fly does not grow the statement cache") {
  auto store = open_ok(":memory:");
  store->transaction([](Store& db) {
    // The same two texts, each time at a new address (as text built from parts may be).
    std::vector<std::string> texts;
    texts.reserve(20000);
    for (int i = 0; i < 20000; ++i) {
      texts.push_back(std::string("SELECT COUNT(*) FROM ") + (i % 2 ? "applications" : "stream_groups"));
      gls::Stmt q = db.prepare(texts.back());
      CHECK(q.step());
    }
  });
  const auto size = store->statement_cache_size();
  CHECK(size.texts < 20);
  CHECK(size.addresses <= 2 * size.texts + 65);
}


TEST_CASE("text bound by reference is read in place, and a statement used again starts unbound") {
  auto store = open_ok(":memory:");
  store->transaction([](Store& db) {
    const std::string kept = "kept text";
    const std::optional<std::string> none;
    const std::optional<std::string_view> some = std::string_view(kept).substr(0, 4);
    {
      gls::Stmt q = db.prepare("SELECT ?1, ?2, ?3, ?4");
      q.args_ref(kept, none, some, int64_t{42});
      REQUIRE(q.step());
      CHECK(q.text(0) == "kept text");
      CHECK(q.is_null(1));
      CHECK(q.text(2) == "kept");
      CHECK(q.int64(3) == 42);
    }
    // The cached statement again: nothing of the previous use is bound.
    gls::Stmt again = db.prepare("SELECT ?1, ?2, ?3, ?4");
    REQUIRE(again.step());
    for (int col = 0; col < 4; ++col) CHECK(again.is_null(col));
  });
}
TEST_CASE("a file database: WAL, synchronous=NORMAL, created with its directory, data kept across reopening") {
  TempPath dir("-dir");
  const std::string path = (dir.path() / "nested" / "state.db").string();
  {
    auto store = open_ok(path);
    CHECK(fs::exists(path));
    CHECK(store->schema_version() == Store::latest_schema_version());
    CHECK(pragma(*store, "journal_mode") == "wal");
    // NORMAL: commits reach the WAL unsynced and the store's syncer makes
    // them durable in groups (see the group commit cases below).
    CHECK(pragma(*store, "synchronous") == "1");
    store->set_setting("clock.high_water_ms", "12345");
    store->transaction([](Store& db) { gls::repo::insert_application(db, kA, sample_application("a-9ZY8X7Wv6")); });
  }
  auto again = open_ok(path);
  CHECK(again->schema_version() == Store::latest_schema_version());
  CHECK(again->setting("clock.high_water_ms") == std::optional<std::string>("12345"));
  auto app = again->transaction([](Store& db) { return gls::repo::find_application(db, kA, "a-9ZY8X7Wv6"); });
  REQUIRE(app.has_value());
  CHECK(app->description == "Game a-9ZY8X7Wv6");
}

TEST_CASE("a file that is not a database is refused and left as it was") {
  TempPath file(".txt");
  std::string content;
  for (int i = 0; i < 200; ++i) content += "this is a text file, line " + std::to_string(i) + "\n";
  {
    std::ofstream out(file.path(), std::ios::binary);
    out << content;
  }
  auto r = Store::open(file.str());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == gls::ErrorKind::Validation);
  CHECK(r.error().message.find(file.str()) != std::string::npos);
  CHECK(r.error().message.find("not a database") != std::string::npos);
  CHECK(read_file(file.path()) == content);
  CHECK_FALSE(fs::exists(file.str() + "-wal"));
  CHECK_FALSE(fs::exists(file.str() + "-journal"));
}

TEST_CASE("a directory is not a database path") {
  TempPath dir("-dir");
  fs::create_directories(dir.path());
  auto r = Store::open(dir.str());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("is a directory") != std::string::npos);
  CHECK(r.error().message.find(dir.str()) != std::string::npos);
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("a database under a path that cannot be a directory is refused") {
  TempPath file(".txt");
  { std::ofstream(file.path()) << "x"; }
  auto r = Store::open((file.path() / "state.db").string());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == gls::ErrorKind::Validation);
  CHECK(read_file(file.path()) == "x");
}

TEST_CASE("a database from a newer gls-local is refused") {
  TempPath file;
  {
    auto store = open_ok(file.str());
    store->exec("PRAGMA user_version=" + std::to_string(Store::latest_schema_version() + 1));
  }
  auto r = Store::open(file.str());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("newer than this gls-local understands") != std::string::npos);
}

TEST_CASE("one database, one emulator: a second open of a file in use is refused") {
  TempPath file;
  auto first = open_ok(file.str());
  auto second = Store::open(file.str());
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message.find("locked") != std::string::npos);
  // The first keeps working.
  first->set_setting("k", "v");
  CHECK(first->setting("k") == std::optional<std::string>("v"));
}

// ---- durability (group commit) -----------------------------------------------------

TEST_CASE("group commit: every commit becomes durable, several share a sync, reads commit nothing") {
  TempPath file;
  auto store = open_ok(file.str());
  CHECK(store->pending_commit() == 0);
  const uint64_t before = store->commit_sequence();
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) store->set_setting("k" + std::to_string(t), std::to_string(i));
    });
  for (auto& w : writers) w.join();
  CHECK(store->commit_sequence() == before + 200);
  CHECK(store->wait_durable());
  CHECK(store->durable_sequence() == store->commit_sequence());
  CHECK(store->pending_commit() == 0);
  CHECK(store->wal_syncs() >= 1);
  CHECK(store->wal_syncs() <= 200);
  // A transaction that only reads has nothing to make durable.
  const uint64_t latest = store->commit_sequence();
  CHECK(store->setting("k0") == std::optional<std::string>("49"));
  CHECK(store->commit_sequence() == latest);
  // A listener hears the current durable sequence at once.
  uint64_t heard = 0;
  bool failed = true;
  store->on_durable([&](uint64_t seq, bool sync_failed) {
    heard = std::max(heard, seq);
    failed = sync_failed;
  });
  CHECK(heard == latest);
  CHECK_FALSE(failed);
  store->on_durable({});
}

TEST_CASE("reads: a snapshot on the thread's own connection, never waiting for a write in progress") {
  TempPath file;
  auto store = open_ok(file.str());
  CHECK(store->reads_apart());
  store->set_setting("k", "committed");
  auto read_k = [&] {
    return store->read([](Store& db) {
      gls::Stmt q = db.prepare("SELECT value FROM settings WHERE key = 'k'");
      return q.step() ? q.text(0) : std::string();
    });
  };
  CHECK(read_k() == "committed");
  // Inside this thread's write transaction, a read joins it and sees its writes.
  store->transaction([&](Store& db) {
    db.set_setting("k", "uncommitted");
    CHECK(read_k() == "uncommitted");
    // Another thread reads the last commit at once, while this one holds the writer.
    std::string seen;
    std::thread reader([&] { seen = read_k(); });
    reader.join();
    CHECK(seen == "committed");
    db.set_setting("k", "second");
  });
  // A read that starts after a commit sees it.
  std::string after;
  std::thread reader([&] { after = read_k(); });
  reader.join();
  CHECK(after == "second");
  // Readers cannot write.
  CHECK_THROWS_AS(store->read([](Store& db) { db.exec("DELETE FROM settings"); }), gls::StoreError);
}

TEST_CASE("group commit: a memory database has nothing to wait for") {
  auto store = open_ok(":memory:");
  CHECK_FALSE(store->reads_apart());  // one connection: its reads join the writer
  store->set_setting("a", "1");
  CHECK(store->commit_sequence() >= 1);
  CHECK(store->pending_commit() == 0);
  CHECK(store->durable_sequence() == store->commit_sequence());
  CHECK(store->wal_syncs() == 0);
}

// ---- transactions ------------------------------------------------------------------

TEST_CASE("transaction commits when the function returns") {
  auto store = open_ok(":memory:");
  store->transaction([](Store& db) { db.set_setting("a", "1"); });
  CHECK(store->setting("a") == std::optional<std::string>("1"));

  int value = store->transaction([](Store& db) {
    db.set_setting("b", "2");
    return 42;
  });
  CHECK(value == 42);
  CHECK(store->setting("b") == std::optional<std::string>("2"));

  gls::Result<int> ok = store->transaction([](Store& db) -> gls::Result<int> {
    db.set_setting("c", "3");
    return 7;
  });
  REQUIRE(ok.ok());
  CHECK(*ok == 7);
  CHECK(store->setting("c") == std::optional<std::string>("3"));
}

TEST_CASE("transaction rolls back when the function throws, and rethrows") {
  auto store = open_ok(":memory:");
  store->set_setting("kept", "before");
  CHECK_THROWS_WITH_AS(store->transaction([](Store& db) {
    db.set_setting("kept", "changed");
    db.set_setting("new", "x");
    gls::repo::insert_application(db, kA, sample_application("a-111111111"));
    throw std::runtime_error("boom");
  }),
                       "boom", std::runtime_error);
  CHECK(store->setting("kept") == std::optional<std::string>("before"));
  CHECK_FALSE(store->setting("new").has_value());
  CHECK(store->transaction([](Store& db) { return gls::repo::count(db, "applications"); }) == 0);

  // A failing statement is a StoreError, and rolls back too.
  CHECK_THROWS_AS(store->transaction([](Store& db) {
    db.set_setting("new", "x");
    gls::repo::insert_application(db, kA, sample_application("a-111111111"));
    gls::repo::insert_application(db, kA, sample_application("a-111111111"));  // duplicate key
  }),
                  gls::StoreError);
  CHECK_FALSE(store->setting("new").has_value());

  // The store is usable afterwards.
  store->set_setting("after", "ok");
  CHECK(store->setting("after") == std::optional<std::string>("ok"));
}

TEST_CASE("transaction rolls back when the function returns a Result holding an Error") {
  auto store = open_ok(":memory:");
  gls::Status s = store->transaction([](Store& db) -> gls::Status {
    db.set_setting("x", "1");
    return gls::conflict("no");
  });
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == gls::ErrorKind::Conflict);
  CHECK(s.error().message == "no");
  CHECK_FALSE(store->setting("x").has_value());

  gls::Result<std::string> r = store->transaction([](Store& db) -> gls::Result<std::string> {
    gls::repo::insert_application(db, kA, sample_application("a-222222222"));
    return gls::not_found("missing");
  });
  REQUIRE_FALSE(r.ok());
  CHECK(store->transaction([](Store& db) { return gls::repo::count(db, "applications"); }) == 0);

  // An ok Status commits.
  s = store->transaction([](Store& db) -> gls::Status {
    db.set_setting("x", "2");
    return gls::ok();
  });
  CHECK(s.ok());
  CHECK(store->setting("x") == std::optional<std::string>("2"));
}

TEST_CASE("nested transactions join the outer one") {
  auto store = open_ok(":memory:");

  // Both writes commit together.
  store->transaction([](Store& db) {
    db.set_setting("outer", "1");
    db.transaction([](Store& inner) { inner.set_setting("inner", "1"); });
  });
  CHECK(store->setting("outer").has_value());
  CHECK(store->setting("inner").has_value());

  // The outer failing undoes what the inner one did.
  CHECK_THROWS(store->transaction([](Store& db) {
    db.transaction([](Store& inner) { inner.set_setting("inner2", "1"); });
    throw std::runtime_error("outer fails");
  }));
  CHECK_FALSE(store->setting("inner2").has_value());

  gls::Status s = store->transaction([](Store& db) -> gls::Status {
    int v = db.transaction([](Store& inner) {
      inner.set_setting("inner3", "1");
      return 5;
    });
    CHECK(v == 5);
    return gls::validation("outer refuses");
  });
  CHECK_FALSE(s.ok());
  CHECK_FALSE(store->setting("inner3").has_value());

  // An inner exception caught by the outer function: the outer one decides,
  // and the nesting depth is restored (a later transaction begins normally).
  store->transaction([](Store& db) {
    db.set_setting("before", "1");
    try {
      db.transaction([](Store&) { throw std::runtime_error("inner"); });
    } catch (const std::runtime_error&) {
    }
    db.set_setting("after", "1");
  });
  CHECK(store->setting("before").has_value());
  CHECK(store->setting("after").has_value());
  store->transaction([](Store& db) { db.set_setting("next", "1"); });
  CHECK(store->setting("next").has_value());

  // Three levels.
  int depth = store->transaction([](Store& a) {
    return a.transaction([](Store& b) { return b.transaction([](Store&) { return 3; }); });
  });
  CHECK(depth == 3);
}

// ---- statements --------------------------------------------------------------------

TEST_CASE("the statement cache lets the same SQL run nested, and clears bindings on reuse") {
  auto store = open_ok(":memory:");
  for (const char* k : {"a", "b", "c"}) store->set_setting(k, std::string("value-") + k);

  const std::string sql = "SELECT key, value FROM settings WHERE key IN ('a', 'b', 'c') ORDER BY key";
  std::vector<std::string> outer_keys;
  store->transaction([&](Store& db) {
    gls::Stmt outer = db.prepare(sql);
    while (outer.step()) {
      outer_keys.push_back(outer.text(0));
      // The same SQL again while the outer statement is mid-iteration.
      gls::Stmt inner = db.prepare(sql);
      std::vector<std::string> inner_keys;
      while (inner.step()) inner_keys.push_back(inner.text(0));
      CHECK(inner_keys == std::vector<std::string>{"a", "b", "c"});
      CHECK(outer.text(1) == "value-" + outer.text(0));
    }
  });
  CHECK(outer_keys == std::vector<std::string>{"a", "b", "c"});

  store->transaction([](Store& db) {
    {
      gls::Stmt q = db.prepare("SELECT ?1, ?2");
      q.args(int64_t{5}, "text");
      REQUIRE(q.step());
      CHECK(q.int64(0) == 5);
      CHECK(q.text(1) == "text");
    }
    // Reused from the cache: reset and with no leftover bindings.
    gls::Stmt q = db.prepare("SELECT ?1, ?2");
    REQUIRE(q.step());
    CHECK(q.is_null(0));
    CHECK(q.is_null(1));
    CHECK_FALSE(q.opt_text(1).has_value());
    CHECK_FALSE(q.opt_int64(0).has_value());
  });

  // Binding helpers: optionals, bools, doubles, embedded NUL.
  store->transaction([](Store& db) {
    gls::Stmt q = db.prepare("SELECT ?1, ?2, ?3, ?4, ?5");
    q.args(std::optional<std::string>(), std::optional<int64_t>(9), true, 2.5, std::string("a\0b", 3));
    REQUIRE(q.step());
    CHECK(q.is_null(0));
    CHECK(q.int64(1) == 9);
    CHECK(q.int64(2) == 1);
    CHECK(q.real(3) == doctest::Approx(2.5));
    CHECK(q.text(4) == std::string("a\0b", 3));
  });

  CHECK_THROWS_AS(store->transaction([](Store& db) { db.prepare("SELEKT nothing"); }), gls::StoreError);
}

TEST_CASE("settings round trip") {
  auto store = open_ok(":memory:");
  CHECK_FALSE(store->setting("missing").has_value());
  store->set_setting("k", "v1");
  CHECK(store->setting("k") == std::optional<std::string>("v1"));
  store->set_setting("k", "v2");  // overwrite
  CHECK(store->setting("k") == std::optional<std::string>("v2"));
  store->set_setting("empty", "");
  CHECK(store->setting("empty") == std::optional<std::string>(""));
  store->set_setting("unicode \xC3\xA9", "\xF0\x9F\x98\x80");
  CHECK(store->setting("unicode \xC3\xA9") == std::optional<std::string>("\xF0\x9F\x98\x80"));
  CHECK(store->transaction([](Store& db) { return gls::repo::count(db, "settings"); }) == 3);
}

TEST_CASE("a copy in memory holds the database as it stood, schema and settings, and goes its own way") {
  auto store = open_ok(":memory:");
  store->set_setting("k", "before");
  auto copy = store->copy_in_memory();
  CHECK(copy->in_memory());
  CHECK(copy->schema_version() == Store::latest_schema_version());
  CHECK(pragma(*copy, "foreign_keys") == "1");
  store->set_setting("k", "after");
  copy->set_setting("only", "in the copy");
  CHECK(copy->setting("k") == std::optional<std::string>("before"));
  CHECK(store->setting("k") == std::optional<std::string>("after"));
  CHECK_FALSE(store->setting("only").has_value());
}

// ---- repository ----------------------------------------------------------------------

TEST_CASE("repository: applications") {
  auto store = open_ok(":memory:");
  store->transaction([](Store& db) {
    gls::Application a = sample_application("a-9ZY8X7Wv6");
    gls::repo::insert_application(db, kA, a);

    auto found = gls::repo::find_application(db, kA, "a-9ZY8X7Wv6");
    REQUIRE(found.has_value());
    CHECK(found->id == a.id);
    CHECK(found->description == a.description);
    CHECK(found->runtime_type == a.runtime_type);
    CHECK(found->runtime_version == a.runtime_version);
    CHECK(found->executable_path == a.executable_path);
    CHECK(found->source_uri == a.source_uri);
    CHECK(found->log_paths_json == a.log_paths_json);
    CHECK(found->log_output_uri == a.log_output_uri);
    CHECK(found->status == gls::ApplicationStatus::Ready);
    CHECK_FALSE(found->status_reason.has_value());
    CHECK(found->created_ms == 1000);
    CHECK(found->updated_ms == 2000);

    CHECK_FALSE(gls::repo::find_application(db, kA, "a-000000000").has_value());

    a.description = "changed";
    a.log_paths_json = "[]";
    a.log_output_uri = std::nullopt;
    a.status = gls::ApplicationStatus::Error;
    a.status_reason = "internalError";
    a.updated_ms = 7000;
    a.runtime_type = "WINDOWS";  // not updatable: stays as created
    a.created_ms = 1;            // idem
    gls::repo::update_application(db, kA, a);
    found = gls::repo::find_application(db, kA, "a-9ZY8X7Wv6");
    REQUIRE(found.has_value());
    CHECK(found->description == "changed");
    CHECK(found->log_paths_json == "[]");
    CHECK_FALSE(found->log_output_uri.has_value());
    CHECK(found->status == gls::ApplicationStatus::Error);
    CHECK(found->status_reason == std::optional<std::string>("internalError"));
    CHECK(found->updated_ms == 7000);
    CHECK(found->runtime_type == "PROTON");
    CHECK(found->created_ms == 1000);
    CHECK(gls::repo::count(db, "applications") == 1);
  });
}

TEST_CASE("repository: stream groups with locations and associations") {
  auto store = open_ok(":memory:");
  store->transaction([](Store& db) {
    gls::repo::insert_application(db, kA, sample_application("a-111111111"));
    gls::repo::insert_application(db, kA, sample_application("a-222222222"));
    gls::repo::insert_stream_group(db, kA, sample_group("sg-1AB2C3De4", {"a-222222222", "a-111111111"}));

    CHECK(gls::repo::stream_group_exists(db, kA, "sg-1AB2C3De4"));
    CHECK_FALSE(gls::repo::stream_group_exists(db, kA, "sg-000000000"));
    auto g = gls::repo::find_stream_group(db, kA, "sg-1AB2C3De4");
    REQUIRE(g.has_value());
    CHECK(g->description == "Group sg-1AB2C3De4");
    CHECK(g->stream_class == "gen4n_high");
    CHECK(g->default_app_id == std::optional<std::string>("a-222222222"));
    CHECK(g->status == gls::StreamGroupStatus::Active);
    CHECK(g->created_ms == 3000);
    CHECK(g->updated_ms == 4000);
    CHECK(g->expires_ms == std::optional<int64_t>(99000));

    REQUIRE(g->locations.size() == 2);
    CHECK(g->locations[0].name == "us-west-2");
    CHECK(g->locations[0].status == gls::LocationStatus::Active);
    CHECK(g->locations[0].always_on == 2);
    CHECK(g->locations[0].on_demand == std::optional<int64_t>(3));
    CHECK_FALSE(g->locations[0].target_idle.has_value());
    CHECK(g->locations[0].maximum == std::optional<int64_t>(10));
    CHECK_FALSE(g->locations[0].vpc_json.has_value());
    CHECK(g->locations[0].allocated == 0);
    CHECK(g->locations[1].name == "ap-northeast-1");
    CHECK(g->locations[1].status == gls::LocationStatus::Activating);
    CHECK(g->locations[1].target_idle == std::optional<int64_t>(1));
    CHECK(g->locations[1].vpc_json == std::optional<std::string>(R"({"VpcId":"vpc-1"})"));

    // Both applications, associated at creation time (ordered by time, then ID).
    CHECK(g->app_ids == std::vector<std::string>{"a-111111111", "a-222222222"});
    CHECK(gls::repo::groups_of_application(db, kA, "a-111111111") == std::vector<std::string>{"sg-1AB2C3De4"});

    // Associating again does not duplicate; a later association comes last.
    gls::repo::associate(db, kA, "sg-1AB2C3De4", "a-111111111", 9999);
    gls::repo::insert_application(db, kA, sample_application("a-000000000"));
    gls::repo::associate(db, kA, "sg-1AB2C3De4", "a-000000000", 8000);
    g = gls::repo::find_stream_group(db, kA, "sg-1AB2C3De4");
    REQUIRE(g.has_value());
    CHECK(g->app_ids == std::vector<std::string>{"a-111111111", "a-222222222", "a-000000000"});
    CHECK(gls::repo::count(db, "associations") == 3);

    // A group with no expiry and no default application.
    gls::StreamGroup plain = sample_group("sg-222222222", {});
    plain.expires_ms = std::nullopt;
    gls::repo::insert_stream_group(db, kA, plain);
    auto p = gls::repo::find_stream_group(db, kA, "sg-222222222");
    REQUIRE(p.has_value());
    CHECK_FALSE(p->expires_ms.has_value());
    CHECK_FALSE(p->default_app_id.has_value());
    CHECK(p->app_ids.empty());
    CHECK(gls::repo::groups_of_application(db, kA, "a-111111111") == std::vector<std::string>{"sg-1AB2C3De4"});
  });
}

TEST_CASE("repository: stream sessions, and the capacity they allocate") {
  auto store = open_ok(":memory:");
  store->transaction([](Store& db) {
    gls::repo::insert_application(db, kA, sample_application("a-111111111"));
    gls::repo::insert_stream_group(db, kA, sample_group("sg-1AB2C3De4", {"a-111111111"}));
    gls::repo::insert_stream_group(db, kA, sample_group("sg-222222222", {"a-111111111"}));

    gls::StreamSession x = sample_session("sg-1AB2C3De4", "ABC123def4567", "a-111111111");
    gls::repo::insert_session(db, kA, x);
    auto s = gls::repo::find_session(db, kA, "sg-1AB2C3De4", "ABC123def4567");
    REQUIRE(s.has_value());
    CHECK(s->group_id == x.group_id);
    CHECK(s->id == x.id);
    CHECK(s->app_id == x.app_id);
    CHECK(s->description == x.description);
    CHECK(s->user_id == x.user_id);
    CHECK(s->status == gls::SessionStatus::Active);
    CHECK_FALSE(s->status_reason.has_value());
    CHECK(s->protocol == "WebRTC");
    CHECK(s->location == "us-west-2");
    CHECK(s->signal_request == "offer");
    CHECK(s->signal_response == x.signal_response);
    CHECK(s->connection_timeout_s == 60);
    CHECK(s->session_length_s == 3600);
    CHECK(s->launch_args_json == x.launch_args_json);
    CHECK(s->env_vars_json == x.env_vars_json);
    CHECK(s->perf_stats_json == x.perf_stats_json);
    CHECK(s->display_json == x.display_json);
    CHECK(s->role_arn == x.role_arn);
    CHECK(s->log_uri == x.log_uri);
    CHECK(s->websdk_url == x.websdk_url);
    CHECK(s->export_status == x.export_status);
    CHECK_FALSE(s->export_reason.has_value());
    CHECK(s->export_uri == x.export_uri);
    CHECK(s->url_id == x.url_id);
    CHECK(s->created_ms == 5000);
    CHECK(s->updated_ms == 6000);

    // Sessions live inside their group.
    CHECK_FALSE(gls::repo::find_session(db, kA, "sg-222222222", "ABC123def4567").has_value());
    auto anywhere = gls::repo::find_session_anywhere(db, kA, "ABC123def4567");
    REQUIRE(anywhere.has_value());
    CHECK(anywhere->group_id == "sg-1AB2C3De4");

    // A running session occupies one unit of its location.
    auto g = gls::repo::find_stream_group(db, kA, "sg-1AB2C3De4");
    REQUIRE(g.has_value());
    CHECK(g->locations[0].allocated == 1);
    CHECK(g->locations[1].allocated == 0);
    CHECK(gls::repo::find_stream_group(db, kA, "sg-222222222")->locations[0].allocated == 0);

    // Update: the whole row is written back.
    x.status = gls::SessionStatus::Terminated;
    x.status_reason = "apiTerminated";
    x.signal_response = std::nullopt;
    x.export_status = "SUCCEEDED";
    x.updated_ms = 8000;
    gls::repo::update_session(db, kA, x);
    s = gls::repo::find_session(db, kA, "sg-1AB2C3De4", "ABC123def4567");
    REQUIRE(s.has_value());
    CHECK(s->status == gls::SessionStatus::Terminated);
    CHECK(s->status_reason == std::optional<std::string>("apiTerminated"));
    CHECK_FALSE(s->signal_response.has_value());
    CHECK(s->export_status == std::optional<std::string>("SUCCEEDED"));
    CHECK(s->updated_ms == 8000);
    CHECK(gls::repo::count(db, "stream_sessions") == 1);
    // A terminated session frees its unit.
    CHECK(gls::repo::find_stream_group(db, kA, "sg-1AB2C3De4")->locations[0].allocated == 0);

    // Every running status counts; an ACTIVATING session still waiting for
    // capacity, TERMINATED and ERROR do not.
    int running = 0;
    int n = 0;
    for (gls::SessionStatus st : gls::kAllSessionStatuses) {
      gls::StreamSession y = sample_session("sg-222222222", "SESSION0000" + std::to_string(10 + n++), "a-111111111");
      y.status = st;
      y.placed = st != gls::SessionStatus::Activating;
      gls::repo::insert_session(db, kA, y);
      if (st == gls::SessionStatus::Active || st == gls::SessionStatus::Connected ||
          st == gls::SessionStatus::PendingClientReconnection || st == gls::SessionStatus::Reconnecting ||
          st == gls::SessionStatus::Terminating)
        ++running;
    }
    CHECK(gls::repo::find_stream_group(db, kA, "sg-222222222")->locations[0].allocated == running);
    // A placed ACTIVATING session holds its unit.
    gls::StreamSession placed = sample_session("sg-222222222", "SESSION0000" + std::to_string(10 + n++), "a-111111111");
    placed.status = gls::SessionStatus::Activating;
    placed.placed = true;
    gls::repo::insert_session(db, kA, placed);
    CHECK(gls::repo::find_stream_group(db, kA, "sg-222222222")->locations[0].allocated == running + 1);
  });
}

TEST_CASE("repository: a resource of one account and region is invisible from any other") {
  auto store = open_ok(":memory:");
  store->transaction([](Store& db) {
    gls::repo::insert_application(db, kA, sample_application("a-111111111"));
    gls::repo::insert_stream_group(db, kA, sample_group("sg-1AB2C3De4", {"a-111111111"}));
    gls::repo::insert_session(db, kA, sample_session("sg-1AB2C3De4", "ABC123def4567", "a-111111111"));

    for (const gls::Scope& other : {kOtherAccount, kOtherRegion}) {
      CAPTURE(other.account);
      CAPTURE(other.region);
      CHECK_FALSE(gls::repo::find_application(db, other, "a-111111111").has_value());
      CHECK_FALSE(gls::repo::find_stream_group(db, other, "sg-1AB2C3De4").has_value());
      CHECK_FALSE(gls::repo::stream_group_exists(db, other, "sg-1AB2C3De4"));
      CHECK_FALSE(gls::repo::find_session(db, other, "sg-1AB2C3De4", "ABC123def4567").has_value());
      CHECK_FALSE(gls::repo::find_session_anywhere(db, other, "ABC123def4567").has_value());
      CHECK(gls::repo::groups_of_application(db, other, "a-111111111").empty());
    }

    // The same IDs can exist in another scope, each with its own data.
    gls::Application b = sample_application("a-111111111");
    b.description = "other account's";
    gls::repo::insert_application(db, kOtherAccount, b);
    gls::StreamGroup g = sample_group("sg-1AB2C3De4", {"a-111111111"});
    g.description = "other account's group";
    g.locations.resize(1);
    gls::repo::insert_stream_group(db, kOtherAccount, g);
    gls::StreamSession x = sample_session("sg-1AB2C3De4", "ABC123def4567", "a-111111111");
    x.status = gls::SessionStatus::Terminated;
    gls::repo::insert_session(db, kOtherAccount, x);

    CHECK(gls::repo::find_application(db, kA, "a-111111111")->description == "Game a-111111111");
    CHECK(gls::repo::find_application(db, kOtherAccount, "a-111111111")->description == "other account's");
    CHECK(gls::repo::find_stream_group(db, kA, "sg-1AB2C3De4")->locations.size() == 2);
    CHECK(gls::repo::find_stream_group(db, kOtherAccount, "sg-1AB2C3De4")->locations.size() == 1);
    // Capacity is per scope too: the running session in kA counts only there.
    CHECK(gls::repo::find_stream_group(db, kA, "sg-1AB2C3De4")->locations[0].allocated == 1);
    CHECK(gls::repo::find_stream_group(db, kOtherAccount, "sg-1AB2C3De4")->locations[0].allocated == 0);
    CHECK(gls::repo::find_session(db, kA, "sg-1AB2C3De4", "ABC123def4567")->status == gls::SessionStatus::Active);
    CHECK(gls::repo::find_session(db, kOtherAccount, "sg-1AB2C3De4", "ABC123def4567")->status ==
          gls::SessionStatus::Terminated);
    CHECK_FALSE(gls::repo::find_application(db, kOtherRegion, "a-111111111").has_value());

    // Updating one scope's copy leaves the other alone.
    b.description = "updated";
    gls::repo::update_application(db, kOtherAccount, b);
    CHECK(gls::repo::find_application(db, kA, "a-111111111")->description == "Game a-111111111");
  });
}

TEST_CASE("repository: history, wipe and count") {
  auto store = open_ok(":memory:");
  store->transaction([](Store& db) {
    gls::repo::insert_application(db, kA, sample_application("a-111111111"));
    gls::repo::insert_stream_group(db, kA, sample_group("sg-1AB2C3De4", {"a-111111111"}));
    gls::repo::insert_session(db, kA, sample_session("sg-1AB2C3De4", "ABC123def4567", "a-111111111"));
    gls::repo::record_transition(db, kA, "streamsession", "sg-1AB2C3De4/ABC123def4567", std::nullopt, "ACTIVATING",
                                 std::nullopt, "api", 100);
    gls::repo::record_transition(db, kA, "streamsession", "sg-1AB2C3De4/ABC123def4567", "ACTIVATING", "ERROR",
                                 "placementTimeout", "timer", 200);
    CHECK(gls::repo::count(db, "history") == 2);
    gls::Stmt q = db.prepare("SELECT from_status, to_status, reason, cause, time_ms FROM history ORDER BY seq");
    REQUIRE(q.step());
    CHECK(q.is_null(0));
    CHECK(q.text(1) == "ACTIVATING");
    CHECK(q.is_null(2));
    CHECK(q.text(3) == "api");
    REQUIRE(q.step());
    CHECK(q.text(0) == "ACTIVATING");
    CHECK(q.text(2) == "placementTimeout");
    CHECK(q.int64(4) == 200);
    CHECK_FALSE(q.step());
  });
  store->set_setting("clock.high_water_ms", "5");
  store->transaction([](Store& db) {
    gls::repo::wipe(db);
    for (const char* table : {"applications", "stream_groups", "group_locations", "associations", "stream_sessions",
                              "history"})
      CHECK(gls::repo::count(db, table) == 0);
  });
  // Settings are not resources: wipe keeps them.
  CHECK(store->setting("clock.high_water_ms") == std::optional<std::string>("5"));
}
