// The store owns the SQLite database that holds all emulator state.
//
// Guarantees:
// - The schema is versioned: migrations (state/store/schema.cpp) are applied in
//   order, keyed by PRAGMA user_version, each in its own transaction.
// - A file database runs in WAL mode with group commit: a commit is written
//   to the WAL without waiting for the disk (synchronous=NORMAL) and takes
//   the next commit sequence number; a syncer thread makes every commit so
//   far durable with one fdatasync (state/store/wal_syncer.hpp). Whoever
//   acknowledges a write (or shows what one wrote) first waits until
//   durable_sequence() covers it: pending_commit() says how far, and
//   on_durable() when. A ":memory:" database has nothing to wait for.
// - The syncer's thread checkpoints the WAL once it holds about 16 MiB and
//   then has the next commit write it from its start, so that its file
//   stays near that size however steadily writes come (checkpoint_if_large).
//   A read that keeps an older snapshot meanwhile (a long dump) holds the
//   WAL's frames until it ends, and the file grows by what is written until then.
// - Every write goes through one connection guarded by one mutex: every
//   `transaction` runs alone, so two requests on one resource can never
//   interleave and lose an update. Statements are prepared once and cached.
// - Batched commits (file databases): a thread that holds a BatchCommits
//   (an I/O thread handling requests) does not commit its transactions one
//   by one: each joins the open batch, one SQLite transaction, inside a
//   savepoint of its own that is released when it succeeds and rolled back
//   alone when it fails. flush() commits the batch (the holder sees to it
//   that flush() or flush_soon() runs soon: claim_flush()); a batch is also committed before
//   it takes more than kBatchLimit transactions or grows older than
//   kBatchAge. A transaction on any other thread commits the open batch
//   together with its own work before it returns. An answer that depends on
//   a batch waits for its commit and its sync: pending_commit() is the
//   sequence the batch will take, while commit_sequence() moves only when
//   it commits. A batch whose COMMIT fails loses every write in it: that is
//   final, like a failed sync (wal_syncer.hpp), so nothing it held, then or
//   later, is acknowledged.
// - `read` runs on a read-only connection of the calling thread's own,
//   against a WAL snapshot that holds every commit made before it began,
//   without the store's mutex, so reads do not wait for each other or for
//   writes. A ":memory:" database cannot be shared between connections (an
//   in-memory database has no WAL, so readers would lock the writer out):
//   its reads run on the one connection.
// - One emulator owns a file database: a second open of it, from this or
//   another process, is refused while the first is open (an flock).
#pragma once

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "state/result.hpp"
#include "state/store/commit_deltas.hpp"
#include "state/store/transition_feed.hpp"
#include "state/store/wal_syncer.hpp"

namespace gls {

class TempFilesBeside;
class WalWritesGathered;

// A cached prepared statement, reset and cleared when the handle goes away.
class Stmt {
 public:
  using Pool = std::vector<sqlite3_stmt*>;
  Stmt(sqlite3_stmt* s, Pool* home) : s_(s), home_(home) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : s_(o.s_), home_(o.home_) { o.s_ = nullptr; }
  ~Stmt();  // resets the statement and hands it back to its pool

  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  Stmt& bind(int i, double v);
  Stmt& bind_null(int i);
  Stmt& bind(int i, const std::optional<std::string>& v) { return v ? bind(i, *v) : bind_null(i); }
  Stmt& bind(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }

  // Binds text without copying it: the caller keeps it alive and unchanged
  // until the statement has run (the handle's end or its next binding).
  // Other values bind as bind() does.
  Stmt& bind_ref(int i, std::string_view v);
  Stmt& bind_ref(int i, const std::string& v) { return bind_ref(i, std::string_view(v)); }
  Stmt& bind_ref(int i, const char* v) { return bind_ref(i, std::string_view(v)); }
  Stmt& bind_ref(int i, const std::optional<std::string>& v) { return v ? bind_ref(i, *v) : bind_null(i); }
  Stmt& bind_ref(int i, const std::optional<std::string_view>& v) { return v ? bind_ref(i, *v) : bind_null(i); }
  template <class V>
    requires(!std::is_convertible_v<const V&, std::string_view> &&
             !std::is_same_v<V, std::optional<std::string>> && !std::is_same_v<V, std::optional<std::string_view>>)
  Stmt& bind_ref(int i, const V& v) {
    return bind(i, v);
  }

  // Binds every argument in order, starting at parameter 1 (or `first`);
  // the _ref forms with bind_ref, for arguments that outlive the statement's run.
  template <class... A>
  Stmt& args(const A&... a) {
    return bind_all<false>(1, a...);
  }
  template <class... A>
  Stmt& args_from(int first, const A&... a) {
    return bind_all<false>(first, a...);
  }
  template <class... A>
  Stmt& args_ref(const A&... a) {
    return bind_all<true>(1, a...);
  }
  template <class... A>
  Stmt& args_ref_from(int first, const A&... a) {
    return bind_all<true>(first, a...);
  }

  // Advances to the next row; false when done. Throws StoreError on failure.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Rows changed by the last run().
  int changes() const { return sqlite3_changes(sqlite3_db_handle(s_)); }
  // The rowid of the row the last run() inserted.
  int64_t inserted_rowid() const { return sqlite3_last_insert_rowid(sqlite3_db_handle(s_)); }

  bool is_null(int col) const;
  std::string text(int col) const;
  std::string_view text_view(int col) const;  // valid until the next step
  std::optional<std::string> opt_text(int col) const;
  int64_t int64(int col) const;
  std::optional<int64_t> opt_int64(int col) const;
  double real(int col) const;

 private:
  template <bool Ref, class... A>
  Stmt& bind_all(int first, const A&... a) {
    int i = first;
    if constexpr (Ref)
      (bind_ref(i++, a), ...);
    else
      (bind(i++, a), ...);
    return *this;
  }

  sqlite3_stmt* s_;
  Pool* home_;
};

// Thrown for failures of the database itself (disk full, corruption): these
// are not outcomes a caller can act on, so they are not Errors.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  // Opens (creating if needed) the database at `path`, or an in-memory one for
  // ":memory:", and brings its schema up to date. Fails with a message naming
  // the problem when the path cannot be used.
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Runs `f(store)` inside one IMMEDIATE transaction under the store lock;
  // commits when f returns, rolls back when it throws or returns a Result
  // holding an Error. Nested calls on the same thread join the outer one.
  // On a thread that holds a BatchCommits, the outermost call joins the
  // batch instead of committing (see above); its rollback undoes its own
  // work only.
  template <class F>
  auto transaction(F&& f) -> decltype(f(*this));

  // Runs `f(reader)` in a read transaction, on this thread's read-only
  // connection (see above); f must not write. Inside this thread's own
  // transaction(), or on a thread that holds a BatchCommits while a batch
  // is open, f joins the writer's transaction instead, so it sees its
  // writes.
  template <class F>
  auto read(F&& f) -> decltype(f(*this));
  // Whether read() runs apart from the writing connection.
  bool reads_apart() const { return !memory_ && !read_only_; }

  // Runs `f()` holding the store lock, so that several transactions run
  // back to back without another thread's in between.
  template <class F>
  auto exclusive(F&& f) -> decltype(f()) {
    std::lock_guard lock(mu_);
    return f();
  }

  // A cached prepared statement. Only valid inside transaction().
  Stmt prepare(std::string_view sql);
  void exec(std::string_view sql);

  int schema_version();
  static int latest_schema_version();
  // The database's size in bytes (its pages), held in memory for
  // ":memory:", and what a copy_in_memory() holds at the least.
  uint64_t size_bytes();

  // The statement cache: one pool per distinct SQL text; the addresses it has
  // seen that text at stay fewer than about twice the texts.
  struct CacheSize {
    size_t texts = 0;
    size_t addresses = 0;
  };
  CacheSize statement_cache_size();
  const std::string& path() const { return path_; }
  bool in_memory() const { return memory_; }

  // A copy of the database as the writing connection sees it, in a store
  // of its own in memory: a copy of its pages (SQLite's backup), made under
  // the store lock. For a reader that must see one state for longer than
  // the lock may be held, where reads cannot run apart (":memory:").
  // Throws StoreError when it cannot be made (out of memory).
  std::unique_ptr<Store> copy_in_memory();

  // Key/value settings that must survive restarts (e.g. the clock anchor).
  std::optional<std::string> setting(std::string_view key);
  std::optional<int64_t> integer_setting(std::string_view key);
  void set_setting(std::string_view key, std::string_view value);

  // Status transitions written through this store, told to listeners once
  // their transaction has committed.
  TransitionFeed& transitions() { return transitions_; }

  // Changes the open transaction has made to values kept on rows (sessions
  // by status, units held, the latest transition's time): written just
  // before it commits, kept and dropped with its savepoint
  // (state/store/commit_deltas.hpp).
  CommitDeltas& commit_deltas() { return deltas_; }

  // Numbers that order rows, handed out from blocks reserved in a setting:
  // history rows' seqs (setting history.seq) and timers' ids (timers.id).
  // Each is above every one handed out before, and no higher than its
  // setting, which the transaction that takes the first of a block raises by
  // kReservedBlock. A rollback makes the store read the settings again (it
  // may have undone a reservation), so that numbers only ever go to rows
  // under a reservation that stays. Inside a transaction only.
  enum class Counter { HistorySeq, TimerId };
  static constexpr int64_t kReservedBlock = 1024;
  int64_t next_reserved(Counter counter);

  // ---- durability (group commit)
  // The sequence number of the latest commit that changed the database.
  uint64_t commit_sequence() const { return commit_seq_.load(std::memory_order_acquire); }
  // Every commit up to this one is on disk.
  uint64_t durable_sequence() const { return syncer_ ? syncer_->durable() : commit_sequence(); }
  // What an answer given now must wait for before it goes out: the latest
  // commit when it is not durable yet, else 0 (always 0 for ":memory:").
  uint64_t pending_commit() const;
  // Blocks until every commit so far is durable: false when a sync failed
  // first (nothing is acknowledged as durable after that; wal_syncer.hpp).
  bool wait_durable();
  // `listener(seq, failed)` hears every durable sequence reached, on the
  // syncer's thread, and once at once with the current one; an empty
  // function removes it. Never called for ":memory:".
  void on_durable(DurabilityListener listener);
  // fdatasync calls the syncer made (0 for ":memory:").
  uint64_t wal_syncs() const { return syncer_ ? syncer_->syncs() : 0; }

  // ---- batched commits (see above; file databases only)
  static constexpr int kBatchLimit = 256;
  static constexpr std::chrono::microseconds kBatchAge{5000};
  // Other bounds than those (for tests that must not meet the age bound).
  void bound_batches(int transactions, std::chrono::microseconds age) {
    std::lock_guard lock(mu_);
    batch_limit_ = transactions;
    batch_age_ = age;
  }
  // While one lives, the calling thread's transactions join the open batch.
  class BatchCommits {
   public:
    BatchCommits() : outer_(joins_batches) { joins_batches = true; }
    ~BatchCommits() { joins_batches = outer_; }
    BatchCommits(const BatchCommits&) = delete;
    BatchCommits& operator=(const BatchCommits&) = delete;

   private:
    const bool outer_;
  };
  // True once for each batch left open: the caller must then see that
  // flush() runs soon (after the work at hand, which may join the batch).
  bool claim_flush();
  // Commits the open batch, if any, unless this thread is inside a
  // transaction(). False when its COMMIT failed (logged; final, see above).
  bool flush();
  // The same, but while a sync is in progress the batch commits once it
  // ends (on the syncer's thread): what joins meanwhile, which could not be
  // acknowledged before then anyway, shares its commit.
  void flush_soon();
  // Says that the open batch holds writes a read must not miss (deadlines
  // it fired): until the batch commits, snapshot_reads_held() is true. Does
  // nothing when no batch is open.
  void hold_snapshot_reads();
  bool snapshot_reads_held() const { return snapshot_reads_held_.load(); }

 private:
  Store(sqlite3* db, std::string path, bool memory, bool read_only);
  Store& this_thread_reader();
  void configure_connection();
  void start_group_commit();
  void checkpoint_if_large();
  void migrate();
  void begin();
  void commit();
  void rollback();
  // Batched commits (a file database once it is open).
  bool batching() const { return syncer_ != nullptr; }
  bool batch_over_bound() const;
  void begin_in_batch();
  void commit_in_batch();
  void rollback_in_batch();
  void commit_batch();  // throws StoreError when the COMMIT failed
  void lose_batch(const std::string& why);
  void flush_deferred();
  static inline thread_local bool joins_batches = false;  // the thread holds a BatchCommits

  sqlite3* db_;
  std::string path_;
  std::recursive_mutex mu_;
  int depth_ = 0;  // nesting of transaction() on the owning thread
  const bool memory_;
  const bool read_only_;  // a reader of another Store
  const uint64_t id_;     // unique among the stores of this process, for this_thread_reader()
  int64_t changes_at_begin_ = 0;  // sqlite3_total_changes64 when the transaction began
  std::atomic<std::thread::id> writer_{};  // the thread inside transaction(), if any
  std::atomic<uint64_t> commit_seq_{0};
  // The sequence an answer given now depends on: commit_seq_, or the next
  // one while the open batch holds changes. Kept in one atomic rather than
  // derived from commit_seq_ and batch_changed_, which change one after the
  // other: a lock-free reader could see both moved and wait for a commit
  // that never comes.
  std::atomic<uint64_t> answer_seq_{0};
  // The open batch (guarded by mu_ but for the atomics).
  std::atomic<bool> batch_open_{false};
  bool batch_changed_ = false;    // a released savepoint changed something
  bool in_savepoint_ = false;     // a transaction of the batch is running
  int batch_size_ = 0;            // transactions that joined it
  int batch_limit_ = kBatchLimit;
  std::chrono::microseconds batch_age_ = kBatchAge;
  std::chrono::steady_clock::time_point batch_began_{};
  int64_t changes_at_savepoint_ = 0;
  size_t staged_at_savepoint_ = 0;  // transitions staged before it
  // Who sees to it that the open batch commits: nobody yet, the holder
  // that claimed it (claim_flush), or the end of the sync in progress
  // (flush_soon). Back to Unclaimed when a batch begins or ends.
  enum class Flush : uint8_t { Unclaimed, Claimed, AfterSync };
  std::atomic<Flush> flush_{Flush::Unclaimed};
  std::atomic<bool> snapshot_reads_held_{false};
  int lock_fd_ = -1;  // holds the flock that keeps other emulators out
  std::unique_ptr<TempFilesBeside> temp_files_;    // under the writer's VFS (file databases only)
  std::unique_ptr<WalWritesGathered> wal_writes_;  // the writer's VFS, over temp_files_
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Store>> readers_;
  // The syncer's own connection, for checkpoints that do not stop writers.
  sqlite3* checkpointer_ = nullptr;
  std::atomic<int> wal_frames_{0};  // frames in the WAL after the latest commit
  std::unique_ptr<WalSyncer> syncer_;  // file databases only
  // Prepared statements by SQL text; a statement in use is out of its pool,
  // so a nested use of the same SQL prepares a second one.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Stmt::Pool, SqlHash, std::equal_to<>> cache_;
  // SQL text is nearly always a literal or a static string: find its pool by
  // the text's address first (checked against the text), and hash the text
  // only when that misses. Text built on the fly lives at ever new addresses,
  // so this map is forgotten whenever it outgrows the statements it points to.
  std::unordered_map<const char*, std::pair<const std::string*, Stmt::Pool*>> by_address_;
  TransitionFeed transitions_;
  CommitDeltas deltas_;
  // Per Counter: the latest number handed out and the highest reserved;
  // unknown (-1) until read from the database, and after any rollback.
  struct Reserved {
    int64_t latest = -1;
    int64_t ceiling = -1;
  };
  std::array<Reserved, 2> reserved_{};
};

template <class F>
auto Store::transaction(F&& f) -> decltype(f(*this)) {
  std::lock_guard lock(mu_);
  if (depth_ > 0) {
    ++depth_;
    struct Down {
      int& d;
      ~Down() { --d; }
    } down{depth_};
    return f(*this);
  }
  begin();
  depth_ = 1;
  writer_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  struct Done {
    Store& s;
    ~Done() { s.writer_.store(std::thread::id(), std::memory_order_relaxed); }
  } done{*this};
  try {
    if constexpr (std::is_void_v<decltype(f(*this))>) {
      f(*this);
      depth_ = 0;
      commit();
    } else {
      auto r = f(*this);
      depth_ = 0;
      if constexpr (requires { r.ok(); }) {
        if (!r.ok()) {
          rollback();
          return r;
        }
      }
      commit();
      return r;
    }
  } catch (...) {
    depth_ = 0;
    rollback();
    throw;
  }
}

template <class F>
auto Store::read(F&& f) -> decltype(f(*this)) {
  if (!reads_apart() || writer_.load(std::memory_order_relaxed) == std::this_thread::get_id() ||
      (joins_batches && batch_open_.load()))
    return transaction(std::forward<F>(f));
  return this_thread_reader().transaction(std::forward<F>(f));
}

}  // namespace gls
