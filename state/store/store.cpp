#include "state/store/store.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "state/store/schema.hpp"

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

int Stmt::changes() const { return sqlite3_changes(sqlite3_db_handle(s_)); }

bool Stmt::is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

std::string_view Stmt::text_view(int col) const {
  const auto* p = sqlite3_column_text(s_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col))};
}
std::string Stmt::text(int col) const { return std::string(text_view(col)); }
std::optional<std::string> Stmt::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }
std::optional<int64_t> Stmt::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}
double Stmt::real(int col) const { return sqlite3_column_double(s_, col); }

// ---- Store -------------------------------------------------------------------

namespace {
// Before SQLite's first use: the store serializes every access itself (one
// connection behind one mutex), so SQLite's own locking and its memory
// statistics, which take a global mutex on every allocation, are not needed.
void configure_sqlite_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize() == SQLITE_OK;
  }();
  (void)configured;
}
}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  configure_sqlite_once();
  const bool memory = path == ":memory:";
  if (!memory) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
      std::filesystem::create_directories(parent, ec);
      if (ec) return validation("cannot create directory " + parent.string() + ": " + ec.message());
    }
    if (std::filesystem::is_directory(path, ec)) return validation(path + " is a directory, not a database file");
  }
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return validation("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<Store> store(new Store(db, path));
  try {
    // Reading the schema version forces SQLite to read the file: a file that
    // is not a database fails here, before anything is written to it.
    int version = store->schema_version();
    if (version > latest_schema_version())
      return validation("database " + path + " has schema version " + std::to_string(version) +
                        ", newer than this gls-local understands (" + std::to_string(latest_schema_version()) + ")");
    // One emulator owns its database: holding the locks for good saves a
    // system call per transaction and stops a second instance from sharing it.
    store->exec("PRAGMA locking_mode=EXCLUSIVE");
    store->exec(memory ? "PRAGMA journal_mode=MEMORY" : "PRAGMA journal_mode=WAL");
    store->exec("PRAGMA synchronous=FULL");
    // A large page cache keeps big transactions (a clock advance that applies
    // thousands of transitions) from spilling pages to the WAL mid-way.
    store->exec("PRAGMA cache_size=-65536");
    // Reads of a store larger than that cache map the file instead of copying
    // pages in with a system call each.
    if (!memory) store->exec("PRAGMA mmap_size=2147418112");
    store->exec("PRAGMA temp_store=MEMORY");
    store->exec("PRAGMA foreign_keys=ON");
    // The schema's counting triggers must also see the rows REPLACE deletes.
    store->exec("PRAGMA recursive_triggers=ON");
    sqlite3_busy_timeout(db, 5000);
    store->migrate();
  } catch (const StoreError& e) {
    return validation("cannot use database " + path + ": " + e.what());
  }
  return store;
}

Store::Store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Store::~Store() {
  for (auto& [sql, pool] : cache_)
    for (sqlite3_stmt* s : pool) sqlite3_finalize(s);
  sqlite3_close(db_);
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
void Store::begin() { prepare("BEGIN IMMEDIATE").run(); }
void Store::commit() {
  prepare("COMMIT").run();
  transitions_.committed();
}
void Store::rollback() {
  transitions_.rolled_back();
  char* err = nullptr;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, &err);
  sqlite3_free(err);
}

std::optional<std::string> Store::setting(std::string_view key) {
  return transaction([&](Store& s) {
    Stmt q = s.prepare("SELECT value FROM settings WHERE key = ?");
    q.args(key);
    return q.step() ? std::optional<std::string>(q.text(0)) : std::nullopt;
  });
}

void Store::set_setting(std::string_view key, std::string_view value) {
  transaction([&](Store& s) {
    s.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .args(key, value)
        .run();
  });
}

}  // namespace gls
