// The emulator's web player: what a browser opening a stream URL reaches.
// The URL's token is checked, a stream session starts, and the answer is an
// HTML page that plays the session's stream (for a browser) or JSON (for a
// script: media/player_page.hpp's write_play_session), both naming the
// session. Both stream and poll through the session's routes under the
// URL's own path (media/session_streams.hpp), with the URL's token.
#include "admin/admin_api.hpp"

#include "admin/admin_json.hpp"
#include "api/render.hpp"
#include "media/player_page.hpp"

namespace gls {

HttpResponse AdminApi::play(AdminCall& call) {
  const HttpRequest& request = call.request;
  const std::string token = url_token(request);
  auto opened = emu_.stream_urls().open(call.param("group"), call.param("url"), token);
  if (!opened) return domain_error(opened.error());
  const Scope& scope = opened->first;
  const StreamSession& session = opened->second;
  const std::string arn = stream_session_arn(scope, session.group_id, session.id);
  std::string_view accept = request.header("accept");
  if (accept.find("text/html") != std::string_view::npos) {
    HttpResponse r;
    r.status = 200;
    r.set_header("Content-Type", "text/html; charset=utf-8");
    r.set_header("x-gls-stream-session-arn", arn);
    // The page plays the session's stream (see media/player_page.hpp).
    const std::string stream_path =
        play_session_path(session.group_id, call.param("url"), session.id, token, "/stream");
    r.body = player_page(session.group_id, session.id, stream_path,
                         "<h1>Stream session started</h1><p>Stream session <code id=\"session\">" +
                             html_escape(session.id) + "</code> in stream group <code>" +
                             html_escape(session.group_id) + "</code> is <span id=\"status\">" +
                             std::string(to_string(session.status)) + "</span>.</p><p><code>" + html_escape(arn) +
                             "</code></p>");
    return r;
  }
  HttpResponse r =
      render_json([&](JsonWriter& w) { write_play_session(w, scope, session, call.param("url"), token); });
  r.set_header("x-gls-stream-session-arn", arn);
  return r;
}

}  // namespace gls
