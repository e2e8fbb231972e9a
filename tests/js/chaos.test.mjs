// Fault rules as the AWS SDK for JavaScript v3 (maxAttempts: 1) meets them:
// an injected error is the SDK's own exception class, a transport fault is a
// connection error (not a hang). What the rules do, the journal, the metrics
// and the event stream are tested once, through boto3, in
// tests/integration/test_chaos.py.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  GameLiftStreamsClient,
  GameLiftStreamsServiceException,
  GetStreamSessionCommand,
  ListStreamSessionsByAccountCommand,
  ThrottlingException,
} from "@aws-sdk/client-gameliftstreams";
import { startServer } from "./harness.mjs";

const SG = "sg-1AB2C3De4";
const SESSION = "ABC123def4567";

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

  test("an injected ThrottlingException is the SDK's ThrottlingException, with its $metadata", async () => {
    await addFault(server, {
      operation: "GetStreamSession",
      match: { Identifier: SG, StreamSessionIdentifier: SESSION },
      error: "ThrottlingException",
      times: 2,
    });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(getSession(gls), (err) => {
        assert.ok(err instanceof ThrottlingException, err.name);
        assert.ok(err instanceof GameLiftStreamsServiceException);
        assert.equal(err.name, "ThrottlingException");
        assert.equal(err.$fault, "client");
        assert.equal(err.$metadata.httpStatusCode, 429);
        assert.ok(err.$metadata.requestId);
        return true;
      });
    }
    assert.equal((await getSession(gls)).Status, "CONNECTED", "the rule is used up");
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
});
