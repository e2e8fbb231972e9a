#include <doctest/doctest.h>

#include <string>

#include "state/store/page_tokens.hpp"

using namespace gls;

TEST_CASE("base64url round-trips every length and refuses texts it never writes") {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    std::string decoded;
    const std::string text = base64url_encode(bytes);
    REQUIRE(base64url_decode(text, decoded));
    CHECK(decoded == bytes);
    bytes.push_back(static_cast<char>(n * 37 + 11));
  }
  std::string out;
  CHECK_FALSE(base64url_decode("A", out));    // six bits: no whole byte
  CHECK_FALSE(base64url_decode("AB", out));   // the padding bits of the last character are not zero
  CHECK(base64url_decode("AA", out));
  CHECK_FALSE(base64url_decode("A+", out));  // not the URL alphabet
}

TEST_CASE("a page token with any one character changed is refused") {
  PageTokens tokens;
  tokens.set_key("0123456789abcdef0123456789abcdef");
  const std::string context = "ListStreamSessions|111122223333|us-west-2|sg-1AB2C3De4||";
  for (const std::string position : {"1764374400000:sg-1AB2C3De4:ABC123def4567", "17", "1764374400123:x"}) {
    const std::string token = tokens.issue(context, position);
    auto opened = tokens.open(context, token);
    REQUIRE(opened.ok());
    CHECK(*opened == position);
    CHECK_FALSE(tokens.open(context + "ACTIVE", token).ok());
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t i = 0; i < token.size(); ++i)
      for (char c : alphabet) {
        if (c == token[i]) continue;
        std::string edited = token;
        edited[i] = c;
        CAPTURE(edited);
        CHECK_FALSE(tokens.open(context, edited).ok());
      }
  }
}
