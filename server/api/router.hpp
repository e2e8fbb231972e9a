// Finds the operation for a method and path, from the URI templates of the
// API description. Labels are taken from single path segments and
// percent-decoded, so an ARN label arrives whole (its "/" encoded as %2F).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/model.hpp"

namespace gls::api {

struct RouteMatch {
  const Operation* operation = nullptr;
  // Label name (the Router's, which outlives the match) -> decoded value.
  std::vector<std::pair<std::string_view, std::string>> labels;
  bool path_matched = false;  // some operation has this path, with another method
  bool bad_encoding = false;  // a label is not valid percent-encoded UTF-8
};

class Router {
 public:
  explicit Router(const Model& model);
  RouteMatch match(std::string_view method, std::string_view path) const;

 private:
  struct Segment {
    std::string literal;  // empty for a label
    std::string label;
  };
  struct Route {
    const Operation* operation;
    std::vector<Segment> segments;
  };
  std::vector<Route> routes_;
};

// Percent-decodes `in` (and '+' as space when `plus_is_space`); false when an
// escape is malformed or the result is not valid UTF-8.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space = false);
bool valid_utf8(std::string_view s);

}  // namespace gls::api
