// Batched commits on a file database: each transaction of a batch stands or
// falls alone, answers wait for the batch's commit and sync, a failed batch
// acknowledges nothing, and a snapshot read never shows what a batch holds
// before it commits.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "state/core.hpp"
#include "state/store/store.hpp"

namespace fs = std::filesystem;
using gls::Store;

namespace {

// A database file under the temporary directory, removed with its side files.
struct TempDb {
  fs::path path;
  TempDb() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() / ("gls-unit-batch-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter++) + "-" + std::to_string(std::random_device{}()) +
                                        ".db");
  }
  ~TempDb() {
    std::error_code ec;
    for (const char* side : {"", "-wal", "-shm", "-journal"}) fs::remove(path.string() + side, ec);
  }
};

// A store whose batches are committed by flush() (or their size), never
// by their age, however slowly the test runs.
std::unique_ptr<Store> open_store(const TempDb& db) {
  auto r = Store::open(db.path.string());
  REQUIRE(r.ok());
  auto store = std::move(r).value();
  store->bound_batches(Store::kBatchLimit, std::chrono::hours(1));
  return store;
}

void create_table(Store& store, const char* ddl = "CREATE TABLE t (v INTEGER UNIQUE)") {
  store.transaction([&](Store& db) { db.exec(ddl); });
}

std::unique_ptr<Store> open_with_table(const TempDb& db) {
  auto store = open_store(db);
  create_table(*store);
  return store;
}

void insert(Store& db, int64_t v) { db.prepare("INSERT INTO t (v) VALUES (?)").args(v).run(); }

// What a snapshot read on another thread (another connection) sees.
std::vector<int64_t> committed_rows(Store& store) {
  std::vector<int64_t> rows;
  std::thread reader([&] {
    store.read([&](Store& db) {
      gls::Stmt q = db.prepare("SELECT v FROM t ORDER BY v");
      while (q.step()) rows.push_back(q.int64(0));
    });
  });
  reader.join();
  return rows;
}

// What the writer's own connection sees (the open batch included).
std::vector<int64_t> batch_rows(Store& store) {
  return store.transaction([&](Store& db) {
    std::vector<int64_t> rows;
    gls::Stmt q = db.prepare("SELECT v FROM t ORDER BY v");
    while (q.step()) rows.push_back(q.int64(0));
    return rows;
  });
}

}  // namespace

TEST_CASE("batch: a failing transaction undoes its own writes only; all commit together at the flush") {
  TempDb file;
  auto store = open_with_table(file);
  std::vector<std::vector<int64_t>> heard;
  const int handle = store->transitions().subscribe([&](const std::vector<gls::TransitionEvent>& events) {
    std::vector<int64_t> times;
    for (const auto& e : events) times.push_back(e.time_ms);
    heard.push_back(times);
  });
  auto stage = [](Store& db, int64_t time) {
    gls::TransitionEvent e;
    e.kind = "test";
    e.time_ms = time;
    db.transitions().stage(e);
  };
  const uint64_t before = store->commit_sequence();
  {
    Store::BatchCommits batch;
    store->transaction([&](Store& db) {
      insert(db, 1);
      stage(db, 1);
    });
    // Thrown: rolled back alone, transition and all.
    CHECK_THROWS_AS(store->transaction([&](Store& db) {
      insert(db, 2);
      stage(db, 2);
      throw std::runtime_error("no");
    }),
                    std::runtime_error);
    // A constraint that fails part-way: its earlier insert goes too.
    CHECK_THROWS_AS(store->transaction([&](Store& db) {
      insert(db, 3);
      insert(db, 1);
    }),
                    gls::StoreError);
    // An Error result rolls back too.
    gls::Status refused = store->transaction([&](Store& db) -> gls::Status {
      insert(db, 4);
      return gls::validation("refused");
    });
    CHECK_FALSE(refused.ok());
    store->transaction([&](Store& db) {
      insert(db, 5);
      stage(db, 5);
    });
    // Nested transactions join the one they are in.
    store->transaction([&](Store& db) { db.transaction([](Store& inner) { insert(inner, 6); }); });

    CHECK(batch_rows(*store) == std::vector<int64_t>{1, 5, 6});
    // Nothing is committed yet: no sequence moved, no snapshot sees it, no listener heard it.
    CHECK(store->commit_sequence() == before);
    CHECK(store->pending_commit() == before + 1);
    CHECK(committed_rows(*store).empty());
    CHECK(heard.empty());
    CHECK(store->claim_flush());
    CHECK_FALSE(store->claim_flush());  // one flush per batch
    CHECK(store->flush());
  }
  CHECK(store->commit_sequence() == before + 1);
  CHECK(committed_rows(*store) == std::vector<int64_t>{1, 5, 6});
  REQUIRE(heard.size() == 1);
  CHECK(heard[0] == std::vector<int64_t>{1, 5});
  CHECK(store->wait_durable());
  CHECK(store->durable_sequence() == before + 1);
  CHECK(store->pending_commit() == 0);
  CHECK_FALSE(store->claim_flush());  // nothing open
  store->transitions().unsubscribe(handle);
}

TEST_CASE("batch: a transaction on a thread that does not batch commits the open batch with its own") {
  TempDb file;
  auto store = open_with_table(file);
  const uint64_t before = store->commit_sequence();
  {
    Store::BatchCommits batch;
    store->transaction([](Store& db) { insert(db, 1); });
    // A transaction that changed nothing gives nothing more to wait for.
    store->transaction([](Store& db) { db.prepare("SELECT COUNT(*) FROM t").run(); });
    CHECK(store->pending_commit() == before + 1);
  }
  // This thread batches no more: its own transaction, even one that fails, commits the batch.
  CHECK_THROWS(store->transaction([](Store& db) { insert(db, 1); }));
  CHECK(store->commit_sequence() == before + 1);
  CHECK(committed_rows(*store) == std::vector<int64_t>{1});
  // Reads that are not in a batch take snapshots again.
  CHECK(store->wait_durable());
  CHECK(store->pending_commit() == 0);
  // A batch that changed nothing commits nothing to sync.
  {
    Store::BatchCommits batch;
    store->transaction([](Store& db) { db.prepare("SELECT COUNT(*) FROM t").run(); });
    CHECK(store->pending_commit() == 0);
    CHECK(store->flush());
  }
  CHECK(store->commit_sequence() == before + 1);
}

TEST_CASE("batch: flush_soon commits it, at once or once the sync in progress ends") {
  TempDb file;
  auto store = open_with_table(file);
  const uint64_t before = store->commit_sequence();
  Store::BatchCommits batch;
  for (int round = 1; round <= 20; ++round) {
    store->transaction([&](Store& db) { insert(db, round); });
    store->flush_soon();
  }
  // Whatever was left waiting for a sync is committed once it ends.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (committed_rows(*store).size() < 20 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(committed_rows(*store).size() == 20);
  CHECK(store->commit_sequence() > before);
  CHECK(store->commit_sequence() <= before + 20);
  CHECK(store->wait_durable());
  CHECK(store->pending_commit() == 0);
}

TEST_CASE("batch: it is committed before it takes more than its bound") {
  TempDb file;
  auto store = open_with_table(file);
  const uint64_t before = store->commit_sequence();
  Store::BatchCommits batch;
  for (int i = 0; i < Store::kBatchLimit + 1; ++i) store->transaction([&](Store& db) { insert(db, i); });
  // The bound's commit came first; the last transaction opened the next batch.
  CHECK(store->commit_sequence() >= before + 1);
  CHECK(store->pending_commit() == store->commit_sequence() + 1);
  CHECK(store->flush());
  CHECK(committed_rows(*store).size() == static_cast<size_t>(Store::kBatchLimit + 1));
}

TEST_CASE("batch: a failed COMMIT acknowledges nothing, then or later") {
  TempDb file;
  auto store = open_store(file);
  // A deferred foreign key is checked at COMMIT: a batch that breaks one cannot commit.
  create_table(*store,
               "CREATE TABLE t (v INTEGER UNIQUE);"
               "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
               "CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
  REQUIRE(store->wait_durable());
  const uint64_t durable = store->durable_sequence();
  std::atomic<bool> told_failed{false};
  store->on_durable([&](uint64_t, bool failed) {
    if (failed) told_failed = true;
  });
  uint64_t held = 0;
  {
    Store::BatchCommits batch;
    store->transaction([](Store& db) { insert(db, 1); });
    held = store->pending_commit();
    CHECK(held == store->commit_sequence() + 1);
    store->transaction([](Store& db) { db.prepare("INSERT INTO child (p) VALUES (42)").run(); });
    CHECK_FALSE(store->flush());
  }
  CHECK(told_failed.load());
  CHECK(committed_rows(*store).empty());
  CHECK(batch_rows(*store).empty());
  // Later commits are made, but none is acknowledged: the failed batch's sequence never passes.
  store->transaction([](Store& db) { insert(db, 2); });
  CHECK(store->commit_sequence() >= held);
  CHECK_FALSE(store->wait_durable());
  CHECK(store->durable_sequence() == durable);
  CHECK(store->pending_commit() >= held);
  store->on_durable({});
}

TEST_CASE("batch: a snapshot read never shows a fired deadline the batch has not committed") {
  TempDb file;
  gls::EmulatorConfig config;
  config.clock_mode = gls::ClockMode::Manual;
  gls::Core core(open_store(file), config);
  Store& store = core.store();
  create_table(store);
  core.scheduler().on("test", [](Store& db, const gls::Timer& timer) { insert(db, timer.due_ms); });
  const int64_t now = core.clock().now_ms();
  core.transact([&](Store& db, int64_t) { core.scheduler().arm(db, config.default_scope, "test", "r", "e", now); });
  REQUIRE(store.wait_durable());
  const uint64_t committed = store.commit_sequence();
  // Nothing fired yet, but the deadline is due: no version is settled.
  CHECK_FALSE(core.settled_version().has_value());
  {
    Store::BatchCommits batch;
    // A request fires the deadline into the batch, then fails alone: the firing stands.
    gls::Status failed = core.transact([&](Store& db, int64_t) -> gls::Status {
      insert(db, -1);
      return gls::validation("refused");
    });
    CHECK_FALSE(failed.ok());
    CHECK(batch_rows(store) == std::vector<int64_t>{now});
    CHECK(committed_rows(store).empty());
    // Nothing is due any more, but what fired is not committed: no snapshot is current.
    CHECK(core.scheduler().next_due() > now);
    CHECK(store.commit_sequence() == committed);
    CHECK_FALSE(core.settled_version().has_value());
    auto count = [&] {
      return core.read([&](Store& db, int64_t) {
        gls::Stmt q = db.prepare("SELECT COUNT(*) FROM t");
        q.step();
        return q.int64(0);
      });
    };
    // A read on this thread joins the batch and sees what fired.
    CHECK(count() == 1);
    // So does a read on any other thread, through the writer (it commits the batch).
    int64_t other = -1;
    std::thread reader([&] { other = count(); });
    reader.join();
    CHECK(other == 1);
  }
  CHECK(store.commit_sequence() == committed + 1);
  REQUIRE(core.settled_version().has_value());
  CHECK(*core.settled_version() == committed + 1);
  CHECK(committed_rows(store) == std::vector<int64_t>{now});
}

TEST_CASE("batch: under steady writes and reads the WAL starts over, so its file stays near a checkpoint's size") {
  TempDb file;
  auto store = open_store(file);
  create_table(*store, "CREATE TABLE pages (k INTEGER PRIMARY KEY, v BLOB)");
  constexpr int kRows = 512;
  store->transaction([&](Store& db) {
    for (int k = 0; k < kRows; ++k) db.prepare("INSERT INTO pages (k, v) VALUES (?, randomblob(3000))").args(k).run();
  });
  // Reads go on throughout, each on its own snapshot, as GETs do.
  std::atomic<bool> writing{true};
  std::atomic<int64_t> reads{0};
  std::thread reader([&] {
    while (writing.load()) {
      store->read([&](Store& db) {
        gls::Stmt q = db.prepare("SELECT length(v) FROM pages WHERE k = ?");
        q.args(static_cast<int64_t>(reads.load() % kRows));
        if (q.step()) reads.fetch_add(1);
      });
    }
  });
  // About 25 checkpoints' worth of frames (4 KiB pages each), written as an
  // I/O thread writes: transactions joining a batch, committed every few.
  const std::string wal = file.path.string() + "-wal";
  uintmax_t largest = 0;
  std::mt19937 pick(7);
  {
    Store::BatchCommits batch;
    for (int i = 0; i < 25'000; ++i) {
      store->transaction([&](Store& db) {
        for (int n = 0; n < 4; ++n)
          db.prepare("UPDATE pages SET v = randomblob(3000) WHERE k = ?")
              .args(static_cast<int64_t>(pick() % kRows))
              .run();
      });
      if (i % 8 == 7) {
        REQUIRE(store->flush());
        std::error_code ec;
        largest = std::max(largest, fs::file_size(wal, ec));
      }
    }
    REQUIRE(store->flush());
  }
  writing = false;
  reader.join();
  CHECK(reads.load() > 0);
  CHECK(store->wait_durable());
  // A checkpoint starts at about 16 MiB of WAL, and the file grows by what is
  // committed while it copies: 21-36 MiB here, up to 57 MiB with both cores
  // busy. It grew by every commit (383 MiB here) when the WAL was never
  // started over.
  MESSAGE("largest WAL: " << largest / (1024 * 1024) << " MiB");
  CHECK(largest < 128u * 1024 * 1024);
}
