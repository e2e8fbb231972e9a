// The emulator's web player: an HTML page that plays one stream session's
// stream with plain WebRTC. The page makes the offer, POSTs it to
// /_gls/sessions/{group}/{session}/stream, applies the answer, and sends
// the video element's keyboard and mouse input over a data channel.
#pragma once

#include <string>
#include <string_view>

namespace gls {

// `intro` is HTML shown above the video (already escaped by the caller).
std::string player_page(std::string_view group_id, std::string_view session_id, std::string_view intro_html);

std::string html_escape(std::string_view text);

}  // namespace gls
