// A large JSON document read in pieces: one pass checks all of its text and
// finds where its top-level members lie, without building a tree; the items
// of an array member are then read one at a time, each parsed on its own
// when it is used. A world restored by PUT /_gls/state or a fixtures file
// of many sessions thus never stands in memory as one tree, only as one
// item (and, for a fixtures file, its text).
//
// The text is in memory (a fixtures file, a restore's body with a
// ":memory:" database), or in a file: a restore's body, checked as it
// arrives and kept beside a file database meanwhile (admin_state.cpp), so
// that the server's memory does not grow with it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gls {

struct JsonMember {
  std::string name;
  // Where its value lies in the text: from the end of its name (blanks and
  // the ':' before the value included) to the end of the value.
  size_t begin = 0;
  size_t end = 0;
  bool is_array = false;
};

struct JsonOutline {
  bool is_object = false;  // the members are listed only for an object
  std::vector<JsonMember> members;  // in document order, duplicates included
  // Where the text is: in memory (it must outlive the outline), or, when
  // `fd` is open, in that file from its first byte.
  std::string_view text;
  int fd = -1;

  // The first member named `name`, or nullptr.
  const JsonMember* find(std::string_view name) const;
  // A member's value as text, or nothing when it takes more than `at_most`
  // bytes (or the file cannot be read).
  std::optional<std::string> value(const JsonMember& member, size_t at_most) const;
  // Calls `item` with the text of each item of an array member in turn,
  // until it returns false; false then, or when the file cannot be read.
  bool each_item(const JsonMember& member, const std::function<bool(std::string_view item)>& item) const;
};

// Checks `text` as api::parse_json does (UTF-8, syntax, nesting depth,
// nothing after the value), with its messages in `error`, and outlines it.
// The outline points into `text`, which must outlive it.
bool outline_json(std::string_view text, JsonOutline& outline, std::string& error);

// The same for a text that arrives in pieces: `next_piece` gives each in
// turn, and an empty one at its end. The outline's offsets count from the
// first byte; where the text is kept is the caller's to say (`fd`).
bool outline_json(const std::function<std::string_view()>& next_piece, JsonOutline& outline, std::string& error);

}  // namespace gls
