// The versioned schema: migration N takes a database from user_version N-1 to N.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

struct sqlite3;

namespace gls {

const std::vector<std::string_view>& schema_migrations();

// The key history rows are found by: a 64-bit FNV-1a hash of the scope, the
// resource kind and the resource, the same on every machine and in every
// version (it is stored). Rows of another resource may share it: a reader
// compares the four values themselves.
int64_t history_key(std::string_view account, std::string_view region, std::string_view kind,
                    std::string_view resource);

// Defines on a connection the SQL functions that migrations use:
// history_key(account, region, kind, resource).
void define_schema_functions(sqlite3* db);

}  // namespace gls
