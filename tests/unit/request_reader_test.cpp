// The request parser's streamed body: the large-body route's body is taken
// out as it arrives, piece by piece, within its own bound.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "http/request_reader.hpp"

namespace {

gls::ReadLimits limits() { return {16 * 1024, 1024, 64 * 1024, "/_gls/state"}; }

// Feeds `text` in pieces of `piece` bytes, taking the body out after each;
// returns what was taken, and the largest take.
std::string feed(gls::RequestReader& reader, std::string_view text, size_t piece, size_t& largest) {
  std::string taken;
  largest = 0;
  for (size_t at = 0; at < text.size() && reader.state() != gls::RequestReader::State::Refused;) {
    const std::string_view window = text.substr(at, piece);
    const size_t used = reader.parse(window);
    at += used;
    const std::string part = reader.take_body();
    largest = std::max(largest, part.size());
    taken += part;
    if (reader.state() == gls::RequestReader::State::Done) break;
    if (used == 0 && reader.state() != gls::RequestReader::State::HeaderReady) break;
  }
  return taken;
}

}  // namespace

TEST_CASE("the large-body route's body is taken out as it arrives") {
  std::string body(60 * 1024, 'x');
  for (size_t i = 0; i < body.size(); i += 97) body[i] = static_cast<char>('a' + i % 26);
  const std::string request = "PUT /_gls/state?account=111122223333 HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  gls::RequestReader reader(limits());
  size_t used = reader.parse(request);
  REQUIRE(reader.state() == gls::RequestReader::State::HeaderReady);
  CHECK(reader.streams_body());
  const gls::HttpRequest head = reader.head("peer");
  CHECK(head.method == "PUT");
  CHECK(head.header("host") == "h");
  CHECK(head.body.empty());
  size_t largest = 0;
  const std::string taken = feed(reader, std::string_view(request).substr(used), 4096, largest);
  CHECK(reader.state() == gls::RequestReader::State::Done);
  CHECK(taken == body);
  CHECK(largest <= 4096);  // never more than what came since the last take
}

TEST_CASE("other requests do not stream their body") {
  gls::RequestReader reader(limits());
  reader.parse("PUT /_gls/clock HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n");
  REQUIRE(reader.state() == gls::RequestReader::State::HeaderReady);
  CHECK_FALSE(reader.streams_body());
}

TEST_CASE("a chunked body over the large bound is refused half way, naming the setting") {
  const std::string chunk = std::string(16 * 1024, ' ');
  std::string request = "PUT /_gls/state HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "4000\r\n" + chunk + "\r\n";  // 80 KiB > 64 KiB
  request += "0\r\n\r\n";
  gls::RequestReader reader(limits());
  const size_t used = reader.parse(request);
  REQUIRE(reader.state() == gls::RequestReader::State::HeaderReady);
  REQUIRE(reader.streams_body());
  size_t largest = 0;
  const std::string taken = feed(reader, std::string_view(request).substr(used), 1000, largest);
  REQUIRE(reader.state() == gls::RequestReader::State::Refused);
  CHECK(reader.refusal().status == 413);
  CHECK(reader.refusal().message.find("--state-body-limit") != std::string::npos);
  CHECK(taken.size() >= 48 * 1024);  // what came before the bound was taken out as it came
  CHECK(taken.size() <= 64 * 1024);
}
