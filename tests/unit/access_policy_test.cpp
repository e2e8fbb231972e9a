// Who may drive the emulator: Host names, origins, the admin token and the
// media type of admin bodies (server/http/access_policy.hpp).
#include <doctest/doctest.h>

#include "http/access_policy.hpp"

using gls::AccessOptions;
using gls::AccessPolicy;
using gls::HttpRequest;

namespace {

HttpRequest request(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers,
                    std::string body = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

// Options with one thing changed (designated initializers would have to name every member).
template <class F>
AccessOptions with(F change) {
  AccessOptions o;
  change(o);
  return o;
}

int status_of(const AccessPolicy& p, const HttpRequest& r) {
  auto stop = p.check(r);
  return stop ? stop->status : 0;
}

}  // namespace

TEST_CASE("loopback names and addresses") {
  for (const char* host : {"127.0.0.1", "127.0.0.1:8766", "127.255.255.254:1", "127.1.20.3", "localhost",
                           "LocalHost:80", "localhost.", "a.localhost", "a.b.localhost:9", "[::1]", "[::1]:8766", "::1",
                           "[::ffff:127.0.0.1]:80"}) {
    CAPTURE(host);
    CHECK(AccessPolicy::is_loopback_host(host));
  }
  for (const char* host : {"", "evil.example", "localhost.evil.example", "evillocalhost", "127.0.0.1.nip.io",
                           "128.0.0.1", "0.0.0.0", "[::2]", "[::]", "10.0.0.1:8766", "[::1", "127.1",
                           "127.0.0.256", "127.00.0.1", "127.0.0.1x", "1127.0.0.1", "127.0.0", "127.0.0.1.1"}) {
    CAPTURE(host);
    CHECK_FALSE(AccessPolicy::is_loopback_host(host));
  }
  CHECK(AccessPolicy::is_loopback_address("127.0.0.1"));
  CHECK(AccessPolicy::is_loopback_address("::1"));
  CHECK(AccessPolicy::is_loopback_address("localhost"));
  CHECK_FALSE(AccessPolicy::is_loopback_address("0.0.0.0"));
  CHECK_FALSE(AccessPolicy::is_loopback_address("::"));
  CHECK_FALSE(AccessPolicy::is_loopback_address("192.168.0.2"));
}

TEST_CASE("bound to loopback, only loopback names and the allowed ones are served") {
  const auto evil = request("GET", "/_gls/health", {{"host", "evil.example"}});
  CHECK(status_of(AccessPolicy(AccessOptions{}), evil) == 403);
  CHECK(status_of(AccessPolicy(with([](AccessOptions& o) { o.allowed_hosts = {"Evil.Example"}; })), evil) == 0);
  CHECK(status_of(AccessPolicy(with([](AccessOptions& o) { o.allowed_hosts = {"*"}; })), evil) == 0);
  // Neighbours' names are a container's business, not a loopback-bound emulator's.
  CHECK(status_of(AccessPolicy(AccessOptions{}), request("GET", "/", {{"host", "gls-local:8766"}})) == 403);
  CHECK(status_of(AccessPolicy(AccessOptions{}), request("GET", "/", {{"host", "10.0.0.2:8766"}})) == 403);
  // HTTP/1.0 without a Host: no browser sends that.
  CHECK(status_of(AccessPolicy(AccessOptions{}), request("GET", "/_gls/health", {})) == 0);
}

TEST_CASE("bound beyond loopback, addresses and service names are served, dotted names are not") {
  const AccessPolicy container(with([](AccessOptions& o) { o.loopback_bound = false; }));
  for (const char* host : {"gls-local:8766", "gls-local", "GLS_LOCAL", "db1", "172.18.0.3:8766", "10.0.0.1",
                           "0.0.0.0:8766", "[fd00::3]:8766", "[::1]", "localhost:8766", "app.localhost",
                           "127.0.0.1"}) {
    CAPTURE(host);
    CHECK(status_of(container, request("GET", "/_gls/health", {{"host", host}})) == 0);
  }
  for (const char* host : {"attacker.example", "attacker.example:8766", "gls-local.attacker.example",
                           "127.0.0.1.nip.io", "localhost.attacker.example", "a b", "[fe80::1"}) {
    CAPTURE(host);
    auto refused = container.check(request("GET", "/streamgroups", {{"host", host}}));
    REQUIRE(refused);
    CHECK(refused->status == 403);
    CHECK(refused->body.find(host) != std::string::npos);
    CHECK(refused->body.find("--allowed-host") != std::string::npos);
  }
  const AccessPolicy named(with([](AccessOptions& o) {
    o.loopback_bound = false;
    o.allowed_hosts = {"gls.dev.example"};
  }));
  CHECK(status_of(named, request("GET", "/", {{"host", "GLS.dev.example:8766"}})) == 0);
  CHECK(status_of(named, request("GET", "/", {{"host", "other.dev.example"}})) == 403);
  const AccessPolicy any(with([](AccessOptions& o) {
    o.loopback_bound = false;
    o.allowed_hosts = {"*"};
  }));
  CHECK(status_of(any, request("GET", "/", {{"host", "attacker.example"}})) == 0);
}

TEST_CASE("state changes from foreign origins, also in a container") {
  for (bool loopback : {true, false}) {
    CAPTURE(loopback);
    AccessPolicy policy(with([&](AccessOptions& o) { o.loopback_bound = loopback; }));
    auto post = [](std::string origin) {
      return request("POST", "/_gls/reset", {{"host", "127.0.0.1:8766"}, {"origin", std::move(origin)}});
    };
    CHECK(status_of(policy, post("http://127.0.0.1:8766")) == 0);
    CHECK(status_of(policy, post("HTTP://127.0.0.1:8766")) == 0);
    CHECK(status_of(policy, post("http://evil.example")) == 403);
    CHECK(status_of(policy, post("null")) == 403);
    CHECK(status_of(policy, post("http://127.0.0.1:8767")) == 403);
    CHECK(status_of(policy, request("GET", "/_gls/state", {{"host", "127.0.0.1"}, {"origin", "http://evil"}})) == 0);
  }
}

TEST_CASE("named origins get CORS answers") {
  AccessPolicy policy(with([](AccessOptions& o) { o.cors_origins = {"http://localhost:3000"}; }));
  auto preflight = request("OPTIONS", "/applications", {{"host", "127.0.0.1:8766"},
                                                        {"origin", "http://localhost:3000"},
                                                        {"access-control-request-method", "POST"},
                                                        {"access-control-request-headers", "content-type"}});
  auto answer = policy.check(preflight);
  REQUIRE(answer);
  CHECK(answer->status == 204);
  auto get = request("GET", "/applications", {{"host", "127.0.0.1:8766"}, {"origin", "http://localhost:3000"}});
  gls::HttpResponse r;
  policy.decorate(get, r);
  bool allowed = false;
  for (auto& [k, v] : r.headers)
    if (k == "Access-Control-Allow-Origin") allowed = v == "http://localhost:3000";
  CHECK(allowed);

  // Other origins get nothing, and a public asset is for every page.
  auto other = request("GET", "/applications", {{"host", "127.0.0.1:8766"}, {"origin", "http://elsewhere"}});
  gls::HttpResponse plain;
  policy.decorate(other, plain);
  CHECK(plain.headers.empty());
  gls::HttpResponse asset;
  asset.public_asset = true;
  policy.decorate(other, asset);
  REQUIRE(asset.headers.size() == 1);
  CHECK(asset.headers[0].second == "*");
}

TEST_CASE("the admin token and the media type of admin bodies") {
  AccessPolicy policy(with([](AccessOptions& o) { o.admin_token = "token-123456"; }));
  const std::pair<std::string, std::string> host{"host", "127.0.0.1"};
  CHECK(status_of(policy, request("GET", "/_gls/health", {host})) == 401);
  CHECK(status_of(policy, request("GET", "/_gls/health", {host, {"authorization", "Bearer token-123456"}})) == 0);
  CHECK(status_of(policy, request("GET", "/_gls/health", {host, {"authorization", "Bearer token-12345"}})) == 401);
  CHECK(status_of(policy, request("GET", "/_gls/", {host})) == 0);
  CHECK(status_of(policy, request("GET", "/_gls/play/sg-1/su-1", {host})) == 0);
  CHECK(status_of(policy, request("GET", "/applications", {host})) == 0);

  AccessPolicy open{AccessOptions{}};
  CHECK(status_of(open, request("POST", "/_gls/reset", {host}, "{}")) == 415);
  CHECK(status_of(open, request("POST", "/_gls/reset", {host, {"content-type", "text/plain"}}, "{}")) == 415);
  CHECK(status_of(open, request("POST", "/_gls/reset", {host, {"content-type", "application/json ; charset=utf-8"}},
                                "{}")) == 0);
  CHECK(status_of(open, request("POST", "/_gls/reset", {host})) == 0);
  // The AWS API judges its own bodies (restJson1 clients always send JSON).
  CHECK(status_of(open, request("POST", "/applications", {host}, "{}")) == 0);
}
