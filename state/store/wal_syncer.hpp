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
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace gls {

class WalSyncer {
 public:
  // `after_sync` runs on the syncer's thread after each sync has been told
  // to the listener (the store checkpoints there).
  explicit WalSyncer(std::string wal_path, std::function<void()> after_sync = {});
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Commit `seq` has been written to the WAL.
  void committed(uint64_t seq);
  uint64_t durable() const;
  // Blocks until every commit up to `seq` is durable.
  void wait(uint64_t seq);
  // Told each durable sequence reached from now on, and once now with the
  // current one. An empty function removes the listener.
  void on_durable(std::function<void(uint64_t)> listener);
  // fdatasync calls made so far.
  uint64_t syncs() const;

 private:
  void run();
  void sync_wal();

  const std::string wal_path_;
  const std::function<void()> after_sync_;
  int fd_ = -1;
  mutable std::mutex mu_;
  std::condition_variable work_;     // a commit to sync, or stop
  std::condition_variable reached_;  // durable_ moved
  uint64_t committed_ = 0;
  uint64_t durable_ = 0;
  uint64_t syncs_ = 0;
  bool stopping_ = false;
  std::function<void(uint64_t)> listener_;
  std::thread thread_;
};

}  // namespace gls
