// Group commit for a WAL database: commits are written to the WAL without
// waiting for the disk (synchronous=NORMAL), and one thread makes them
// durable in groups, with one fdatasync of the WAL for every commit made
// since the last one.
//
// Guarantees:
// - Every commit is numbered (committed(seq), in increasing order, after its
//   frames were written to the WAL); durable() never passes a sequence whose
//   frames have not been synced to the disk. Frames a checkpoint moved into
//   the database file were synced by that checkpoint (SQLite syncs the WAL
//   before and the database after each checkpoint when synchronous=NORMAL).
// - The listener hears every durable sequence reached, in increasing order,
//   on the syncer's thread; wait(seq) blocks until seq is durable.
// - The destructor syncs what was committed before it returns.
// A checkpoint may run on the syncer's thread between two syncs: commits
// made meanwhile wait for it, and are synced together after it.
//
// A failed sync (the WAL cannot be opened, or fdatasync fails), or a
// commit that failed after answers were told to wait for it (fail()), is final.
// Retrying proves nothing: after a failed fdatasync Linux may have dropped
// the dirty pages it could not write and report the next sync a success,
// so no commit made before or after the failure can be known durable.
// From then on durable() stays where it was, wait() returns false for any
// sequence past it, the listener is told once with `failed` set, and the
// syncer neither syncs nor calls `after_sync` again. Commits still reach
// the WAL (SQLite recovers them from it on the next open if they did reach
// the disk), but none is acknowledged as durable.
#pragma once

#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace gls {

// Told the durable sequence; `failed` once a sync has failed, after which
// that sequence is final.
using DurabilityListener = std::function<void(uint64_t durable, bool failed)>;

class WalSyncer {
 public:
  // Makes the open WAL's written frames durable: 0, or -1 with errno set.
  using SyncCall = std::function<int(int fd)>;

  // `after_sync` runs on the syncer's thread after each sync has been told
  // to the listener (the store checkpoints there). `sync` is ::fdatasync
  // but for tests of its failure. `after_attempt` runs there after every
  // sync, failed ones too, before `after_sync` (the store commits a batch
  // that waited for the sync to end).
  explicit WalSyncer(std::string wal_path, std::function<void()> after_sync = {}, SyncCall sync = ::fdatasync,
                     std::function<void()> after_attempt = {});
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Commit `seq` has been written to the WAL.
  void committed(uint64_t seq);
  // A commit that answers were told to wait for never reached the WAL (its
  // COMMIT failed): final, as a failed sync is (see above).
  void fail();
  uint64_t durable() const;
  // A sync is in progress or due (and none has failed).
  bool busy() const;
  // Blocks until every commit up to `seq` is durable (true), or a sync has
  // failed before it became so (false).
  bool wait(uint64_t seq);
  // Whether a sync has failed (see above).
  bool failed() const;
  // Told each durable sequence reached from now on, and once now with the
  // current one. An empty function removes the listener.
  void on_durable(DurabilityListener listener);
  // fdatasync calls made so far (failed ones included).
  uint64_t syncs() const;

 private:
  void run();
  bool sync_wal();

  const std::string wal_path_;
  const std::function<void()> after_sync_;
  const std::function<void()> after_attempt_;
  const SyncCall sync_;
  int fd_ = -1;
  mutable std::mutex mu_;
  std::condition_variable work_;     // a commit to sync, or stop
  std::condition_variable reached_;  // durable_ moved, or a sync failed
  uint64_t committed_ = 0;
  uint64_t durable_ = 0;
  uint64_t syncs_ = 0;
  bool failed_ = false;
  bool stopping_ = false;
  DurabilityListener listener_;
  std::thread thread_;
};

}  // namespace gls
