// Secrets the emulator hands out and checks: the admin token, stream URLs'
// tokens.
#pragma once

#include <cstddef>
#include <string_view>

namespace gls {

// Whether `given` is `secret`, compared without stopping at the first
// difference, so that the time taken says nothing about how much of a guess
// was right.
inline bool same_secret(std::string_view given, std::string_view secret) {
  unsigned char diff = given.size() == secret.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ (i < secret.size() ? secret[i] : 0));
  return diff == 0;
}

}  // namespace gls
