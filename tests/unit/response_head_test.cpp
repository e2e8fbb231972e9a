// The head a kept-alive HTTP/1.1 answer is written with by hand is the one
// Beast writes for the same answer, byte for byte, whatever its status,
// headers and body; answers it does not cover are left to Beast.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "http/response_head.hpp"

using gls::HttpResponse;

namespace {

HttpResponse answer(int status, std::vector<std::pair<std::string, std::string>> headers, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("plain_head writes what Beast writes for a kept-alive HTTP/1.1 answer") {
  const std::string json = R"({"Arn":"arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg-1AB2C3De4"})";
  const std::vector<HttpResponse> answers = {
      answer(200, {{"Content-Type", "application/json"}, {"x-amzn-RequestId", "0f2c1a1e-4b7d-4c3a-9e2f-2d1c0b9a8f7e"}},
             json),
      answer(201, {{"Content-Type", "application/json"}}, "{}"),
      answer(204, {{"x-amzn-RequestId", "id"}}, ""),
      answer(200, {}, ""),
      answer(404,
             {{"Content-Type", "application/json"},
              {"x-amzn-ErrorType", "ResourceNotFoundException"},
              {"x-amzn-RequestId", "r"}},
             R"({"message":"Stream group sg-1 was not found"})"),
      answer(429, {{"Retry-After", "1"}, {"x-amzn-ErrorType", "ThrottlingException"}}, "{\"message\":\"slow\"}"),
      answer(500, {{"Content-Type", "text/plain; charset=utf-8"}}, std::string(70'000, 'x')),
      answer(503, {{"Access-Control-Allow-Origin", "http://localhost:3000"}, {"Vary", "Origin"}}, "down"),
      // A status the HTTP registry does not name.
      answer(299, {{"X-Empty", ""}}, "odd"),
      answer(302, {{"Location", "/_gls/play"}, {"Cache-Control", "no-store"}}, ""),
      answer(200, {{"Set-Cookie", "a=1; Path=/"}, {"X-Inner-Space", "a  b\tc"}}, std::string("\0\r\n", 3)),
  };
  for (const HttpResponse& out : answers) {
    CAPTURE(out.status);
    CAPTURE(out.headers.size());
    std::string head = "left from an earlier answer";
    REQUIRE(gls::plain_head(out, head));
    CHECK(head + out.body == gls::beast_bytes(out, 11, true));
  }
}

TEST_CASE("plain_head leaves to Beast the answers whose head Beast writes otherwise") {
  const std::vector<HttpResponse> others = {
      answer(100, {}, ""),                                               // interim
      answer(200, {{"Connection", "close"}}, ""),                        // Beast manages it
      answer(200, {{"content-length", "3"}}, "abc"),                     // in any case
      answer(200, {{"Transfer-Encoding", "chunked"}}, "abc"),            //
      answer(200, {{"X-A", "1"}, {"x-a", "2"}}, ""),                     // Beast keeps one of repeated names
      answer(200, {{"X-Padded", " value"}}, ""),                         // Beast trims blanks
      answer(200, {{"X-Padded", "value\t"}}, ""),                        //
  };
  for (const HttpResponse& out : others) {
    CAPTURE(out.headers.size());
    std::string head;
    CHECK_FALSE(gls::plain_head(out, head));
  }
}
