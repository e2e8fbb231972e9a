// Fault rules, the request journal, the metrics and the event stream through
// the AWS SDK for JavaScript v3 (maxAttempts: 1): throttling then a
// reconnection timeout, latency, transport faults as connection errors (not
// hangs), lifecycle faults, and the server-sent events as fetch reads them.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  GameLiftStreamsClient,
  GameLiftStreamsServiceException,
  GetStreamSessionCommand,
  ListStreamSessionsByAccountCommand,
  StartStreamSessionCommand,
  ThrottlingException,
} from "@aws-sdk/client-gameliftstreams";
import { startServer } from "./harness.mjs";

const SG = "sg-1AB2C3De4";
const APP = "a-9ZY8X7Wv6";
const SESSION = "ABC123def4567";

let offers = 0;
const offer = () => `v=0\r\no=- ${Date.now()}${++offers} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`;

// A client with short timeouts, so that a hang fails the test instead of stalling it.
function client(server) {
  return new GameLiftStreamsClient({
    endpoint: server.url,
    region: "us-west-2",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 5000 },
  });
}

const getSession = (c, id = SESSION) => c.send(new GetStreamSessionCommand({ Identifier: SG, StreamSessionIdentifier: id }));

async function addFault(server, rule) {
  const res = await server.admin("POST", "/faults", rule);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function advance(server, seconds) {
  const res = await server.admin("POST", "/clock", { advanceSeconds: seconds });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.now;
}

// GET /_gls/events, parsed as it arrives: next(predicate) resolves with the
// events up to the first that matches.
async function openEvents(server, query = "") {
  const abort = new AbortController();
  const res = await fetch(`${server.url}/_gls/events${query}`, { signal: abort.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/event-stream/);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const events = [];
  let waiting = null;
  let buffer = "";
  let comments = 0;
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = null;
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments++;
            else if (line.startsWith("event:")) type = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).trim());
          }
          if (type) events.push({ type, data: JSON.parse(data.join("\n")) });
          if (waiting) waiting();
        }
      }
    } catch {
      // aborted
    }
  })();
  // The stream opens with a comment.
  while (comments === 0) await new Promise((r) => setTimeout(r, 10));
  return {
    events,
    async next(predicate, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = events.findIndex((e) => predicate(e));
        if (i >= 0) return events.splice(0, i + 1);
        if (Date.now() > deadline) throw new Error("no such event: " + JSON.stringify(events));
        await new Promise((r) => {
          waiting = r;
          setTimeout(r, 50);
        });
      }
    },
    async close() {
      abort.abort();
      await pump;
    },
  };
}

function isConnectionError(err) {
  assert.ok(!(err instanceof GameLiftStreamsServiceException), `a service error instead: ${err.name}`);
  const text = `${err.code ?? ""} ${err.name} ${err.message}`;
  assert.match(text, /ECONNRESET|socket hang up|Parse Error|HPE_|EPIPE|other side closed/i, text);
  return true;
}

describe("chaos through the JavaScript SDK", () => {
  let server;
  let gls;
  before(async () => {
    server = await startServer(["--clock", "manual"]);
    gls = client(server);
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  beforeEach(async () => {
    assert.equal((await server.admin("POST", "/reset")).status, 200);
  });

  test("throttled twice, then the reconnection timeout: journal, metrics and events agree", async () => {
    const events = await openEvents(server);
    try {
      await addFault(server, {
        operation: "GetStreamSession",
        match: { Identifier: SG, StreamSessionIdentifier: SESSION },
        error: "ThrottlingException",
        times: 2,
      });
      for (let i = 0; i < 2; i++) {
        await assert.rejects(getSession(gls), (err) => {
          assert.ok(err instanceof ThrottlingException, err.name);
          assert.equal(err.$metadata.httpStatusCode, 429);
          assert.ok(err.$metadata.requestId);
          return true;
        });
      }
      assert.equal((await getSession(gls)).Status, "CONNECTED");
      const drop = await server.admin("POST", `/sessions/${SG}/${SESSION}/events`, { event: "clientDisconnect" });
      assert.equal(drop.status, 200);
      await advance(server, 121.5);
      const ended = await getSession(gls);
      assert.deepEqual([ended.Status, ended.StatusReason], ["TERMINATED", "reconnectionTimeout"]);

      const journal = (await server.admin("GET", "/requests")).body.requests;
      assert.deepEqual(
        journal.map((e) => [e.status, e.error, e.fault]),
        [
          [200, null, null],
          [200, null, null],
          [429, "ThrottlingException", { rule: 1, type: "error" }],
          [429, "ThrottlingException", { rule: 1, type: "error" }],
        ],
      );

      const metrics = await (await fetch(`${server.url}/_gls/metrics`)).text();
      assert.match(metrics, /^gls_requests_total\{operation="GetStreamSession",status="429"\} 2$/m);
      assert.match(metrics, /^gls_requests_total\{operation="GetStreamSession",status="200"\} 2$/m);
      assert.match(metrics, /^gls_faults_injected_total\{rule="1",type="error"\} 2$/m);
      assert.match(
        metrics,
        /^gls_transitions_total\{kind="streamsession",from="PENDING_CLIENT_RECONNECTION",to="TERMINATING",reason="reconnectionTimeout",cause="timer"\} 1$/m,
      );
      assert.match(metrics, /^gls_stream_sessions\{status="TERMINATED"\} 1$/m);

      const seen = await events.next((e) => e.type === "request" && e.data.status === 200 && e.data.seq === 4);
      assert.deepEqual(
        seen.map((e) => (e.type === "request" ? `request ${e.data.status}` : `${e.data.from}>${e.data.to} ${e.data.cause}`)),
        [
          "request 429",
          "request 429",
          "request 200",
          "CONNECTED>PENDING_CLIENT_RECONNECTION admin",
          "PENDING_CLIENT_RECONNECTION>TERMINATING timer",
          "TERMINATING>TERMINATED timer",
          "request 200",
        ],
      );
    } finally {
      await events.close();
    }
  });

  test("latency: fixed, within 20%", async () => {
    await getSession(gls);
    const t0 = performance.now();
    await getSession(gls);
    const base = performance.now() - t0;
    await addFault(server, { operation: "GetStreamSession", latencyMs: 400 });
    const took = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await getSession(gls);
      took.push(performance.now() - t - base);
    }
    took.sort((a, b) => a - b);
    // Never early; typically (the median) within 20% even on a busy machine.
    assert.ok(took[0] >= 320, `took ${took} ms`);
    assert.ok(took[2] <= 480, `took ${took} ms`);
  });

  test("latency: uniform between the bounds", async () => {
    await addFault(server, { operation: "ListStreamSessionsByAccount", latencyMs: { min: 100, max: 300 } });
    const took = [];
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      await gls.send(new ListStreamSessionsByAccountCommand({}));
      took.push(performance.now() - t);
    }
    took.sort((x, y) => x - y);
    // Never early; the median within the bounds and 20% (one request may meet a busy machine).
    assert.ok(took[0] >= 80, `took ${took} ms`);
    assert.ok(took[3] <= 360, `took ${took} ms`);
    assert.ok(took[5] - took[0] > 5, `uniform delays should differ: ${took}`);
  });

  for (const fault of ["reset", "close", "malformed"]) {
    test(`a ${fault} connection is a connection error, not a hang`, async () => {
      await addFault(server, { operation: "ListStreamSessionsByAccount", connection: fault, times: 1 });
      const t = performance.now();
      await assert.rejects(gls.send(new ListStreamSessionsByAccountCommand({})), isConnectionError);
      assert.ok(performance.now() - t < 5000);
      const out = await gls.send(new ListStreamSessionsByAccountCommand({}));
      assert.equal(out.$metadata.httpStatusCode, 200);
    });
  }

  test("lifecycle fault: internalError after 5 s, with cause fault", async () => {
    await addFault(server, { lifecycle: "internalError", afterSeconds: 5 });
    const out = await gls.send(
      new StartStreamSessionCommand({ Identifier: SG, ApplicationIdentifier: APP, Protocol: "WebRTC", SignalRequest: offer() }),
    );
    const id = out.Arn.split("/").pop();
    await advance(server, 4);
    assert.equal((await getSession(gls, id)).Status, "ACTIVE");
    await advance(server, 1.5);
    const failed = await getSession(gls, id);
    assert.deepEqual([failed.Status, failed.StatusReason], ["ERROR", "internalError"]);
    const h = (await server.admin("GET", `/sessions/${SG}/${id}/history`)).body.history;
    const last = h[h.length - 1];
    assert.deepEqual([last.from, last.to, last.reason, last.cause], ["ACTIVE", "ERROR", "internalError", "fault"]);
    assert.ok(Math.abs(last.time - (out.CreatedAt.getTime() / 1000 + 5)) < 0.002);
  });

  test("a bad rule is a 400 that says why", async () => {
    const res = await server.admin("POST", "/faults", { operation: "GetStreamSession", error: "ServiceQuotaExceededException" });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /does not list ServiceQuotaExceededException for GetStreamSession/);
  });
});
