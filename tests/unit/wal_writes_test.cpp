// The writer's WAL written in few system calls (WalWritesGathered): every
// commit is in the file as soon as it is made, for another connection and
// for what a crash would leave, in far fewer writes than SQLite asks for;
// and a write that fails fails its commit and every later one.
#include <doctest/doctest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "state/store/wal_writes_vfs.hpp"
#include "tests/unit/temp_dir.hpp"

namespace fs = std::filesystem;
using gls::WalWritesGathered;
using gls::test::TempDir;

namespace {

sqlite3* open_db(const fs::path& path, const char* vfs, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, flags, vfs) == SQLITE_OK);
  return db;
}

int run(sqlite3* db, const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }

int64_t integer(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(q) == SQLITE_ROW);
  const int64_t v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

// A writer as the store's: WAL, commits not synced, no automatic checkpoint
// (so that every commit stays in the WAL for the copies below to recover).
sqlite3* open_writer(const fs::path& path, const WalWritesGathered& vfs) {
  sqlite3* db = open_db(path, vfs.name());
  REQUIRE(run(db,
              "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; "
              "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)") == SQLITE_OK);
  return db;
}

// Inserts `n` rows of 500 bytes after the last, in one transaction.
int insert_rows(sqlite3* db, int n) {
  return run(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(n) +
                     ") INSERT INTO t (v) SELECT printf('%.500c', 'a') FROM n");
}

// What a crash would leave: the database and its WAL as they are on disk
// now (not the WAL index, which lives in shared memory), opened afresh.
sqlite3* open_copy(const fs::path& db_path, const fs::path& copy_dir) {
  fs::create_directories(copy_dir);
  fs::copy_file(db_path, copy_dir / "copy.db", fs::copy_options::overwrite_existing);
  fs::copy_file(db_path.string() + "-wal", copy_dir / "copy.db-wal", fs::copy_options::overwrite_existing);
  return open_db(copy_dir / "copy.db", nullptr);
}

// A database in a directory of its own, its writer opened through a WalWritesGathered.
struct Writer {
  TempDir dir;
  fs::path path = dir.path / "w.db";
  WalWritesGathered vfs{nullptr};
  sqlite3* db = open_writer(path, vfs);
};

// Writes past `bytes` into any file fail (EFBIG) until this goes.
struct FileSizeLimit {
  rlimit before{};
  explicit FileSizeLimit(rlim_t bytes) {
    ::signal(SIGXFSZ, SIG_IGN);
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &before) == 0);
    rlimit limit = before;
    limit.rlim_cur = bytes;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &limit) == 0);
  }
  ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &before); }
};

}  // namespace

TEST_CASE("WAL writes: each commit is readable at once, in a tenth of the writes or fewer") {
  Writer w;
  auto& [dir, path, vfs, writer] = w;
  sqlite3* reader = open_db(path, nullptr, SQLITE_OPEN_READONLY);
  const uint64_t writes_before = vfs.wal_writes(), base_before = vfs.base_writes();
  for (int i = 1; i <= 20; ++i) {
    REQUIRE(insert_rows(writer, 60) == SQLITE_OK);
    CHECK(integer(reader, "SELECT COUNT(*) FROM t") == 60 * i);
    CHECK(integer(reader, "SELECT SUM(length(v)) FROM t") == 500 * 60 * i);
  }
  const uint64_t asked = vfs.wal_writes() - writes_before, made = vfs.base_writes() - base_before;
  MESSAGE("WAL writes asked: " << asked << ", made: " << made);
  CHECK(asked >= 20 * 2 * 8);  // at least 8 frames (two writes each) a commit of 30 KiB
  CHECK(made * 10 <= asked);
  CHECK_FALSE(vfs.failed());
  sqlite3_close(reader);
  CHECK(sqlite3_close(writer) == SQLITE_OK);
}

TEST_CASE("WAL writes: the files as a crash would leave them hold every commit made, large ones included") {
  Writer w;
  auto& [dir, path, vfs, writer] = w;
  int64_t rows = 0;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(insert_rows(writer, 40) == SQLITE_OK);
    rows += 40;
    sqlite3* copy = open_copy(path, dir.path / ("copy" + std::to_string(i)));
    CHECK(integer(copy, "SELECT COUNT(*) FROM t") == rows);
    sqlite3_close(copy);
  }
  // A transaction larger than the writer's cache: its pages go to the WAL
  // before it commits, and those it changes again are rewritten in place,
  // after which SQLite rewrites the frames' checksums, the commit frame's
  // header last (written before the WAL index's barrier, not after a page).
  REQUIRE(run(writer, "PRAGMA cache_size=10") == SQLITE_OK);
  REQUIRE(run(writer, "BEGIN") == SQLITE_OK);
  REQUIRE(insert_rows(writer, 2000) == SQLITE_OK);
  REQUIRE(run(writer, "UPDATE t SET v = printf('%.500c', 'b')") == SQLITE_OK);
  REQUIRE(run(writer, "UPDATE t SET v = printf('%.500c', 'c') WHERE k % 3 = 0") == SQLITE_OK);
  REQUIRE(run(writer, "COMMIT") == SQLITE_OK);
  rows += 2000;
  sqlite3* copy = open_copy(path, dir.path / "large");
  CHECK(integer(copy, "SELECT COUNT(*) FROM t") == rows);
  CHECK(integer(copy, "SELECT COUNT(*) FROM t WHERE v = printf('%.500c', 'c')") == rows / 3);
  CHECK(integer(copy, "SELECT COUNT(*) FROM t WHERE v = printf('%.500c', 'b')") == rows - rows / 3);
  sqlite3_close(copy);
  CHECK_FALSE(vfs.failed());
  CHECK(sqlite3_close(writer) == SQLITE_OK);
}

TEST_CASE("WAL writes: a write that fails fails its commit, and every later write and sync") {
  Writer w;
  auto& [dir, path, vfs, writer] = w;
  REQUIRE(insert_rows(writer, 100) == SQLITE_OK);
  const auto wal_size = static_cast<rlim_t>(fs::file_size(path.string() + "-wal"));
  // Room for a few more frames, not for the commit's: a commit held whole
  // until its last frame, or one written in parts as the buffer fills.
  int rows = 0;
  SUBCASE("a commit smaller than a write") { rows = 60; }
  SUBCASE("a commit of many writes") { rows = 2000; }
  {
    FileSizeLimit limit(wal_size + 16 * 1024);
    CHECK(insert_rows(writer, rows) != SQLITE_OK);
  }
  CHECK(vfs.failed());
  // Where the disk has room again, nothing more is written.
  CHECK(insert_rows(writer, 1) != SQLITE_OK);
  sqlite3* reader = open_db(path, nullptr, SQLITE_OPEN_READONLY);
  CHECK(integer(reader, "SELECT COUNT(*) FROM t") == 100);
  sqlite3_close(reader);
  sqlite3_close(writer);
  sqlite3* copy = open_copy(path, dir.path / "copy");
  CHECK(integer(copy, "SELECT COUNT(*) FROM t") == 100);
  sqlite3_close(copy);
}
