// The versioned schema: migration N takes a database from user_version N-1 to N.
#pragma once

#include <string_view>
#include <vector>

namespace gls {

const std::vector<std::string_view>& schema_migrations();

}  // namespace gls
