// What a browser's SDP offer asks the emulator's stream to send: which
// payload type it gave VP8 video and Opus audio, and whether it opened a
// data channel. Read before GStreamer sees the offer: webrtcbin aborts the
// process when it is given a payload type the offer does not have, so a
// peer is built only from what this finds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gls::media {

struct OfferedMedia {
  std::optional<int> vp8_payload;   // the first VP8/90000 of a video section that receives
  std::optional<int> opus_payload;  // the first opus/48000/2 of an audio section that receives
  bool data_channel = false;        // an m=application section (SCTP)
};

// Empty when the text is not an SDP offer that receives VP8 video or Opus
// audio (a data channel alone streams nothing); `why` then says what is missing.
std::optional<OfferedMedia> scan_offer(std::string_view sdp, std::string* why = nullptr);

}  // namespace gls::media
