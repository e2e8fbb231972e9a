#include "state/store/wal_writes_vfs.hpp"

#include <cstddef>
#include <cstring>
#include <memory>
#include <utility>

namespace gls {

namespace {

// A WAL file's writes not yet made: `size` bytes that go at `start`.
struct HeldWrites {
  std::mutex mu;
  std::unique_ptr<char[]> bytes{new char[WalWritesGathered::kMostPerWrite]};
  sqlite3_int64 start = 0;
  int size = 0;
  // Where the page of the commit frame whose header was written last goes.
  sqlite3_int64 commit_page_at = -1;
};

// A frame's header is 24 bytes; its second field, the database's size
// after the commit, is 0 but in a commit's last frame. The WAL's own
// header (32 bytes at offset 0) is not a frame's.
constexpr int kFrameHeader = 24;
bool commit_frame_header(const char* bytes, int n, sqlite3_int64 offset) {
  return n == kFrameHeader && offset >= 32 && (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

}  // namespace

// What SQLite holds for a main database or a WAL file: the base VFS's file
// lives after it, in the same block (kRealAt).
struct WalWritesGathered::File {
  sqlite3_file base;  // its methods are ours
  sqlite3_file* real;
  WalWritesGathered* owner;
  HeldWrites* held;  // a WAL file's; null for a database

  // Writes what this WAL file holds (its lock held). A failure is final:
  // what failed to reach the file had been acknowledged to SQLite as written.
  int write_held();
  // A write of the base VFS's, counted; a failure is final, as above.
  int write_through(const void* data, int n, sqlite3_int64 offset);
  static int wal_write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset);
  static int wal_close(sqlite3_file* file);
  static void database_shm_barrier(sqlite3_file* file);
};

namespace {

using File = WalWritesGathered::File;
constexpr size_t kRealAt =
    (sizeof(File) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);

File* as_file(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
sqlite3_file* base_file(sqlite3_file* f) { return as_file(f)->real; }
const sqlite3_io_methods& base_methods(sqlite3_file* f) { return *base_file(f)->pMethods; }

}  // namespace

int File::write_through(const void* data, int n, sqlite3_int64 offset) {
  owner->base_writes_.fetch_add(1, std::memory_order_relaxed);
  const int rc = real->pMethods->xWrite(real, data, n, offset);
  if (rc != SQLITE_OK) owner->failed_.store(true);
  return rc;
}

int File::write_held() {
  held->commit_page_at = -1;
  if (held->size == 0) return SQLITE_OK;
  return write_through(held->bytes.get(), std::exchange(held->size, 0), held->start);
}

namespace {

// Runs `call` after writing what a WAL file holds.
template <class Call>
int after_writing_held(sqlite3_file* file, Call call) {
  File& f = *as_file(file);
  {
    std::lock_guard lock(f.held->mu);
    if (const int rc = f.write_held(); rc != SQLITE_OK) return rc;
  }
  return call();
}

// ---- methods of both kinds of file: the base VFS's --------------------------------

int lock(sqlite3_file* f, int level) { return base_methods(f).xLock(base_file(f), level); }
int unlock(sqlite3_file* f, int level) { return base_methods(f).xUnlock(base_file(f), level); }
int check_reserved_lock(sqlite3_file* f, int* out) { return base_methods(f).xCheckReservedLock(base_file(f), out); }
int sector_size(sqlite3_file* f) { return base_methods(f).xSectorSize(base_file(f)); }
int device_characteristics(sqlite3_file* f) { return base_methods(f).xDeviceCharacteristics(base_file(f)); }
int shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  if (base_methods(f).iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return base_methods(f).xShmMap(base_file(f), region, size, extend, out);
}
int shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  if (base_methods(f).iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return base_methods(f).xShmLock(base_file(f), offset, n, flags);
}
int shm_unmap(sqlite3_file* f, int delete_flag) {
  if (base_methods(f).iVersion < 2) return SQLITE_OK;
  return base_methods(f).xShmUnmap(base_file(f), delete_flag);
}
int unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  if (base_methods(f).iVersion < 3) return SQLITE_OK;
  return base_methods(f).xUnfetch(base_file(f), offset, p);
}

// ---- a main database: the base VFS's, and the WAL written before its barrier -------

int database_close(sqlite3_file* f) { return base_methods(f).xClose(base_file(f)); }
int database_read(sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
  return base_methods(f).xRead(base_file(f), out, n, offset);
}
int database_write(sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
  return base_methods(f).xWrite(base_file(f), data, n, offset);
}
int database_truncate(sqlite3_file* f, sqlite3_int64 size) { return base_methods(f).xTruncate(base_file(f), size); }
int database_sync(sqlite3_file* f, int flags) { return base_methods(f).xSync(base_file(f), flags); }
int database_file_size(sqlite3_file* f, sqlite3_int64* out) { return base_methods(f).xFileSize(base_file(f), out); }
int database_file_control(sqlite3_file* f, int op, void* arg) {
  return base_methods(f).xFileControl(base_file(f), op, arg);
}
int database_fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  *out = nullptr;
  if (base_methods(f).iVersion < 3) return SQLITE_OK;
  return base_methods(f).xFetch(base_file(f), offset, n, out);
}

// ---- a WAL file: writes held, and written before anything else ------------------

int wal_read(sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
  return after_writing_held(f, [&] { return base_methods(f).xRead(base_file(f), out, n, offset); });
}
int wal_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return after_writing_held(f, [&] { return base_methods(f).xTruncate(base_file(f), size); });
}
int wal_sync(sqlite3_file* f, int flags) {
  if (as_file(f)->owner->failed()) return SQLITE_IOERR_FSYNC;
  return after_writing_held(f, [&] { return base_methods(f).xSync(base_file(f), flags); });
}
int wal_file_size(sqlite3_file* f, sqlite3_int64* out) {
  return after_writing_held(f, [&] { return base_methods(f).xFileSize(base_file(f), out); });
}
int wal_file_control(sqlite3_file* f, int op, void* arg) {
  return after_writing_held(f, [&] { return base_methods(f).xFileControl(base_file(f), op, arg); });
}
void wal_shm_barrier(sqlite3_file* f) {
  if (base_methods(f).iVersion >= 2) base_methods(f).xShmBarrier(base_file(f));
}
int wal_fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  *out = nullptr;
  return after_writing_held(f, [&] {
    return base_methods(f).iVersion < 3 ? SQLITE_OK : base_methods(f).xFetch(base_file(f), offset, n, out);
  });
}

constexpr sqlite3_io_methods kDatabaseMethods = {3,
                                                 database_close,
                                                 database_read,
                                                 database_write,
                                                 database_truncate,
                                                 database_sync,
                                                 database_file_size,
                                                 lock,
                                                 unlock,
                                                 check_reserved_lock,
                                                 database_file_control,
                                                 sector_size,
                                                 device_characteristics,
                                                 shm_map,
                                                 shm_lock,
                                                 File::database_shm_barrier,
                                                 shm_unmap,
                                                 database_fetch,
                                                 unfetch};

constexpr sqlite3_io_methods kWalMethods = {3,
                                            File::wal_close,
                                            wal_read,
                                            File::wal_write,
                                            wal_truncate,
                                            wal_sync,
                                            wal_file_size,
                                            lock,
                                            unlock,
                                            check_reserved_lock,
                                            wal_file_control,
                                            sector_size,
                                            device_characteristics,
                                            shm_map,
                                            shm_lock,
                                            wal_shm_barrier,
                                            shm_unmap,
                                            wal_fetch,
                                            unfetch};

}  // namespace

void File::database_shm_barrier(sqlite3_file* file) {
  // SQLite passes it between writing the two copies of the WAL index's
  // header: readers take a commit for made once both match.
  as_file(file)->owner->write_all_held();
  if (base_methods(file).iVersion >= 2) base_methods(file).xShmBarrier(base_file(file));
}

int File::wal_write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset) {
  File& f = *as_file(file);
  WalWritesGathered& owner = *f.owner;
  owner.wal_writes_.fetch_add(1, std::memory_order_relaxed);
  HeldWrites& h = *f.held;
  std::lock_guard lock(h.mu);
  if (owner.failed()) return SQLITE_IOERR_WRITE;
  const char* bytes = static_cast<const char*>(data);
  const sqlite3_int64 commit_page_at = h.commit_page_at;
  const sqlite3_int64 held_end = h.start + h.size;
  if (h.size > 0 && offset >= h.start && offset + n <= held_end) {
    // Rewrites part of what is held (SQLite rewrites a frame that its own
    // transaction wrote before).
    std::memcpy(h.bytes.get() + (offset - h.start), bytes, static_cast<size_t>(n));
  } else {
    if (h.size > 0 && (offset != held_end || h.size + n > kMostPerWrite))
      if (const int rc = f.write_held(); rc != SQLITE_OK) return rc;
    if (n > kMostPerWrite) return f.write_through(data, n, offset);
    if (h.size == 0) h.start = offset;
    std::memcpy(h.bytes.get() + h.size, bytes, static_cast<size_t>(n));
    h.size += n;
  }
  // The page of a commit's last frame, which follows its header: the
  // commit is all written, and a failure fails this call.
  if (offset == commit_page_at) return f.write_held();
  h.commit_page_at = commit_frame_header(bytes, n, offset) ? offset + n : -1;
  return SQLITE_OK;
}

int File::wal_close(sqlite3_file* file) {
  File& f = *as_file(file);
  int rc = SQLITE_OK;
  {
    std::lock_guard lock(f.held->mu);
    rc = f.write_held();
  }
  {
    std::lock_guard lock(f.owner->wal_files_mu_);
    std::erase(f.owner->wal_files_, &f);
  }
  const int closed = f.real->pMethods->xClose(f.real);
  delete f.held;
  f.held = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

void WalWritesGathered::write_all_held() {
  std::lock_guard files(wal_files_mu_);
  for (File* f : wal_files_) {
    std::lock_guard lock(f->held->mu);
    f->write_held();  // a failure is kept in failed_
  }
}

WalWritesGathered::WalWritesGathered(const char* base)
    : base_(sqlite3_vfs_find(base)),
      vfs_(base_, "gls-wal-gathered", this, &WalWritesGathered::open, static_cast<int>(kRealAt) + base_->szOsFile) {}

int WalWritesGathered::open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* self = static_cast<WalWritesGathered*>(vfs->pAppData);
  sqlite3_vfs* base = self->base_;
  const bool wal = (flags & SQLITE_OPEN_WAL) != 0;
  if (!wal && (flags & SQLITE_OPEN_MAIN_DB) == 0) return base->xOpen(base, name, file, flags, out_flags);
  File& f = *as_file(file);
  f.base.pMethods = nullptr;
  f.real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealAt);
  f.owner = self;
  f.held = nullptr;
  const int rc = base->xOpen(base, name, f.real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // A base file that failed to open may still want its close.
    if (f.real->pMethods) f.real->pMethods->xClose(f.real);
    return rc;
  }
  if (wal) {
    f.held = new HeldWrites;
    std::lock_guard lock(self->wal_files_mu_);
    self->wal_files_.push_back(&f);
  }
  f.base.pMethods = wal ? &kWalMethods : &kDatabaseMethods;
  return SQLITE_OK;
}

}  // namespace gls
