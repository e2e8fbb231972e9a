#include "state/store/page_cache.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <new>
#include <utility>
#include <vector>

namespace gls::page_cache {

namespace {
sqlite3_pcache_methods2 inner{};  // the default cache, filled in by install()
bool in_use = false;
std::atomic<uint64_t> passed{0};
std::atomic<uint64_t> skipped{0};
std::atomic<uint64_t> renumbered_past_bound{0};

// One connection's cache: SQLite calls it under that connection's lock only.
struct Cache {
  sqlite3_pcache* inner = nullptr;
  // No held page has a number above `largest`, but those in `renumbered`.
  unsigned largest = 0;
  std::vector<std::pair<sqlite3_pcache_page*, unsigned>> renumbered;

  void forget(sqlite3_pcache_page* page) {
    std::erase_if(renumbered, [page](const auto& held) { return held.first == page; });
  }
};

Cache* of(sqlite3_pcache* cache) { return reinterpret_cast<Cache*>(cache); }

sqlite3_pcache* create(int page_bytes, int extra_bytes, int purgeable) {
  auto* cache = new (std::nothrow) Cache;
  if (!cache) return nullptr;
  cache->inner = inner.xCreate(page_bytes, extra_bytes, purgeable);
  if (!cache->inner) {
    delete cache;
    return nullptr;
  }
  return reinterpret_cast<sqlite3_pcache*>(cache);
}

void cache_size(sqlite3_pcache* cache, int pages) { inner.xCachesize(of(cache)->inner, pages); }

int page_count(sqlite3_pcache* cache) { return inner.xPagecount(of(cache)->inner); }

sqlite3_pcache_page* fetch(sqlite3_pcache* cache, unsigned key, int create) {
  Cache* c = of(cache);
  // Raised before the call, so that the call is this function's last step
  // (a tail call: it runs for every page SQLite reads). A page not created
  // leaves the bound high, which only passes one truncation on; a page found
  // above it is one that `renumbered` follows.
  if (create && key > c->largest) c->largest = key;
  return inner.xFetch(c->inner, key, create);
}

void unpin(sqlite3_pcache* cache, sqlite3_pcache_page* page, int discard) {
  Cache* c = of(cache);
  if (discard && !c->renumbered.empty()) c->forget(page);
  inner.xUnpin(c->inner, page, discard);
}

void rekey(sqlite3_pcache* cache, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
  Cache* c = of(cache);
  if (!c->renumbered.empty()) c->forget(page);
  if (new_key > c->largest) {
    c->renumbered.emplace_back(page, new_key);
    renumbered_past_bound.fetch_add(1, std::memory_order_relaxed);
  }
  inner.xRekey(c->inner, page, old_key, new_key);
}

void truncate(sqlite3_pcache* cache, unsigned limit) {
  Cache* c = of(cache);
  const bool held_past = std::any_of(c->renumbered.begin(), c->renumbered.end(),
                                     [limit](const auto& held) { return held.second >= limit; });
  if (c->largest < limit && !held_past) {
    skipped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  passed.fetch_add(1, std::memory_order_relaxed);
  inner.xTruncate(c->inner, limit);
  if (limit > 0 && c->largest >= limit) c->largest = limit - 1;
  std::erase_if(c->renumbered, [limit](const auto& held) { return held.second >= limit; });
}

void destroy(sqlite3_pcache* cache) {
  Cache* c = of(cache);
  inner.xDestroy(c->inner);
  delete c;
}

void shrink(sqlite3_pcache* cache) { inner.xShrink(of(cache)->inner); }

sqlite3_pcache_methods2 wrapped{};
}  // namespace

void install() {
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &inner) != SQLITE_OK || !inner.xCreate) return;
  wrapped = inner;  // iVersion, pArg, xInit and xShutdown as the default's
  wrapped.xCreate = create;
  wrapped.xCachesize = cache_size;
  wrapped.xPagecount = page_count;
  wrapped.xFetch = fetch;
  wrapped.xUnpin = unpin;
  wrapped.xRekey = rekey;
  wrapped.xTruncate = truncate;
  wrapped.xDestroy = destroy;
  wrapped.xShrink = shrink;
  in_use = sqlite3_config(SQLITE_CONFIG_PCACHE2, &wrapped) == SQLITE_OK;
}

const sqlite3_pcache_methods2& methods() { return wrapped; }

bool installed() { return in_use; }

Truncations truncations() {
  return {passed.load(std::memory_order_relaxed), skipped.load(std::memory_order_relaxed),
          renumbered_past_bound.load(std::memory_order_relaxed)};
}

}  // namespace gls::page_cache
