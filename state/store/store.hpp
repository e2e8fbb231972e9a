// The store owns the SQLite database that holds all emulator state.
//
// Guarantees:
// - The schema is versioned: migrations (state/store/schema.cpp) are applied in
//   order, keyed by PRAGMA user_version, each in its own transaction.
// - The database runs in WAL mode with synchronous=FULL for file databases,
//   so an acknowledged write survives kill -9.
// - All access goes through one connection guarded by one mutex: every
//   `transaction` runs alone, so two requests on one resource can never
//   interleave and lose an update. Statements are prepared once and cached.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "state/result.hpp"
#include "state/store/transition_feed.hpp"

namespace gls {

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

  // Binds every argument in order, starting at parameter 1 (or `first`).
  template <class... A>
  Stmt& args(const A&... a) {
    return args_from(1, a...);
  }
  template <class... A>
  Stmt& args_from(int first, const A&... a) {
    int i = first;
    (bind(i++, a), ...);
    return *this;
  }

  // Advances to the next row; false when done. Throws StoreError on failure.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Rows changed by the last run().
  int changes() const;

  bool is_null(int col) const;
  std::string text(int col) const;
  std::string_view text_view(int col) const;  // valid until the next step
  std::optional<std::string> opt_text(int col) const;
  int64_t int64(int col) const;
  std::optional<int64_t> opt_int64(int col) const;
  double real(int col) const;

 private:
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
  template <class F>
  auto transaction(F&& f) -> decltype(f(*this));

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

  // The statement cache: one pool per distinct SQL text; the addresses it has
  // seen that text at stay fewer than about twice the texts.
  struct CacheSize {
    size_t texts = 0;
    size_t addresses = 0;
  };
  CacheSize statement_cache_size();
  const std::string& path() const { return path_; }

  // Key/value settings that must survive restarts (e.g. the clock anchor).
  std::optional<std::string> setting(std::string_view key);
  void set_setting(std::string_view key, std::string_view value);

  // Status transitions written through this store, told to listeners once
  // their transaction has committed.
  TransitionFeed& transitions() { return transitions_; }

 private:
  Store(sqlite3* db, std::string path);
  void migrate();
  void begin();
  void commit();
  void rollback();

  sqlite3* db_;
  std::string path_;
  std::recursive_mutex mu_;
  int depth_ = 0;  // nesting of transaction() on the owning thread
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

}  // namespace gls
