// A large JSON document read in pieces: one pass checks all of its text and
// finds where its top-level members and their list items lie, without
// building a tree; each item is then parsed on its own when it is used. A
// world restored by PUT /_gls/state or a fixtures file of many sessions
// thus never stands in memory as one tree, only as its text and one item.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gls {

struct JsonMember {
  std::string name;
  std::string_view value;              // the value's text
  bool is_array = false;
  std::vector<std::string_view> items;  // an array's items, each one's text
};

struct JsonOutline {
  bool is_object = false;  // the members are listed only for an object
  std::vector<JsonMember> members;  // in document order, duplicates included

  // The first member named `name`, or nullptr.
  const JsonMember* find(std::string_view name) const;
};

// Checks `text` as api::parse_json does (UTF-8, syntax, nesting depth,
// nothing after the value), with its messages in `error`, and outlines it.
// The outline points into `text`, which must outlive it.
bool outline_json(std::string_view text, JsonOutline& outline, std::string& error);

}  // namespace gls
