// A database file as an older gls-local left it: the schema migrations up to
// `version` applied, then `rows` (SQL) written the way that version wrote
// them. The file is removed first, and again by the helper's end of life.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "state/store/schema.hpp"
#include "state/store/store.hpp"

namespace gls::test {

class OldSchemaFile {
 public:
  OldSchemaFile(const std::string& name, size_t version, const std::string& rows)
      : path_((std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".db")).string()) {
    remove();
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path_.c_str(), &raw) == SQLITE_OK);
    define_schema_functions(raw);
    const auto& migrations = schema_migrations();
    for (size_t v = 0; v < version; ++v)
      REQUIRE(sqlite3_exec(raw, std::string(migrations[v]).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    const std::string stamped = rows + "\nPRAGMA user_version = " + std::to_string(version) + ";";
    REQUIRE(sqlite3_exec(raw, stamped.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  ~OldSchemaFile() { remove(); }
  OldSchemaFile(const OldSchemaFile&) = delete;
  OldSchemaFile& operator=(const OldSchemaFile&) = delete;

  const std::string& path() const { return path_; }

  // Opens the file as gls-local does, which migrates it to the latest schema.
  std::unique_ptr<Store> open_migrated() const {
    auto opened = Store::open(path_);
    REQUIRE(opened.ok());
    CHECK((*opened)->schema_version() == Store::latest_schema_version());
    return std::move(opened).value();
  }

 private:
  void remove() {
    for (const char* side : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + side);
  }
  std::string path_;
};

}  // namespace gls::test
