// The emulator's web player: what a browser opening a stream URL reaches.
// The URL's token is checked, a stream session starts, and the answer is an
// HTML page that plays the session's stream (for a browser) or JSON (for a
// script), both naming the session.
#include "admin/admin_api.hpp"

#include "admin/admin_json.hpp"
#include "api/codec.hpp"
#include "api/render.hpp"
#include "media/player_page.hpp"

namespace gls {

HttpResponse AdminApi::play(AdminCall& call) {
  const HttpRequest& request = call.request;
  std::string token;
  std::vector<std::pair<std::string, std::string>> query;
  api::parse_query(request.query(), query);
  for (const auto& [k, v] : query)
    if (k == "token") token = v;
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
    r.body = player_page(session.group_id, session.id,
                         "<h1>Stream session started</h1><p>Stream session <code id=\"session\">" +
                             html_escape(session.id) + "</code> in stream group <code>" +
                             html_escape(session.group_id) + "</code> is <span id=\"status\">" +
                             std::string(to_string(session.status)) + "</span>.</p><p><code>" + html_escape(arn) +
                             "</code></p>");
    return r;
  }
  HttpResponse r = render_json([&](JsonWriter& w) {
    w.StartObject();
    write_string(w, "StreamSessionArn", arn);
    write_string(w, "StreamSessionId", session.id);
    write_string(w, "StreamGroupId", session.group_id);
    write_string(w, "Status", to_string(session.status));
    w.EndObject();
  });
  r.set_header("x-gls-stream-session-arn", arn);
  return r;
}

}  // namespace gls
