// The handlers of the application, stream group, stream URL and tag operations.
#pragma once

#include <map>
#include <string_view>

#include "api/operations.hpp"

namespace gls {

// Adds them to an operation -> handler table.
void add_resource_handlers(std::map<std::string_view, OperationHandler>& table);

}  // namespace gls
