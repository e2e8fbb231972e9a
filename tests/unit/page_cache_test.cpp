// SQLite's page cache, wrapped: a commit after B-tree splits that renumbered
// pages skips the walk of the whole cache, and every truncation that has
// pages to drop still drops them (a rolled-back growth leaves no page behind).
#include "state/store/page_cache.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "state/store/store.hpp"
#include "temp_dir.hpp"

namespace {
// A connection of its own to a file, with SQLite configured as the store does.
struct Db {
  sqlite3* db = nullptr;
  explicit Db(const std::string& path) {
    REQUIRE(gls::Store::open(":memory:").ok());  // configures SQLite once
    REQUIRE(gls::page_cache::installed());
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA cache_size=-65536");
    exec("CREATE TABLE t (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID");
  }
  ~Db() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    INFO(sql << ": " << (error ? error : ""));
    sqlite3_free(error);
    REQUIRE(rc == SQLITE_OK);
  }
  void put(uint64_t key, int value_bytes, int seed) {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO t VALUES (?1, ?2)", -1, &s, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(s, 1, static_cast<int64_t>(key));
    sqlite3_bind_blob(s, 2, std::string(static_cast<size_t>(value_bytes), static_cast<char>('a' + seed % 26)).data(),
                      value_bytes, SQLITE_TRANSIENT);
    CHECK(sqlite3_step(s) == SQLITE_DONE);
    sqlite3_finalize(s);
  }
  void erase(uint64_t key) { exec("DELETE FROM t WHERE k = " + std::to_string(key)); }
  // Every row as key -> (length, first byte), and the B-tree checked.
  std::map<uint64_t, std::pair<int, char>> rows() {
    std::map<uint64_t, std::pair<int, char>> out;
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT k, length(v), substr(v, 1, 1) FROM t", -1, &s, nullptr) == SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
      out[static_cast<uint64_t>(sqlite3_column_int64(s, 0))] = {
          sqlite3_column_int(s, 1), reinterpret_cast<const char*>(sqlite3_column_text(s, 2))[0]};
    sqlite3_finalize(s);
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))) == "ok");
    sqlite3_finalize(s);
    return out;
  }
};
}  // namespace

TEST_CASE("page cache: commits after splits that renumber pages pass no truncation on") {
  gls::test::TempDir dir;
  Db db((dir.path / "t.db").string());
  std::mt19937_64 random(7);
  // A free list in random order, then inserts at random keys that split
  // pages taken from it: the splits renumber their new pages through the
  // lock-byte page's number.
  db.exec("BEGIN");
  for (int i = 0; i < 20000; ++i) db.put(random(), 120, i);
  db.exec("COMMIT");
  db.exec("DELETE FROM t WHERE k % 3 = 0");
  const auto before = gls::page_cache::truncations();
  for (int batch = 0; batch < 200; ++batch) {
    db.exec("BEGIN");
    for (int i = 0; i < 40; ++i) db.put(random(), 120, i);
    db.exec("COMMIT");
  }
  const auto after = gls::page_cache::truncations();
  CHECK(after.renumbered_past_bound > before.renumbered_past_bound);
  CHECK(after.skipped >= before.skipped + 200);
  CHECK(after.passed == before.passed);
  CHECK(db.rows().size() > 20000);
}

TEST_CASE("page cache: after any truncation no page at or past its limit is left, skipped or not") {
  REQUIRE(gls::Store::open(":memory:").ok());  // configures SQLite once
  REQUIRE(gls::page_cache::installed());
  const sqlite3_pcache_methods2& m = gls::page_cache::methods();
  sqlite3_pcache* cache = m.xCreate(512, 64, 1);
  REQUIRE(cache != nullptr);
  m.xCachesize(cache, 100000);  // nothing recycled: every page stays until dropped
  constexpr unsigned kLockPage = 262145;
  std::mt19937 random(3);
  std::map<unsigned, sqlite3_pcache_page*> held;  // what the cache should hold
  const auto before = gls::page_cache::truncations();
  int truncations = 0;
  for (int step = 0; step < 20000; ++step) {
    const unsigned op = random() % 100;
    if (op < 55) {  // a page fetched (created when absent), then unpinned
      const unsigned key = 1 + random() % 400;
      sqlite3_pcache_page* page = m.xFetch(cache, key, 2);
      REQUIRE(page != nullptr);
      if (held.contains(key)) CHECK(held[key] == page);
      held[key] = page;
      m.xUnpin(cache, page, 0);
    } else if (op < 80 && !held.empty()) {  // renumbered, as a split swaps pages through the lock page
      auto it = std::next(held.begin(), static_cast<long>(random() % held.size()));
      unsigned to = random() % 4 == 0 ? kLockPage : 1 + random() % 600;
      if (held.contains(to)) continue;
      m.xRekey(cache, it->second, it->first, to);
      held[to] = it->second;
      held.erase(it);
    } else if (op < 90 && !held.empty()) {  // dropped
      auto it = std::next(held.begin(), static_cast<long>(random() % held.size()));
      sqlite3_pcache_page* page = m.xFetch(cache, it->first, 0);
      REQUIRE(page == it->second);
      m.xUnpin(cache, page, 1);
      held.erase(it);
    } else {  // truncated at a limit, mostly past every page but the lock page's
      const unsigned limit = random() % 2 == 0 ? 600 + random() % 100 : 1 + random() % 700;
      m.xTruncate(cache, limit);
      ++truncations;
      held.erase(held.lower_bound(limit), held.end());
      for (unsigned key = limit; key < 800; ++key) CHECK(m.xFetch(cache, key, 0) == nullptr);
      CHECK(m.xFetch(cache, kLockPage, 0) == (held.contains(kLockPage) ? held[kLockPage] : nullptr));
      if (held.contains(kLockPage)) m.xUnpin(cache, held[kLockPage], 0);
    }
    CHECK(m.xPagecount(cache) == static_cast<int>(held.size()));
  }
  const auto after = gls::page_cache::truncations();
  CHECK(after.skipped > before.skipped);
  CHECK(after.passed > before.passed);
  CHECK(after.passed + after.skipped == before.passed + before.skipped + static_cast<uint64_t>(truncations));
  m.xDestroy(cache);
}
