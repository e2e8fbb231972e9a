// The router: every operation of the API by its method and URI, and the
// percent-decoding and UTF-8 checks its labels go through.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/model.hpp"
#include "api/rate_limits.hpp"
#include "api/router.hpp"

using gls::api::percent_decode;
using gls::api::Router;
using gls::api::valid_utf8;

namespace {

// The 30 operations as the published model (service-2.json) binds them,
// written out independently of api_description.cpp.
struct Binding {
  const char* name;
  const char* method;
  const char* uri;
};
const Binding kPublished[] = {
    {"AddStreamGroupLocations", "POST", "/streamgroups/{Identifier}/locations"},
    {"AssociateApplications", "POST", "/streamgroups/{Identifier}/associations"},
    {"CreateApplication", "POST", "/applications"},
    {"CreateStreamGroup", "POST", "/streamgroups"},
    {"CreateStreamSessionAdminShell", "POST", "/streamgroups/{Identifier}/streamsessions/{StreamSessionIdentifier}/access"},
    {"CreateStreamSessionConnection", "POST",
     "/streamgroups/{Identifier}/streamsessions/{StreamSessionIdentifier}/connections"},
    {"CreateStreamUrl", "POST", "/streamgroups/{Identifier}/streamurls"},
    {"DeleteApplication", "DELETE", "/applications/{Identifier}"},
    {"DeleteStreamGroup", "DELETE", "/streamgroups/{Identifier}"},
    {"DisassociateApplications", "POST", "/streamgroups/{Identifier}/disassociations"},
    {"ExportStreamSessionFiles", "PUT", "/streamgroups/{Identifier}/streamsessions/{StreamSessionIdentifier}/exportfiles"},
    {"GetApplication", "GET", "/applications/{Identifier}"},
    {"GetStreamGroup", "GET", "/streamgroups/{Identifier}"},
    {"GetStreamSession", "GET", "/streamgroups/{Identifier}/streamsessions/{StreamSessionIdentifier}"},
    {"GetStreamUrl", "GET", "/streamgroups/{Identifier}/streamurls/{StreamUrlIdentifier}"},
    {"ListApplicationShaderCaches", "GET", "/applications/{Identifier}/shadercaches"},
    {"ListApplications", "GET", "/applications"},
    {"ListStreamGroups", "GET", "/streamgroups"},
    {"ListStreamSessions", "GET", "/streamgroups/{Identifier}/streamsessions"},
    {"ListStreamSessionsByAccount", "GET", "/streamsessions"},
    {"ListStreamUrls", "GET", "/streamurls"},
    {"ListTagsForResource", "GET", "/tags/{ResourceArn}"},
    {"RemoveStreamGroupLocations", "DELETE", "/streamgroups/{Identifier}/locations"},
    {"RevokeStreamUrl", "POST", "/streamgroups/{Identifier}/streamurls/{StreamUrlIdentifier}/revoke"},
    {"StartStreamSession", "POST", "/streamgroups/{Identifier}/streamsessions"},
    {"TagResource", "POST", "/tags/{ResourceArn}"},
    {"TerminateStreamSession", "DELETE", "/streamgroups/{Identifier}/streamsessions/{StreamSessionIdentifier}"},
    {"UntagResource", "DELETE", "/tags/{ResourceArn}"},
    {"UpdateApplication", "PATCH", "/applications/{Identifier}"},
    {"UpdateStreamGroup", "PATCH", "/streamgroups/{Identifier}"},
};

const std::string kArn = "arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg-1AB2C3De4";
const std::string kArnEncoded = "arn%3Aaws%3Agameliftstreams%3Aus-west-2%3A111122223333%3Astreamgroup%2Fsg-1AB2C3De4";

// A concrete path for a URI template, and the decoded value of each label.
std::pair<std::string, std::vector<std::pair<std::string, std::string>>> concrete(const std::string& uri) {
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> values = {
      {"Identifier", {"sg-1AB2C3De4", "sg-1AB2C3De4"}},
      {"StreamSessionIdentifier", {"ABC123def4567", "ABC123def4567"}},
      {"StreamUrlIdentifier", {"su-1AB2C3De4", "su-1AB2C3De4"}},
      {"ResourceArn", {kArnEncoded, kArn}},
  };
  std::string path = uri;
  std::vector<std::pair<std::string, std::string>> labels;
  for (const auto& [label, v] : values) {
    const std::string placeholder = "{" + label + "}";
    auto at = path.find(placeholder);
    if (at == std::string::npos) continue;
    path.replace(at, placeholder.size(), v.first);
    labels.emplace_back(label, v.second);
  }
  REQUIRE_MESSAGE(path.find('{') == std::string::npos, "unfilled label in " << uri);
  return {path, labels};
}

const Router& router() {
  static const Router r(gls::api::service_model());
  return r;
}

}  // namespace

TEST_CASE("the model describes exactly the 30 published operations, with their method and URI") {
  const auto& ops = gls::api::service_model().operations();
  CHECK(ops.size() == 30);
  std::set<std::string> published, described;
  for (const Binding& b : kPublished) published.insert(b.name);
  for (const auto& op : ops) described.insert(op.name);
  CHECK(published.size() == 30);
  CHECK(described == published);
  for (const Binding& b : kPublished) {
    CAPTURE(b.name);
    const gls::api::Operation* op = gls::api::service_model().operation(b.name);
    REQUIRE(op != nullptr);
    CHECK(op->method == b.method);
    CHECK(op->uri == b.uri);
  }
}

TEST_CASE("every operation is reachable by its method and a concrete path") {
  for (const Binding& b : kPublished) {
    CAPTURE(b.name);
    const auto route = concrete(b.uri);
    const std::string& path = route.first;
    const auto& labels = route.second;
    CAPTURE(path);
    gls::api::RouteMatch m = router().match(b.method, path);
    REQUIRE(m.operation != nullptr);
    CHECK(m.operation->name == b.name);
    CHECK(m.path_matched);
    CHECK_FALSE(m.bad_encoding);
    // Labels in the order of the template, decoded.
    CHECK(std::vector<std::pair<std::string, std::string>>(m.labels.begin(), m.labels.end()) == labels);
  }
}

TEST_CASE("a known path with another method matches the path but no operation") {
  struct Case {
    const char* method;
    const char* path;
  };
  for (const Case& c : {Case{"PUT", "/applications"}, Case{"DELETE", "/applications"},
                        Case{"POST", "/applications/a-9ZY8X7Wv6"}, Case{"PUT", "/streamgroups/sg-1AB2C3De4"},
                        Case{"GET", "/streamgroups/sg-1AB2C3De4/locations"},
                        Case{"PATCH", "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567"},
                        Case{"GET", "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567/connections"},
                        Case{"PATCH", "/tags/x"}, Case{"POST", "/streamsessions"},
                        Case{"get", "/applications"}}) {
    CAPTURE(c.method);
    CAPTURE(c.path);
    gls::api::RouteMatch m = router().match(c.method, c.path);
    CHECK(m.path_matched);
    CHECK(m.operation == nullptr);
    CHECK(m.labels.empty());
  }
}

TEST_CASE("unknown paths match nothing") {
  for (const char* path : {"", "/", "//", "/foo", "/Applications", "/applications/a-1/extra/deep",
                           "/applications/a-1/shadercaches/x", "/streamgroups/sg-1/streamsessions/s/bogus",
                           "/_gls/health", "applications", "/tags", "/streamgroups/sg-1/streamurls/su-1/revoke/x",
                           "/streamgroups/sg-1/streamsessions/s/a/b/c/d/e/f/g/h/i/j/k"}) {
    CAPTURE(path);
    for (const char* method : {"GET", "POST", "DELETE"}) {
      gls::api::RouteMatch m = router().match(method, path);
      CHECK_FALSE(m.path_matched);
      CHECK(m.operation == nullptr);
    }
  }
}

TEST_CASE("an empty segment does not fill a label") {
  for (const char* path : {"/applications/", "/streamgroups//streamsessions", "/streamgroups/sg-1/streamsessions/",
                           "/tags/", "/streamgroups//streamsessions/ABC123def4567"}) {
    CAPTURE(path);
    gls::api::RouteMatch m = router().match("GET", path);
    CHECK(m.operation == nullptr);
    CHECK_FALSE(m.path_matched);
  }
  // A trailing slash is not the collection either.
  CHECK(router().match("GET", "/applications/").operation == nullptr);
  CHECK(router().match("GET", "/applications").operation != nullptr);
}

TEST_CASE("labels: one segment each, decoded; bad encodings are flagged, not routed elsewhere") {
  auto m = router().match("GET", "/applications/a%2Fb");
  REQUIRE(m.operation != nullptr);
  CHECK(m.operation->name == "GetApplication");
  REQUIRE(m.labels.size() == 1);
  CHECK(m.labels[0].second == "a/b");

  // An unencoded '/' makes another path.
  CHECK(router().match("GET", "/tags/" + kArn).operation == nullptr);

  // '+' is literal in a path.
  m = router().match("GET", "/applications/a+b");
  REQUIRE(m.labels.size() == 1);
  CHECK(m.labels[0].second == "a+b");

  for (const char* bad : {"/applications/%ZZ", "/applications/a%2", "/applications/%C0%AF", "/applications/%FF",
                          "/applications/%ED%A0%80"}) {
    CAPTURE(bad);
    m = router().match("GET", bad);
    REQUIRE(m.operation != nullptr);
    CHECK(m.operation->name == "GetApplication");
    CHECK(m.bad_encoding);
  }
}

TEST_CASE("percent_decode") {
  std::string out;
  CHECK(percent_decode("plain-text_1.2~", out));
  CHECK(out == "plain-text_1.2~");
  CHECK(percent_decode("%41%62%2f%2F%3a", out));
  CHECK(out == "Ab//:");
  CHECK(percent_decode("caf%C3%A9", out));
  CHECK(out == "caf\xC3\xA9");
  CHECK(percent_decode("%F0%9F%98%80", out));
  CHECK(out == "\xF0\x9F\x98\x80");
  CHECK(percent_decode("", out));
  CHECK(out.empty());

  // '+' is a space only in query strings.
  CHECK(percent_decode("a+b", out));
  CHECK(out == "a+b");
  CHECK(percent_decode("a+b", out, true));
  CHECK(out == "a b");
  CHECK(percent_decode("a%2Bb", out, true));
  CHECK(out == "a+b");

  // The output is replaced, not appended to.
  out = "previous";
  CHECK(percent_decode("x", out));
  CHECK(out == "x");

  for (const char* bad : {"%", "%4", "a%", "%G0", "%0G", "%%", "% 20", "%C3", "%C3%28", "%E2%82", "%80", "%FE"}) {
    CAPTURE(bad);
    CHECK_FALSE(percent_decode(bad, out));
  }
}

TEST_CASE("valid_utf8: rejects overlong forms, surrogates, truncated sequences and values past U+10FFFF") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("ascii only"));
  CHECK(valid_utf8(std::string_view("nul\0inside", 10)));
  CHECK(valid_utf8("\xC2\x80"));              // U+0080, smallest 2-byte
  CHECK(valid_utf8("\xDF\xBF"));              // U+07FF
  CHECK(valid_utf8("\xE0\xA0\x80"));          // U+0800, smallest 3-byte
  CHECK(valid_utf8("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates
  CHECK(valid_utf8("\xEE\x80\x80"));          // U+E000, just above
  CHECK(valid_utf8("\xEF\xBF\xBF"));          // U+FFFF
  CHECK(valid_utf8("\xF0\x90\x80\x80"));      // U+10000, smallest 4-byte
  CHECK(valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the largest
  CHECK(valid_utf8("a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80z"));

  // Overlong encodings.
  CHECK_FALSE(valid_utf8("\xC0\x80"));
  CHECK_FALSE(valid_utf8("\xC1\xBF"));
  CHECK_FALSE(valid_utf8("\xE0\x80\xAF"));
  CHECK_FALSE(valid_utf8("\xE0\x9F\xBF"));
  CHECK_FALSE(valid_utf8("\xF0\x8F\xBF\xBF"));
  // Surrogates.
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));
  CHECK_FALSE(valid_utf8("\xED\xBF\xBF"));
  // Past U+10FFFF, and lead bytes that never occur.
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));
  CHECK_FALSE(valid_utf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(valid_utf8("\xF8\x88\x80\x80\x80"));
  CHECK_FALSE(valid_utf8("\xFF"));
  // Truncated sequences, at the end and in the middle.
  CHECK_FALSE(valid_utf8("\xC3"));
  CHECK_FALSE(valid_utf8("\xE2\x82"));
  CHECK_FALSE(valid_utf8("\xF0\x9F\x98"));
  CHECK_FALSE(valid_utf8("a\xC3z"));
  CHECK_FALSE(valid_utf8("\xE2\x82z"));
  // A continuation byte on its own.
  CHECK_FALSE(valid_utf8("\x80"));
  CHECK_FALSE(valid_utf8("a\xBF"));
}

TEST_CASE("documented rate limits: a bucket of one second's requests per account, Region and operation") {
  gls::RateLimits limits;
  const gls::Scope a{"111122223333", "us-west-2"}, b{"444455556666", "us-west-2"};
  const auto t0 = gls::RateLimits::Clock::time_point{} + std::chrono::hours(1);
  CHECK(gls::RateLimits::rate_of("CreateStreamGroup") == 1.0);
  CHECK(gls::RateLimits::rate_of("GetStreamSession") == 20.0);
  CHECK_FALSE(gls::RateLimits::rate_of("GetStreamUrl").has_value());
  CHECK(limits.admit(a, "CreateStreamGroup", t0));
  CHECK_FALSE(limits.admit(a, "CreateStreamGroup", t0 + std::chrono::milliseconds(500)));
  CHECK(limits.admit(b, "CreateStreamGroup", t0));            // another account has its own
  CHECK(limits.admit(a, "CreateApplication", t0));            // another operation too
  CHECK(limits.admit(a, "CreateStreamGroup", t0 + std::chrono::milliseconds(1001)));
  int admitted = 0;
  for (int i = 0; i < 30; ++i) admitted += limits.admit(a, "GetStreamSession", t0);
  CHECK(admitted == 20);
  for (int i = 0; i < 100; ++i) CHECK(limits.admit(a, "GetStreamUrl", t0));
}
