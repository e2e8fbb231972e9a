// The emulator's own player pages in headless Chromium, streaming for real:
// a stream URL opened in a browser plays its session's stream; the
// dashboard's watch page plays a running session's; the session follows the
// browser (CONNECTED while it plays, PENDING_CLIENT_RECONNECTION once it
// closes), and the browser's input on the data channel is user input.
// With --admin-token, a stream URL's page streams with the URL's token alone
// (the watch page, an admin tool, needs the admin token: #token=).
//
// Skipped, saying why, when gls-local was built without GStreamer's WebRTC
// support (or GLS_SKIP_BROWSER=1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { CreateStreamUrlCommand } from "@aws-sdk/client-gameliftstreams";
import { startServer } from "./harness.mjs";
import { FIXTURE_APP, FIXTURE_SG, REGION, T, advance, getSession } from "./resources-lib.mjs";
import { eventually, expectPlaying, launchWebrtcBrowser, skipReason } from "./webrtc-lib.mjs";

const skip = skipReason();

test("a stream URL opened in a browser plays its session's stream", { skip, timeout: 120000 }, async () => {
  const server = await startServer(["--clock", "manual"]);
  let browser;
  try {
    const c = server.client();
    const url = await c.send(new CreateStreamUrlCommand({
      Identifier: FIXTURE_SG, ApplicationIdentifier: FIXTURE_APP, Protocol: "WebRTC", UrlExpiresAfterMinutes: 30,
      Locations: [REGION],
    }));
    browser = await launchWebrtcBrowser();
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url.StreamUrl);
    const id = await page.textContent("#session");
    await advance(server, T.sessionPlacement);
    const status = () => getSession(c, FIXTURE_SG, id).then((s) => s.Status);
    const playing = await expectPlaying(page, "#video");
    assert.deepEqual([playing.width, playing.height], [640, 360]);
    await eventually(status, "CONNECTED", "the session once the browser plays");
    // The stream says hello on the page's data channel.
    await page.waitForFunction(() => document.querySelector("main").dataset.lastMessage?.includes("hello"));
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await server.stop();
  }
});

test("with --admin-token, a stream URL's page streams with the URL's own token", { skip, timeout: 120000 }, async () => {
  const token = "admin-secret-1234";
  const server = await startServer(["--clock", "manual", "--admin-token", token]);
  server.gls.adminToken = token;  // the test's own admin calls (the clock)
  let browser;
  try {
    const c = server.client();
    const url = await c.send(new CreateStreamUrlCommand({
      Identifier: FIXTURE_SG, ApplicationIdentifier: FIXTURE_APP, Protocol: "WebRTC", UrlExpiresAfterMinutes: 30,
      Locations: [REGION], UsageLimit: 1,
    }));
    browser = await launchWebrtcBrowser();
    const page = await browser.newPage();
    const unauthorized = [];
    page.on("response", (r) => { if (r.status() === 401) unauthorized.push(r.url()); });
    await page.goto(url.StreamUrl);
    const id = await page.textContent("#session");
    const playing = await expectPlaying(page, "#video");
    assert.deepEqual([playing.width, playing.height], [640, 360]);
    // The page's answer is the Web SDK's SignalResponse JSON.
    const answer = JSON.parse(await page.evaluate(() => document.querySelector("main").dataset.signalResponse));
    assert.equal(answer.type, "answer");
    assert.equal(answer.webSdkProtocolUrl, `${server.url}/_gls/websdk/v1/gamecast-input.js`);
    await advance(server, T.sessionPlacement);
    await eventually(() => getSession(c, FIXTURE_SG, id).then((s) => s.Status), "CONNECTED", "the session once the browser plays");
    assert.deepEqual(unauthorized, [], "the page needed no admin token");

    // The watch page is an admin tool: without the token it says what it needs; opened with #token= it streams.
    const watch = await browser.newPage();
    // (A video that never gets a stream holds back the load event.)
    await watch.goto(`${server.url}/_gls/watch/${FIXTURE_SG}/${id}`, { waitUntil: "domcontentloaded" });
    await watch.waitForFunction(() => document.getElementById("stream-state").textContent.includes("#token="));
    const watching = await browser.newPage();
    await watching.goto(`${server.url}/_gls/watch/${FIXTURE_SG}/${id}#token=${token}`);
    await expectPlaying(watching, "#video");
    assert.ok(!watching.url().includes(token), `the token left the address bar: ${watching.url()}`);
  } finally {
    await browser?.close();
    await server.stop();
  }
});

test("the watch page streams a running session; closing it leaves the session waiting for a reconnection",
     { skip, timeout: 120000 }, async () => {
  const server = await startServer(["--clock", "manual"]);
  let browser;
  try {
    const c = server.client();
    browser = await launchWebrtcBrowser();
    const page = await browser.newPage();
    // The built-in session is CONNECTED (to no one): watching it replaces that.
    const id = "ABC123def4567";
    await page.goto(`${server.url}/_gls/watch/${FIXTURE_SG}/${id}`);
    await expectPlaying(page, "#video");
    const live = await server.admin("GET", "/streams");
    assert.equal(live.body.peers.length, 1, JSON.stringify(live.body));
    assert.equal(live.body.peers[0].sessionId, id);
    assert.ok(live.body.peers[0].framesSent > 0);

    // Keyboard input in the page goes over the data channel as user input.
    await page.focus("#video");
    await page.keyboard.press("KeyW");

    await page.evaluate(() => window.glsPlayer.pc.close());
    const status = () => getSession(c, FIXTURE_SG, id).then((s) => s.Status);
    const closedAt = Date.now();
    await eventually(status, "PENDING_CLIENT_RECONNECTION", "the session once the browser has closed", 5000);
    assert.ok(Date.now() - closedAt < 5000);
    await eventually(async () => (await server.admin("GET", "/streams")).body.peers.length, 0, "live peers");
    const history = (await server.admin("GET", `/sessions/${FIXTURE_SG}/${id}/history`)).body.history;
    assert.deepEqual(history.at(-1).to, "PENDING_CLIENT_RECONNECTION");
  } finally {
    await browser?.close();
    await server.stop();
  }
});
