// What the stream reads from a browser's offer before GStreamer sees it, and
// the caption it draws on its frames.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "media/offer_codecs.hpp"
#include "media/stream_media.hpp"
#include "media/test_pattern.hpp"

using gls::media::scan_offer;

namespace {

// The shape of Chromium's offer for video and audio reception plus a data channel.
const std::string kOffer =
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 102 96 97\r\na=mid:0\r\na=recvonly\r\n"
    "a=rtpmap:102 H264/90000\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=mid:1\r\na=recvonly\r\na=rtpmap:111 opus/48000/2\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\n";

// kOffer with the first `from` in it replaced by `to`.
std::string offer_with(const std::string& from, const std::string& to) {
  std::string offer = kOffer;
  offer.replace(offer.find(from), from.size(), to);
  return offer;
}

}  // namespace

TEST_CASE("an offer's payload types come from its rtpmap lines") {
  auto m = scan_offer(kOffer);
  REQUIRE(m);
  CHECK(m->vp8_payload == 96);
  CHECK(m->opus_payload == 111);
  CHECK(m->data_channel);
}

TEST_CASE("a video section the stream cannot send VP8 to gets nothing; the audio still does") {
  const std::pair<const char*, const char*> edits[] = {
      {"SAVPF 102 96 97", "SAVPF 102 97"},  // VP8's payload type is not on the m= line
      {"a=recvonly", "a=sendonly"},         // the video section only sends
  };
  for (const auto& edit : edits) {
    CAPTURE(edit.second);
    auto m = scan_offer(offer_with(edit.first, edit.second));
    REQUIRE(m);
    CHECK_FALSE(m->vp8_payload);
    CHECK(m->opus_payload == 111);
  }
}

TEST_CASE("an offer with nothing to answer is refused") {
  std::string why;
  CHECK_FALSE(scan_offer("test-offer", &why));
  CHECK(why.find("not SDP") != std::string::npos);
  CHECK_FALSE(scan_offer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", &why));
  CHECK(why == "no media sections");
  CHECK_FALSE(scan_offer("v=0\nm=video 9 UDP/TLS/RTP/SAVPF 102\na=rtpmap:102 H264/90000\n", &why));
  CHECK(why.find("no section the stream sends") != std::string::npos);
  CHECK_FALSE(scan_offer("v=0\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\na=mid:0\n", &why));
  CHECK_FALSE(scan_offer("v=0\nm=video 9 UDP/TLS/RTP/SAVPF 300\na=rtpmap:300 VP8/90000\n"));
}

TEST_CASE("the caption is drawn in the frame's top-left corner, and only there") {
  const int w = 64, h = 32;
  std::vector<uint8_t> frame(gls::media::i420_size(w, h), 100);
  gls::media::draw_caption(frame.data(), w, h, {"A"});
  // The box: dark paper with white ink in it; outside, the frame is untouched.
  const auto y = [&](int x, int row) { return frame[static_cast<size_t>(row) * w + x]; };
  CHECK(y(0, 0) == 24);
  CHECK(y(w - 1, h - 1) == 100);
  int ink = 0;
  for (int row = 0; row < h; ++row)
    for (int x = 0; x < w; ++x) ink += y(x, row) == 235;
  CHECK(ink > 20);
  CHECK(frame[static_cast<size_t>(w) * h] == 128);  // the box is grey in U
}

TEST_CASE("ICE gathers loopback, and the bound address when there is one") {
  using gls::media::StreamMedia;
  CHECK(StreamMedia::local_addresses_for("127.0.0.1") == std::vector<std::string>{"127.0.0.1"});
  CHECK(StreamMedia::local_addresses_for("192.0.2.7") == std::vector<std::string>{"127.0.0.1", "192.0.2.7"});
  auto any = StreamMedia::local_addresses_for("0.0.0.0");
  CHECK(any.front() == "127.0.0.1");
  CHECK(std::count(any.begin(), any.end(), "127.0.0.1") == 1);
}

TEST_CASE("without a stream, or with --max-streams 0, an offer gets no peer") {
  gls::media::StreamMedia media({.max_streams = 0}, {});
  CHECK_FALSE(media.offer("S1", kOffer));
  CHECK_FALSE(media.answer("S1", std::chrono::milliseconds(10)));
  CHECK(media.peers().empty());
}
