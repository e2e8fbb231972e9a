#include "state/digest.hpp"

#include <cstdint>

namespace gls {

std::string text_digest(std::string_view text) {
  // Not FNV's offset basis (14695981039346656037) but the value the stored
  // digests were made with, which must stay.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<size_t>(i)] = digits[h & 15];
  return out;
}

}  // namespace gls
