// Signalling as a web client does it, in headless Chromium (Debian's
// chromium, driven by playwright-core), from a page of another origin than
// the emulator's:
// - a plain RTCPeerConnection (video + audio receive, a data channel) makes
//   an offer; the test passes it through the AWS SDK for JavaScript
//   (StartStreamSession, then CreateStreamSessionConnection with a new one);
//   Chromium accepts each SignalResponse's answer (setRemoteDescription).
// - the page loads the protocol script from the SignalResponse's
//   webSdkProtocolUrl with <script crossorigin="anonymous">, constructs
//   GameCastInput as the Web SDK does, and attach() opens the input data
//   channel: keyboard and mouse events on the video element arrive on it in
//   the format of server/websdk/input_messages.hpp; the other end's
//   disconnect and application messages reach the callbacks; detach() stops.
//   (The other end is a second RTCPeerConnection in the page.)
//
// Without Chromium the test fails and says how to get it; GLS_SKIP_BROWSER=1
// skips it instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import {
  CreateStreamSessionConnectionCommand,
  GetStreamSessionCommand,
  StartStreamSessionCommand,
} from "@aws-sdk/client-gameliftstreams";
import { findChromium, launchChromium, loadPlaywright } from "./browser.mjs";
import { TIMINGS, startServer } from "./harness.mjs";
import { loadProtocolScript } from "./webrtc-lib.mjs";

const skipBrowser = process.env.GLS_SKIP_BROWSER === "1";
const GROUP = "sg-1AB2C3De4";
const APP = "a-9ZY8X7Wv6";
const WEBRTC_FLAGS = ["--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns"];

// The page of the web app, served by the test from an origin of its own
// (another port of localhost: a developer's web app on loopback).
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>web app</title></head>
<body><video id="video" width="640" height="360" muted playsinline style="background:#123"></video></body></html>`;

async function withBrowserPage(t, fn) {
  const executablePath = findChromium();
  const { chromium } = await loadPlaywright();
  // Inert answers only (--max-streams 0): a live stream would connect the
  // page, and these tests are about the signalling (webrtc.test.mjs streams).
  const server = await startServer(["--clock", "manual", "--max-streams", "0"]);
  const webApp = createServer((req, res) => res.writeHead(200, { "content-type": "text/html" }).end(PAGE));
  await new Promise((resolve) => webApp.listen(0, "127.0.0.1", resolve));
  let browser;
  try {
    browser = await launchChromium(chromium, executablePath, WEBRTC_FLAGS);
    const page = await (await browser.newContext()).newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));
    await page.goto(`http://localhost:${webApp.address().port}/`);
    await fn(server, page);
    assert.deepEqual(pageErrors, [], "the page logged no errors");
  } finally {
    if (browser) await browser.close();
    await new Promise((resolve) => webApp.close(resolve));
    assert.equal(await server.stop(), 0, "gls-local exits 0 on SIGTERM");
  }
}

// The page's offer: video + audio receive and a data channel, as the Web SDK
// sends it (JSON) or as bare SDP.
async function pageOffer(page, { json }) {
  return page.evaluate(async (json) => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    pc.createDataChannel("control");
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === "complete") return resolve();
      pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && resolve());
      setTimeout(resolve, 3000);
    });
    (window.peers ||= []).push(pc);
    const sdp = pc.localDescription.sdp;
    return json ? JSON.stringify({ type: "offer", sdp, webSdkVersion: "1.0.0", extras: { features: [] } }) : sdp;
  }, json);
}

// Applies a SignalResponse to the page's newest peer as the Web SDK does.
async function applyAnswer(page, signalResponse) {
  return page.evaluate(async (signalResponse) => {
    const response = JSON.parse(signalResponse);
    if (response.type !== "answer" || typeof response.sdp !== "string" || typeof response.webSdkProtocolUrl !== "string")
      throw new Error("not the Web SDK's SignalResponse: " + signalResponse);
    const pc = window.peers[window.peers.length - 1];
    await pc.setRemoteDescription({ type: "answer", sdp: response.sdp });
    return {
      signalingState: pc.signalingState,
      mids: pc.getTransceivers().map((tr) => tr.mid),
      directions: pc.getTransceivers().map((tr) => tr.currentDirection),
    };
  }, signalResponse);
}

async function activeSession(server, client, signalRequest) {
  const started = await client.send(new StartStreamSessionCommand({
    Identifier: GROUP, ApplicationIdentifier: APP, Protocol: "WebRTC", SignalRequest: signalRequest,
  }));
  const id = started.Arn.split("/").pop();
  const moved = await server.admin("POST", "/clock", { advanceSeconds: TIMINGS.streamSession.placementSeconds });
  assert.equal(moved.status, 200);
  const got = await client.send(new GetStreamSessionCommand({ Identifier: GROUP, StreamSessionIdentifier: id }));
  assert.equal(got.Status, "ACTIVE", JSON.stringify(got));
  return { id, got };
}

test("Chromium accepts the answers to its offers passed through the AWS SDK", { skip: skipBrowser && "GLS_SKIP_BROWSER=1", timeout: 120000 }, async (t) => {
  await withBrowserPage(t, async (server, page) => {
    const client = server.client();
    const { id, got } = await activeSession(server, client, await pageOffer(page, { json: true }));
    const first = await applyAnswer(page, got.SignalResponse);
    assert.equal(first.signalingState, "stable");
    assert.deepEqual(first.mids, ["0", "1"], "the transceivers keep their mids");
    assert.deepEqual(first.directions, ["recvonly", "recvonly"], "the answer sends what the page receives");
    assert.equal(JSON.parse(got.SignalResponse).webSdkProtocolUrl, got.WebSdkProtocolUrl);

    // A new connection: a fresh offer, as bare SDP this time.
    const offer = await pageOffer(page, { json: false });
    const conn = await client.send(new CreateStreamSessionConnectionCommand({
      Identifier: GROUP, StreamSessionIdentifier: id, SignalRequest: offer,
    }));
    const second = await applyAnswer(page, conn.SignalResponse);
    assert.equal(second.signalingState, "stable");
  });
});

test("the protocol script loads cross-origin and GameCastInput sends the video's input on its data channel", { skip: skipBrowser && "GLS_SKIP_BROWSER=1", timeout: 120000 }, async (t) => {
  await withBrowserPage(t, async (server, page) => {
    const { got } = await activeSession(server, server.client(), await pageOffer(page, { json: true }));
    const protocolUrl = JSON.parse(got.SignalResponse).webSdkProtocolUrl;
    assert.ok(protocolUrl.startsWith(server.url + "/_gls/websdk/"), protocolUrl);

    await loadProtocolScript(page, protocolUrl);
    await page.evaluate(async ({ signalResponse }) => {
      // The emulator's end of the connection: a second peer in the page.
      const client = new RTCPeerConnection();
      const server = new RTCPeerConnection();
      client.onicecandidate = (e) => e.candidate && server.addIceCandidate(e.candidate);
      server.onicecandidate = (e) => e.candidate && client.addIceCandidate(e.candidate);
      const control = client.createDataChannel("control");
      window.received = [];
      server.ondatachannel = (e) => {
        if (e.channel.label !== "gls-input") return;
        window.inputChannel = e.channel;
        e.channel.onmessage = (m) => window.received.push(m.data);
      };
      await client.setLocalDescription(await client.createOffer());
      await server.setRemoteDescription(client.localDescription);
      await server.setLocalDescription(await server.createAnswer());
      await client.setRemoteDescription(server.localDescription);
      await new Promise((resolve) => (control.readyState === "open" ? resolve() : (control.onopen = resolve)));

      window.events = { disconnects: [], messages: [] };
      window.input = new window.GameCastInputModule.GameCastInput({
        webSdkVersion: "1.0.0",
        signalResponse,
        videoElement: document.getElementById("video"),
        inputConfiguration: {},
        clientRtc: client,
        debugLog: () => {},
        onServerDisconnect: (reason) => window.events.disconnects.push(reason),
        onApplicationMessageReceived: (data) => window.events.messages.push(Array.from(data)),
        onPerformanceStatsReceived: () => {},
        bitrateMaxKilobits: 5000,
        maximumResolution: "720p",
      });
      window.input.attach();
      await new Promise((resolve) => {
        const wait = () => (window.inputChannel?.readyState === "open" ? resolve() : setTimeout(wait, 20));
        wait();
      });
    }, { signalResponse: got.SignalResponse });

    // Real input on the video element.
    const box = await page.locator("#video").boundingBox();
    await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.up();
    await page.keyboard.press("KeyA");
    await page.mouse.wheel(0, 120);
    await page.waitForFunction(() => window.received.filter((m) => m.includes('"keyboard"')).length >= 2, null, { timeout: 10000 });
    await page.waitForFunction(() => window.received.some((m) => m.includes('"wheel"')), null, { timeout: 10000 });

    const messages = (await page.evaluate(() => window.received)).map((m) => JSON.parse(m));
    const input = messages.filter((m) => m.kind !== "heartbeat");
    assert.deepEqual(input.filter((m) => m.kind === "keyboard"), [
      { kind: "keyboard", action: "down", code: "KeyA", key: "a" },
      { kind: "keyboard", action: "up", code: "KeyA", key: "a" },
    ]);
    const mouse = input.filter((m) => m.kind === "mouse");
    const down = mouse.find((m) => m.action === "down");
    assert.ok(down, JSON.stringify(mouse));
    assert.equal(down.button, 0);
    assert.ok(Math.abs(down.x - 0.25) < 0.02 && Math.abs(down.y - 0.5) < 0.02, JSON.stringify(down));
    assert.ok(mouse.some((m) => m.action === "up"));
    assert.ok(mouse.some((m) => m.action === "move"));
    assert.equal(mouse.find((m) => m.action === "wheel").dy, 120);
    for (const m of mouse) assert.ok(m.x >= 0 && m.x <= 1 && m.y >= 0 && m.y <= 1, JSON.stringify(m));

    // What the emulator sends reaches the callbacks.
    await page.evaluate(() => {
      window.inputChannel.send(JSON.stringify({ kind: "application", data: btoa("\x01\x02\x03") }));
      window.inputChannel.send(JSON.stringify({ kind: "disconnect", reason: "terminated" }));
    });
    await page.waitForFunction(() => window.events.disconnects.length > 0, null, { timeout: 10000 });
    assert.deepEqual(await page.evaluate(() => window.events), { disconnects: ["terminated"], messages: [[1, 2, 3]] });

    // Detached: no more input is sent, and the channel closes.
    await page.evaluate(() => window.input.detach());
    await page.waitForFunction(() => window.inputChannel.readyState === "closed", null, { timeout: 10000 });
    const before = await page.evaluate(() => window.received.length);
    await page.keyboard.press("KeyB");
    assert.equal(await page.evaluate(() => window.received.length), before);
    assert.deepEqual(await page.evaluate(() => window.events.disconnects), ["terminated"], "detach is not a disconnect");
  });
});
