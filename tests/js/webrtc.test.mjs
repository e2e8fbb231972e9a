// A web client against the real stream, in headless Chromium: a plain
// RTCPeerConnection's offer goes through the AWS SDK for JavaScript
// (StartStreamSession), its answer comes back in GetStreamSession's
// SignalResponse from the session's live peer, and the page decodes video
// frames; the session follows the browser (CONNECTED, then
// PENDING_CLIENT_RECONNECTION once it closes), and
// CreateStreamSessionConnection with a fresh offer streams again. The
// protocol script's GameCastInput sends the video's input on the data
// channel, where it counts as user input: the idle timeout starts again,
// and the session's end (its idle timeout) closes its peer.
//
// Skipped, saying why, when gls-local was built without GStreamer's WebRTC
// support (or GLS_SKIP_BROWSER=1).
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateStreamSessionConnectionCommand,
  StartStreamSessionCommand,
} from "@aws-sdk/client-gameliftstreams";
import { startServer } from "./harness.mjs";
import { FIXTURE_APP, FIXTURE_SG, T, advance, getSession, idOf } from "./resources-lib.mjs";
import {
  applyAnswer, eventually, expectPlaying, launchWebrtcBrowser, loadProtocolScript, pageOffer, skipReason,
} from "./webrtc-lib.mjs";

const skip = skipReason();

// Whether gls-local has GStreamer's library mapped: its stream module links
// it, and is loaded by the first stream, not at start-up.
const mapsGStreamer = (server) => readFileSync(`/proc/${server.proc.pid}/maps`, "utf8").includes("libgstreamer-1.0");

async function withPage(fn, args = []) {
  const server = await startServer(["--clock", "manual", ...args]);
  let browser;
  try {
    browser = await launchWebrtcBrowser();
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${server.url}/_gls/health`);
    await fn(server, page);
    assert.deepEqual(errors, [], "the page threw nothing");
  } finally {
    await browser?.close();
    assert.equal(await server.stop(), 0, "gls-local exits 0 on SIGTERM");
  }
}

async function startStreaming(server, page) {
  const c = server.client();
  const offer = await pageOffer(page);
  const started = await c.send(new StartStreamSessionCommand({
    Identifier: FIXTURE_SG, ApplicationIdentifier: FIXTURE_APP, Protocol: "WebRTC", SignalRequest: offer.signalRequest,
  }));
  const id = idOf(started.Arn);
  await advance(server, T.sessionPlacement);
  const got = await getSession(c, FIXTURE_SG, id);
  assert.equal(got.Status, "ACTIVE");
  const answer = await applyAnswer(page, offer.index, got.SignalResponse);
  assert.match(answer.sdp, /a=candidate:.* 127\.0\.0\.1 \d+ typ host/, "a live peer's answer has its host candidate");
  return { c, id, status: () => getSession(c, FIXTURE_SG, id).then((s) => s.Status) };
}

test("a plain RTCPeerConnection streams through the AWS SDK, closes, and reconnects", { skip, timeout: 120000 }, async () => {
  await withPage(async (server, page) => {
    assert.equal(mapsGStreamer(server), false, "a start-up maps none of GStreamer");
    const { c, id, status } = await startStreaming(server, page);
    const first = await expectPlaying(page, "#v0");
    assert.deepEqual([first.width, first.height], [640, 360]);
    assert.equal(mapsGStreamer(server), true, "the first stream has loaded the stream module");
    await eventually(status, "CONNECTED", "the session once ICE and DTLS are up");
    await page.waitForFunction(() => window.received.some((m) => m.includes("hello")));

    // The browser closes: the session waits for a reconnection within seconds.
    await page.evaluate(() => window.peers[0].close());
    await eventually(status, "PENDING_CLIENT_RECONNECTION", "the session once the browser has closed", 5000);

    // A fresh offer through CreateStreamSessionConnection: a new peer.
    const again = await pageOffer(page);
    const conn = await c.send(new CreateStreamSessionConnectionCommand({
      Identifier: FIXTURE_SG, StreamSessionIdentifier: id, SignalRequest: again.signalRequest,
    }));
    assert.equal(await status(), "RECONNECTING");
    await applyAnswer(page, again.index, conn.SignalResponse);
    const second = await expectPlaying(page, `#v${again.index}`);
    assert.equal(second.width, 640);
    await advance(server, T.sessionReconnecting);
    await eventually(status, "CONNECTED", "the reconnected session once the browser is connected");
    const history = (await server.admin("GET", `/sessions/${FIXTURE_SG}/${id}/history`)).body.history.map((h) => h.to);
    assert.deepEqual(history.slice(-4), ["PENDING_CLIENT_RECONNECTION", "RECONNECTING", "ACTIVE", "CONNECTED"]);
  });
});

test("GameCastInput's input on the stream's data channel is user input: the idle timeout starts again",
     { skip, timeout: 120000 }, async () => {
  await withPage(async (server, page) => {
    const { id, status } = await startStreaming(server, page);
    await expectPlaying(page, "#v0");
    await eventually(status, "CONNECTED", "the session once the browser is connected");
    const got = await getSession(server.client(), FIXTURE_SG, id);
    const protocolUrl = JSON.parse(got.SignalResponse).webSdkProtocolUrl;
    await loadProtocolScript(page, protocolUrl);
    await page.evaluate(async ({ signalResponse }) => {
      window.input = new window.GameCastInputModule.GameCastInput({
        webSdkVersion: "1.0.0", signalResponse, videoElement: document.getElementById("v0"),
        inputConfiguration: {}, clientRtc: window.peers[0], debugLog: false,
        onServerDisconnect: () => {}, onApplicationMessageReceived: () => {}, onPerformanceStatsReceived: () => {},
      });
      window.input.attach();
    }, { signalResponse: got.SignalResponse });

    // Just before the idle timeout, a key press on the video...
    await advance(server, T.sessionIdleTimeout - 5);
    const events = await fetch(`${server.url}/_gls/events?resource=${id}`);
    const reader = events.body.getReader();
    await page.click("#v0");
    await page.keyboard.press("KeyW");
    // The click (mouse) and the key (keyboard) show on the event stream. The
    // key's release is the last input sent; once it is seen, no input can
    // arrive after the clock moves on and start the idle timeout again later.
    let seen = "";
    while (!seen.includes('"input":"keyboard up')) seen += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    assert.match(seen, /event: input\ndata: \{"kind":"streamsession","resource":"[^"]+\/\w+","account".*"input":"mouse down"/);
    assert.match(seen, /"input":"keyboard down"/);
    // ...so the session outlives its first idle deadline.
    await advance(server, 10);
    assert.equal(await status(), "CONNECTED");
    const history = (await server.admin("GET", `/sessions/${FIXTURE_SG}/${id}/history`)).body.history;
    assert.equal(history.at(-1).to, "CONNECTED", "no idle timeout in the history");
    await advance(server, T.sessionIdleTimeout);
    assert.equal(await status(), "TERMINATED", "without further input the idle timeout comes");
    const reasons = (await server.admin("GET", `/sessions/${FIXTURE_SG}/${id}/history`)).body.history;
    assert.ok(reasons.some((h) => h.reason === "idleTimeout" || h.to === "TERMINATING"), JSON.stringify(reasons));
    // The ended session's peer is gone.
    await eventually(async () => (await server.admin("GET", "/streams")).body.peers.length, 0, "live peers");
  });
});

test("beyond --max-streams, a session gets the inert answer", { skip, timeout: 120000 }, async () => {
  await withPage(async (server, page) => {
    const c = server.client();
    const start = async () => {
      const offer = await pageOffer(page);
      const out = await c.send(new StartStreamSessionCommand({
        Identifier: FIXTURE_SG, ApplicationIdentifier: FIXTURE_APP, Protocol: "WebRTC", SignalRequest: offer.signalRequest,
      }));
      return idOf(out.Arn);
    };
    const first = await start();
    const second = await start();
    await advance(server, T.sessionPlacement);
    const answer = async (id) => JSON.parse((await getSession(c, FIXTURE_SG, id)).SignalResponse).sdp;
    assert.match(await answer(first), /a=candidate:/, "the first session's live peer answers");
    const inert = await answer(second);
    assert.doesNotMatch(inert, /a=candidate:/, "the second session's answer is inert");
    assert.match(inert, /a=setup:active/);
    const live = (await server.admin("GET", "/streams")).body.peers.map((p) => p.sessionId);
    assert.deepEqual(live, [first]);
  }, ["--max-streams", "1"]);
});
