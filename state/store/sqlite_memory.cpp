#include "state/store/sqlite_memory.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace gls::sqlite_memory {

namespace {
// Size classes: 16-byte steps up to 128, then four steps to each power of
// two up to kLargestCached (160, 192, 224, 256, 320, ...), so that a block
// of more than 128 bytes is at most a quarter larger than asked.
constexpr int kSmallClasses = 8;
constexpr int kClasses = kSmallClasses + 4 * (std::bit_width(kLargestCached) - 1 - 7);
constexpr int kUncached = kClasses;

constexpr size_t class_bytes(int c) {
  if (c < kSmallClasses) return static_cast<size_t>(c + 1) * 16;
  const int above = c - kSmallClasses;
  const size_t base = size_t{128} << (above / 4);
  return base + static_cast<size_t>(above % 4 + 1) * (base / 4);
}
static_assert(class_bytes(kClasses - 1) == kLargestCached);

constexpr int class_by_arithmetic(size_t n) {
  if (n <= 128) return n == 0 ? 0 : static_cast<int>((n + 15) / 16) - 1;
  const int width = std::bit_width(n - 1);  // 2^(width-1) < n <= 2^width
  const size_t base = size_t{1} << (width - 1);
  const size_t step = base / 4;
  return kSmallClasses + (width - 8) * 4 + static_cast<int>((n - base + step - 1) / step) - 1;
}

// Every class is a multiple of 16 bytes: the class of n, by n rounded up to 16.
constexpr auto kClassBy16 = [] {
  std::array<uint8_t, kLargestCached / 16 + 1> table{};
  for (size_t i = 0; i < table.size(); ++i) table[i] = static_cast<uint8_t>(class_by_arithmetic(i * 16));
  return table;
}();
static_assert(kClassBy16[1] == 0 && kClassBy16[9] == kSmallClasses && kClassBy16.back() == kClasses - 1);

int class_of(size_t n) { return n > kLargestCached ? kUncached : kClassBy16[(n + 15) / 16]; }

// What a request of n bytes of class c gets: its class's size, or n rounded up to 8.
size_t block_bytes(int c, size_t n) { return c == kUncached ? (n + 7) & ~size_t{7} : class_bytes(c); }

// Before each block: its class and what it holds, 16 bytes so that the
// block keeps malloc's alignment.
struct Header {
  uint64_t bytes;
  uint64_t size_class;
};
static_assert(sizeof(Header) == 16);

Header* header_of(void* block) { return static_cast<Header*>(block) - 1; }

struct FreeBlock {
  FreeBlock* next;
};

// Trivially destructible, so that it can still be read after the thread's
// Drain has run (a block freed by another thread-local's destructor).
struct ThreadCache {
  FreeBlock* head[kClasses];
  size_t bytes;
  Header* spare;  // the largest block above the classes kept for reuse, or null
  bool drain_registered;
  bool closed;
};
thread_local ThreadCache cache;

// Gives back what the thread keeps when it ends.
struct Drain {
  ~Drain() {
    trim();
    cache.closed = true;
  }
};
thread_local Drain drain;

void register_drain() {
  if (!cache.drain_registered) {
    cache.drain_registered = true;
    (void)&drain;  // constructs it, so that it runs when the thread ends
  }
}

// A block above the classes: kept as the spare, the larger of it and the
// spare kept before, or given back. Apart, to keep release() short.
[[gnu::noinline]] void release_large(Header* h) {
  if (cache.closed || h->bytes > kLargestSpare) {
    std::free(h);
    return;
  }
  register_drain();
  Header* other = cache.spare;
  if (other && other->bytes > h->bytes) std::swap(other, h);
  std::free(other);
  cache.spare = h;
}

void* from_malloc(size_t bytes, uint64_t size_class) {
  auto* h = static_cast<Header*>(std::malloc(sizeof(Header) + bytes));
  if (!h) return nullptr;
  h->bytes = bytes;
  h->size_class = size_class;
  return h + 1;
}
}  // namespace

void* allocate(int bytes) {
  if (bytes < 0) return nullptr;
  const int c = class_of(static_cast<size_t>(bytes));
  if (c == kUncached) {
    const size_t wanted = block_bytes(c, static_cast<size_t>(bytes));
    if (Header* spare = cache.spare; spare && spare->bytes >= wanted && spare->bytes / 2 <= wanted) {
      cache.spare = nullptr;
      return spare + 1;
    }
    return from_malloc(wanted, kUncached);
  }
  if (FreeBlock* b = cache.head[c]) {
    cache.head[c] = b->next;
    cache.bytes -= class_bytes(c);
    return b;
  }
  return from_malloc(class_bytes(c), static_cast<uint64_t>(c));
}

void release(void* block) {
  if (!block) return;
  Header* h = header_of(block);
  const auto c = static_cast<int>(h->size_class);
  if (c == kUncached) return release_large(h);
  if (cache.closed || cache.bytes + h->bytes > kMaxCachedBytes) {
    std::free(h);
    return;
  }
  register_drain();
  auto* b = static_cast<FreeBlock*>(block);
  b->next = cache.head[c];
  cache.head[c] = b;
  cache.bytes += h->bytes;
}

void* resize(void* block, int bytes) {
  if (!block) return allocate(bytes);
  if (bytes < 0) return nullptr;
  const Header* h = header_of(block);
  const uint64_t held = h->bytes;
  // Kept in place within its class, or shrunk within malloc's own block.
  const auto c = static_cast<uint64_t>(class_of(static_cast<size_t>(bytes)));
  if (c == h->size_class && static_cast<uint64_t>(bytes) <= held) return block;
  void* moved = allocate(bytes);
  if (!moved) return nullptr;
  std::memcpy(moved, block, std::min<uint64_t>(held, static_cast<uint64_t>(bytes)));
  release(block);
  return moved;
}

int usable_size(void* block) { return block ? static_cast<int>(header_of(block)->bytes) : 0; }

size_t cached_bytes() { return cache.bytes; }

size_t spare_bytes() { return cache.spare ? cache.spare->bytes : 0; }

void trim() {
  for (int c = 0; c < kClasses; ++c) {
    while (FreeBlock* b = cache.head[c]) {
      cache.head[c] = b->next;
      std::free(header_of(b));
    }
  }
  cache.bytes = 0;
  std::free(cache.spare);
  cache.spare = nullptr;
}

namespace {
int roundup(int bytes) {
  const auto n = static_cast<size_t>(bytes);
  return static_cast<int>(block_bytes(class_of(n), n));
}
int init(void*) { return SQLITE_OK; }
void shutdown(void*) {}

bool in_use = false;
}  // namespace

void install() {
  if constexpr (!kReplacesSqliteMemory) return;
  static sqlite3_mem_methods methods{allocate, release, resize, usable_size, roundup, init, shutdown, nullptr};
  in_use = sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK;
}

bool installed() { return in_use; }

}  // namespace gls::sqlite_memory
