// The documented GetStreamSession example through the AWS SDK for JavaScript v3.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { GetStreamSessionCommand, ResourceNotFoundException } from "@aws-sdk/client-gameliftstreams";
import { startServer } from "./harness.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  assert.equal(await server.stop(), 0);
});

test("GetStreamSession returns the documented example", async () => {
  const out = await server.client().send(
    new GetStreamSessionCommand({ Identifier: "sg-1AB2C3De4", StreamSessionIdentifier: "ABC123def4567" }),
  );
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.equal(out.Status, "CONNECTED");
  assert.ok(out.CreatedAt instanceof Date);
  assert.deepEqual(out.AdditionalLaunchArgs, ["-windowed", "-log"]);
  assert.ok(out.$metadata.requestId);
});

test("an unknown session is a ResourceNotFoundException with its message", async () => {
  await assert.rejects(
    server.client().send(new GetStreamSessionCommand({ Identifier: "sg-1AB2C3De4", StreamSessionIdentifier: "ZZZ123def4567" })),
    (err) => {
      assert.ok(err instanceof ResourceNotFoundException, err.name);
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.match(err.message, /ZZZ123def4567/);
      return true;
    },
  );
});
