// Applications through the AWS SDK for
// JavaScript v3, on the manual clock: the waiters, the paginator, concurrent
// calls through the SDK, and the error names it gives refusals. What
// applications do is tested once, through boto3, in
// tests/integration/test_resources.py.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateApplicationsCommand,
  CreateApplicationCommand,
  DeleteApplicationCommand,
  GetApplicationCommand,
  GetStreamGroupCommand,
  ListApplicationsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  paginateListApplications,
  waitForApplicationReady,
  waitUntilApplicationDeleted,
  waitUntilApplicationReady,
} from "@aws-sdk/client-gameliftstreams";
import {
  ACCOUNT,
  APPLICATION_SUMMARY_MEMBERS,
  T,
  activeGroup,
  advance,
  appInput,
  assertOnlyMembers,
  assertUnique,
  createApp,
  getApp,
  readyApp,
  readyApps,
  refused,
  rejection,
  sleep,
  startManual,
} from "./resources-lib.mjs";

let server;
let client;
before(async () => {
  // No fixtures: every application and group here is the test's own.
  server = await startManual(["--no-default-fixtures"]);
  client = server.client();
});
after(async () => {
  assert.equal(await server.stop(), 0, "gls-local exits 0 on SIGTERM");
});

const listAllApps = async () => {
  const items = [];
  for await (const page of paginateListApplications({ client, pageSize: 100 }, {})) items.push(...(page.Items ?? []));
  return items;
};

// ---------------------------------------------------------------------------
// Isolation and concurrency
// ---------------------------------------------------------------------------

describe("isolation and concurrency", () => {
  test("applications are isolated per account and per region", async () => {
    const app = await createApp(client);
    for (const other of [server.client({ accessKeyId: "444455556666" }), server.client({ region: "eu-west-1" })]) {
      await refused(other.send(new GetApplicationCommand({ Identifier: app.Id })), "ResourceNotFoundException", 404);
      const listed = await other.send(new ListApplicationsCommand({}));
      assert.ok(!(listed.Items ?? []).some((i) => i.Id === app.Id), "another scope does not list it");
      await refused(other.send(new DeleteApplicationCommand({ Identifier: app.Id })), "ResourceNotFoundException", 404);
    }
    // The same account with its 12-digit access key id sees it.
    assert.equal((await server.client({ accessKeyId: ACCOUNT }).send(new GetApplicationCommand({ Identifier: app.Id }))).Arn, app.Arn);
  });

  test("20 concurrent CreateApplication calls with one ClientToken create one application", async () => {
    const before = (await listAllApps()).length;
    const input = appInput({ Description: "Raced game", ClientToken: "race-" + "9".repeat(40) });
    const outs = await Promise.all(Array.from({ length: 20 }, () => client.send(new CreateApplicationCommand(structuredClone(input)))));
    assert.equal(new Set(outs.map((o) => o.Arn)).size, 1, "every call answers the same application");
    for (const o of outs) assert.equal(o.$metadata.httpStatusCode, 201);
    assert.equal((await listAllApps()).length, before + 1);
  });

  test("20 concurrent AssociateApplications calls of one application each: none is lost", async () => {
    const apps = await readyApps(server, client, 20);
    const group = await activeGroup(server, client);
    await Promise.all(
      apps.map((a) => client.send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [a.Id] }))),
    );
    const g = await client.send(new GetStreamGroupCommand({ Identifier: group.Id }));
    assert.deepEqual([...g.AssociatedApplications].sort(), apps.map((a) => a.Arn).sort());
    assert.ok(apps.some((a) => a.Id === g.DefaultApplication?.Id), "one of them became the default");
    for (const a of apps) assert.deepEqual((await getApp(client, a.Id)).AssociatedStreamGroups, [group.Arn], a.Id);
  });

  test("20 concurrent TagResource calls with different keys: every tag is kept", async () => {
    const app = await createApp(client);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.send(new TagResourceCommand({ ResourceArn: app.Arn, Tags: { [`k${i}`]: `v${i}` } }))),
    );
    const out = await client.send(new ListTagsForResourceCommand({ ResourceArn: app.Arn }));
    assert.deepEqual(out.Tags, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`])));
  });

  test("DeleteApplication racing AssociateApplications: the application ends either associated or deleted, never both", async () => {
    const group = await activeGroup(server, client);
    const apps = await readyApps(server, client, 15);
    const outcomes = await Promise.all(
      apps.map((a) =>
        Promise.all([
          client.send(new DeleteApplicationCommand({ Identifier: a.Id })).then(() => "ok", (e) => e.name),
          client
            .send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [a.Id] }))
            .then(() => "ok", (e) => e.name),
        ]),
      ),
    );
    const g = await client.send(new GetStreamGroupCommand({ Identifier: group.Id }));
    const associated = new Set(g.AssociatedApplications ?? []);
    outcomes.forEach(([del, assoc], i) => {
      const a = apps[i];
      assert.ok(!(del === "ok" && assoc === "ok"), `${a.Id}: both the delete and the association succeeded`);
      assert.ok(del === "ok" || assoc === "ok", `${a.Id}: neither succeeded (${del}, ${assoc})`);
      if (del === "ok") {
        assert.equal(assoc, "ValidationException", `${a.Id}: associating a DELETING application`);
        assert.ok(!associated.has(a.Arn), `${a.Id} is deleted but associated`);
      } else {
        assert.equal(del, "ValidationException", `${a.Id}: deleting an associated application`);
        assert.ok(associated.has(a.Arn), `${a.Id} is not associated`);
      }
    });
    await advance(server, T.appDeleting);
    for (const [i, [del]] of outcomes.entries()) {
      if (del === "ok") await refused(getApp(client, apps[i].Id), "ResourceNotFoundException", 404);
      else assert.equal((await getApp(client, apps[i].Id)).Status, "READY");
    }
  });
});

// ---------------------------------------------------------------------------
// ListApplications
// ---------------------------------------------------------------------------

describe("ListApplications", () => {
  test("summaries of every application; paginateListApplications pages them all exactly once", async () => {
    const own = await startManual(["--no-default-fixtures"]);
    try {
      const c = own.client();
      const created = [];
      for (let i = 0; i < 7; i++) created.push(await createApp(c, { Description: `Listed game ${i}` }));
      await advance(own, 1); // some PROCESSING ...
      created.push(await createApp(c, { Description: "Listed game 7" })); // ... and one INITIALIZED

      const pages = [];
      const items = [];
      for await (const page of paginateListApplications({ client: c, pageSize: 3 }, {})) {
        assert.equal(page.$metadata.httpStatusCode, 200);
        pages.push(page.Items.length);
        assert.ok(pages.length <= 5, `the paginator never ends: ${pages}`);
        items.push(...page.Items);
      }
      assert.deepEqual(pages, [3, 3, 2]);
      assertUnique(items.map((i) => i.Id), "listed ids");
      assert.deepEqual(items.map((i) => i.Id).sort(), created.map((a) => a.Id).sort());
      for (const item of items) {
        assertOnlyMembers(item, APPLICATION_SUMMARY_MEMBERS, "ApplicationSummary");
        const a = created.find((x) => x.Id === item.Id);
        assert.equal(item.Arn, a.Arn);
        assert.equal(item.Description, a.Description);
        assert.deepEqual(item.RuntimeEnvironment, a.RuntimeEnvironment);
        assert.equal(item.CreatedAt.getTime(), a.CreatedAt.getTime());
        assert.ok(item.LastUpdatedAt instanceof Date);
        assert.equal(item.Status, a.Description === "Listed game 7" ? "INITIALIZED" : "PROCESSING", item.Id);
      }

      // MaxResults alone: one page and a NextToken; default page size 25 shows all 8.
      const first = await c.send(new ListApplicationsCommand({ MaxResults: 5 }));
      assert.equal(first.Items.length, 5);
      assert.ok(first.NextToken, "a NextToken when more remain");
      const rest = await c.send(new ListApplicationsCommand({ MaxResults: 5, NextToken: first.NextToken }));
      assert.equal(rest.Items.length, 3);
      assert.equal(rest.NextToken, undefined, "no NextToken on the last page");
      const all = await c.send(new ListApplicationsCommand({}));
      assert.equal(all.Items.length, 8);
      assert.equal(all.NextToken, undefined);

      await refused(c.send(new ListApplicationsCommand({ NextToken: "forged-token" })), "ValidationException", 400);
    } finally {
      assert.equal(await own.stop(), 0);
    }
  });

  test("an empty account lists no applications", async () => {
    const out = await server.client({ accessKeyId: "444455556666" }).send(new ListApplicationsCommand({}));
    assert.deepEqual(out.Items ?? [], []);
    assert.equal(out.NextToken, undefined);
  });
});

// ---------------------------------------------------------------------------
// Waiters
// ---------------------------------------------------------------------------

describe("application waiters", () => {
  const params = () => ({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 });

  test("waitUntilApplicationReady succeeds once the clock reaches READY", async () => {
    const app = await createApp(client);
    let settled = false;
    const waiting = waitUntilApplicationReady(params(), { Identifier: app.Id }).finally(() => {
      settled = true;
    });
    await sleep(1500);
    assert.equal(settled, false, "the waiter must not finish while the clock stands still");
    await advance(server, T.appInitialized);
    await sleep(1200);
    assert.equal(settled, false, "PROCESSING is not READY");
    await advance(server, T.appProcessing);
    const result = await waiting;
    assert.equal(result.state, "SUCCESS");
    assert.equal(result.reason.Status, "READY");
    assert.equal(result.reason.Arn, app.Arn);
  });

  test("waitUntilApplicationReady fails when the application goes to ERROR", async () => {
    const app = await createApp(client);
    await advance(server, T.appInitialized);
    const returned = waitForApplicationReady(params(), { Identifier: app.Id });
    const rejected = assert.rejects(waitUntilApplicationReady(params(), { Identifier: app.Id }), (err) => {
      assert.notEqual(err.name, "TimeoutError");
      assert.match(err.message, /"state":"FAILURE"/);
      return true;
    });
    await sleep(500);
    const forced = await server.admin("POST", `/applications/${app.Id}/status`, {
      status: "ERROR",
      statusReason: "accessDenied",
    });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    await rejected;
    const result = await returned;
    assert.equal(result.state, "FAILURE");
    assert.equal(result.reason.Status, "ERROR");
    assert.equal(result.reason.StatusReason, "accessDenied");
  });

  test("waitUntilApplicationDeleted succeeds once the deleted application is gone", async () => {
    const app = await readyApp(server, client);
    await client.send(new DeleteApplicationCommand({ Identifier: app.Id }));
    let settled = false;
    const waiting = waitUntilApplicationDeleted(params(), { Identifier: app.Id }).finally(() => {
      settled = true;
    });
    await sleep(1500);
    assert.equal(settled, false, "DELETING is not deleted");
    await advance(server, T.appDeleting);
    const result = await waiting;
    assert.equal(result.state, "SUCCESS");
  });

  test("waitUntilApplicationReady times out while the clock stands still", async () => {
    const app = await createApp(client);
    const err = await rejection(
      waitUntilApplicationReady({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 2 }, { Identifier: app.Id }),
    );
    assert.equal(err.name, "TimeoutError");
  });
});
