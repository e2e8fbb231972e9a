#include "state/store/store.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "state/store/page_cache.hpp"
#include "state/store/schema.hpp"
#include "state/store/sqlite_memory.hpp"
#include "state/store/temp_files_vfs.hpp"
#include "state/store/wal_writes_vfs.hpp"

namespace gls {

namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw StoreError(std::string(what) + ": " + sqlite3_errmsg(db));
}
}  // namespace

// ---- Stmt --------------------------------------------------------------------

Stmt::~Stmt() {
  if (!s_) return;
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
  if (home_)
    home_->push_back(s_);
  else
    sqlite3_finalize(s_);
}

Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind_ref(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}
Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(s_), std::string("statement failed: ") + sqlite3_sql(s_));
}

void Stmt::run() {
  while (step()) {
  }
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

// A column is read through its value: each sqlite3_column_* call looks the
// column up again and enters and leaves the connection (a third of reading
// a session's row), while the value's own accessors do neither. (The value
// is one SQLite calls unprotected; a connection is only ever used by one
// thread at a time, so it needs no mutex of its own.)
namespace {
std::string_view value_text(sqlite3_value* v) {
  const auto* p = sqlite3_value_text(v);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_value_bytes(v))};
}
}  // namespace

std::string_view Stmt::text_view(int col) const { return value_text(sqlite3_column_value(s_, col)); }
std::string Stmt::text(int col) const { return std::string(text_view(col)); }
std::optional<std::string> Stmt::opt_text(int col) const {
  sqlite3_value* v = sqlite3_column_value(s_, col);
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return std::string(value_text(v));
}
int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }
std::optional<int64_t> Stmt::opt_int64(int col) const {
  sqlite3_value* v = sqlite3_column_value(s_, col);
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return sqlite3_value_int64(v);
}
double Stmt::real(int col) const { return sqlite3_column_double(s_, col); }

// ---- Store -------------------------------------------------------------------

namespace {
uint64_t next_store_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

// Before SQLite's first use: the store serializes every access to a
// connection itself (the writer behind one mutex, each reader used by one
// thread), so SQLite's own locking and its memory
// statistics, which take a global mutex on every allocation, are not needed.
void configure_sqlite_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // A sub-journal (what a savepoint or a statement may have to put back)
    // in one piece of memory, then in a file (TempFilesBeside). Held in
    // memory without a bound it is kept in pieces of 1 KiB, one allocation
    // each: a batched start's savepoint copies a dozen pages that way,
    // about a tenth of its instructions. The piece is as large as it may
    // be: SQLite writes it to the file in one call when it spills, and its
    // unix VFS writes less than 128 KiB a call (larger fails as a full disk).
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 128 * 1024 - 1);
    sqlite_memory::install();
    page_cache::install();
    return sqlite3_initialize() == SQLITE_OK;
  }();
  (void)configured;
}
}  // namespace

namespace {
// The file databases this process has open, by (device, inode): a second
// open is refused before it opens a descriptor of its own, because closing
// any descriptor of a file drops every POSIX lock SQLite holds on it.
std::mutex open_files_mu;
std::set<std::pair<dev_t, ino_t>> open_files;

std::string locked_message(const std::string& path) {
  return "database " + path + " is locked: another gls-local has it open";
}
}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  configure_sqlite_once();
  const bool memory = path == ":memory:";
  int lock_fd = -1;
  if (!memory) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
      std::filesystem::create_directories(parent, ec);
      if (ec) return validation("cannot create directory " + parent.string() + ": " + ec.message());
    }
    if (std::filesystem::is_directory(path, ec)) return validation(path + " is a directory, not a database file");
    struct stat st{};
    std::lock_guard lock(open_files_mu);
    if (::stat(path.c_str(), &st) == 0 && open_files.contains({st.st_dev, st.st_ino}))
      return validation(locked_message(path));
    lock_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd < 0) return validation("cannot open database " + path + ": " + std::strerror(errno));
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0 || ::fstat(lock_fd, &st) != 0) {
      ::close(lock_fd);
      return validation(locked_message(path));
    }
    open_files.insert({st.st_dev, st.st_ino});
  }
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  auto temp_files = memory ? nullptr : std::make_unique<TempFilesBeside>(path);
  auto wal_writes = memory ? nullptr : std::make_unique<WalWritesGathered>(temp_files->name());
  if (sqlite3_open_v2(path.c_str(), &db, flags, wal_writes ? wal_writes->name() : nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    std::unique_ptr<Store> unused(new Store(nullptr, path, memory, false));
    unused->lock_fd_ = lock_fd;  // released with it
    return validation("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<Store> store(new Store(db, path, memory, false));
  store->lock_fd_ = lock_fd;
  store->temp_files_ = std::move(temp_files);
  store->wal_writes_ = std::move(wal_writes);
  try {
    // Reading the schema version forces SQLite to read the file: a file that
    // is not a database fails here, before anything is written to it.
    int version = store->schema_version();
    if (version > latest_schema_version())
      return validation("database " + path + " has schema version " + std::to_string(version) +
                        ", newer than this gls-local understands (" + std::to_string(latest_schema_version()) + ")");
    store->exec(memory ? "PRAGMA journal_mode=MEMORY" : "PRAGMA journal_mode=WAL");
    // Migrations run with every commit synced; after them, commits are
    // synced in groups (start_group_commit).
    store->exec("PRAGMA synchronous=FULL");
    // A large page cache keeps big transactions (a clock advance that applies
    // thousands of transitions) from spilling pages to the WAL mid-way.
    store->exec("PRAGMA cache_size=-65536");
    store->configure_connection();
    // The writer's temporary files go beside the database (temp_files_).
    if (store->temp_files_) store->exec("PRAGMA temp_store=FILE");
    define_schema_functions(db);
    store->migrate();
    if (!memory) store->start_group_commit();
  } catch (const StoreError& e) {
    return validation("cannot use database " + path + ": " + e.what());
  }
  return store;
}

// What the writer and the readers share.
void Store::configure_connection() {
  exec("PRAGMA temp_store=MEMORY");
  exec("PRAGMA foreign_keys=ON");
  // The schema's counting triggers must also see the rows REPLACE deletes.
  exec("PRAGMA recursive_triggers=ON");
  // Debian builds SQLite to zero what a delete frees; the emulator's state
  // is not secret, and the zeroing is about 1% of a clock advance.
  exec("PRAGMA secure_delete=OFF");
  sqlite3_busy_timeout(db_, 5000);
}

void Store::start_group_commit() {
  // The migrations' commits were synced one by one: nothing to wait for.
  commit_seq_.store(0);
  answer_seq_.store(0);
  exec("PRAGMA synchronous=NORMAL");
  // Checkpoints run on the syncer's thread, on a connection of their own,
  // so that no commit waits for one: this hook replaces SQLite's automatic
  // checkpoint and only notes how large the WAL has grown.
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<Store*>(self)->wal_frames_.store(frames, std::memory_order_relaxed);
        return SQLITE_OK;
      },
      this);
  if (sqlite3_open_v2(path_.c_str(), &checkpointer_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    fail(checkpointer_, "cannot open the checkpoint connection");
  sqlite3_busy_timeout(checkpointer_, 5000);
  // A connection learns that the database is in WAL mode when it first reads
  // it; until then it takes a checkpoint for a no-op.
  if (sqlite3_exec(checkpointer_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr) != SQLITE_OK)
    fail(checkpointer_, "cannot open the checkpoint connection");
  // After a WAL write that SQLite could not be told of failed, no sync succeeds (wal_writes_vfs.hpp).
  const auto sync = [this](int fd) {
    return wal_writes_ && wal_writes_->failed() ? (errno = EIO, -1) : ::fdatasync(fd);
  };
  syncer_ = std::make_unique<WalSyncer>(
      path_ + "-wal", [this] { checkpoint_if_large(); }, sync, [this] { flush_deferred(); });
}

void Store::checkpoint_if_large() {
  // About 16 MiB of 4 KiB pages: large enough that checkpoints are rare,
  // small enough that reads rarely search a long WAL.
  constexpr int kCheckpointFrames = 4000;
  if (wal_frames_.load(std::memory_order_relaxed) < kCheckpointFrames) return;
  // Passive: copies what no reader still needs and never blocks the writer.
  const auto copy_frames = [this] {
    if (sqlite3_wal_checkpoint_v2(checkpointer_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK)
      return true;
    spdlog::warn("checkpoint of {} failed: {}", path_, sqlite3_errmsg(checkpointer_));
    return false;
  };
  if (!copy_frames()) return;
  // The writer starts the WAL over only when it begins a transaction after
  // all of the WAL has been copied. Under steady writes that instant never
  // comes (commits go on while a checkpoint copies), and the file grows by
  // everything written meanwhile: hundreds of MiB within seconds of
  // sustained starts. So the frames committed during the copy are copied
  // again with writes held back, after the open batch commits: a short
  // pause, once per checkpoint, after which the next transaction writes
  // the WAL from its start.
  std::lock_guard lock(mu_);
  if (flush()) copy_frames();
}

Store& Store::this_thread_reader() {
  // Readers are found by the store's id, never reused, so a reader of a
  // store that is gone is never found again.
  thread_local std::vector<std::pair<uint64_t, Store*>> mine;
  for (const auto& [id, reader] : mine)
    if (id == id_) return *reader;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError("cannot open a reader of " + path_ + ": " + msg);
  }
  std::unique_ptr<Store> reader(new Store(db, path_, false, true));
  reader->exec("PRAGMA cache_size=-8192");
  // Readers map the file: a store larger than their page cache is read
  // without a system call a page. The writer does not: with the file mapped,
  // SQLite searches the WAL's index for every page a read in a write
  // transaction fetches, before looking in its cache (3.5% of a start's
  // instructions, 2.5% of a clock advance's); and what it writes is cached.
  reader->exec("PRAGMA mmap_size=2147418112");
  reader->configure_connection();
  Store* r = reader.get();
  {
    std::lock_guard lock(readers_mu_);
    readers_.push_back(std::move(reader));
  }
  mine.emplace_back(id_, r);
  return *r;
}

std::unique_ptr<Store> Store::copy_in_memory() {
  std::lock_guard lock(mu_);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError("cannot open a copy of " + path_ + ": " + msg);
  }
  std::unique_ptr<Store> copy(new Store(db, ":memory:", true, false));
  sqlite3_backup* backup = sqlite3_backup_init(db, "main", db_, "main");
  const int stepped = backup ? sqlite3_backup_step(backup, -1) : SQLITE_ERROR;
  if (sqlite3_backup_finish(backup) != SQLITE_OK || stepped != SQLITE_DONE) fail(db, "cannot copy " + path_);
  copy->configure_connection();
  return copy;
}

Store::Store(sqlite3* db, std::string path, bool memory, bool read_only)
    : db_(db), path_(std::move(path)), memory_(memory), read_only_(read_only), id_(next_store_id()) {}

Store::~Store() {
  if (batch_open_.load()) flush();
  readers_.clear();
  syncer_.reset();  // syncs what was committed
  if (checkpointer_) sqlite3_close(checkpointer_);
  for (auto& [sql, pool] : cache_)
    for (sqlite3_stmt* s : pool) sqlite3_finalize(s);
  sqlite3_close(db_);
  if (lock_fd_ >= 0) {
    struct stat st{};
    std::lock_guard lock(open_files_mu);
    if (::fstat(lock_fd_, &st) == 0) open_files.erase({st.st_dev, st.st_ino});
    ::close(lock_fd_);
  }
}

void Store::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError(msg);
  }
}

Stmt Store::prepare(std::string_view sql) {
  Stmt::Pool* found = nullptr;
  if (auto a = by_address_.find(sql.data()); a != by_address_.end() && *a->second.first == sql) {
    found = a->second.second;
  } else {
    auto it = cache_.find(sql);
    if (it == cache_.end()) it = cache_.emplace(std::string(sql), Stmt::Pool{}).first;
    found = &it->second;
    if (by_address_.size() > 2 * cache_.size() + 64) by_address_.clear();
    by_address_[sql.data()] = {&it->first, found};
  }
  Stmt::Pool& pool = *found;
  if (!pool.empty()) {
    sqlite3_stmt* s = pool.back();
    pool.pop_back();
    return Stmt(s, &pool);
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
      SQLITE_OK)
    fail(db_, "cannot prepare " + std::string(sql));
  return Stmt(s, &pool);
}

Store::CacheSize Store::statement_cache_size() {
  std::lock_guard lock(mu_);
  return {cache_.size(), by_address_.size()};
}

int Store::schema_version() {
  std::lock_guard lock(mu_);
  Stmt s = prepare("PRAGMA user_version");
  s.step();
  return static_cast<int>(s.int64(0));
}

uint64_t Store::size_bytes() {
  std::lock_guard lock(mu_);
  Stmt s = prepare("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
  s.step();
  return static_cast<uint64_t>(s.int64(0));
}

int Store::latest_schema_version() { return static_cast<int>(schema_migrations().size()); }

void Store::migrate() {
  std::lock_guard lock(mu_);
  const auto& migrations = schema_migrations();
  for (int v = schema_version(); v < static_cast<int>(migrations.size()); ++v) {
    begin();
    try {
      exec(migrations[static_cast<size_t>(v)]);
      exec("PRAGMA user_version=" + std::to_string(v + 1));
      commit();
    } catch (...) {
      rollback();
      throw;
    }
    spdlog::debug("database {} migrated to schema version {}", path_, v + 1);
  }
}

// Prepared once: a transaction per request should not parse SQL.
void Store::begin() {
  if (batching()) return begin_in_batch();
  // A reader's transaction takes its snapshot at its first read.
  prepare(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE").run();
  changes_at_begin_ = sqlite3_total_changes64(db_);
}
void Store::commit() {
  if (batching()) return commit_in_batch();
  deltas_.write(*this);
  prepare("COMMIT").run();
  // A transaction that changed nothing wrote nothing to sync.
  if (sqlite3_total_changes64(db_) != changes_at_begin_) {
    const uint64_t seq = commit_seq_.fetch_add(1, std::memory_order_acq_rel) + 1;
    answer_seq_.store(seq);
  }
  transitions_.committed();
}
void Store::rollback() {
  if (batching()) return rollback_in_batch();
  reserved_ = {};
  deltas_.clear();
  transitions_.rolled_back();
  char* err = nullptr;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, &err);
  sqlite3_free(err);
}

uint64_t Store::pending_commit() const {
  if (!syncer_) return 0;
  const uint64_t latest = answer_seq_.load();
  return syncer_->durable() >= latest ? 0 : latest;
}

bool Store::wait_durable() {
  if (!syncer_) return true;
  flush();
  return syncer_->wait(answer_seq_.load());
}

void Store::on_durable(DurabilityListener listener) {
  if (syncer_) syncer_->on_durable(std::move(listener));
}

std::optional<std::string> Store::setting(std::string_view key) {
  return transaction([&](Store& s) {
    Stmt q = s.prepare("SELECT value FROM settings WHERE key = ?");
    q.args(key);
    return q.step() ? std::optional<std::string>(q.text(0)) : std::nullopt;
  });
}

std::optional<int64_t> Store::integer_setting(std::string_view key) {
  return transaction([&](Store& s) {
    Stmt q = s.prepare("SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?");
    q.args(key);
    return q.step() ? std::optional<int64_t>(q.int64(0)) : std::nullopt;
  });
}

int64_t Store::next_reserved(Counter counter) {
  static constexpr std::string_view kSettings[] = {"history.seq", "timers.id"};
  const std::string_view key = kSettings[static_cast<size_t>(counter)];
  Reserved& r = reserved_[static_cast<size_t>(counter)];
  if (r.latest < 0) r.latest = r.ceiling = integer_setting(key).value_or(0);
  if (r.latest == r.ceiling) {
    r.ceiling = r.latest + kReservedBlock;
    set_setting(key, std::to_string(r.ceiling));
  }
  return ++r.latest;
}

void Store::set_setting(std::string_view key, std::string_view value) {
  transaction([&](Store& s) {
    s.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .args(key, value)
        .run();
  });
}

}  // namespace gls
