// Enumerations with names: statuses are enums in records and text in the
// API, the store and the history. A module names the values of its enum, in
// declaration order, by specialising kEnumNames with one space-separated
// list; to_string and parse_enum then work for it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace gls {

template <class E>
inline constexpr std::string_view kEnumNames{};

template <class E>
concept NamedEnum = !kEnumNames<E>.empty();

namespace enum_names_detail {
// Calls f(index, name) for each name until f returns true; the index f stopped at, or -1.
template <class F>
constexpr int find(std::string_view names, F f) {
  int index = 0;
  for (size_t at = 0; at < names.size(); ++index) {
    size_t end = names.find(' ', at);
    if (end == std::string_view::npos) end = names.size();
    if (f(index, names.substr(at, end - at))) return index;
    at = end + 1;
  }
  return -1;
}
}  // namespace enum_names_detail

template <NamedEnum E>
constexpr std::string_view to_string(E e) {
  std::string_view found;
  enum_names_detail::find(kEnumNames<E>, [&](int i, std::string_view name) {
    if (i != static_cast<int>(e)) return false;
    found = name;
    return true;
  });
  return found;
}

template <NamedEnum E>
constexpr std::optional<E> parse_enum(std::string_view text) {
  const int i = enum_names_detail::find(kEnumNames<E>, [&](int, std::string_view name) { return name == text; });
  if (i < 0) return std::nullopt;
  return static_cast<E>(i);
}

}  // namespace gls
