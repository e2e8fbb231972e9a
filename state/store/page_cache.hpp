// SQLite's own page cache, told exactly which pages lie past a truncation.
//
// At the end of every transaction SQLite drops the cached pages past the end
// of the database (xTruncate). Its page cache remembers only the largest page
// number it has held since the last truncation, and when that is more than a
// hash table's width past the limit it walks the whole table: every cached
// page's header, a cache miss each, for a 64 MiB cache 16k of them. A B-tree
// split that puts its new pages in order swaps their numbers through the
// lock-byte page's number (page 262,145 with 4 KiB pages), so any commit whose
// splits reordered pages paid that walk, although no page was left there.
//
// This wraps the default cache and keeps the largest page number it holds
// exactly enough to skip a truncation that has nothing to drop.
//
// Guarantees:
// - Every call reaches the default cache unchanged, except a truncation when
//   no page it holds can have a number at or past the limit.
// - The bound it keeps is never below a held page's number: the default
//   cache's rule (the largest number created, lowered by a truncation), but
//   a page renumbered past it is followed by the page itself until it is
//   renumbered again, dropped or truncated away.
#pragma once

#include <cstdint>

struct sqlite3_pcache_methods2;

namespace gls::page_cache {

// Makes SQLite's page caches the wrapped default; call before SQLite is
// first used. installed() tells whether it does.
void install();
bool installed();

// What this process's caches did, for tests: truncations passed on and
// skipped, and pages renumbered past the bound (then followed one by one).
struct Truncations {
  uint64_t passed = 0;
  uint64_t skipped = 0;
  uint64_t renumbered_past_bound = 0;
};
Truncations truncations();

// The wrapped cache's methods, as installed (for tests that drive a cache).
const sqlite3_pcache_methods2& methods();

}  // namespace gls::page_cache
