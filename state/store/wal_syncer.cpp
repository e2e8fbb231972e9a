#include "state/store/wal_syncer.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gls {

WalSyncer::WalSyncer(std::string wal_path, std::function<void()> after_sync, SyncCall sync,
                     std::function<void()> after_attempt)
    : wal_path_(std::move(wal_path)),
      after_sync_(std::move(after_sync)),
      after_attempt_(std::move(after_attempt)),
      sync_(std::move(sync)) {
  thread_ = std::thread([this] { run(); });
}

WalSyncer::~WalSyncer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void WalSyncer::committed(uint64_t seq) {
  {
    std::lock_guard lock(mu_);
    committed_ = seq;
  }
  work_.notify_one();
}

void WalSyncer::fail() {
  DurabilityListener listener;
  uint64_t durable = 0;
  {
    std::lock_guard lock(mu_);
    if (failed_) return;
    failed_ = true;
    listener = listener_;
    durable = durable_;
  }
  reached_.notify_all();
  if (listener) listener(durable, true);
}

bool WalSyncer::busy() const {
  std::lock_guard lock(mu_);
  return !failed_ && committed_ > durable_;
}

uint64_t WalSyncer::durable() const {
  std::lock_guard lock(mu_);
  return durable_;
}

uint64_t WalSyncer::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

bool WalSyncer::failed() const {
  std::lock_guard lock(mu_);
  return failed_;
}

bool WalSyncer::wait(uint64_t seq) {
  std::unique_lock lock(mu_);
  reached_.wait(lock, [&] { return durable_ >= seq || failed_; });
  return durable_ >= seq;
}

void WalSyncer::on_durable(DurabilityListener listener) {
  uint64_t now = 0;
  bool failed = false;
  {
    std::lock_guard lock(mu_);
    listener_ = listener;
    now = durable_;
    failed = failed_;
  }
  // The listener takes the largest sequence it has heard, so hearing this
  // one after a newer one from the syncer does no harm.
  if (listener) listener(now, failed);
}

void WalSyncer::run() {
  std::unique_lock lock(mu_);
  while (true) {
    work_.wait(lock, [&] { return stopping_ || (!failed_ && committed_ > durable_); });
    if (failed_ || committed_ == durable_) return;  // stopping, and nothing (more) can be synced
    // Every commit up to `target` has its frames in the WAL already: one
    // sync covers them all, and the commits made while it runs wait for
    // the next one.
    const uint64_t target = committed_;
    lock.unlock();
    const bool synced = sync_wal();
    lock.lock();
    ++syncs_;
    if (synced && !failed_) {
      durable_ = target;
    } else {
      failed_ = true;
    }
    const uint64_t durable = durable_;
    const bool failed = failed_;
    auto listener = listener_;
    reached_.notify_all();
    lock.unlock();
    if (listener) listener(durable, failed);
    if (after_attempt_) after_attempt_();
    if (!failed && after_sync_) after_sync_();
    lock.lock();
  }
}

bool WalSyncer::sync_wal() {
  // SQLite keeps the WAL file while the database is open, but make sure the
  // descriptor still names the file at that path.
  struct stat at_path{}, open_file{};
  if (fd_ >= 0 && (::stat(wal_path_.c_str(), &at_path) != 0 || ::fstat(fd_, &open_file) != 0 ||
                   at_path.st_ino != open_file.st_ino || at_path.st_dev != open_file.st_dev)) {
    ::close(fd_);
    fd_ = -1;
  }
  if (fd_ < 0) fd_ = ::open(wal_path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0) {
    spdlog::critical("cannot open {} to sync it: {}; no write is acknowledged as durable from now on", wal_path_,
                     std::strerror(errno));
    return false;
  }
  if (sync_(fd_) != 0) {
    spdlog::critical("fdatasync of {} failed: {}; no write is acknowledged as durable from now on", wal_path_,
                     std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace gls
