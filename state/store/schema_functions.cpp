// The SQL functions that migrations use.
#include <sqlite3.h>

#include <cstdint>
#include <string_view>

#include "state/digest.hpp"
#include "state/store/schema.hpp"

namespace gls {

namespace {
int64_t history_key(std::string_view account, std::string_view region, std::string_view kind,
                    std::string_view resource) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a, 64 bits
  const auto add = [&h](std::string_view part) {
    for (const char c : part) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // a separator no UTF-8 text contains
    h *= 1099511628211ull;
  };
  add(account);
  add(region);
  add(kind);
  add(resource);
  return static_cast<int64_t>(h);
}

std::string_view text_arg(sqlite3_value* v) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return text ? std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(v))) : std::string_view();
}
}  // namespace

void define_schema_functions(sqlite3* db) {
  sqlite3_create_function(
      db, "history_key", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** v) {
        sqlite3_result_int64(ctx, history_key(text_arg(v[0]), text_arg(v[1]), text_arg(v[2]), text_arg(v[3])));
      },
      nullptr, nullptr);
  sqlite3_create_function(
      db, "text_digest", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** v) {
        const std::string digest = text_digest(text_arg(v[0]));
        sqlite3_result_text(ctx, digest.data(), static_cast<int>(digest.size()), SQLITE_TRANSIENT);
      },
      nullptr, nullptr);
}

}  // namespace gls
