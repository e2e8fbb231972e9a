#include "state/store/page_tokens.hpp"

#include <cstdint>

namespace gls {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// FNV-1a over key, context and position, twice with different seeds: not a
// cryptographic MAC, but enough to tell a token we issued from an edited one.
uint64_t fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}
}  // namespace

std::string base64url_encode(std::string_view in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

bool base64url_decode(std::string_view in, std::string& out) {
  out.clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!p) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // Only the encoding base64url_encode writes: no character that carries no
  // whole byte, and the bits that pad the last one are zero, so that no two
  // texts decode to the same bytes.
  return bits < 6 && (buffer & ((1u << bits) - 1)) == 0;
}

std::string PageTokens::seal(std::string_view context, std::string_view position) const {
  uint64_t a = fnv(fnv(fnv(14695981039346656037ULL, key_), context), position);
  uint64_t b = fnv(fnv(fnv(a ^ 0x9E3779B97F4A7C15ULL, position), key_), context);
  std::string mac(16, '\0');
  for (int i = 0; i < 8; ++i) {
    mac[static_cast<size_t>(i)] = static_cast<char>((a >> (8 * i)) & 0xFF);
    mac[static_cast<size_t>(8 + i)] = static_cast<char>((b >> (8 * i)) & 0xFF);
  }
  return mac;
}

std::string PageTokens::issue(std::string_view context, std::string_view position) const {
  return base64url_encode(seal(context, position) + std::string(position));
}

Result<std::string> PageTokens::open(std::string_view context, std::string_view token) const {
  std::string raw;
  if (token.size() > 4096 || !base64url_decode(token, raw) || raw.size() < 16)
    return validation("The NextToken is not valid: it is not a token this service issued");
  std::string position = raw.substr(16);
  if (raw.substr(0, 16) != seal(context, position))
    return validation("The NextToken is not valid: it was issued for another request or has been altered");
  return position;
}

Result<std::optional<PageKey>> PageTokens::open_key(std::string_view context,
                                                    const std::optional<std::string>& token) const {
  if (!token) return std::optional<PageKey>();
  auto position = open(context, *token);
  if (!position) return std::move(position).take_error();
  auto colon = position->find(':');
  if (colon == std::string::npos || colon == 0 ||
      position->find_first_not_of("0123456789") != colon)
    return validation("The NextToken is not valid");
  return std::optional<PageKey>(PageKey{std::stoll(position->substr(0, colon)), position->substr(colon + 1)});
}

}  // namespace gls
