// What the WebRTC tests share: whether this gls-local streams, headless
// Chromium set up for loopback WebRTC, and page-side checks of a playing
// <video>.
import { execFileSync } from "node:child_process";
import { binary } from "./harness.mjs";
import { findChromium, launchChromium, loadPlaywright } from "./browser.mjs";

// "on" when gls-local was built with GStreamer's WebRTC support and its
// elements are installed; else the reason it is off (for the skip message).
export function streamState() {
  const help = execFileSync(binary(), ["--help"], { encoding: "utf8" });
  const m = help.match(/The stream: (on|off)(.*)/);
  if (!m) return "off (gls-local --help says nothing of the stream)";
  return m[1] === "on" ? "on" : `off${m[2]}`;
}

export function skipReason() {
  if (process.env.GLS_SKIP_BROWSER === "1") return "GLS_SKIP_BROWSER=1";
  const state = streamState();
  return state === "on" ? false : `gls-local has no stream: ${state}`;
}

// Loopback-only WebRTC: the browser may use 127.0.0.1 and shows its own
// addresses (rather than mDNS names, which an offline emulator cannot resolve).
export const WEBRTC_ARGS = [
  "--allow-loopback-in-peer-connection",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--autoplay-policy=no-user-gesture-required",
];

export async function launchWebrtcBrowser() {
  const executablePath = findChromium();
  const { chromium } = await loadPlaywright();
  return launchChromium(chromium, executablePath, WEBRTC_ARGS);
}

// Waits until the page's `selector` video shows decoded frames and its time
// advances; returns {width, height, firstFrameMs} (from the call).
export async function expectPlaying(page, selector = "video", timeout = 15000) {
  const started = Date.now();
  await page.waitForFunction((s) => document.querySelector(s)?.videoWidth > 0, selector, { timeout });
  const firstFrameMs = Date.now() - started;
  const t0 = await page.evaluate((s) => document.querySelector(s).currentTime, selector);
  await page.waitForFunction(
    ([s, t]) => document.querySelector(s).currentTime > t + 0.5, [selector, t0], { timeout });
  const size = await page.evaluate((s) => {
    const v = document.querySelector(s);
    return { width: v.videoWidth, height: v.videoHeight };
  }, selector);
  return { ...size, firstFrameMs };
}

// Polls `read` until it returns `want` (or fails with what it last saw).
export async function eventually(read, want, what, timeout = 15000) {
  const until = Date.now() + timeout;
  let last;
  while (Date.now() < until) {
    last = await read();
    if (last === want) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: wanted ${want}, last saw ${last}`);
}

// A new RTCPeerConnection in the page (video + audio receive, a data
// channel), its video shown in a new <video id="v<n>">; returns the offer as
// the Web SDK sends it (JSON) and the peer's index.
export async function pageOffer(page) {
  return page.evaluate(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    const channel = pc.createDataChannel("control");
    window.peers ||= [];
    const index = window.peers.push(pc) - 1;
    const video = document.createElement("video");
    Object.assign(video, { id: `v${index}`, muted: true, autoplay: true, playsInline: true });
    document.body.appendChild(video);
    const stream = new MediaStream();
    video.srcObject = stream;
    pc.ontrack = (e) => stream.addTrack(e.track);
    window.received ||= [];
    channel.onmessage = (e) => window.received.push(e.data);
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = pc.localDescription.sdp;
    return { index, signalRequest: JSON.stringify({ type: "offer", sdp, webSdkVersion: "1.0.0", extras: { features: [] } }) };
  });
}

// Applies a SignalResponse's answer to the page's peer `index`.
export async function applyAnswer(page, index, signalResponse) {
  const response = JSON.parse(signalResponse);
  await page.evaluate(([i, sdp]) => window.peers[i].setRemoteDescription({ type: "answer", sdp }), [index, response.sdp]);
  return response;
}

// Loads the protocol script in the page as the Web SDK does (a
// <script crossorigin="anonymous">), which defines window.GameCastInputModule.
export async function loadProtocolScript(page, protocolUrl) {
  await page.evaluate((url) => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.crossOrigin = "anonymous";
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error("the protocol script did not load"));
    document.head.appendChild(script);
  }), protocolUrl);
}
