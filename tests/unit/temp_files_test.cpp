// SQLite's temporary files of a file database: a sub-journal that outgrows
// memory goes to a file beside the database (never to the system's
// temporary directory), unlinked, and what it holds still puts pages back.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "state/store/store.hpp"
#include "tests/unit/temp_dir.hpp"

namespace fs = std::filesystem;
using gls::Store;
using gls::test::TempDir;

namespace {

constexpr int kRows = 3000;  // of about 1 KiB each: 3 MiB, far past the 128 KiB a sub-journal keeps in memory

std::unique_ptr<Store> open_with_rows(const fs::path& db_path) {
  auto opened = Store::open(db_path.string());
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  store->transaction([](Store& db) {
    db.exec("CREATE TABLE big (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(kRows) +
            ") INSERT INTO big SELECT i, printf('%.1000c', 'a') FROM n");
  });
  return store;
}

// The files this process holds open that were deleted: "<path> (deleted)".
std::vector<std::string> deleted_open_files() {
  std::vector<std::string> found;
  for (const auto& fd : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = fs::read_symlink(fd.path(), ec).string();
    if (!ec && target.ends_with(" (deleted)")) found.push_back(target);
  }
  return found;
}

// What a transaction's own code throws (not a StoreError).
struct HandlerFailed {};

// Whether a temporary file of the database at `db_path` is open now (unlinked).
bool spilled_beside(const fs::path& db_path) {
  const std::string prefix = db_path.string() + "-tmp-";
  const std::vector<std::string> open = deleted_open_files();
  return std::any_of(open.begin(), open.end(), [&](const std::string& f) { return f.starts_with(prefix); });
}

int64_t rows_changed(Store& store) {
  return store.transaction([](Store& db) {
    gls::Stmt q = db.prepare("SELECT COUNT(*) FROM big WHERE v <> printf('%.1000c', 'a')");
    REQUIRE(q.step());
    return q.int64(0);
  });
}

}  // namespace

TEST_CASE("temporary files: a sub-journal past 128 KiB goes to an unlinked file beside the database") {
  TempDir dir;
  const fs::path db_path = dir.path / "state.db";
  auto store = open_with_rows(db_path);
  const std::vector<std::string> before = deleted_open_files();
  std::vector<std::string> during;
  store->transaction([&](Store& db) {
    db.exec("UPDATE big SET v = 'b' || substr(v, 2) WHERE k > 0");  // may abort (NOT NULL): a statement journal
    during = deleted_open_files();
  });
  std::vector<std::string> opened;
  for (const std::string& f : during)
    if (std::find(before.begin(), before.end(), f) == before.end()) opened.push_back(f);
  REQUIRE(opened.size() == 1);
  CHECK(opened.front().starts_with((dir.path / "state.db-tmp-").string()));
  // Nothing of it is left, in the directory or open.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) ==
        static_cast<std::ptrdiff_t>(fs::exists(dir.path / "state.db-wal") + fs::exists(dir.path / "state.db-shm") + 1));
  CHECK(deleted_open_files() == before);
  CHECK(rows_changed(*store) == kRows);
}

TEST_CASE("temporary files: a statement that fails is undone from a sub-journal in a file") {
  TempDir dir;
  const fs::path db_path = dir.path / "state.db";
  auto store = open_with_rows(db_path);
  store->transaction([&](Store& db) {
    // Every row changes, then the last breaks NOT NULL: the statement is undone, the transaction goes on.
    CHECK_THROWS_WITH_AS(db.exec("UPDATE big SET v = CASE WHEN k = " + std::to_string(kRows) +
                                 " THEN NULL ELSE 'b' || substr(v, 2) END WHERE k > 0"),
                         doctest::Contains("NOT NULL constraint failed"), gls::StoreError);
    CHECK(spilled_beside(db_path));
    db.exec("UPDATE big SET v = 'c' || substr(v, 2) WHERE k = 1");
  });
  CHECK(rows_changed(*store) == 1);
}

TEST_CASE("temporary files: a batched transaction that fails is undone from its savepoint's file, the others kept") {
  TempDir dir;
  const fs::path db_path = dir.path / "state.db";
  auto store = open_with_rows(db_path);
  {
    Store::BatchCommits batch;
    store->transaction([](Store& db) { db.exec("UPDATE big SET v = 'c' || substr(v, 2) WHERE k = 1"); });
    CHECK_THROWS_AS(store->transaction([&](Store& db) {
      db.exec("UPDATE big SET v = 'b' || substr(v, 2) WHERE k > 0");
      CHECK(spilled_beside(db_path));
      throw HandlerFailed{};  // after writing
    }),
                    HandlerFailed);
    store->transaction([](Store& db) { db.exec("UPDATE big SET v = 'c' || substr(v, 2) WHERE k = 2"); });
    CHECK(store->flush());
  }
  CHECK(rows_changed(*store) == 2);
}
