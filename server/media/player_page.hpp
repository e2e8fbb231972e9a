// The emulator's web player: an HTML page that plays one stream session's
// stream with plain WebRTC. The page makes the offer, POSTs it to its
// stream path, applies the answer, and sends the video element's keyboard
// and mouse input over a data channel. A stream URL's page POSTs to the
// URL's own route (authorised by the URL's token); the watch page to the
// admin route, with the --admin-token it was opened with (#token=...).
#pragma once

#include <string>
#include <string_view>

#include "api/render.hpp"
#include "http/http_types.hpp"

namespace gls {

// `stream_path` is where the page POSTs its offer; `intro` is HTML shown
// above the video (already escaped by the caller).
std::string player_page(std::string_view group_id, std::string_view session_id, std::string_view stream_path,
                        std::string_view intro_html);

std::string html_escape(std::string_view text);

// A stream URL's session, as the URL's page and scripts reach it:
// /_gls/play/{group}/{url}/sessions/{session}<leaf>?token=<the URL's token>.
std::string play_session_path(std::string_view group_id, std::string_view url_id, std::string_view session_id,
                              std::string_view token, std::string_view leaf = {});
// The ?token= of a request to a stream URL's routes (empty if none).
std::string url_token(const HttpRequest& request);
// What a script reads of such a session: StreamSessionArn, StreamSessionId,
// StreamGroupId, Status, StatusReason; SignalResponse (the Web SDK's JSON)
// and WebSdkProtocolUrl once the session has them; SessionPath (where this
// answer is read again) and OfferPath (where a page POSTs its own offer).
void write_play_session(JsonWriter& w, const Scope& scope, const StreamSession& session, std::string_view url_id,
                        std::string_view token);

}  // namespace gls
