// The memory SQLite allocates: blocks hold what was asked, keep their
// contents when resized, are reused by the thread that freed them, may be
// freed by any thread, and a thread keeps no more than its bound.
#include "state/store/sqlite_memory.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "state/store/store.hpp"

namespace mem = gls::sqlite_memory;

namespace {
void fill(void* block, int bytes, uint8_t seed) {
  auto* p = static_cast<uint8_t*>(block);
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(seed + i);
}

bool holds(const void* block, int bytes, uint8_t seed) {
  const auto* p = static_cast<const uint8_t*>(block);
  for (int i = 0; i < bytes; ++i)
    if (p[i] != static_cast<uint8_t>(seed + i)) return false;
  return true;
}
}  // namespace

TEST_CASE("sqlite memory: every size holds what was asked, apart from every other block") {
  std::vector<std::pair<void*, int>> blocks;
  for (int bytes = 0; bytes <= 9000; bytes += bytes < 300 ? 1 : 37) {
    void* b = mem::allocate(bytes);
    REQUIRE(b != nullptr);
    CHECK(reinterpret_cast<uintptr_t>(b) % 16 == 0);
    CHECK(mem::usable_size(b) >= bytes);
    // At most a quarter more than asked, or 16 bytes for the smallest.
    if (bytes > 64) CHECK(mem::usable_size(b) <= bytes + bytes / 4 + 8);
    fill(b, mem::usable_size(b), static_cast<uint8_t>(bytes));
    blocks.emplace_back(b, bytes);
  }
  for (auto [b, bytes] : blocks) CHECK(holds(b, mem::usable_size(b), static_cast<uint8_t>(bytes)));
  for (auto [b, bytes] : blocks) mem::release(b);
  CHECK(mem::cached_bytes() <= mem::kMaxCachedBytes);
}

TEST_CASE("sqlite memory: a freed block is handed out again for a request of its size") {
  mem::trim();  // far from the bound, whatever earlier tests left
  void* first = mem::allocate(100);
  const size_t before = mem::cached_bytes();
  mem::release(first);
  CHECK(mem::cached_bytes() == before + static_cast<size_t>(mem::usable_size(first)));
  void* again = mem::allocate(99);
  CHECK(again == first);
  CHECK(mem::cached_bytes() == before);
  mem::release(again);
  // Larger than any class: malloc's own, kept in no class.
  const size_t kept = mem::cached_bytes();
  mem::release(mem::allocate(static_cast<int>(mem::kLargestCached) + 1));
  CHECK(mem::cached_bytes() == kept);
}

TEST_CASE("sqlite memory: the largest block freed above the classes is handed out again for half its size or more") {
  mem::trim();
  CHECK(mem::spare_bytes() == 0);
  constexpr int kJournal = 128 * 1024 - 1 + 24;  // a savepoint's sub-journal piece
  void* journal = mem::allocate(kJournal);
  fill(journal, kJournal, 5);
  mem::release(journal);
  CHECK(mem::spare_bytes() >= static_cast<size_t>(kJournal));
  CHECK(mem::cached_bytes() == 0);
  void* again = mem::allocate(kJournal);
  CHECK(again == journal);
  CHECK(mem::spare_bytes() == 0);
  mem::release(again);
  // Too small a request for it: a block of its own, the spare kept.
  void* small = mem::allocate(kJournal / 3);
  CHECK(small != journal);
  CHECK(mem::spare_bytes() >= static_cast<size_t>(kJournal));
  void* half = mem::allocate(kJournal / 2 + 8);
  CHECK(half == journal);
  CHECK(mem::usable_size(half) >= kJournal / 2 + 8);
  mem::release(small);  // the spare now, the smaller block
  CHECK(mem::spare_bytes() < static_cast<size_t>(kJournal));
  mem::release(half);  // the larger one kept
  CHECK(mem::spare_bytes() >= static_cast<size_t>(kJournal));
  mem::release(mem::allocate(kJournal / 4));  // a smaller one freed: not kept
  // Larger than the bound: never kept.
  void* huge = mem::allocate(static_cast<int>(mem::kLargestSpare) + 1);
  mem::release(huge);
  CHECK(mem::spare_bytes() >= static_cast<size_t>(kJournal));
  CHECK(mem::spare_bytes() <= mem::kLargestSpare);
  mem::trim();
  CHECK(mem::spare_bytes() == 0);
}

TEST_CASE("sqlite memory: a resized block keeps its contents") {
  void* b = mem::allocate(40);
  fill(b, 40, 7);
  b = mem::resize(b, 48);  // within its class: the same block
  CHECK(holds(b, 40, 7));
  void* grown = mem::resize(b, 3000);
  REQUIRE(grown != nullptr);
  CHECK(holds(grown, 40, 7));
  fill(grown, 3000, 9);
  void* huge = mem::resize(grown, 100000);
  REQUIRE(huge != nullptr);
  CHECK(holds(huge, 3000, 9));
  void* shrunk = mem::resize(huge, 20);
  CHECK(holds(shrunk, 20, 9));
  CHECK(mem::usable_size(shrunk) < 100);  // a large block does not stay large
  mem::release(shrunk);
  void* fresh = mem::resize(nullptr, 10);  // like allocate
  CHECK(mem::usable_size(fresh) >= 10);
  mem::release(fresh);
}

TEST_CASE("sqlite memory: blocks freed by another thread, and each thread's bound") {
  std::vector<void*> blocks;
  for (int i = 0; i < 4000; ++i) blocks.push_back(mem::allocate(1000));
  size_t kept_there = 0;
  std::thread other([&] {
    for (void* b : blocks) mem::release(b);
    kept_there = mem::cached_bytes();
    // It hands out what it keeps.
    void* b = mem::allocate(1000);
    CHECK(std::find(blocks.begin(), blocks.end(), b) != blocks.end());
    mem::release(b);
  });
  other.join();
  CHECK(kept_there > 0);
  CHECK(kept_there <= mem::kMaxCachedBytes);
}

TEST_CASE("sqlite memory: SQLite's statements allocate through it") {
  auto opened = gls::Store::open(":memory:");
  REQUIRE(opened.ok());
  if (!mem::kReplacesSqliteMemory) return;  // AddressSanitizer watches SQLite's own allocations instead
  REQUIRE(mem::installed());
  auto store = std::move(opened).value();
  store->exec("CREATE TABLE t (a TEXT, b TEXT)");
  store->exec("INSERT INTO t VALUES ('some text', 'more text')");
  mem::trim();
  REQUIRE(mem::cached_bytes() == 0);
  {
    gls::Stmt q = store->prepare("SELECT a, b FROM t");
    REQUIRE(q.step());
    CHECK(q.text(0) == "some text");
  }
  CHECK(mem::cached_bytes() > 0);
}
