// The stream-session lifecycle through the AWS SDK for JavaScript v3: the
// waiter, concurrent Terminate / CreateStreamSessionConnection / clientConnect
// races checked against the transition table, and the session paginators.
// The lifecycle itself is tested once, through boto3, in
// tests/integration/test_lifecycle.py.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CreateStreamSessionConnectionCommand,
  ExportStreamSessionFilesCommand,
  GetStreamSessionCommand,
  ListStreamSessionsByAccountCommand,
  StartStreamSessionCommand,
  TerminateStreamSessionCommand,
  paginateListStreamSessions,
  paginateListStreamSessionsByAccount,
  waitForStreamSessionActive,
  waitUntilStreamSessionActive,
} from "@aws-sdk/client-gameliftstreams";
import { TIMINGS, sdpOffer, startServer } from "./harness.mjs";

const SG = "sg-1AB2C3De4";
const APP = "a-9ZY8X7Wv6";
const PLACEMENT = TIMINGS.streamSession.placementSeconds;

// The allowed (from, to) pairs of state/sessions/session_lifecycle.cpp's table, plus
// the birth of a session (null -> ACTIVATING).
const ALLOWED = new Set(
  [
    [null, "ACTIVATING"],
    ["ACTIVATING", "ACTIVE"],
    ["ACTIVATING", "PENDING_CLIENT_RECONNECTION"],
    ["ACTIVATING", "ERROR"],
    ["ACTIVATING", "TERMINATING"],
    ["ACTIVE", "CONNECTED"],
    ["ACTIVE", "RECONNECTING"],
    ["ACTIVE", "TERMINATING"],
    ["ACTIVE", "ERROR"],
    ["CONNECTED", "PENDING_CLIENT_RECONNECTION"],
    ["CONNECTED", "TERMINATING"],
    ["CONNECTED", "ERROR"],
    ["PENDING_CLIENT_RECONNECTION", "RECONNECTING"],
    ["PENDING_CLIENT_RECONNECTION", "TERMINATING"],
    ["PENDING_CLIENT_RECONNECTION", "ERROR"],
    ["RECONNECTING", "ACTIVE"],
    ["RECONNECTING", "ERROR"],
    ["RECONNECTING", "TERMINATING"],
    ["TERMINATING", "TERMINATED"],
  ].map(([f, t]) => `${f}->${t}`),
);

let signalCounter = 0;
const freshOffer = () => sdpOffer(`${Date.now()}${++signalCounter}`);
const sessionIdOf = (arn) => arn.split("/").pop();
const secs = (date) => date.getTime() / 1000;

function tempFixtures(capacity) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gls-lifecycle-"));
  const file = path.join(dir, "fixtures.json");
  writeFileSync(
    file,
    JSON.stringify({
      applications: [{ Id: APP, Status: "READY" }],
      streamGroups: [
        {
          Id: SG,
          Status: "ACTIVE",
          DefaultApplication: { Id: APP },
          LocationStates: [{ LocationName: "us-west-2", AlwaysOnCapacity: capacity }],
        },
      ],
    }),
  );
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function start(client, extra = {}) {
  const out = await client.send(
    new StartStreamSessionCommand({
      Identifier: SG,
      Protocol: "WebRTC",
      SignalRequest: freshOffer(),
      ApplicationIdentifier: APP,
      ...extra,
    }),
  );
  return { out, id: sessionIdOf(out.Arn) };
}

const get = (client, id) => client.send(new GetStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: id }));

async function history(server, id) {
  const res = await server.admin("GET", `/sessions/${SG}/${id}/history`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function advance(server, seconds) {
  const res = await server.admin("POST", "/clock", { advanceSeconds: seconds });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function event(server, id, body) {
  return server.admin("POST", `/sessions/${SG}/${id}/events`, body);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// 1. waitUntilStreamSessionActive
// ---------------------------------------------------------------------------

describe("waitUntilStreamSessionActive", () => {
  test("succeeds with --clock real --time-scale 10", async () => {
    const server = await startServer(["--clock", "real", "--time-scale", "10"]);
    try {
      const client = server.client();
      const { out, id } = await start(client);
      assert.equal(out.Status, "ACTIVATING");
      const t0 = Date.now();
      const result = await waitUntilStreamSessionActive(
        { client, minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 10 },
        { Identifier: SG, StreamSessionIdentifier: id },
      );
      const elapsed = Date.now() - t0;
      assert.equal(result.state, "SUCCESS");
      assert.equal(result.reason.Status, "ACTIVE");
      assert.ok(result.reason.SignalResponse, "an ACTIVE session has its SignalResponse");
      // The placement's emulator seconds at scale 10 are a tenth of that in wall time.
      assert.ok(elapsed < PLACEMENT * 1000, `waited ${elapsed} ms`);
      // The transition is stamped with the time it was due: CreatedAt + the placement.
      const h = await history(server, id);
      const activation = h.history.find((e) => e.to === "ACTIVE");
      assert.ok(activation, JSON.stringify(h));
      assert.ok(Math.abs(activation.time - (secs(out.CreatedAt) + PLACEMENT)) < 0.002, JSON.stringify(h));
      assert.ok(Math.abs(secs(result.reason.LastUpdatedAt) - activation.time) < 0.002);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  describe("with --clock manual", () => {
    let server;
    let client;
    const polls = new Map();
    before(async () => {
      server = await startServer(["--clock", "manual"]);
      client = server.client();
      // Count the waiter's GetStreamSession calls per session.
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "GetStreamSessionCommand") {
            const id = args.input.StreamSessionIdentifier;
            polls.set(id, (polls.get(id) ?? 0) + 1);
          }
          return next(args);
        },
        { step: "initialize", name: "countPolls" },
      );
    });
    after(async () => {
      assert.equal(await server.stop(), 0);
    });

    test("succeeds once the test advances the clock while the waiter polls", async () => {
      const { id } = await start(client);
      let settled = false;
      const waiting = waitUntilStreamSessionActive(
        { client, minDelay: 0.05, maxDelay: 0.1, maxWaitTime: 10 },
        { Identifier: SG, StreamSessionIdentifier: id },
      ).finally(() => {
        settled = true;
      });
      // Two polls have seen the session ACTIVATING (however slowly they come).
      const until = Date.now() + 10000;
      while ((polls.get(id) ?? 0) < 2 && !settled && Date.now() < until) await sleep(20);
      assert.equal(settled, false, "the waiter must not finish while the clock stands still");
      const pollsWhileActivating = polls.get(id) ?? 0;
      assert.ok(pollsWhileActivating >= 2, `the waiter polled ${pollsWhileActivating} times in 10 s`);
      assert.equal((await get(client, id)).Status, "ACTIVATING");
      await advance(server, PLACEMENT);
      const result = await waiting;
      assert.equal(result.state, "SUCCESS");
      assert.equal(result.reason.Status, "ACTIVE");
      // ... and once more after the clock moved (plus the test's own GetStreamSession).
      assert.ok(polls.get(id) >= pollsWhileActivating + 2, `the waiter polled ${polls.get(id)} times`);
    });

    test("times out while the session stays ACTIVATING", async () => {
      const { id } = await start(client);
      await assert.rejects(
        waitUntilStreamSessionActive(
          { client, minDelay: 0.05, maxDelay: 0.1, maxWaitTime: 1 },
          { Identifier: SG, StreamSessionIdentifier: id },
        ),
        (err) => {
          assert.equal(err.name, "TimeoutError");
          return true;
        },
      );
    });

    test("reports FAILURE for a session that goes to ERROR while ACTIVATING", async () => {
      const { id } = await start(client);
      const params = { client, minDelay: 0.05, maxDelay: 0.1, maxWaitTime: 10 };
      const input = { Identifier: SG, StreamSessionIdentifier: id };
      const rejected = assert.rejects(waitUntilStreamSessionActive(params, input), (err) => {
        assert.notEqual(err.name, "TimeoutError");
        assert.match(err.message, /"state":"FAILURE"/);
        return true;
      });
      const returned = waitForStreamSessionActive(params, input);
      await sleep(200);
      const failed = await event(server, id, { event: "fail", reason: "internalError" });
      assert.equal(failed.status, 200, JSON.stringify(failed.body));
      assert.equal(failed.body.Status, "ERROR");
      await rejected;
      const result = await returned;
      assert.equal(result.state, "FAILURE");
      assert.equal(result.reason.Status, "ERROR");
      assert.equal(result.reason.StatusReason, "internalError");
      // An ERROR session stays ERROR, even long after placement would have happened.
      await advance(server, 10);
      assert.equal((await get(client, id)).Status, "ERROR");
    });
  });
});

// ---------------------------------------------------------------------------
// 3. Concurrency
// ---------------------------------------------------------------------------

test("1,000 races of Terminate, CreateStreamSessionConnection and clientConnect", { timeout: 120_000 }, async (t) => {
  const RACES = 1000;
  const fixtures = tempFixtures(2000);
  const server = await startServer(["--clock", "manual", "--no-default-fixtures", "--fixtures", fixtures.file, "--threads", "2"]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    const client = server.client();
    // Several keep-alive sockets for the SDK calls.
    const raceClient = new (client.constructor)({
      endpoint: server.url,
      region: "us-west-2",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      maxAttempts: 1,
      requestHandler: { httpAgent: agent },
    });

    // Sessions, in batches, then one clock step makes them all ACTIVE.
    const ids = [];
    for (let i = 0; i < RACES; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, RACES - i) }, () => start(client)));
      for (const b of batch) ids.push(b.id);
    }
    assert.equal(new Set(ids).size, RACES);
    await advance(server, PLACEMENT);
    for (let i = 0; i < RACES; i += 100) {
      const states = await Promise.all(ids.slice(i, i + 100).map((id) => get(client, id)));
      for (const s of states) assert.equal(s.Status, "ACTIVE");
    }

    const outcome = (p) =>
      p.then(
        (v) => ({ ok: true, status: v.$metadata?.httpStatusCode ?? v.status, value: v }),
        (e) => ({ ok: false, status: e.$metadata?.httpStatusCode, name: e.name, message: e.message }),
      );
    // The admin call (plain fetch) is quicker to leave the process than an
    // SDK call, so each call starts after a random pause of up to 3 ms.
    const jitter = () => sleep(Math.random() * 3);
    const race = async (id) => {
      const [term, conn, ev] = await Promise.all([
        jitter().then(() =>
          outcome(raceClient.send(new TerminateStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: id }))),
        ),
        jitter().then(() =>
          outcome(
            raceClient.send(
              new CreateStreamSessionConnectionCommand({ Identifier: SG, StreamSessionIdentifier: id, SignalRequest: freshOffer() }),
            ),
          ),
        ),
        jitter().then(() => server.admin("POST", `/sessions/${SG}/${id}/events`, { event: "clientConnect" })),
      ]);
      return { id, term, conn, ev: { ok: ev.status === 200, status: ev.status, body: ev.body } };
    };

    const results = [];
    const BATCH = 20;
    for (let i = 0; i < RACES; i += BATCH) results.push(...(await Promise.all(ids.slice(i, i + BATCH).map(race))));

    const problems = [];
    const check = (cond, id, msg) => {
      if (!cond && problems.length < 20) problems.push(`${id}: ${msg}`);
    };
    const tally = { connWon: 0, connectWon: 0, terminateFirst: 0 };
    const histories = new Map();
    for (let i = 0; i < RACES; i += 50) {
      const hs = await Promise.all(results.slice(i, i + 50).map((r) => history(server, r.id)));
      hs.forEach((h, k) => histories.set(results[i + k].id, h));
    }
    for (const r of results) {
      const { id, term, conn, ev } = r;
      for (const [name, o] of [["Terminate", term], ["CreateStreamSessionConnection", conn], ["clientConnect", ev]]) {
        check(o.status !== undefined && o.status < 500, id, `${name} answered ${o.status} ${o.name ?? ""} ${o.message ?? ""}`);
        if (!o.ok) check(o.status === 409, id, `${name} failed with ${o.status} ${o.name ?? JSON.stringify(o.body)}`);
      }
      check(term.ok && term.status === 204, id, `Terminate answered ${term.status} ${term.message ?? ""}`);
      if (conn.ok) check(conn.value.SignalResponse, id, "CreateStreamSessionConnection without SignalResponse");
      check(!(conn.ok && ev.ok), id, "both CreateStreamSessionConnection and clientConnect succeeded");

      const h = histories.get(id);
      const entries = h.history;
      let prev = null;
      entries.forEach((e, k) => {
        check(ALLOWED.has(`${e.from}->${e.to}`), id, `impossible transition ${e.from}->${e.to}`);
        check(e.from === prev, id, `entry ${k} starts from ${e.from} but the session was ${prev} (lost update)`);
        if (k > 0) check(e.time >= entries[k - 1].time, id, "history time goes backwards");
        prev = e.to;
      });
      check(h.status === prev, id, `status ${h.status} but the history ends in ${prev}`);
      const path = entries.map((e) => e.to).join(">");
      if (conn.ok) {
        tally.connWon++;
        check(path === "ACTIVATING>ACTIVE>RECONNECTING>TERMINATING", id, `connection won but history is ${path}`);
      } else if (ev.ok) {
        tally.connectWon++;
        check(path === "ACTIVATING>ACTIVE>CONNECTED>TERMINATING", id, `clientConnect won but history is ${path}`);
      } else {
        tally.terminateFirst++;
        check(path === "ACTIVATING>ACTIVE>TERMINATING", id, `terminate won but history is ${path}`);
      }
      const terminating = entries.find((e) => e.to === "TERMINATING");
      check(terminating && terminating.reason === "apiTerminated" && terminating.cause === "api", id,
        `no TERMINATING apiTerminated entry: ${JSON.stringify(terminating)}`);
    }
    assert.deepEqual(problems, []);
    assert.equal(tally.connWon + tally.connectWon + tally.terminateFirst, RACES);

    // Let TERMINATING finish: every session ends TERMINATED apiTerminated.
    await advance(server, TIMINGS.streamSession.terminatingSeconds);
    for (let i = 0; i < RACES; i += 50) {
      const hs = await Promise.all(ids.slice(i, i + 50).map((id) => history(server, id)));
      for (const h of hs) {
        const last = h.history.at(-1);
        check(h.status === "TERMINATED" && last.from === "TERMINATING" && last.to === "TERMINATED" &&
          last.reason === "apiTerminated", h.arn, `after the clock step: ${h.status} ${JSON.stringify(last)}`);
      }
    }
    assert.deepEqual(problems, []);
    const sample = await get(client, ids[0]);
    assert.equal(sample.Status, "TERMINATED");
    assert.equal(sample.StatusReason, "apiTerminated");
    t.diagnostic(`race outcomes: ${JSON.stringify(tally)}`);
  } finally {
    agent.destroy();
    fixtures.cleanup();
    assert.equal(await server.stop(), 0);
  }
});

// ---------------------------------------------------------------------------
// 4. Pagination
// ---------------------------------------------------------------------------

test("ListStreamSessions pages every session exactly once; ByAccount shows only ExportFilesMetadata.Status", { timeout: 30_000 }, async () => {
  const fixtures = tempFixtures(100);
  const server = await startServer(["--clock", "manual", "--no-default-fixtures", "--fixtures", fixtures.file]);
  try {
    const client = server.client();
    // 30 sessions; with the manual clock many share one CreatedAt, which the
    // page boundaries must not split or repeat.
    const ids = [];
    for (let i = 0; i < 3; i++) {
      for (const b of await Promise.all(Array.from({ length: 10 }, () => start(client)))) ids.push(b.id);
      if (i < 2) await advance(server, 0.25);
    }
    await advance(server, PLACEMENT);

    // A mix of export states: one PENDING, one SUCCEEDED, one FAILED with a reason.
    const [pending, succeeded, failed] = ids;
    for (const id of [pending, succeeded, failed]) {
      const out = await client.send(
        new ExportStreamSessionFilesCommand({ Identifier: SG, StreamSessionIdentifier: id, OutputUri: `s3://bucket/exports/${id}.zip` }),
      );
      assert.equal(out.$metadata.httpStatusCode, 200);
    }
    await client.send(new TerminateStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: succeeded }));
    const failing = await event(server, failed, { event: "fail", reason: "internalError" });
    assert.equal(failing.status, 200, JSON.stringify(failing.body));
    await advance(server, TIMINGS.streamSession.terminatingSeconds);
    const full = await get(client, failed);
    assert.equal(full.ExportFilesMetadata.Status, "FAILED");
    assert.ok(full.ExportFilesMetadata.StatusReason, "GetStreamSession shows the StatusReason");
    assert.equal(full.ExportFilesMetadata.OutputUri, `s3://bucket/exports/${failed}.zip`);

    const seen = [];
    const pageSizes = [];
    for await (const page of paginateListStreamSessions({ client, pageSize: 7 }, { Identifier: SG })) {
      pageSizes.push(page.Items.length);
      assert.ok(pageSizes.length <= 10, `the paginator never ends: pages ${pageSizes}`);
      for (const item of page.Items) seen.push(sessionIdOf(item.Arn));
    }
    assert.deepEqual(pageSizes, [7, 7, 7, 7, 2]);
    assert.equal(seen.length, ids.length);
    assert.deepEqual([...seen].sort(), [...ids].sort());

    const byAccount = [];
    let accountPages = 0;
    for await (const page of paginateListStreamSessionsByAccount({ client, pageSize: 7 }, {})) {
      assert.ok(page.Items.length <= 7);
      assert.ok(++accountPages <= 10, "the ByAccount paginator never ends");
      byAccount.push(...page.Items);
    }
    assert.deepEqual(byAccount.map((i) => sessionIdOf(i.Arn)).sort(), [...ids].sort());
    const exportOf = new Map(byAccount.map((i) => [sessionIdOf(i.Arn), i.ExportFilesMetadata]));
    assert.deepEqual(exportOf.get(pending), { Status: "PENDING" });
    assert.deepEqual(exportOf.get(succeeded), { Status: "SUCCEEDED" });
    assert.deepEqual(exportOf.get(failed), { Status: "FAILED" });
    for (const item of byAccount) {
      if (item.ExportFilesMetadata) assert.deepEqual(Object.keys(item.ExportFilesMetadata), ["Status"]);
    }
    // And on the wire too (not just what the SDK chose to deserialize).
    const raw = await server.raw("GET", "/streamsessions?MaxResults=100");
    assert.equal(raw.status, 200, raw.text);
    for (const item of raw.json.Items)
      if (item.ExportFilesMetadata) assert.deepEqual(Object.keys(item.ExportFilesMetadata), ["Status"], JSON.stringify(item));
    const filtered = await client.send(new ListStreamSessionsByAccountCommand({ ExportFilesStatus: "FAILED" }));
    assert.deepEqual(filtered.Items.map((i) => sessionIdOf(i.Arn)), [failed]);
  } finally {
    fixtures.cleanup();
    assert.equal(await server.stop(), 0);
  }
});
