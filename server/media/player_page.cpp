#include "media/player_page.hpp"

#include "api/codec.hpp"
#include "api/render.hpp"

namespace gls {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// The page's script: reads the session from the <main> element's data.
constexpr std::string_view kScript = R"gls_player(
(() => {
  const main = document.querySelector("main");
  const streamPath = main.dataset.streamPath;
  // An admin route (the watch page's) needs the --admin-token, if one is
  // set: the page is opened as ...#token=TOKEN, as the dashboard is, and
  // keeps it for the tab (out of the address bar).
  const given = new URLSearchParams(location.hash.slice(1)).get("token");
  if (given) sessionStorage.setItem("gls-admin-token", given);
  if (given) history.replaceState(null, "", location.pathname + location.search);
  const adminToken = sessionStorage.getItem("gls-admin-token");
  const video = document.getElementById("video");
  const state = document.getElementById("stream-state");
  const show = (text) => { state.textContent = text; };
  let pc, channel;
  // When the answer was applied and the first frame shown (performance.now()).
  const timing = { answerApplied: null, firstFrame: null };
  video.addEventListener("resize", () => { if (video.videoWidth > 0 && timing.firstFrame === null) timing.firstFrame = performance.now(); });

  function sendInput(message) {
    if (channel && channel.readyState === "open") channel.send(JSON.stringify(message));
  }
  // The input channel's messages (server/websdk/input_messages.hpp).
  function position(e) {
    const r = video.getBoundingClientRect();
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  }
  video.tabIndex = 0;
  for (const [type, action] of [["keydown", "down"], ["keyup", "up"]])
    video.addEventListener(type, (e) => {
      sendInput({ kind: "keyboard", action, code: e.code, key: e.key });
      e.preventDefault();
    });
  for (const [type, action] of [["mousedown", "down"], ["mouseup", "up"], ["mousemove", "move"]])
    video.addEventListener(type, (e) => sendInput({ kind: "mouse", action, button: e.button, ...position(e) }));
  document.getElementById("unmute").addEventListener("click", () => { video.muted = !video.muted; });

  async function connect() {
    if (pc) pc.close();
    pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    channel = pc.createDataChannel("gls-input");
    channel.onmessage = (e) => { main.dataset.lastMessage = e.data; };
    const stream = new MediaStream();
    video.srcObject = stream;
    pc.ontrack = (e) => stream.addTrack(e.track);
    pc.oniceconnectionstatechange = () => show("connection: " + pc.iceConnectionState);
    await pc.setLocalDescription(await pc.createOffer());
    show("asking the emulator for the stream...");
    const headers = { "content-type": "application/json" };
    if (adminToken) headers.authorization = `Bearer ${adminToken}`;
    const res = await fetch(streamPath, {
      method: "POST", headers, body: JSON.stringify({ type: "offer", sdp: pc.localDescription.sdp }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) {
      show("this page needs gls-local's --admin-token: open it as " + location.pathname + "#token=TOKEN");
      return;
    }
    if (!res.ok || !body.sdp) { show("no stream: " + (body.message || res.status)); return; }
    main.dataset.signalResponse = JSON.stringify(body);
    await pc.setRemoteDescription({ type: "answer", sdp: body.sdp });
    timing.answerApplied = performance.now();
    show("connecting...");
  }
  document.getElementById("reconnect").addEventListener("click", () => connect().catch((e) => show(String(e))));
  window.glsPlayer = { connect, timing, get pc() { return pc; }, get channel() { return channel; }, sendInput };
  connect().catch((e) => show(String(e)));
})();
)gls_player";

}  // namespace

std::string player_page(std::string_view group_id, std::string_view session_id, std::string_view stream_path,
                        std::string_view intro_html) {
  const std::string group = html_escape(group_id);
  const std::string session = html_escape(session_id);
  std::string page =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GameLift Streams Local: " + session +
      "</title><style>body{font-family:system-ui,sans-serif;margin:1.5rem;background:#111;color:#eee}"
      "video{width:640px;max-width:100%;aspect-ratio:16/9;background:#000;display:block;margin:.5rem 0}"
      "code{color:#9cf}button{margin-right:.5rem}</style></head><body><main data-group=\"" +
      group + "\" data-session=\"" + session + "\" data-stream-path=\"" + html_escape(stream_path) + "\">";
  page += intro_html;
  page += "<video id=\"video\" autoplay playsinline muted></video><p><button id=\"unmute\" type=\"button\">"
          "Sound on/off</button><button id=\"reconnect\" type=\"button\">Reconnect</button> <span id=\"stream-state\">"
          "starting...</span></p><p>Click the video to send it keyboard and mouse input.</p></main><script>";
  page += kScript;
  page += "</script></body></html>";
  return page;
}

std::string play_session_path(std::string_view group_id, std::string_view url_id, std::string_view session_id,
                              std::string_view token, std::string_view leaf) {
  return "/_gls/play/" + std::string(group_id) + "/" + std::string(url_id) + "/sessions/" + std::string(session_id) +
         std::string(leaf) + "?token=" + std::string(token);
}

std::string url_token(const HttpRequest& request) {
  std::vector<std::pair<std::string, std::string>> query;
  api::parse_query(request.query(), query);
  for (const auto& [k, v] : query)
    if (k == "token") return v;
  return {};
}

void write_play_session(JsonWriter& w, const Scope& scope, const StreamSession& session, std::string_view url_id,
                        std::string_view token) {
  w.StartObject();
  write_string(w, "StreamSessionArn", stream_session_arn(scope, session.group_id, session.id));
  write_string(w, "StreamSessionId", session.id);
  write_string(w, "StreamGroupId", session.group_id);
  write_string(w, "Status", to_string(session.status));
  if (session.status_reason) write_string(w, "StatusReason", *session.status_reason);
  if (session.signal_response) write_string(w, "SignalResponse", *session.signal_response);
  if (session.websdk_url) write_string(w, "WebSdkProtocolUrl", *session.websdk_url);
  write_string(w, "SessionPath", play_session_path(session.group_id, url_id, session.id, token));
  write_string(w, "OfferPath", play_session_path(session.group_id, url_id, session.id, token, "/stream"));
  w.EndObject();
}

}  // namespace gls
