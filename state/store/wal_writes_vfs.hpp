// The writer's WAL, written in few system calls.
//
// SQLite writes a WAL frame in two writes, its 24-byte header and then its
// page: a batched commit of 35 pages is 70 pwrite calls, each paying for a
// system call and for the file system's own work per call. Through this
// VFS, the writes to a WAL file that follow one another wait in a buffer
// and reach the base VFS as one write: when the buffer is full (just under
// 128 KiB, the most the unix VFS writes in one call), when the commit's
// last frame is in it, and before anything else reaches the file.
//
// Guarantees, which SQLite's WAL and the WAL syncer rely on:
// - Writes reach the base VFS in the order they were made, all of them
//   before the file is read, sized, synced, truncated, controlled or closed.
// - A commit's frames are all in the file (written, not yet synced) when
//   the write of its commit frame's page returns; if writing them fails,
//   that write fails, and the commit with it. The WAL index announces a
//   commit to readers only after that, and the WAL syncer syncs a commit
//   only after COMMIT has returned.
// - Whatever is still held then (a commit frame's header that SQLite
//   rewrites after its page, when a transaction rewrote frames of its own)
//   is written at the WAL index's barrier, which SQLite passes just before
//   it announces a commit.
// - A failed write is final, wherever it happened (at the barrier, SQLite
//   cannot be told): failed() says so, every later write or sync of the
//   WAL fails, and the store's syncer, which asks failed() before each
//   sync, takes no later commit for durable.
// Every other file (the database's own writes, temporary files) passes
// through unchanged. Connections opened through name() must be used by one
// thread at a time each, as the store's writer is.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "state/store/vfs_over.hpp"

namespace gls {

class WalWritesGathered {
 public:
  // The most one write to the base VFS holds: the unix VFS writes less
  // than 128 KiB in a call (more fails as if the disk were full).
  static constexpr int kMostPerWrite = 128 * 1024 - 1;

  // Registers a VFS, under a name of its own, over the VFS named `base`.
  // It is unregistered with this: every connection opened through name()
  // must be closed by then.
  explicit WalWritesGathered(const char* base);

  // The name to open connections with (sqlite3_open_v2's zVfs).
  const char* name() const { return vfs_.name(); }
  // A write of buffered frames failed where SQLite could not be told (see above).
  bool failed() const { return failed_.load(); }
  // Writes SQLite made to WAL files, and the writes that reached the base VFS for them.
  uint64_t wal_writes() const { return wal_writes_.load(std::memory_order_relaxed); }
  uint64_t base_writes() const { return base_writes_.load(std::memory_order_relaxed); }

  struct File;  // an open file: the base VFS's, wrapped

 private:
  friend struct File;
  static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags);
  // Writes what every open WAL file holds (at the WAL index's barrier).
  void write_all_held();

  sqlite3_vfs* base_;
  std::atomic<bool> failed_{false};
  std::atomic<uint64_t> wal_writes_{0};
  std::atomic<uint64_t> base_writes_{0};
  std::mutex wal_files_mu_;
  std::vector<File*> wal_files_;  // open WAL files
  VfsOver vfs_;                   // last: registered once the rest is ready
};

}  // namespace gls
