#include "state/store/wal_syncer.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gls {

WalSyncer::WalSyncer(std::string wal_path, std::function<void()> after_sync)
    : wal_path_(std::move(wal_path)), after_sync_(std::move(after_sync)) {
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

uint64_t WalSyncer::durable() const {
  std::lock_guard lock(mu_);
  return durable_;
}

uint64_t WalSyncer::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

void WalSyncer::wait(uint64_t seq) {
  std::unique_lock lock(mu_);
  reached_.wait(lock, [&] { return durable_ >= seq; });
}

void WalSyncer::on_durable(std::function<void(uint64_t)> listener) {
  uint64_t now = 0;
  {
    std::lock_guard lock(mu_);
    listener_ = listener;
    now = durable_;
  }
  // The listener takes the largest sequence it has heard, so hearing this
  // one after a newer one from the syncer does no harm.
  if (listener) listener(now);
}

void WalSyncer::run() {
  std::unique_lock lock(mu_);
  while (true) {
    work_.wait(lock, [&] { return stopping_ || committed_ > durable_; });
    if (committed_ == durable_) return;  // stopping, and everything is durable
    // Every commit up to `target` has its frames in the WAL already: one
    // sync covers them all, and the commits made while it runs wait for
    // the next one.
    const uint64_t target = committed_;
    lock.unlock();
    sync_wal();
    lock.lock();
    ++syncs_;
    durable_ = target;
    auto listener = listener_;
    reached_.notify_all();
    lock.unlock();
    if (listener) listener(target);
    if (after_sync_) after_sync_();
    lock.lock();
  }
}

void WalSyncer::sync_wal() {
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
    spdlog::critical("cannot open {} to sync it: {}", wal_path_, std::strerror(errno));
    return;
  }
  if (::fdatasync(fd_) != 0) spdlog::critical("fdatasync of {} failed: {}", wal_path_, std::strerror(errno));
}

}  // namespace gls
