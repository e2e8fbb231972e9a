// Where the session code asks the live peers (StreamPeers) to offer, answer
// and close, on the real store through the stream-session domain.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/unit/lifecycle_world.hpp"

using namespace gls;
using namespace gls::testing;

namespace {

std::string data_channel_offer(int version) {
  return "v=0\r\no=- 77 " + std::to_string(version) +
         " IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE d\r\n"
         "a=ice-ufrag:Ab3d\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
         "a=fingerprint:sha-256 AB:CD\r\na=setup:actpass\r\n"
         "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:d\r\na=sctp-port:5000\r\n";
}

struct RecordingPeers : StreamPeers {
  std::vector<std::string> calls;
  void offer(const StreamPeerKey& k, const SdpOffer& o) override {
    calls.push_back("offer " + k.session_id + " " + o.media.front().mid);
  }
  std::optional<std::string> answer(const StreamPeerKey& k, const SdpOffer&) override {
    calls.push_back("answer " + k.session_id);
    return "v=0\r\no=- live " + std::to_string(calls.size()) + "\r\n";
  }
  void close(const StreamPeerKey& k) override { calls.push_back("close " + k.session_id); }
  void close_all() override { calls.push_back("close_all"); }
};

std::string answer_sdp(const std::string& signal_response) {
  rapidjson::Document d;
  d.Parse(signal_response.c_str());
  REQUIRE(d.IsObject());
  return d["sdp"].GetString();
}

StartSessionRequest start_request(const World& w, std::string offer) {
  StartSessionRequest r;
  r.group_identifier = w.group_id;
  r.application_identifier = w.app_id;
  r.draft.signal_request = std::move(offer);
  return r;
}

}  // namespace

TEST_CASE("a live peer is offered at placement, answers at ACTIVE and on a new connection, closes at the end") {
  World w;
  auto peers = std::make_shared<RecordingPeers>();
  w.emu->set_stream_peers(peers);
  auto started = w.emu->sessions().start(kScope, start_request(w, data_channel_offer(1)));
  REQUIRE(started.ok());
  const std::string id = started->id;
  CHECK(peers->calls == std::vector<std::string>{"offer " + id + " d"});

  w.advance(60'000);
  auto active = w.emu->sessions().get(kScope, w.group_id, id);
  REQUIRE(active->status == SessionStatus::Active);
  CHECK(answer_sdp(*active->signal_response) == "v=0\r\no=- live 2\r\n");

  auto connection = w.emu->sessions().create_connection(kScope, w.group_id, id, data_channel_offer(2), std::nullopt, "");
  REQUIRE(connection.ok());
  CHECK(answer_sdp(*connection) == "v=0\r\no=- live 4\r\n");

  REQUIRE(w.emu->sessions().event(kScope, w.group_id, id, "fail", std::nullopt).ok());
  CHECK(peers->calls == std::vector<std::string>{"offer " + id + " d", "answer " + id, "offer " + id + " d",
                                                 "answer " + id, "close " + id});
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
