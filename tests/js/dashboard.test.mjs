// The dashboard at /_gls/ in headless Chromium (Debian's chromium, driven by
// playwright-core): the built-in session's status changes show up without a
// reload, from the event stream, whether the page's buttons or someone else
// caused them; the transitions and requests tables list what happened; a
// refused action is shown; the page logs no errors and asks nothing of any
// host but the emulator. A screenshot is kept in the test output
// (GLS_TEST_OUTPUT, else tests/js/test-output/) and its path printed. A
// second test hides the event stream, /_gls/state and the journal from the
// page, which then polls the AWS API and still follows the session.
//
// Without Chromium the test fails and says how to get it; GLS_SKIP_BROWSER=1
// skips it instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { StartStreamSessionCommand } from "@aws-sdk/client-gameliftstreams";
import { findChromium, launchChromium, loadPlaywright } from "./browser.mjs";
import { REQUEST_DEFAULTS, TIMINGS, startServer } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const outputDir = process.env.GLS_TEST_OUTPUT || path.join(here, "test-output");
const skipBrowser = process.env.GLS_SKIP_BROWSER === "1";

const GROUP = "sg-1AB2C3De4";
const SESSION = "ABC123def4567";
const WAIT_MS = 15000;

// Whether the server answers `p` with a success, asked from outside the page;
// for a stream, only its headers are read.
async function serverHas(url, p) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 3000);
  try {
    const res = await fetch(url + p, { signal: abort.signal });
    return res.ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

test("the dashboard follows a session's status live", { skip: skipBrowser && "GLS_SKIP_BROWSER=1", timeout: 180000 }, async (t) => {
  const executablePath = findChromium();
  const { chromium } = await loadPlaywright();

  const server = await startServer(["--clock", "manual"]);
  const origin = new URL(server.url).origin;
  let browser;
  let page;
  const screenshot = path.join(outputDir, "dashboard.png");
  try {
    assert.ok(await serverHas(server.url, "/_gls/events"), "the server has its event stream");

    browser = await launchChromium(chromium, executablePath);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });

    // Every request the page makes, and none of them may leave the emulator.
    const requests = [];
    const stateReads = [];  // when the page read the state
    const isStateRead = (u) => /^\/(_gls\/state|streamsessions|streamgroups|applications)\b/.test(new URL(u).pathname);
    context.on("request", (r) => {
      requests.push(r.url());
      if (isStateRead(r.url())) stateReads.push(Date.now());
    });
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      return url.origin === origin ? route.continue() : route.abort("blockedbyclient");
    });

    page = await context.newPage();
    const pageErrors = [];
    const consoleErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push({ text: m.text(), url: m.location().url });
    });
    let navigations = 0;
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    const response = await page.goto(server.url + "/_gls/");
    assert.equal(response.status(), 200);
    assert.match(response.headers()["content-type"], /^text\/html; charset=utf-8/);
    assert.match(response.headers()["content-security-policy"], /default-src 'none'/);
    assert.equal(await page.title(), "GameLift Streams Local");

    const row = page.locator(`#sessions tr[data-session="${GROUP}/${SESSION}"]`);
    const rowWithStatus = (status) =>
      page.locator(`#sessions tr[data-session="${GROUP}/${SESSION}"][data-status="${status}"]`);

    // The built-in session, as the fixtures have it.
    await rowWithStatus("CONNECTED").waitFor({ timeout: WAIT_MS });
    assert.equal((await row.locator("[data-field=status]").textContent()).trim(), "CONNECTED");
    await page.locator(`#stream-groups tr[data-stream-group="${GROUP}"][data-status="ACTIVE"]`).waitFor({ timeout: WAIT_MS });
    await page.locator('#applications tr[data-application="a-9ZY8X7Wv6"][data-status="READY"]').waitFor({ timeout: WAIT_MS });
    // What happened before the page looked: the fixtures' births.
    await page.locator('#transitions tr[data-kind="application"][data-resource="a-9ZY8X7Wv6"][data-to="READY"]').waitFor({ timeout: WAIT_MS });

    // Live from the event stream.
    await page.locator('#connection[data-mode="live"]').waitFor({ timeout: WAIT_MS });

    // The client drops: the page's own button.
    const clockBefore = Date.parse(await page.locator("#clock-now").getAttribute("datetime"));
    const readsBeforeDisconnect = stateReads.length;
    await row.locator('button[data-action="clientDisconnect"]').click();
    await rowWithStatus("PENDING_CLIENT_RECONNECTION").waitFor({ timeout: WAIT_MS });
    // A session's transition makes the page re-read the state a second
    // later (capacity changes with no event of its own): that read is the
    // disconnect's, and must be over before the clock moves below.
    const reread = Date.now() + WAIT_MS;
    while (stateReads.length === readsBeforeDisconnect && Date.now() < reread) await new Promise((r) => setTimeout(r, 50));
    assert.ok(stateReads.length > readsBeforeDisconnect, "the page re-reads the state after a session's transition");

    // Nobody reconnects within the connection timeout: the page's clock
    // box. The clock's answer says nothing of the session and the page reads
    // no state before the row changes, so the new status comes from the event
    // stream.
    const ended = REQUEST_DEFAULTS.ConnectionTimeoutSeconds + TIMINGS.streamSession.terminatingSeconds;
    await page.locator("#advance-seconds").fill(String(ended));
    const clicked = Date.now();
    await page.locator('[data-testid="advance-clock"]').click();
    await rowWithStatus("TERMINATED").waitFor({ timeout: WAIT_MS });
    const shown = Date.now();
    assert.deepEqual(stateReads.filter((at) => at >= clicked && at <= shown), [], "the event stream told the page");
    assert.equal((await row.locator("[data-field=reason]").textContent()).trim(), "reconnectionTimeout");
    await page.waitForFunction(
      ([before, seconds]) => Date.parse(document.querySelector("#clock-now").getAttribute("datetime")) - before >= seconds * 1000,
      [clockBefore, ended],
      { timeout: WAIT_MS },
    );

    // The transitions table has both, as the session's history does.
    const transition = (from, to, reason) =>
      page.locator(
        `#transitions tr[data-resource="${GROUP}/${SESSION}"][data-from="${from}"][data-to="${to}"]` +
          (reason ? `[data-reason="${reason}"]` : ""),
      );
    await transition("CONNECTED", "PENDING_CLIENT_RECONNECTION").waitFor({ timeout: WAIT_MS });
    const history = (await server.admin("GET", `/sessions/${GROUP}/${SESSION}/history`)).body.history;
    const last = history[history.length - 1];
    assert.equal(last.to, "TERMINATED");
    assert.equal(last.reason, "reconnectionTimeout");
    await transition(last.from, "TERMINATED", "reconnectionTimeout").waitFor({ timeout: WAIT_MS });

    // A refused event is shown, with the server's reason.
    await row.locator('button[data-action="clientConnect"]').click();
    await page.locator("#message:not([hidden])").waitFor({ timeout: WAIT_MS });
    assert.match(await page.locator("#message").textContent(), /clientConnect on ABC123def4567 failed: \w+Exception: \S/);
    const refusedUrl = `${origin}/_gls/sessions/${GROUP}/${SESSION}/events`;

    // Changes made by someone else show up too: a session started through
    // the API and placed when the clock moves.
    const started = await server.client().send(
      new StartStreamSessionCommand({
        Identifier: GROUP,
        ApplicationIdentifier: "a-9ZY8X7Wv6",
        Protocol: "WebRTC",
        SignalRequest: "v=0 dashboard-test",
        Description: "<b>not markup</b>",
      }),
    );
    const sessionId = started.Arn.split("/").pop();
    const other = (status) => page.locator(`#sessions tr[data-session="${GROUP}/${sessionId}"][data-status="${status}"]`);
    await other("ACTIVATING").waitFor({ timeout: WAIT_MS });
    assert.equal((await server.admin("POST", "/clock", { advanceSeconds: 5 })).status, 200);
    await other("ACTIVE").waitFor({ timeout: WAIT_MS });
    await page.locator('#requests tr[data-operation="StartStreamSession"][data-status="201"]').waitFor({ timeout: WAIT_MS });

    // Its Terminate button, then a second of emulator time.
    await page.locator(`#sessions tr[data-session="${GROUP}/${sessionId}"] button[data-action="terminate"]`).click();
    await other("TERMINATING").waitFor({ timeout: WAIT_MS });
    await page.locator("#advance-seconds").fill("1");
    await page.locator('[data-testid="advance-clock"]').click();
    await other("TERMINATED").waitFor({ timeout: WAIT_MS });
    assert.equal(
      (await page.locator(`#sessions tr[data-session="${GROUP}/${sessionId}"] [data-field=reason]`).textContent()).trim(),
      "apiTerminated",
    );
    await page.locator('#requests tr[data-operation="TerminateStreamSession"]').waitFor({ timeout: WAIT_MS });

    // User input is shown as text, never as markup.
    assert.equal(await page.locator("#sessions b, #stream-groups b, #applications b").count(), 0);

    // All of that without a reload.
    assert.equal(navigations, 1, "the page was not reloaded");

    assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
    // Chromium logs every answer >= 400 to a fetch: the refused event above
    // is the one expected.
    const unexpected = consoleErrors.filter(
      (e) => !(e.text.startsWith("Failed to load resource") && e.url.split("?")[0] === refusedUrl),
    );
    assert.deepEqual(unexpected, [], "no errors in the console");
    const elsewhere = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("data:"));
    assert.deepEqual(elsewhere, [], "no request left the emulator's origin");
  } finally {
    if (page) {
      mkdirSync(outputDir, { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
      if (existsSync(screenshot)) {
        console.log(`dashboard screenshot: ${screenshot}`);
        t.diagnostic(`dashboard screenshot: ${screenshot}`);
      }
    }
    if (browser) await browser.close();
    assert.equal(await server.stop(), 0);
  }
});

test("without the event stream and /_gls/state, the dashboard polls the AWS API", { skip: skipBrowser && "GLS_SKIP_BROWSER=1", timeout: 120000 }, async () => {
  const executablePath = findChromium();
  const { chromium } = await loadPlaywright();

  const server = await startServer(["--clock", "manual"]);
  let browser;
  try {
    browser = await launchChromium(chromium, executablePath);
    const page = await browser.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    // The admin endpoints answered as a server without them would.
    await page.route(/\/_gls\/(events|state|requests)(\?|$)/, (route) =>
      route.fulfill({
        status: 404,
        contentType: "application/json",
        headers: { "x-amzn-ErrorType": "UnknownOperationException" },
        body: JSON.stringify({ message: "No admin operation matches" }),
      }),
    );
    await page.goto(server.url + "/_gls/");
    await page.locator('#connection[data-mode="polling"]').waitFor({ timeout: WAIT_MS });
    const rowWithStatus = (status) =>
      page.locator(`#sessions tr[data-session="${GROUP}/${SESSION}"][data-status="${status}"]`);
    await rowWithStatus("CONNECTED").waitFor({ timeout: WAIT_MS });
    await page.locator(`#stream-groups tr[data-stream-group="${GROUP}"][data-status="ACTIVE"]`).waitFor({ timeout: WAIT_MS });
    await page.locator('#applications tr[data-application="a-9ZY8X7Wv6"][data-status="READY"]').waitFor({ timeout: WAIT_MS });

    // Someone else disconnects the client; the next poll shows it, and the
    // session's history gives the transition.
    assert.equal((await server.admin("POST", `/sessions/${GROUP}/${SESSION}/events`, { event: "clientDisconnect" })).status, 200);
    await rowWithStatus("PENDING_CLIENT_RECONNECTION").waitFor({ timeout: WAIT_MS });
    await page
      .locator(`#transitions tr[data-resource="${GROUP}/${SESSION}"][data-from="CONNECTED"][data-to="PENDING_CLIENT_RECONNECTION"]`)
      .waitFor({ timeout: WAIT_MS });
    assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
  } finally {
    if (browser) await browser.close();
    assert.equal(await server.stop(), 0);
  }
});

test("with --admin-token, the dashboard opened with #token= works and keeps the token out of the address bar", { skip: skipBrowser && "GLS_SKIP_BROWSER=1", timeout: 120000 }, async (t) => {
  const { chromium } = await loadPlaywright();
  const token = "dashboard-token-1234";
  const server = await startServer(["--clock", "manual", "--admin-token", token]);
  const browser = await launchChromium(chromium, findChromium());
  t.after(async () => {
    await browser.close();
    await server.stop();
  });
  const page = await browser.newPage();
  const unauthorized = [];
  page.on("response", (r) => { if (r.status() === 401) unauthorized.push(r.url()); });
  await page.goto(`${server.url}/_gls/#token=${token}`);
  assert.ok(!page.url().includes(token), `the token left the address bar: ${page.url()}`);
  const row = (status) => page.locator(`#sessions tr[data-session="${GROUP}/${SESSION}"][data-status="${status}"]`);
  await row("CONNECTED").waitFor({ timeout: WAIT_MS });
  await page.locator(`#sessions tr[data-session="${GROUP}/${SESSION}"] button[data-action="clientDisconnect"]`).click();
  await row("PENDING_CLIENT_RECONNECTION").waitFor({ timeout: WAIT_MS });
  assert.deepEqual(unauthorized, [], "every admin request carried the token");

  // Without the token the page cannot read the admin API.
  const stranger = await browser.newPage();
  const refused = stranger.waitForResponse((r) => r.url().includes("/_gls/") && r.status() === 401);
  await stranger.goto(`${server.url}/_gls/`);
  await refused;
});
