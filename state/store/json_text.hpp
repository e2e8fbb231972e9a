// JSON text as records keep it for attributes that are only echoed back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gls {

// ["a","b"]: a list of strings as compact JSON, escaped.
std::string json_string_list(const std::vector<std::string>& items);

// Appends `text` as a JSON string literal, quoted and escaped as rapidjson's
// Writer escapes it (", \ and control characters; UTF-8 as it is): long
// texts with few characters to escape (an SDP) are copied a run at a time.
void append_json_string(std::string& out, std::string_view text);

}  // namespace gls
