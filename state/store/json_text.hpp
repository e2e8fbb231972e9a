// JSON text as records keep it for attributes that are only echoed back.
#pragma once

#include <string>
#include <vector>

namespace gls {

// ["a","b"]: a list of strings as compact JSON, escaped.
std::string json_string_list(const std::vector<std::string>& items);

}  // namespace gls
