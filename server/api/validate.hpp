// Validation of JSON values against shapes of the API description.
//
// One validator serves requests (ValidationException), fixtures (start-up
// errors naming file, item and member) and, in strict mode, the server's own
// responses. Messages follow the wording AWS services use, e.g.
//   Value 'x' at 'description' failed to satisfy constraint: Member must have
//   length less than or equal to 80
// so that they name the member (lowerCamelCase path, 1-based list indexes)
// and the rule. Sensitive values are never echoed.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "api/model.hpp"

namespace gls::api {

struct Violation {
  std::string path;     // e.g. "locationConfigurations.1.member.locationName"
  std::string value;    // quoted value as echoed, or "null"
  std::string problem;  // e.g. "Member must not be null"
};

struct ValidationOptions {
  bool check_required = true;   // off for fixtures, whose items may omit their own members (nested
                                // structures, such as a RuntimeEnvironment, are always complete)
  bool allow_unknown = false;   // members the shape does not define
  bool model_names = false;     // document paths as fixture files spell them: PascalCase member names and
                                // 0-based list indexes, e.g. LocationStates[0].LocationName
  bool reject_null = false;     // a member given as null is wrong (documents), rather than absent (requests)
};

// Checks `value` against `shape`, appending what is wrong to `out`.
void validate(const Model& model, const Shape& shape, const rapidjson::Value& value, const std::string& path,
              std::vector<Violation>& out, const ValidationOptions& options = {});

// "N validation error(s) detected: ..." in the AWS style.
std::string describe(const std::vector<Violation>& violations);

// The path component for a member: its name with the first letter lowered.
std::string member_path(const std::string& parent, const std::string& member_name);

// Number of Unicode code points in UTF-8 text.
size_t utf8_length(std::string_view s);

}  // namespace gls::api
