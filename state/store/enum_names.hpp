// Enumerations with names: statuses are enums in records and text in the
// API, the store and the history. A module names the values of its enum by
// specialising EnumNames; to_string and parse_enum then work for it.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

namespace gls {

template <class E>
struct EnumNames;  // static constexpr std::pair<E, std::string_view> kNames[] = {...};

template <class E>
concept NamedEnum = requires { EnumNames<E>::kNames; };

template <NamedEnum E>
std::string_view to_string(E e) {
  for (const auto& [value, name] : EnumNames<E>::kNames)
    if (value == e) return name;
  return "";
}

template <NamedEnum E>
std::optional<E> parse_enum(std::string_view text) {
  for (const auto& [value, name] : EnumNames<E>::kNames)
    if (name == text) return value;
  return std::nullopt;
}

}  // namespace gls
