// The memory SQLite allocates, kept for reuse by the thread that frees it.
//
// Debian builds SQLite without its lookaside allocator (SQLITE_OMIT_LOOKASIDE),
// so every value a statement copies into a register (each text column it
// reads, each record it builds) is one malloc, freed again when the
// statement is reset: about fifty of each per transition of a clock advance.
// Freed in bursts of one size, they overflow glibc's per-thread cache (seven
// blocks a size) and take its slow path. These blocks are kept instead in a
// cache per thread, by size class, up to a bound, and handed out again.
//
// Guarantees:
// - Any thread may free or resize a block any thread allocated.
// - A thread keeps at most kMaxCachedBytes of free blocks in its classes;
//   the rest, and everything it keeps when it ends, goes back to malloc.
// - Blocks larger than the largest class are malloc's own, with a header;
//   but a thread keeps one of them as a spare, the largest it has freed of
//   at most kLargestSpare, and hands it out for a request of at least half
//   its size. A savepoint's
//   sub-journal (128 KiB) is taken and given back once a transaction, and
//   glibc gives back a block that large through its slow, consolidating path.
#pragma once

#include <cstddef>

namespace gls::sqlite_memory {

// The largest block of a class, what one thread may keep in its classes,
// and the largest spare.
inline constexpr size_t kLargestCached = 4096;
inline constexpr size_t kMaxCachedBytes = 64 * 1024;
inline constexpr size_t kLargestSpare = 256 * 1024;

// SQLite's allocation interface (sqlite3_mem_methods), usable directly.
void* allocate(int bytes);
void release(void* block);
void* resize(void* block, int bytes);
// What `block` can hold: at least what was asked of allocate or resize.
int usable_size(void* block);

// The bytes of free blocks this thread keeps in its classes, and of its
// larger spare block (0 without one).
size_t cached_bytes();
size_t spare_bytes();
// Gives back to malloc every block this thread keeps.
void trim();

// Under AddressSanitizer SQLite keeps its own allocator, so that every
// block it frees is seen freed.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kReplacesSqliteMemory = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kReplacesSqliteMemory = false;
#else
inline constexpr bool kReplacesSqliteMemory = true;
#endif
#else
inline constexpr bool kReplacesSqliteMemory = true;
#endif

// Makes SQLite allocate through the functions above, if kReplacesSqliteMemory;
// call before SQLite is first used. installed() tells whether it does.
void install();
bool installed();

}  // namespace gls::sqlite_memory
