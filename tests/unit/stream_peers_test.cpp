// Where the session code asks the live peers (StreamPeers) to offer, answer
// and close, on the real store through the stream-session domain.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "tests/unit/lifecycle_world.hpp"

using namespace gls;
using namespace gls::testing;

namespace {

struct RecordingPeers : StreamPeers {
  std::vector<std::string> calls;
  std::string last_answer;
  // Run inside answer(), as if during ICE gathering.
  std::function<void()> while_answering;
  void offer(const StreamPeerKey& k, const SdpOffer& o) override {
    calls.push_back("offer " + k.session_id + " " + o.media.front().mid);
  }
  void offer_awaited(const StreamPeerKey& k, const SdpOffer& o) override {
    calls.push_back("awaited offer " + k.session_id + " " + o.media.front().mid);
  }
  std::optional<std::string> answer(const StreamPeerKey& k, const SdpOffer&) override {
    calls.push_back("answer " + k.session_id);
    if (while_answering) while_answering();
    last_answer = "v=0\r\no=- live " + std::to_string(calls.size()) + "\r\n";
    return last_answer;
  }
  std::optional<std::string> ready_answer(const StreamPeerKey& k, const SdpOffer&) override {
    calls.push_back("ready " + k.session_id);
    if (last_answer.empty()) return std::nullopt;
    return last_answer;
  }
  void close(const StreamPeerKey& k) override { calls.push_back("close " + k.session_id); }
  void close_all() override { calls.push_back("close_all"); }
};

// Runs `request` on another thread: whether it finished within two seconds
// (it cannot while this thread holds the store).
template <class F>
bool completes_meanwhile(F request) {
  auto done = std::async(std::launch::async, std::move(request));
  return done.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
}

std::string answer_sdp(const std::string& signal_response) {
  rapidjson::Document d;
  d.Parse(signal_response.c_str());
  REQUIRE(d.IsObject());
  return d["sdp"].GetString();
}

}  // namespace

TEST_CASE("a live peer is offered at placement, answers at ACTIVE and on a new connection, closes at the end") {
  World w;
  auto peers = std::make_shared<RecordingPeers>();
  w.emu->set_stream_peers(peers);
  auto started = w.emu->sessions().start(kScope, start_request(w, data_channel_offer(1)));
  REQUIRE(started.ok());
  const std::string id = started->id;
  // StartStreamSession waits for the answer after its transaction, so that ACTIVE finds it ready.
  CHECK(peers->calls == std::vector<std::string>{"awaited offer " + id + " d", "answer " + id});

  w.advance(60'000);
  auto active = w.emu->sessions().get(kScope, w.group_id, id);
  REQUIRE(active->status == SessionStatus::Active);
  CHECK(answer_sdp(*active->signal_response) == "v=0\r\no=- live 2\r\n");

  auto connection = w.emu->sessions().create_connection(kScope, w.group_id, id, data_channel_offer(2), std::nullopt, "");
  REQUIRE(connection.ok());
  CHECK(answer_sdp(*connection) == "v=0\r\no=- live 5\r\n");
  auto reconnecting = w.emu->sessions().get(kScope, w.group_id, id);
  CHECK(answer_sdp(*reconnecting->signal_response) == "v=0\r\no=- live 5\r\n");  // stored as the session's

  REQUIRE(w.emu->sessions().event(kScope, w.group_id, id, "fail", std::nullopt).ok());
  CHECK(peers->calls == std::vector<std::string>{"awaited offer " + id + " d", "answer " + id, "ready " + id,
                                                 "awaited offer " + id + " d", "answer " + id, "close " + id});
  w.emu->wipe();
  CHECK(peers->calls.back() == "close_all");
}

TEST_CASE("placeholders and rejected offers never reach the peers; their answers are inert") {
  World w;
  auto peers = std::make_shared<RecordingPeers>();
  w.emu->set_stream_peers(peers);
  auto placeholder = w.emu->sessions().start(kScope, start_request(w, "test-offer"));
  auto invalid = w.emu->sessions().start(kScope, start_request(w, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"));
  REQUIRE(placeholder.ok());
  REQUIRE(invalid.ok());
  w.advance(60'000);
  auto a = w.emu->sessions().get(kScope, w.group_id, placeholder->id);
  auto b = w.emu->sessions().get(kScope, w.group_id, invalid->id);
  CHECK(a->status == SessionStatus::Active);
  CHECK(answer_sdp(*a->signal_response).find("m=") == std::string::npos);
  CHECK(b->status == SessionStatus::Error);
  CHECK(b->status_reason == "invalidSignalRequest");
  CHECK(peers->calls == std::vector<std::string>{"close " + b->id});

  peers->calls.clear();
  auto repeated = w.emu->sessions().create_connection(kScope, w.group_id, a->id, "test-offer", std::nullopt, "");
  REQUIRE(repeated.ok());  // the same offer again: rejected once the reconnection settles
  CHECK(peers->calls.empty());
}

TEST_CASE("the peers' answers are awaited with no transaction open; a session ended meanwhile closes its new peer") {
  World w;
  auto peers = std::make_shared<RecordingPeers>();
  w.emu->set_stream_peers(peers);
  bool others_answered = false;
  peers->while_answering = [&] {
    others_answered = completes_meanwhile([&] { return w.emu->sessions().get(kScope, w.group_id, "ABC").ok(); });
  };
  auto started = w.emu->sessions().start(kScope, start_request(w, data_channel_offer(1)));
  REQUIRE(started.ok());
  CHECK(others_answered);
  const std::string id = started->id;
  w.advance(60'000);

  others_answered = false;
  peers->calls.clear();
  peers->while_answering = [&] {
    others_answered = completes_meanwhile([&] { return w.emu->sessions().terminate(kScope, w.group_id, id).ok(); });
  };
  auto connection =
      w.emu->sessions().create_connection(kScope, w.group_id, id, data_channel_offer(2), std::nullopt, "");
  REQUIRE(connection.ok());
  CHECK(others_answered);
  CHECK(peers->calls ==
        std::vector<std::string>{"awaited offer " + id + " d", "answer " + id, "close " + id, "close " + id});
  auto ended = w.emu->sessions().get(kScope, w.group_id, id);
  CHECK(ended->status == SessionStatus::Terminating);
  CHECK(answer_sdp(*ended->signal_response) != answer_sdp(*connection));  // not stored for an ended session
}

TEST_CASE("an answer that comes after the session became ACTIVE replaces its inert answer") {
  World w;
  auto peers = std::make_shared<RecordingPeers>();
  w.emu->set_stream_peers(peers);
  bool placed_meanwhile = false;
  peers->while_answering = [&] {  // the placement is over before the peer has gathered
    placed_meanwhile = completes_meanwhile([&] {
      (void)w.emu->clock().advance(60'000);
      w.emu->catch_up();
    });
  };
  auto started = w.emu->sessions().start(kScope, start_request(w, data_channel_offer(1)));
  REQUIRE(started.ok());
  CHECK(placed_meanwhile);
  const std::string id = started->id;
  CHECK(peers->calls == std::vector<std::string>{"awaited offer " + id + " d", "answer " + id, "ready " + id});
  auto active = w.emu->sessions().get(kScope, w.group_id, id);
  REQUIRE(active->status == SessionStatus::Active);
  CHECK(answer_sdp(*active->signal_response) == "v=0\r\no=- live 3\r\n");
}

TEST_CASE("each offer's answer is awaited once: by the request that made it, else by the peers") {
  World w(1);  // one unit of capacity: the second session waits for it
  auto peers = std::make_shared<RecordingPeers>();
  w.emu->set_stream_peers(peers);
  auto first = w.emu->sessions().start(kScope, start_request(w, data_channel_offer(1)));
  REQUIRE(first.ok());
  auto second = w.emu->sessions().start(kScope, start_request(w, data_channel_offer(2)));
  REQUIRE(second.ok());
  // The first was placed in its own request, which awaited its answer; the
  // second has no capacity yet, so no offer and nothing to await.
  CHECK(peers->calls == std::vector<std::string>{"awaited offer " + first->id + " d", "answer " + first->id});
  REQUIRE_FALSE(second->placed);
  w.advance(60'000);  // the first is ACTIVE
  peers->calls.clear();
  REQUIRE(w.emu->sessions().terminate(kScope, w.group_id, first->id).ok());
  w.advance(60'000);
  // Placed as the first's capacity came back, by no request that waits for
  // its answer: the peers collect it themselves, once.
  const auto offers = std::count_if(peers->calls.begin(), peers->calls.end(),
                                    [](const std::string& c) { return c.find("offer ") != std::string::npos; });
  CHECK(offers == 1);
  CHECK(std::find(peers->calls.begin(), peers->calls.end(), "offer " + second->id + " d") != peers->calls.end());
  CHECK(std::find(peers->calls.begin(), peers->calls.end(), "answer " + second->id) == peers->calls.end());
}
