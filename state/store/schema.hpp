// The versioned schema: migration N takes a database from user_version N-1 to N.
#pragma once

#include <string_view>
#include <vector>

struct sqlite3;

namespace gls {

const std::vector<std::string_view>& schema_migrations();

// Defines on a connection the SQL functions that migrations use:
// history_key(account, region, kind, resource), the hash of a history row's
// key that migration 11 stored (migration 12 drops it); text_digest(text)
// (state/digest.hpp), which migration 17 stores for ClientTokens' requests.
void define_schema_functions(sqlite3* db);

}  // namespace gls
