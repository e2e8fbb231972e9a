#include "media/player_page.hpp"

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
  const group = main.dataset.group, session = main.dataset.session;
  const video = document.getElementById("video");
  const state = document.getElementById("stream-state");
  const show = (text) => { state.textContent = text; };
  const enc = encodeURIComponent;
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
    const res = await fetch(`/_gls/sessions/${enc(group)}/${enc(session)}/stream`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "offer", sdp: pc.localDescription.sdp }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || !body.sdp) { show("no stream: " + (body.message || res.status)); return; }
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

std::string player_page(std::string_view group_id, std::string_view session_id, std::string_view intro_html) {
  const std::string group = html_escape(group_id);
  const std::string session = html_escape(session_id);
  std::string page =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GameLift Streams Local: " + session +
      "</title><style>body{font-family:system-ui,sans-serif;margin:1.5rem;background:#111;color:#eee}"
      "video{width:640px;max-width:100%;aspect-ratio:16/9;background:#000;display:block;margin:.5rem 0}"
      "code{color:#9cf}button{margin-right:.5rem}</style></head><body><main data-group=\"" +
      group + "\" data-session=\"" + session + "\">";
  page += intro_html;
  page += "<video id=\"video\" autoplay playsinline muted></video><p><button id=\"unmute\" type=\"button\">"
          "Sound on/off</button><button id=\"reconnect\" type=\"button\">Reconnect</button> <span id=\"stream-state\">"
          "starting...</span></p><p>Click the video to send it keyboard and mouse input.</p></main><script>";
  page += kScript;
  page += "</script></body></html>";
  return page;
}

}  // namespace gls
