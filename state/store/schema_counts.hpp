// Migration 6 of the schema (state/store/schema.cpp): the counts kept
// instead of counted (units held per location, resources per status).
#pragma once

#include <string>

namespace gls {

const std::string& kept_counts_migration();

}  // namespace gls
