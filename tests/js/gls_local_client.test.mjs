// The users' JavaScript helpers (clients/js) against the real binary: the
// module, the node:test helper, the Jest/Vitest global set-up and the worked
// example.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  GameLiftStreamsClient,
  GetStreamSessionCommand,
  StartStreamSessionCommand,
  TerminateStreamSessionCommand,
} from "@aws-sdk/client-gameliftstreams";
import { binary } from "./harness.mjs";
import { GlsLocalError, connectGlsLocal, startGlsLocal } from "../../clients/js/gls-local.mjs";
import { useGlsLocal } from "../../clients/js/node-test.mjs";
import setup from "../../clients/js/global-setup.mjs";
import jestTeardown from "../../clients/js/global-teardown.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const clients = path.resolve(here, "..", "..", "clients", "js");
const SG = "sg-1AB2C3De4";
const SESSION = "ABC123def4567";
const OFFER = "test-offer";
process.env.GLS_BINARY ||= binary();

describe("useGlsLocal (node:test)", () => {
  const gls = useGlsLocal();
  const streams = () => new GameLiftStreamsClient(gls.clientConfig({ maxAttempts: 1 }));
  const get = async (id) =>
    streams().send(new GetStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: id }));
  const start = async () =>
    (await streams().send(new StartStreamSessionCommand({ Identifier: SG, ApplicationIdentifier: "a-9ZY8X7Wv6",
      Protocol: "WebRTC", SignalRequest: OFFER }))).Arn.split("/").pop();

  test("starts on a free loopback port with the manual clock and a temporary database", async () => {
    assert.match(gls.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await gls.clock()).mode, "manual");
    assert.ok(existsSync(path.join(gls.tmpdir, "state.db")));
    assert.equal((await gls.health()).counts.streamSessions, 1);
  });

  test("advance, session events, forced statuses and history", async () => {
    const before = (await gls.clock()).now;
    const id = await start();
    await gls.advance(2);
    assert.ok(Math.abs((await gls.clock()).now - before - 2) < 0.001);
    await gls.sessionEvent(SG, id, "clientConnect");
    assert.equal((await get(id)).Status, "CONNECTED");
    await gls.forceSessionStatus(SG, id, "ERROR", { reason: "internalError", force: true });
    assert.equal((await get(id)).StatusReason, "internalError");
    const history = (await gls.sessionHistory(SG, id)).history.map((t) => t.to);
    assert.deepEqual(history.slice(-3), ["ACTIVE", "CONNECTED", "ERROR"]);
    assert.deepEqual(await gls.history("sessions", SG, id), await gls.sessionHistory(SG, id));
  });

  test("a failing admin request rejects with its status", async () => {
    await assert.rejects(gls.sessionEvent(SG, "NoSuchSession1", "clientConnect"),
      (e) => e instanceof GlsLocalError && e.status === 404);
  });

  test("fault rules, the journal", async () => {
    const rule = await gls.addFault({ operation: "GetStreamSession", error: "ThrottlingException", times: 1 });
    assert.deepEqual((await gls.faults()).faults.map((r) => r.id), [rule.id]);
    await assert.rejects(get(SESSION), { name: "ThrottlingException" });
    const journal = (await gls.journal({ operation: "GetStreamSession", limit: 5 })).requests;
    assert.deepEqual(journal.map((e) => e.status), [429]);
    await gls.clearFaults();
    assert.deepEqual((await gls.faults()).faults, []);
  });

  test("snapshot and restore; reset without fixtures", async () => {
    const snapshot = await gls.snapshot();
    await streams().send(new TerminateStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: SESSION }));
    await gls.advance(5);
    await gls.restore(snapshot);
    assert.equal((await get(SESSION)).Status, "CONNECTED");
    assert.equal((await gls.reset({ fixtures: false })).counts.streamSessions, 0);
    assert.equal((await connectGlsLocal(gls.url + "/").health()).status, "ok");
  });
});

test("stop ends the process with 0 and removes the temporary database", async () => {
  const gls = await startGlsLocal({ clock: "real", adminToken: "s3cret-token" });
  const tmpdir = gls.tmpdir;
  assert.equal((await gls.clock()).mode, "real");
  assert.equal((await fetch(gls.url + "/_gls/health")).status, 401, "the token is needed and sent by the helper");
  assert.equal(await gls.stop(), 0);
  assert.ok(!existsSync(tmpdir));
});

test("stop() of an emulator that does not end on SIGTERM resolves once SIGKILL has ended it", async () => {
  const gls = await startGlsLocal();
  process.kill(gls.proc.pid, "SIGSTOP");  // a stopped process leaves SIGTERM pending; SIGKILL ends it
  // Nothing else keeps this test's process running meanwhile: the wait for
  // the exit must (else node:test cancels the test, the promise pending).
  assert.equal(await gls.stop({ timeoutMs: 300 }), null);
  assert.equal(gls.proc.signalCode, "SIGKILL");
});

test("a gls-local that cannot start rejects start() with its output", async () => {
  await assert.rejects(startGlsLocal({ args: ["--no-such-flag"] }), /exited with 2 during start-up:\n.*unknown flag --no-such-flag/s);
});

test("global set-up for Jest and Vitest publishes the endpoint; tear-down stops it", async () => {
  const teardown = await setup();
  const gls = globalThis.__glsLocal;
  after(() => gls.stop());
  assert.equal(process.env.GLS_LOCAL_ENDPOINT, gls.url);
  assert.equal((await connectGlsLocal(process.env.GLS_LOCAL_ENDPOINT).health()).status, "ok");
  assert.equal(teardown, jestTeardown);
  await teardown();
  assert.equal(gls.proc.exitCode, 0);
});

test("the worked example passes", () => {
  // Placed under tests/js so that its imports resolve: the SDK from this
  // suite's node_modules, the helper by its package name from clients/js.
  const dir = path.join(here, "test-output", "example");
  mkdirSync(dir, { recursive: true });
  const source = readFileSync(path.join(clients, "example.test.mjs"), "utf8")
    .replace('"gls-local/node-test.mjs"', JSON.stringify(pathToFileURL(path.join(clients, "node-test.mjs")).href));
  const file = path.join(dir, "example.test.mjs");
  writeFileSync(file, source);
  after(() => rmSync(dir, { recursive: true, force: true }));
  // A nested run reports to a terminal, not to this runner.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ["--test", file], { encoding: "utf8", timeout: 120000, env });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /# pass 1\b/);
});
