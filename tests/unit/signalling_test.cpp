// SignalRequest classification, SDP offer validation and the inert answer
// (state/sessions/signalling.hpp).
#include "state/sessions/signalling.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

using namespace gls;

namespace {

// An offer as Chromium makes it for video + audio receive and a data channel.
const std::string kBrowserOffer =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1 2\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Ab3d\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "a=rtpmap:102 H264/90000\r\n"
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
    "a=rtpmap:103 rtx/90000\r\n"
    "a=fmtp:103 apt=102\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Ab3d\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:63 red/48000/2\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Ab3d\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"
    "a=setup:actpass\r\n"
    "a=mid:2\r\n"
    "a=sctp-port:5000\r\n"
    "a=max-message-size:262144\r\n";

std::string web_sdk_json(const std::string& sdp) {
  std::string escaped;
  for (char c : sdp) {
    if (c == '\r') escaped += "\\r";
    else if (c == '\n') escaped += "\\n";
    else escaped += c;
  }
  return R"({"type":"offer","sdp":")" + escaped + R"(","webSdkVersion":"1.0.0","extras":{"features":[]}})";
}

std::vector<std::string> lines_starting(const std::string& sdp, const std::string& prefix) {
  std::vector<std::string> found;
  size_t start = 0;
  while (start < sdp.size()) {
    size_t end = sdp.find("\r\n", start);
    if (end == std::string::npos) end = sdp.size();
    std::string line = sdp.substr(start, end - start);
    if (line.rfind(prefix, 0) == 0) found.push_back(line);
    start = end + 2;
  }
  return found;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a browser's offer is read as bare SDP and as the Web SDK's JSON") {
  for (const std::string& text : {kBrowserOffer, web_sdk_json(kBrowserOffer)}) {
    SignalRequest r = read_signal_request(text);
    REQUIRE(r.kind == SignalKind::Offer);
    REQUIRE(r.offer->media.size() == 3);
    CHECK(r.offer->bundle == std::vector<std::string>{"0", "1", "2"});
    CHECK(r.offer->media[0].kind == "video");
    CHECK(r.offer->media[0].direction == "recvonly");
    CHECK(r.offer->media[0].codecs.size() == 4);
    CHECK(r.offer->media[0].codecs[0].feedback == std::vector<std::string>{"nack", "nack pli"});
    CHECK(r.offer->media[1].codecs[0].fmtp == "minptime=10;useinbandfec=1");
    CHECK(r.offer->media[2].sctp_port == 5000);
    CHECK(r.offer->sdp == kBrowserOffer);
  }
  CHECK(read_signal_request(web_sdk_json(kBrowserOffer)).offer->web_sdk_version == "1.0.0");
  CHECK(read_signal_request(kBrowserOffer).offer->web_sdk_version.empty());
}

TEST_CASE("what is not an offer: placeholders, no client, and invalid requests") {
  CHECK(read_signal_request("NO_CLIENT_CONNECTION").kind == SignalKind::NoClient);
  for (const char* placeholder : {"test-offer", "offer", "v=0", "v=0 dashboard-test", "\"offer\"",
                                  "v=0 o=- 4611731400430051336 2 IN IP4 127.0.0.1 s=- t=0 0 a=group:BUNDLE 0 1"})
    CHECK_MESSAGE(read_signal_request(placeholder).kind == SignalKind::Placeholder, placeholder);

  const std::string no_media = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
  const std::string no_mid = replaced(kBrowserOffer, "a=mid:1\r\n", "");
  const std::string twice = replaced(kBrowserOffer, "a=mid:1\r\n", "a=mid:0\r\n");
  const std::string bad_bundle = replaced(kBrowserOffer, "a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1 9");
  const std::string stray_pt = replaced(kBrowserOffer, "a=rtpmap:63 red", "a=rtpmap:64 red");
  const std::string big_pt = replaced(kBrowserOffer, "111 63\r\n", "111 63 200\r\n");
  std::string no_fingerprint = kBrowserOffer;
  while (no_fingerprint.find("a=fingerprint") != std::string::npos)
    no_fingerprint = replaced(no_fingerprint, "a=fingerprint", "a=fingerprinx");
  std::string no_ice = kBrowserOffer;
  while (no_ice.find("a=ice-pwd") != std::string::npos) no_ice = replaced(no_ice, "a=ice-pwd", "a=ice-pwx");
  for (const std::string& invalid :
       {std::string(""), std::string(" \r\n\t"), no_media, no_mid, twice, bad_bundle, stray_pt, big_pt, no_fingerprint,
        no_ice, std::string("{not json"), std::string(R"({"type":"offer"})"), std::string(R"({"type":"answer","sdp":"v=0"})"),
        std::string(R"({"type":"offer","sdp":42})"), web_sdk_json(no_media), web_sdk_json("test-offer")}) {
    SignalRequest r = read_signal_request(invalid);
    CHECK_MESSAGE(r.kind == SignalKind::Invalid, invalid);
    CHECK_FALSE(r.problem.empty());
  }
  std::string problem;
  CHECK_FALSE(parse_sdp_offer(no_media, &problem));
  CHECK(problem.find("no media sections") != std::string::npos);
}

TEST_CASE("a body that holds an offer, however its JSON is escaped, may hold one; others are told apart unparsed") {
  // Each character JSON-escaped as \uXXXX, as an encoder may write any of them.
  const auto escaped_all = [](const std::string& text) {
    std::string out;
    char code[8];
    for (unsigned char c : text) {
      std::snprintf(code, sizeof code, "\\u%04x", c);
      out += code;
    }
    return out;
  };
  const auto body = [](const std::string& signal_request_literal) {
    return R"({"ApplicationIdentifier":"a-9ZY8X7Wv6","Protocol":"WebRTC","SignalRequest":")" + signal_request_literal +
           R"("})";
  };
  const auto as_literal = [](const std::string& text) {
    std::string out;
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\r')
        out += "\\r";
      else if (c == '\n')
        out += "\\n";
      else
        out += c;
    }
    return out;
  };
  const std::vector<std::string> offers = {
      body(as_literal(kBrowserOffer)),                // bare SDP
      body(as_literal(web_sdk_json(kBrowserOffer))),  // the Web SDK's JSON, in the request's JSON
      body(escaped_all(kBrowserOffer)),               // every character escaped
      body(as_literal(R"({"type":"offer","sdp":")" + escaped_all(kBrowserOffer) + R"("})")),  // escaped within
  };
  for (const std::string& b : offers) {
    rapidjson::Document d;
    REQUIRE_FALSE(d.Parse(b.data(), b.size()).HasParseError());
    const auto& signal = d["SignalRequest"];
    REQUIRE(read_signal_request({signal.GetString(), signal.GetStringLength()}).kind == SignalKind::Offer);
    CHECK_MESSAGE(may_hold_offer(b), b.substr(0, 160));
  }
  for (const std::string& literal : {std::string("v=0 offer"), std::string("NO_CLIENT_CONNECTION"),
                                     std::string("test-offer"), as_literal(web_sdk_json("test-offer"))})
    CHECK_FALSE_MESSAGE(may_hold_offer(body(literal)), literal);
}

TEST_CASE("an inert answer's credentials: the formats browsers check, reproducible for a seed") {
  IdGenerator ids(99), same_seed(99);
  for (int i = 0; i < 50; ++i) {
    const AnswerCredentials c = make_answer_credentials(ids);
    // As drawn one value at a time: hex(15) as a number, plus one; then the
    // ICE credentials; then 32 bytes as upper-case hex, colon-separated.
    const std::string session_hex = same_seed.hex(15);
    CHECK(c.session_id == std::to_string(1 + std::stoull(session_hex, nullptr, 16)));
    CHECK(c.ice_ufrag == same_seed.alphanumeric(8));
    CHECK(c.ice_pwd == same_seed.alphanumeric(24));
    std::string fingerprint;
    const std::string digits = same_seed.hex(64);
    for (size_t at = 0; at < digits.size(); at += 2) {
      if (at) fingerprint += ':';
      fingerprint += static_cast<char>(std::toupper(static_cast<unsigned char>(digits[at])));
      fingerprint += static_cast<char>(std::toupper(static_cast<unsigned char>(digits[at + 1])));
    }
    CHECK(c.fingerprint == fingerprint);
    REQUIRE(c.fingerprint.size() == 95);
    for (size_t at = 0; at < c.fingerprint.size(); ++at)
      CHECK((at % 3 == 2 ? c.fingerprint[at] == ':'
                         : std::isxdigit(static_cast<unsigned char>(c.fingerprint[at])) &&
                               !std::islower(static_cast<unsigned char>(c.fingerprint[at]))));
  }
}

TEST_CASE("the inert answer mirrors the offer's sections, mids and BUNDLE, with codecs from its rtpmap") {
  IdGenerator ids(7);
  const AnswerCredentials c = make_answer_credentials(ids);
  CHECK(c.fingerprint.size() == 32 * 3 - 1);
  CHECK(c.ice_pwd.size() >= 22);
  const std::string answer = synthesize_answer(*parse_sdp_offer(kBrowserOffer), c);

  CHECK(answer.rfind("v=0\r\no=- ", 0) == 0);
  CHECK(lines_starting(answer, "a=group:") == std::vector<std::string>{"a=group:BUNDLE 0 1 2"});
  CHECK(lines_starting(answer, "m=") == std::vector<std::string>{"m=video 9 UDP/TLS/RTP/SAVPF 96",
                                                                 "m=audio 9 UDP/TLS/RTP/SAVPF 111",
                                                                 "m=application 9 UDP/DTLS/SCTP webrtc-datachannel"});
  CHECK(lines_starting(answer, "a=mid:") == std::vector<std::string>{"a=mid:0", "a=mid:1", "a=mid:2"});
  CHECK(lines_starting(answer, "a=sendonly").size() == 2);
  CHECK(lines_starting(answer, "a=setup:") == std::vector<std::string>(3, "a=setup:active"));
  CHECK(lines_starting(answer, "a=fingerprint:") == std::vector<std::string>(3, "a=fingerprint:sha-256 " + c.fingerprint));
  CHECK(lines_starting(answer, "a=ice-ufrag:") == std::vector<std::string>(3, "a=ice-ufrag:" + c.ice_ufrag));
  CHECK(lines_starting(answer, "a=rtpmap:") ==
        std::vector<std::string>{"a=rtpmap:96 VP8/90000", "a=rtpmap:111 opus/48000/2"});
  CHECK(lines_starting(answer, "a=rtcp-fb:96") == std::vector<std::string>{"a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli"});
  CHECK(lines_starting(answer, "a=fmtp:111") == std::vector<std::string>{"a=fmtp:111 minptime=10;useinbandfec=1"});
  CHECK(lines_starting(answer, "a=sctp-port:") == std::vector<std::string>{"a=sctp-port:5000"});
}

TEST_CASE("H264 when VP8 is not offered; a section without a codec to answer is rejected and unbundled") {
  std::string h264_only = replaced(kBrowserOffer, "96 97 102 103\r\n", "102 103\r\n");
  for (const char* line : {"a=rtpmap:96 VP8/90000\r\n", "a=rtcp-fb:96 nack\r\n", "a=rtcp-fb:96 nack pli\r\n",
                           "a=rtpmap:97 rtx/90000\r\n", "a=fmtp:97 apt=96\r\n"})
    h264_only = replaced(h264_only, line, "");
  h264_only = replaced(h264_only, "111 63\r\n", "63\r\n");
  h264_only = replaced(h264_only, "a=rtpmap:111 opus/48000/2\r\n", "");
  IdGenerator ids(1);
  const std::string answer = synthesize_answer(*parse_sdp_offer(h264_only), make_answer_credentials(ids));
  CHECK(lines_starting(answer, "a=rtpmap:") == std::vector<std::string>{"a=rtpmap:102 H264/90000"});
  CHECK(lines_starting(answer, "a=fmtp:102") ==
        std::vector<std::string>{"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"});
  CHECK(lines_starting(answer, "m=audio") == std::vector<std::string>{"m=audio 0 UDP/TLS/RTP/SAVPF 63"});
  CHECK(lines_starting(answer, "a=group:") == std::vector<std::string>{"a=group:BUNDLE 0 2"});
}

TEST_CASE("directions and DTLS roles fit the offer's") {
  std::string offer = replaced(kBrowserOffer, "a=mid:0\r\na=recvonly", "a=mid:0\r\na=sendrecv");
  offer = replaced(offer, "a=mid:1\r\na=recvonly", "a=mid:1\r\na=sendonly");
  while (offer.find("a=setup:actpass") != std::string::npos) offer = replaced(offer, "a=setup:actpass", "a=setup:active");
  IdGenerator ids(3);
  const std::string answer = synthesize_answer(*parse_sdp_offer(offer), make_answer_credentials(ids));
  CHECK(lines_starting(answer, "a=sendonly").size() == 1);
  CHECK(lines_starting(answer, "a=recvonly").size() == 1);
  CHECK(lines_starting(answer, "a=setup:") == std::vector<std::string>(3, "a=setup:passive"));
}

TEST_CASE("the SignalResponse is the Web SDK's JSON") {
  IdGenerator ids(5);
  SessionSignalling signalling;
  signalling.set_origin(browser_origin("0.0.0.0", 9000));
  CHECK(signalling.protocol_url() == "http://127.0.0.1:9000/_gls/websdk/v1/gamecast-input.js");
  for (const std::string& request : {kBrowserOffer, std::string("test-offer")}) {
    rapidjson::Document d;
    d.Parse(signalling.respond({}, read_signal_request(request), ids, true).c_str());
    REQUIRE(d.IsObject());
    CHECK(std::string(d["type"].GetString()) == "answer");
    CHECK(std::string(d["webSdkProtocolUrl"].GetString()) == signalling.protocol_url());
    const std::string sdp = d["sdp"].GetString();
    CHECK(sdp.rfind("v=0\r\n", 0) == 0);
    CHECK(lines_starting(sdp, "m=").size() == (request == kBrowserOffer ? 3u : 0u));
    CHECK(lines_starting(sdp, "a=fingerprint:sha-256 ").size() >= 1);
  }
  CHECK(browser_origin("127.0.0.1", 8766) == "http://127.0.0.1:8766");
  CHECK(browser_origin("::", 1) == "http://[::1]:1");
  CHECK(browser_origin("::1", 2) == "http://[::1]:2");
}

namespace {
// Records what the session code asks of the peers.
struct RecordingPeers : StreamPeers {
  std::vector<std::string> calls;
  void offer(const StreamPeerKey& k, const SdpOffer&) override { calls.push_back("offer " + k.session_id); }
  std::optional<std::string> ready_answer(const StreamPeerKey& k, const SdpOffer&) override {
    calls.push_back("ready " + k.session_id);
    return std::string("v=0\r\no=- live\r\n");
  }
};
}  // namespace

TEST_CASE("a live peer's answer replaces the inert one; placeholders never reach the peers") {
  IdGenerator ids(9);
  SessionSignalling signalling;
  auto peers = std::make_shared<RecordingPeers>();
  signalling.set_peers(peers);
  rapidjson::Document d;
  d.Parse(signalling.respond({{}, "sg", "ses"}, read_signal_request(kBrowserOffer), ids, true).c_str());
  CHECK(std::string(d["sdp"].GetString()) == "v=0\r\no=- live\r\n");
  d.Parse(signalling.respond({{}, "sg", "ses"}, read_signal_request("test-offer"), ids, true).c_str());
  CHECK(std::string(d["sdp"].GetString()) != "v=0\r\no=- live\r\n");
  d.Parse(signalling.respond({{}, "sg", "ses"}, read_signal_request(kBrowserOffer), ids, false).c_str());
  CHECK(std::string(d["sdp"].GetString()) != "v=0\r\no=- live\r\n");
  CHECK(peers->calls == std::vector<std::string>{"ready ses"});  // respond() never waits for an answer
  signalling.set_peers(nullptr);
  CHECK(signalling.peers() != nullptr);
}
