// Only the developer drives the emulator: in headless Chromium, a page of
// another site cannot change its state (a simple text/plain POST, a JSON
// POST, a form), a page reached through a rebound DNS name is refused, and
// a page of an origin named by --cors-origin calls the API and reads the
// answers, as a web front end calling it straight from the browser does.
//
// The foreign site is a small HTTP server of the test's own on another
// loopback port; the rebound name is Chromium's host-resolver rule mapping
// evil.test to 127.0.0.1. Without Chromium the test fails and says how to
// get it; GLS_SKIP_BROWSER=1 skips it instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { findChromium, launchChromium, loadPlaywright } from "./browser.mjs";
import { startServer } from "./harness.mjs";

const skip = process.env.GLS_SKIP_BROWSER === "1" && "GLS_SKIP_BROWSER=1";
const SESSION_PATH = "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567";

// A site on another port that serves one page and nothing else.
async function startSite(html) {
  const site = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${site.address().port}`, close: () => new Promise((r) => site.close(r)) };
}

async function counts(server) {
  return (await server.admin("GET", "/health")).body.counts;
}

test("a page of another site cannot change the emulator's state", { skip, timeout: 120000 }, async (t) => {
  const { chromium } = await loadPlaywright();
  const server = await startServer(["--clock", "manual"]);
  const site = await startSite("<!doctype html><title>elsewhere</title>");
  const browser = await launchChromium(chromium, findChromium());
  t.after(async () => {
    await browser.close();
    await site.close();
    await server.stop();
  });
  const before = await counts(server);
  assert.equal(before.streamSessions, 1);
  const page = await browser.newPage();
  await page.goto(site.url);
  const outcomes = await page.evaluate(async (gls) => {
    const attempt = async (what, init) => {
      try {
        const res = await fetch(gls + what.path, init);
        return `${what.name}: ${res.status}`;
      } catch (e) {
        return `${what.name}: ${e.name}`;  // the browser withheld the answer, or refused to send it
      }
    };
    return [
      // A "simple" request: sent without a preflight, the classic cross-site write.
      await attempt({ name: "text/plain reset", path: "/_gls/reset" },
                    { method: "POST", mode: "no-cors", body: "{}", headers: { "Content-Type": "text/plain" } }),
      await attempt({ name: "fault rule", path: "/_gls/faults" },
                    { method: "POST", mode: "no-cors", body: '{"operation":"*","error":"ThrottlingException"}' }),
      await attempt({ name: "terminate", path: "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567/terminate" },
                    { method: "POST", mode: "no-cors" }),
      // A preflighted JSON request: the browser asks first and is refused.
      await attempt({ name: "json reset", path: "/_gls/reset" },
                    { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }),
      // Reads are sent, but the page may not see them.
      await attempt({ name: "read", path: "/_gls/state" }, {}),
    ];
  }, server.url);
  assert.equal(outcomes.length, 5);
  assert.deepEqual(await counts(server), before, `nothing changed; the page saw ${outcomes.join(", ")}`);
  assert.deepEqual((await server.admin("GET", "/faults")).body.faults, []);
  const s = await server.client().send(new (await import("@aws-sdk/client-gameliftstreams")).GetStreamSessionCommand({
    Identifier: "sg-1AB2C3De4", StreamSessionIdentifier: "ABC123def4567" }));
  assert.equal(s.Status, "CONNECTED", "the fixture session was not terminated");
  // The server saw the simple requests and refused them itself.
  const journal = (await server.admin("GET", "/requests?limit=50")).body.requests;
  assert.ok(journal.some((r) => r.status === 403 && r.error === "AccessDeniedException"), JSON.stringify(journal));
  assert.ok(outcomes.includes("read: TypeError"), `the page could not read the state: ${outcomes}`);
});

test("a page reached through a rebound DNS name is refused", { skip, timeout: 120000 }, async (t) => {
  const { chromium } = await loadPlaywright();
  const server = await startServer(["--clock", "manual"]);
  const port = new URL(server.url).port;
  const browser = await launchChromium(chromium, findChromium(), ["--host-resolver-rules=MAP evil.test 127.0.0.1"]);
  t.after(async () => {
    await browser.close();
    await server.stop();
  });
  const page = await browser.newPage();
  // The attacker's page and the emulator now share an origin: only the Host header tells them apart.
  const res = await page.goto(`http://evil.test:${port}/_gls/state`);
  assert.equal(res.status(), 403);
  const same = await page.evaluate(async () => {
    const r = await fetch("/_gls/reset", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
    return r.status;
  });
  assert.equal(same, 403);
  assert.equal((await counts(server)).streamSessions, 1);
  // The same request by a loopback name is the developer's own.
  const own = await page.goto(`http://localhost:${port}/_gls/health`);
  assert.equal(own.status(), 200);
});

test("a page of an origin named by --cors-origin calls the API and reads the answers", { skip, timeout: 120000 }, async (t) => {
  const { chromium } = await loadPlaywright();
  const site = await startSite("<!doctype html><title>my game's front end</title>");
  const server = await startServer(["--clock", "manual", "--cors-origin", site.url]);
  const browser = await launchChromium(chromium, findChromium());
  t.after(async () => {
    await browser.close();
    await site.close();
    await server.stop();
  });
  const page = await browser.newPage();
  await page.goto(site.url);
  const result = await page.evaluate(async ({ gls, sessionPath }) => {
    const get = await fetch(gls + sessionPath);
    const session = await get.json();
    // A JSON POST, preflighted, as the AWS SDK sends it.
    const start = await fetch(gls + "/streamgroups/sg-1AB2C3De4/streamsessions", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Amz-User-Agent": "aws-sdk-js/3" },
      body: JSON.stringify({ ApplicationIdentifier: "a-9ZY8X7Wv6", Protocol: "WebRTC", SignalRequest: "offer" }),
    });
    const started = await start.json();
    const bad = await fetch(gls + "/streamgroups/sg-1AB2C3De4/streamsessions", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return {
      status: session.Status,
      startStatus: start.status,
      requestId: start.headers.get("x-amzn-RequestId"),
      started: started.Status,
      errorType: bad.headers.get("x-amzn-ErrorType"),
    };
  }, { gls: server.url, sessionPath: SESSION_PATH });
  assert.equal(result.status, "CONNECTED");
  assert.equal(result.startStatus, 201);
  assert.match(result.requestId ?? "", /^[0-9a-f-]{36}$/, "the SDK's headers are exposed to the page");
  assert.equal(result.started, "ACTIVATING");
  assert.equal(result.errorType, "ValidationException");
  assert.equal((await counts(server)).streamSessions, 2);
});
