// Pages of stream sessions (repo::list_sessions): one group's read through
// its index, and the account's, merged from its groups' pages, in
// (created, group, id) order however the groups' sessions interleave.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "state/store/records.hpp"
#include "state/store/repository.hpp"
#include "state/store/store.hpp"

using gls::Store;

namespace {

const gls::Scope kScope{"111122223333", "us-west-2"};
const gls::Scope kOtherScope{"111122223333", "eu-west-1"};

std::unique_ptr<Store> memory_store() {
  auto opened = Store::open(":memory:");
  REQUIRE(opened.ok());
  return std::move(*opened);
}

void add_group(Store& db, const gls::Scope& scope, const std::string& id) {
  gls::StreamGroup g;
  g.id = id;
  g.stream_class = "gen4n_high";
  g.status = gls::StreamGroupStatus::Active;
  gls::GroupLocation l;
  l.name = scope.region;
  l.status = gls::LocationStatus::Active;
  l.always_on = 1000;
  g.locations.push_back(l);
  gls::repo::insert_stream_group(db, scope, g);
}

// Sessions in groups whose names and creation times interleave: many share
// a creation time, within a group and across groups.
void add_sessions(Store& db) {
  const std::vector<std::string> groups = {"sg-PAGE00003", "sg-PAGE00001", "sg-PAGE00004", "sg-PAGE00002"};
  for (const std::string& g : groups) add_group(db, kScope, g);
  add_group(db, kOtherScope, groups.front());
  std::mt19937 random(7);
  const std::string letters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < 400; ++i) {
    gls::StreamSession x;
    x.group_id = groups[random() % (i < 100 ? 1 : groups.size())];  // the first hundred in one group
    x.id.clear();
    for (int c = 0; c < 13; ++c) x.id += letters[random() % letters.size()];
    x.app_id = "a-PAGE00001";
    x.status = random() % 3 ? gls::SessionStatus::Active : gls::SessionStatus::Connected;
    x.location = kScope.region;
    x.signal_request = "offer";
    x.created_ms = 1000 + static_cast<int64_t>(random() % 40);
    x.updated_ms = x.created_ms;
    gls::repo::insert_session(db, i % 50 == 7 ? kOtherScope : kScope, x);
  }
}

// Every page through list_sessions, as (group, id), in the order returned.
std::vector<std::pair<std::string, std::string>> walk(Store& db, gls::repo::SessionQuery query) {
  std::vector<std::pair<std::string, std::string>> seen;
  while (true) {
    std::vector<gls::StreamSession> page = gls::repo::list_sessions(db, kScope, query);
    const bool more = page.size() > static_cast<size_t>(query.limit);
    if (more) page.resize(static_cast<size_t>(query.limit));
    for (const gls::StreamSession& x : page) seen.emplace_back(x.group_id, x.id);
    if (!more) return seen;
    REQUIRE(seen.size() < 1000);
    query.after = gls::repo::SessionKey{page.back().created_ms, page.back().group_id, page.back().id};
  }
}

std::vector<std::pair<std::string, std::string>> ordered_by_sql(Store& db, const std::string& where) {
  gls::Stmt q = db.prepare("SELECT group_id, id FROM stream_sessions WHERE account = ? AND region = ?" + where +
                           " ORDER BY created_ms, group_id, id");
  q.args(kScope.account, kScope.region);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.text(0), q.text(1));
  return out;
}

}  // namespace

TEST_CASE("the account's sessions page in (created, group, id) order, merged from its groups' pages") {
  const std::unique_ptr<Store> opened = memory_store();
  Store& store = *opened;
  store.transaction([](Store& db) {
    add_sessions(db);
    const auto all = ordered_by_sql(db, "");
    const auto connected = ordered_by_sql(db, " AND status = 'CONNECTED'");
    const auto one_group = ordered_by_sql(db, " AND group_id = 'sg-PAGE00001'");
    REQUIRE(all.size() > 300);
    REQUIRE(connected.size() > 50);
    for (int limit : {1, 2, 7, 25, 100, 500}) {
      CAPTURE(limit);
      gls::repo::SessionQuery query;
      query.limit = limit;
      CHECK(walk(db, query) == all);
      query.status = "CONNECTED";
      CHECK(walk(db, query) == connected);
      query.status.reset();
      query.group_id = "sg-PAGE00001";
      CHECK(walk(db, query) == one_group);
    }
  });
}

TEST_CASE("a page of one group's sessions seeks on its index, and so does finding the groups that hold any") {
  const std::unique_ptr<Store> opened = memory_store();
  Store& store = *opened;
  store.transaction([](Store& db) {
    auto plan = [&](const std::string& sql) {
      gls::Stmt q = db.prepare("EXPLAIN QUERY PLAN " + sql);
      std::string out;
      while (q.step()) out += q.text(3) + "\n";
      return out;
    };
    const std::string next = plan(gls::repo::session_page_statement(true));
    CHECK_MESSAGE(
        next.find("USING INDEX sessions_by_group (account=? AND region=? AND group_id=? AND (created_ms,id)>(?,?))") !=
            std::string::npos,
        next);
    const std::string first = plan(gls::repo::session_page_statement(false));
    CHECK_MESSAGE(
        first.find("USING INDEX sessions_by_group (account=? AND region=? AND group_id=?)") != std::string::npos,
        first);
    CHECK_MESSAGE(first.find("TEMP B-TREE") == std::string::npos, first);  // read in index order, not sorted
    const std::string groups = plan(gls::repo::session_group_statement());
    CHECK_MESSAGE(groups.find("USING COVERING INDEX sessions_by_group (account=? AND region=? AND group_id>?)") !=
                      std::string::npos,
                  groups);
  });
}
