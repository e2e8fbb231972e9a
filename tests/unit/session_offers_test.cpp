// The offers a session has used (a connection needs a newly generated one):
// kept from its start, through every rewrite of its row, on the real store.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>

#include "state/sessions/session_rules.hpp"
#include "tests/unit/lifecycle_world.hpp"

using namespace gls;
using namespace gls::testing;

namespace {

bool used(World& w, const std::string& id, const std::string& offer) {
  return w.in_store([&](Store& db) {
    auto s = repo::find_session(db, kScope, w.group_id, id);
    REQUIRE(s);
    return offer_used(db, kScope, *s, offer);
  });
}

std::optional<std::string> offers_column(World& w, const std::string& id) {
  return w.in_store([&](Store& db) {
    Stmt q = db.prepare("SELECT offers FROM stream_sessions WHERE group_id = ? AND id = ?");
    q.args(w.group_id, id);
    REQUIRE(q.step());
    return q.opt_text(0);
  });
}

// Answers every offer at once, as a live peer that has gathered its candidates.
struct AnsweringPeers : StreamPeers {
  int answers = 0;
  void offer(const StreamPeerKey&, const SdpOffer&) override {}
  void offer_awaited(const StreamPeerKey&, const SdpOffer&) override {}
  std::optional<std::string> answer(const StreamPeerKey&, const SdpOffer&) override {
    return "v=0\r\no=- live " + std::to_string(++answers) + "\r\n";
  }
  std::optional<std::string> ready_answer(const StreamPeerKey&, const SdpOffer&) override { return std::nullopt; }
  void close(const StreamPeerKey&) override {}
  void close_all() override {}
};

}  // namespace

TEST_CASE("a started session has used its start's offer, written with its row, and no other") {
  World w;
  auto started = w.emu->sessions().start(kScope, start_request(w, "first offer"));
  REQUIRE(started.ok());
  CHECK(used(w, started->id, "first offer"));
  CHECK_FALSE(used(w, started->id, "another offer"));
  // One digest, as remembering the offer on a row that had none leaves it.
  auto offers = offers_column(w, started->id);
  REQUIRE(offers);
  CHECK(*offers == offers_started_with("first offer"));
  CHECK(offers->size() == 20);  // ["<16 hexadecimal digits>"]

  // Another session has used only its own.
  auto other = w.emu->sessions().start(kScope, start_request(w, "second offer"));
  REQUIRE(other.ok());
  CHECK(used(w, other->id, "second offer"));
  CHECK_FALSE(used(w, other->id, "first offer"));
}

TEST_CASE("a session's used offers survive every rewrite of its row") {
  World w;
  auto started = w.emu->sessions().start(kScope, start_request(w, "first offer"));
  REQUIRE(started.ok());
  const std::string id = started->id;
  w.in_store([&](Store& db) {
    auto s = repo::find_session(db, kScope, w.group_id, id);
    REQUIRE(s);
    remember_offer(db, kScope, *s, "second offer");
  });
  // Settings that rewrite the whole row, and the status changes of the lifecycle.
  REQUIRE(w.emu->sessions().set_timings(kScope, w.group_id, id, R"({"reconnectingSeconds": 2})").ok());
  w.advance(60'000);
  REQUIRE(w.emu->sessions().get(kScope, w.group_id, id)->status == SessionStatus::Active);
  REQUIRE(w.emu->sessions().export_files(kScope, w.group_id, id, "s3://bucket/exports/").ok());
  CHECK(used(w, id, "first offer"));
  CHECK(used(w, id, "second offer"));
  CHECK_FALSE(used(w, id, "third offer"));
}

TEST_CASE("offers that live peers answered stay used once their answers are stored") {
  World w;
  auto peers = std::make_shared<AnsweringPeers>();
  w.emu->set_stream_peers(peers);
  auto started = w.emu->sessions().start(kScope, start_request(w, data_channel_offer(1)));
  REQUIRE(started.ok());
  const std::string id = started->id;
  REQUIRE(peers->answers == 1);
  CHECK(used(w, id, data_channel_offer(1)));

  w.advance(60'000);
  REQUIRE(w.emu->sessions().get(kScope, w.group_id, id)->status == SessionStatus::Active);
  auto connection = w.emu->sessions().create_connection(kScope, w.group_id, id, data_channel_offer(2), std::nullopt, "");
  REQUIRE(connection.ok());
  CHECK(peers->answers == 2);  // a new offer: answered live, and stored by rewriting the row
  CHECK(used(w, id, data_channel_offer(1)));
  CHECK(used(w, id, data_channel_offer(2)));
}
