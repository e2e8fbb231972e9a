// The render cache: a body is served only at the store version it was kept
// under, and a newer version drops every body kept before it; through the
// pipeline, a session read again and again never lags behind a change.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>

#include "api/render_cache.hpp"
#include "app.hpp"

using gls::api::RenderCache;

TEST_CASE("a kept body is found at its version only") {
  RenderCache cache;
  std::string body;
  CHECK_FALSE(cache.find(7, "k", body));
  cache.keep(7, "k", "{\"Status\":\"ACTIVE\"}");
  REQUIRE(cache.find(7, "k", body));
  CHECK(body == "{\"Status\":\"ACTIVE\"}");
  CHECK_FALSE(cache.find(7, "other", body));
  CHECK_FALSE(cache.find(8, "k", body));  // a commit since: not served
}

TEST_CASE("a newer version drops what was kept; an older body is not kept") {
  RenderCache cache;
  std::string body;
  cache.keep(3, "a", "old a");
  cache.keep(3, "b", "old b");
  cache.keep(4, "a", "new a");
  CHECK(cache.size() == 1);
  CHECK_FALSE(cache.find(4, "b", body));
  REQUIRE(cache.find(4, "a", body));
  CHECK(body == "new a");
  // A read that began before the latest commit finished after it.
  cache.keep(3, "b", "old b");
  CHECK_FALSE(cache.find(3, "b", body));
  CHECK_FALSE(cache.find(4, "b", body));
}

TEST_CASE("the cache holds bounded bodies within a bounded number of bytes") {
  RenderCache cache;
  std::string body;
  cache.keep(1, "large", std::string(RenderCache::kMaxBody + 1, 'x'));
  CHECK_FALSE(cache.find(1, "large", body));
  const std::string big(RenderCache::kMaxBody - 10, 'b');
  const size_t n = 2 * RenderCache::kMaxBytes / big.size();
  for (size_t i = 0; i < n; ++i) {
    cache.keep(1, std::to_string(i), big);
    CHECK(cache.bytes() <= RenderCache::kMaxBytes);
  }
  CHECK(cache.size() > 0);
  REQUIRE(cache.find(1, std::to_string(n - 1), body));
  CHECK(body == big);
  // Keeping a key again replaces its body and what it counts.
  RenderCache fresh;
  fresh.keep(1, "k", "a longer body");
  fresh.keep(1, "k", "b");
  CHECK(fresh.size() == 1);
  CHECK(fresh.bytes() == 2);
}

namespace {

constexpr const char* kDocumentedSession = "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567";

std::unique_ptr<gls::App> manual_clock_app() {
  gls::Options o;
  o.db = ":memory:";
  o.clock = gls::ClockMode::Manual;
  o.seed = 1;
  o.threads = 1;
  auto app = gls::App::create(o);
  REQUIRE(app.ok());
  return std::move(*app);
}

gls::HttpResponse call(gls::App& app, std::string method, std::string target, std::string body = {}) {
  gls::HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = {{"host", "127.0.0.1:8766"}};
  if (!body.empty()) r.headers.emplace_back("content-type", "application/json");
  r.body = std::move(body);
  return app.pipeline().handle(r);
}

rapidjson::Document read_json(gls::App& app, const std::string& target) {
  const gls::HttpResponse r = call(app, "GET", target);
  REQUIRE(r.status == 200);
  rapidjson::Document d;
  d.Parse(r.body.data(), r.body.size());
  REQUIRE(d.IsObject());
  return d;
}

std::string session_status(gls::App& app) {
  const gls::HttpResponse r = call(app, "GET", kDocumentedSession);
  REQUIRE(r.status == 200);
  rapidjson::Document d;
  d.Parse(r.body.data(), r.body.size());
  REQUIRE(d.IsObject());
  REQUIRE(d.HasMember("Status"));
  return d["Status"].GetString();
}

}  // namespace

TEST_CASE("a session read again shows a deadline the clock passed, before anything fired it") {
  auto app = manual_clock_app();
  CHECK(session_status(*app) == "CONNECTED");
  CHECK(session_status(*app) == "CONNECTED");
  // Past the documented session's 12 hours; nothing has fired the deadline yet.
  REQUIRE(app->emulator().clock().advance(43'201'000).ok());
  const std::string after = session_status(*app);
  CHECK((after == "TERMINATING" || after == "TERMINATED"));
  CHECK(session_status(*app) == after);
}

TEST_CASE("a session read again shows a write made through the API or the domain at once") {
  auto app = manual_clock_app();
  CHECK(session_status(*app) == "CONNECTED");
  CHECK(call(*app, "DELETE", kDocumentedSession).status == 204);
  CHECK(session_status(*app) == "TERMINATING");
  REQUIRE(app->emulator().clock().advance(60'000).ok());
  CHECK(session_status(*app) == "TERMINATED");

  auto other = manual_clock_app();
  CHECK(session_status(*other) == "CONNECTED");
  const gls::Scope scope = other->emulator().config().default_scope;
  REQUIRE(other->emulator().sessions().terminate(scope, "sg-1AB2C3De4", "ABC123def4567").ok());
  CHECK(session_status(*other) == "TERMINATING");
}

namespace {

constexpr const char* kDocumentedGroup = "/streamgroups/sg-1AB2C3De4";

// The documented group's location us-west-2, as GetStreamGroup shows it.
std::string group_figures(gls::App& app) {
  const rapidjson::Document d = read_json(app, kDocumentedGroup);
  std::string figures = std::string(d["Description"].GetString()) + "|";
  for (const auto& l : d["LocationStates"].GetArray())
    figures += std::string(l["LocationName"].GetString()) + " allocated " +
               std::to_string(l["AllocatedCapacity"].GetInt()) + " idle " + std::to_string(l["IdleCapacity"].GetInt()) +
               ";";
  return figures;
}

}  // namespace

TEST_CASE("the answers of reads that follow the store are kept, others are not") {
  auto app = manual_clock_app();
  CHECK(app->pipeline().kept_answers() == 0);
  (void)read_json(*app, kDocumentedGroup);
  CHECK(app->pipeline().kept_answers() == 1);
  (void)read_json(*app, kDocumentedSession);
  CHECK(app->pipeline().kept_answers() == 2);
  (void)read_json(*app, "/applications/a-9ZY8X7Wv6");
  (void)read_json(*app, "/streamgroups");
  CHECK(app->pipeline().kept_answers() == 2);
}

TEST_CASE("a stream group read again shows an update, a session's end and the clock's deadlines at once") {
  auto app = manual_clock_app();
  const std::string before = group_figures(*app);
  CHECK(group_figures(*app) == before);
  REQUIRE(call(*app, "PATCH", kDocumentedGroup, R"({"Description":"renamed"})").status == 200);
  const std::string renamed = group_figures(*app);
  CHECK(renamed.starts_with("renamed|"));
  CHECK(renamed.substr(renamed.find('|')) == before.substr(before.find('|')));
  // The documented session holds a unit until it has terminated.
  CHECK(call(*app, "DELETE", kDocumentedSession).status == 204);
  const std::string terminating = group_figures(*app);
  REQUIRE(app->emulator().clock().advance(60'000).ok());
  const std::string released = group_figures(*app);
  CHECK(released != terminating);
  CHECK(group_figures(*app) == released);
}

TEST_CASE("an application read again shows replication completing as the clock passes, with no commit") {
  auto app = manual_clock_app();
  const std::string path = "/applications/a-9ZY8X7Wv6";
  // Replication ends apart from every deadline of the new location.
  REQUIRE(call(*app, "POST", "/_gls" + path + "/timings", R"({"replicationSeconds":30})").status == 200);
  REQUIRE(call(*app, "POST", std::string(kDocumentedGroup) + "/locations",
               R"({"LocationConfigurations":[{"LocationName":"us-east-1"}]})")
              .status == 200);
  auto replication = [&] {
    const rapidjson::Document d = read_json(*app, path);
    std::string text;
    for (const auto& r : d["ReplicationStatuses"].GetArray())
      text += std::string(r["Location"].GetString()) + "=" + r["Status"].GetString() + ";";
    return text;
  };
  // Past the location's activation, before the replication's end.
  REQUIRE(app->emulator().clock().advance(20'000).ok());
  const std::string replicating = replication();
  CHECK(replicating.find("us-east-1=REPLICATING") != std::string::npos);
  CHECK(replication() == replicating);
  const auto version = app->emulator().settled_version();
  REQUIRE(version);
  REQUIRE(app->emulator().clock().advance(11'000).ok());
  // Nothing was committed, nor is due: only the clock moved.
  REQUIRE(app->emulator().settled_version() == version);
  CHECK(replication().find("us-east-1=COMPLETED") != std::string::npos);
}
