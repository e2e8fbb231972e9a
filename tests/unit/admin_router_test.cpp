// The admin API's one router and its table (server/admin/admin_router.hpp):
// patterns with named segments, the router's own refusals, and every row of
// the emulator's table, chaos routes included, reached through the router.
#include <doctest/doctest.h>

#include <stdexcept>

#include "admin/admin_router.hpp"
#include "api/errors.hpp"
#include "app.hpp"
#include "http/access_policy.hpp"

using gls::AdminAccess;
using gls::AdminBody;
using gls::AdminCall;
using gls::AdminRoute;
using gls::AdminRouter;
using gls::HttpRequest;
using gls::HttpResponse;
using gls::PathMatch;

namespace {

using Params = std::vector<std::pair<std::string_view, std::string>>;

HttpRequest request(std::string method, std::string target, std::string body = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  r.headers = {{"host", "127.0.0.1:8766"}, {"content-type", "application/json"}};
  return r;
}

std::string header(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

// An answer naming the row that gave it, and what the handler saw.
HttpResponse echo(std::string row, const AdminCall& call) {
  HttpResponse r;
  r.body = row;
  for (const auto& [name, value] : call.params) r.body += " " + std::string(name) + "=" + value;
  if (call.body.IsObject() && call.body.HasMember("n")) r.body += " n=" + std::to_string(call.body["n"].GetInt());
  return r;
}

AdminRouter small_router() {
  const AdminRoute routes[] = {
      {"GET", "/_gls/things", [](AdminCall& c) { return echo("list", c); }},
      {"POST", "/_gls/things", [](AdminCall& c) { return echo("add", c); }, AdminBody::JsonObject},
      {"GET", "/_gls/things/{thing}", [](AdminCall& c) { return echo("get", c); }},
      {"DELETE", "/_gls/things/{thing}", [](AdminCall& c) { return echo("delete", c); }},
      {"GET", "/_gls/things/{thing}/parts/{part}", [](AdminCall& c) { return echo("part", c); }},
      {"GET", "/_gls/boom", [](AdminCall&) -> HttpResponse { throw std::runtime_error("broken"); }},
  };
  AdminRouter router;
  router.add(routes);
  return router;
}

// A path that the pattern matches: each named segment replaced by `value`.
std::string concrete(std::string_view pattern, std::string_view value) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      out += value;
      i = pattern.find('}', i);
    } else {
      out += pattern[i];
    }
  }
  return out;
}

std::unique_ptr<gls::App> make_app() {
  gls::Options o;
  o.db = ":memory:";
  auto app = gls::App::create(o);
  REQUIRE(app.ok());
  return std::move(*app);
}

}  // namespace

TEST_CASE("patterns: literal segments match exactly, named ones any non-empty segment") {
  Params p;
  CHECK(gls::match_path("/_gls/health", "/_gls/health", p) == PathMatch::Yes);
  CHECK(p.empty());
  for (const char* other : {"/_gls/HEALTH", "/_gls/healthy", "/_gls/health/", "/_gls/health/x", "/_gls", "/_gls/",
                            "/_gls/%68ealth", "//_gls/health", "/_glsx/health", ""})
    CHECK_MESSAGE(gls::match_path("/_gls/health", other, p) == PathMatch::No, other);

  REQUIRE(gls::match_path("/_gls/sessions/{group}/{session}/events", "/_gls/sessions/sg-1/AB%2Fc/events", p) ==
          PathMatch::Yes);
  REQUIRE(p.size() == 2);
  CHECK(p[0] == std::pair<std::string_view, std::string>{"group", "sg-1"});
  CHECK(p[1] == std::pair<std::string_view, std::string>{"session", "AB/c"});  // decoded after splitting
  CHECK(gls::match_path("/_gls/sessions/{group}/{session}/events", "/_gls/sessions//x/events", p) == PathMatch::No);
  CHECK(gls::match_path("/_gls/sessions/{group}/{session}/events", "/_gls/sessions/a/b/c/events", p) ==
        PathMatch::No);
  CHECK(gls::match_path("/_gls/sessions/{group}/{session}/events", "/_gls/sessions/a/b/status", p) ==
        PathMatch::No);
  CHECK(gls::match_path("/_gls/play/{group}/{url}", "/_gls/play/sg/%ZZ", p) == PathMatch::BadEncoding);
  CHECK(gls::match_path("/_gls/play/{group}/{url}", "/_gls/play/sg/%C3%28", p) == PathMatch::BadEncoding);
  // The trailing slash is a segment of its own.
  CHECK(gls::match_path("/_gls/", "/_gls/", p) == PathMatch::Yes);
  CHECK(gls::match_path("/_gls", "/_gls/", p) == PathMatch::No);
}

TEST_CASE("the router sends a request to its row with the named segments") {
  const AdminRouter router = small_router();
  CHECK(router.dispatch(request("GET", "/_gls/things")).body == "list");
  CHECK(router.dispatch(request("GET", "/_gls/things?limit=3")).body == "list");  // the query is not the path
  CHECK(router.dispatch(request("GET", "/_gls/things/t%201")).body == "get thing=t 1");
  CHECK(router.dispatch(request("DELETE", "/_gls/things/t1")).body == "delete thing=t1");
  CHECK(router.dispatch(request("GET", "/_gls/things/t1/parts/p2")).body == "part thing=t1 part=p2");
  CHECK(router.dispatch(request("POST", "/_gls/things", R"({"n": 7})")).body == "add n=7");
  CHECK(router.dispatch(request("POST", "/_gls/things", " \n")).body == "add");  // an empty body is {}
  CHECK(router.find("GET", "/_gls/things/t1") == &router.routes()[2]);
  CHECK(router.find("PUT", "/_gls/things/t1") == nullptr);
}

TEST_CASE("the router's own refusals") {
  const AdminRouter router = small_router();
  SUBCASE("an unknown path is a 404 with no Allow") {
    for (const char* path : {"/_gls/nope", "/_gls/things/t1/parts", "/_gls/things//parts/p", "/_gls/Things"}) {
      HttpResponse r = router.dispatch(request("GET", path));
      CHECK_MESSAGE(r.status == 404, path);
      CHECK(header(r, "x-amzn-ErrorType") == "UnknownOperationException");
      CHECK(r.body.find(std::string("No admin operation matches GET ") + path) != std::string::npos);
      CHECK(header(r, "Allow").empty());
    }
  }
  SUBCASE("a known path with another method is a 404 that says which methods it takes") {
    HttpResponse r = router.dispatch(request("PUT", "/_gls/things/t1"));
    CHECK(r.status == 404);
    CHECK(header(r, "x-amzn-ErrorType") == "UnknownOperationException");
    CHECK(header(r, "Allow") == "GET, DELETE");
    CHECK(router.allowed_methods("/_gls/things") == "GET, POST");
    CHECK(router.allowed_methods("/_gls/nope").empty());
  }
  SUBCASE("a named segment that is not UTF-8 is a 400") {
    HttpResponse r = router.dispatch(request("GET", "/_gls/things/%FF"));
    CHECK(r.status == 400);
    CHECK(header(r, "x-amzn-ErrorType") == "ValidationException");
    CHECK(r.body.find("percent-encoded") != std::string::npos);
  }
  SUBCASE("a row that takes a JSON object refuses anything else") {
    for (const char* body : {"not json", "[]", "null", "{} trailing", "\"x\""}) {
      HttpResponse r = router.dispatch(request("POST", "/_gls/things", body));
      CHECK_MESSAGE(r.status == 400, body);
      CHECK(header(r, "x-amzn-ErrorType") == "ValidationException");
    }
  }
  SUBCASE("a handler that throws is a 500") {
    HttpResponse r = router.dispatch(request("GET", "/_gls/boom"));
    CHECK(r.status == 500);
    CHECK(header(r, "x-amzn-ErrorType") == "InternalServerException");
    CHECK(r.body.find("broken") != std::string::npos);
  }
}

TEST_CASE("every row of the emulator's admin table is reached through the one router") {
  auto app = make_app();
  const AdminRouter& router = app->admin_router();
  REQUIRE(router.routes().size() >= 30);
  size_t chaos_rows = 0;
  for (const AdminRoute& route : router.routes()) {
    const std::string path = concrete(route.pattern, "zz9");
    CAPTURE(route.method);
    CAPTURE(path);
    // No row is shadowed by an earlier one.
    CHECK(router.find(route.method, path) == &route);
    // The router hands it to the handler: whatever it answers, it is not the
    // router's "no admin operation".
    HttpResponse r = router.dispatch(request(std::string(route.method), path));
    CHECK(r.status != 0);
    CHECK(header(r, "x-amzn-ErrorType") != "UnknownOperationException");
    if (route.pattern.starts_with("/_gls/faults") || route.pattern == "/_gls/requests" ||
        route.pattern == "/_gls/metrics" || route.pattern == "/_gls/events")
      ++chaos_rows;
  }
  CHECK(chaos_rows == 9);  // the chaos module's rows are in the same table

  // Two rows never share a method and a pattern.
  for (size_t i = 0; i < router.routes().size(); ++i)
    for (size_t j = i + 1; j < router.routes().size(); ++j)
      CHECK_FALSE((router.routes()[i].method == router.routes()[j].method &&
                    router.routes()[i].pattern == router.routes()[j].pattern));
}

TEST_CASE("the access policy lets a browser open exactly the table's public rows without the admin token") {
  auto app = make_app();
  gls::AccessOptions options;
  options.admin_token = "token-123456";
  const gls::AccessPolicy policy(options);
  size_t public_rows = 0;
  for (const AdminRoute& route : app->admin_router().routes()) {
    HttpRequest r = request(std::string(route.method), concrete(route.pattern, "zz9"));
    auto stop = policy.check(r);
    CAPTURE(route.method);
    CAPTURE(route.pattern);
    if (route.access == AdminAccess::Public) {
      ++public_rows;
      CHECK_FALSE(stop.has_value());
    } else {
      REQUIRE(stop.has_value());
      CHECK(stop->status == 401);
    }
  }
  // the dashboard page (4 rows), the player (2), the protocol script (2), the watch page, and a stream URL's
  // session and its offer route (2), which the URL's token authorises
  CHECK(public_rows == 11);
}

TEST_CASE("the play page answers a stream URL that can no longer be used with 410 Gone") {
  auto app = make_app();  // the default fixtures: a READY application and an ACTIVE stream group
  gls::CreateStreamUrlRequest create;
  create.group_identifier = "sg-1AB2C3De4";
  create.application_identifier = "a-9ZY8X7Wv6";
  create.expires_after_minutes = 10;
  create.draft.usage_limit = 1;
  auto url = app->emulator().stream_urls().create(app->emulator().config().default_scope, create);
  REQUIRE(url.ok());
  const std::string target = url->url.substr(url->url.find("/_gls/play/"));
  const AdminRouter& router = app->admin_router();

  CHECK(router.dispatch(request("GET", target)).status == 200);
  HttpResponse used_up = router.dispatch(request("GET", target));
  CHECK(used_up.status == 410);
  CHECK(header(used_up, "x-amzn-ErrorType") == "StreamUrlGone");
  CHECK(used_up.body.find("This stream URL is LIMIT_REACHED") != std::string::npos);
  // A wrong token is no stream URL at all.
  HttpResponse wrong = router.dispatch(request("GET", target.substr(0, target.find("token=")) + "token=x"));
  CHECK(wrong.status == 404);
  CHECK(header(wrong, "x-amzn-ErrorType") == "ResourceNotFoundException");
}
