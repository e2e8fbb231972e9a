// Stream groups through the AWS SDK for JavaScript v3, on the manual clock:
// the waiters, the paginator, the SDK's view of the default fixtures and the
// input it sends unchecked, and the group's states across locations. What
// stream groups, their locations and associations do is tested once,
// through boto3, in tests/integration/test_resources.py.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AddStreamGroupLocationsCommand,
  AssociateApplicationsCommand,
  CreateApplicationCommand,
  CreateStreamGroupCommand,
  CreateStreamUrlCommand,
  DeleteStreamGroupCommand,
  DisassociateApplicationsCommand,
  ListApplicationShaderCachesCommand,
  ListApplicationsCommand,
  ListStreamGroupsCommand,
  ListStreamUrlsCommand,
  RemoveStreamGroupLocationsCommand,
  RevokeStreamUrlCommand,
  TagResourceCommand,
  UpdateStreamGroupCommand,
  paginateListStreamGroups,
  waitForStreamGroupActive,
  waitUntilStreamGroupActive,
  waitUntilStreamGroupDeleted,
} from "@aws-sdk/client-gameliftstreams";
import {
  LOCATION_STATE_MEMBERS,
  REGION,
  STREAM_GROUP_MEMBERS,
  STREAM_GROUP_SUMMARY_MEMBERS,
  T,
  activeGroup,
  advance,
  appArn,
  assertOnlyMembers,
  assertUnique,
  createApp,
  createGroup,
  getApp,
  getGroup,
  location,
  near,
  readyApp,
  refused,
  rejection,
  secs,
  sgArn,
  sleep,
  startManual,
  startSession,
} from "./resources-lib.mjs";


let server;
let client;
let app; // a READY application every group here can use
before(async () => {
  server = await startManual(["--no-default-fixtures"]);
  client = server.client();
  app = await readyApp(server, client, { Description: "Group test game" });
});
after(async () => {
  assert.equal(await server.stop(), 0, "gls-local exits 0 on SIGTERM");
});


function checkLocation(l, expected) {
  assertOnlyMembers(l, LOCATION_STATE_MEMBERS, `LocationState ${l.LocationName}`);
  for (const [k, v] of Object.entries(expected)) assert.equal(l[k] ?? 0, v, `${l.LocationName}.${k}`);
  assert.equal(l.RequestedCapacity, l.AlwaysOnCapacity, `${l.LocationName}: RequestedCapacity is the always-on capacity`);
  assert.equal(typeof l.AllocatedCapacity, "number", `${l.LocationName}.AllocatedCapacity`);
  assert.equal(typeof l.IdleCapacity, "number", `${l.LocationName}.IdleCapacity`);
}

// ---------------------------------------------------------------------------
// ListStreamGroups
// ---------------------------------------------------------------------------

test("ListStreamGroups: summaries of every group; paginateListStreamGroups pages them all exactly once", async () => {
  const own = await startManual(["--no-default-fixtures"]);
  try {
    const c = own.client();
    const a = await readyApp(own, c);
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await createGroup(c, {
          Description: `Listed group ${i}`,
          StreamClass: i % 2 ? "gen5n_high" : "gen6n_medium",
          ...(i === 0 ? { DefaultApplicationIdentifier: a.Id } : {}),
        }),
      );
    }
    await advance(own, T.groupActivating);
    created.push(await createGroup(c, { Description: "Listed group 5" }));

    const pages = [];
    const items = [];
    for await (const page of paginateListStreamGroups({ client: c, pageSize: 2 }, {})) {
      pages.push(page.Items.length);
      assert.ok(pages.length <= 5, `the paginator never ends: ${pages}`);
      items.push(...page.Items);
    }
    assert.deepEqual(pages, [2, 2, 2]);
    assertUnique(items.map((i) => i.Id), "listed ids");
    assert.deepEqual(items.map((i) => i.Id).sort(), created.map((g) => g.Id).sort());
    for (const item of items) {
      assertOnlyMembers(item, STREAM_GROUP_SUMMARY_MEMBERS, "StreamGroupSummary");
      const g = created.find((x) => x.Id === item.Id);
      assert.equal(item.Arn, g.Arn);
      assert.equal(item.Description, g.Description);
      assert.equal(item.StreamClass, g.StreamClass);
      assert.equal(item.CreatedAt.getTime(), g.CreatedAt.getTime());
      assert.equal(item.ExpiresAt.getTime(), g.ExpiresAt.getTime());
      assert.ok(item.LastUpdatedAt instanceof Date);
      assert.equal(item.Status, g.Description === "Listed group 5" ? "ACTIVATING" : "ACTIVE");
      if (g.Description === "Listed group 0") assert.deepEqual(item.DefaultApplication, { Id: a.Id, Arn: a.Arn });
      else assert.equal(item.DefaultApplication, undefined);
    }
    const one = await c.send(new ListStreamGroupsCommand({ MaxResults: 4 }));
    assert.equal(one.Items.length, 4);
    const two = await c.send(new ListStreamGroupsCommand({ MaxResults: 4, NextToken: one.NextToken }));
    assert.equal(two.Items.length, 2);
    assert.equal(two.NextToken, undefined);
    await refused(c.send(new ListStreamGroupsCommand({ NextToken: "not-a-token" })), "ValidationException", 400);
  } finally {
    assert.equal(await own.stop(), 0);
  }
});

// ---------------------------------------------------------------------------
// UpdateStreamGroup
// ---------------------------------------------------------------------------

describe("UPDATING_LOCATIONS and ACTIVE_WITH_ERRORS", () => {
  // Whether sessions may start while a group is UPDATING_LOCATIONS is left
  // open: the issue-4 contract allows it, the model's StartStreamSession lists
  // "a stream group in ACTIVE status" as a prerequisite.
  test("UpdateStreamGroup is a ConflictException while locations are updating; the new location streams once ACTIVE", async () => {
    const group = await activeGroup(server, client, { DefaultApplicationIdentifier: app.Id });
    await client.send(
      new AddStreamGroupLocationsCommand({ Identifier: group.Id, LocationConfigurations: [{ LocationName: "eu-north-1" }] }),
    );
    assert.equal((await getGroup(client, group.Id)).Status, "UPDATING_LOCATIONS");
    await refused(
      client.send(new UpdateStreamGroupCommand({ Identifier: group.Id, Description: "busy" })),
      "ConflictException",
      409,
    );
    assert.equal((await getGroup(client, group.Id)).Description, group.Description, "the refusal changed nothing");
    await advance(server, T.locationActivating);
    assert.equal((await getGroup(client, group.Id)).Status, "ACTIVE");
    const { out: there } = await startSession(client, group.Id, app.Id, { Locations: ["eu-north-1"] });
    assert.equal(there.Location, "eu-north-1");
  });

  test("a location in ERROR makes the group ACTIVE_WITH_ERRORS: it can still be updated, associated and streamed, and the location removed", async () => {
    const other = await readyApp(server, client);
    const group = await activeGroup(server, client, {
      DefaultApplicationIdentifier: app.Id,
      LocationConfigurations: [{ LocationName: REGION }, { LocationName: "us-east-1" }],
    });
    const forced = await server.admin("POST", `/streamgroups/${group.Id}/locations/us-east-1/status`, { status: "ERROR" });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    const degraded = await getGroup(client, group.Id);
    assert.equal(degraded.Status, "ACTIVE_WITH_ERRORS");
    assert.deepEqual(degraded.LocationStates.map((l) => [l.LocationName, l.Status]), [[REGION, "ACTIVE"], ["us-east-1", "ERROR"]]);
    const updated = await client.send(new UpdateStreamGroupCommand({ Identifier: group.Id, Description: "Degraded" }));
    assert.equal(updated.Description, "Degraded");
    assert.equal(updated.Status, "ACTIVE_WITH_ERRORS", "the update does not hide the location's error");
    const assoc = await client.send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [other.Id] }));
    assert.ok(assoc.ApplicationArns.includes(other.Arn));
    const { out } = await startSession(client, group.Id, other.Id);
    assert.equal(out.Status, "ACTIVATING");
    assert.equal(out.Location, REGION);
    await refused(startSession(client, group.Id, other.Id, { Locations: ["us-east-1"] }), "ValidationException", 400);
    // The model: "remove any locations which are in error".
    const removed = await client.send(new RemoveStreamGroupLocationsCommand({ Identifier: group.Id, Locations: ["us-east-1"] }));
    assert.equal(removed.$metadata.httpStatusCode, 204);
    await advance(server, T.locationRemoving);
    const healed = await getGroup(client, group.Id);
    assert.equal(healed.Status, "ACTIVE");
    assert.deepEqual(healed.LocationStates.map((l) => [l.LocationName, l.Status]), [[REGION, "ACTIVE"]]);
  });

  test("stream groups are isolated per account and per region", async () => {
    const group = await createGroup(client);
    for (const other of [server.client({ accessKeyId: "444455556666" }), server.client({ region: "eu-west-1" })]) {
      await refused(getGroup(other, group.Id), "ResourceNotFoundException", 404);
      const listed = await other.send(new ListStreamGroupsCommand({}));
      assert.ok(!(listed.Items ?? []).some((i) => i.Id === group.Id));
      await refused(other.send(new DeleteStreamGroupCommand({ Identifier: group.Id })), "ResourceNotFoundException", 404);
    }
  });
});

// ---------------------------------------------------------------------------
// Waiters
// ---------------------------------------------------------------------------

describe("stream group waiters", () => {
  const params = () => ({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 });

  test("waitUntilStreamGroupActive succeeds once the clock reaches ACTIVE", async () => {
    const group = await createGroup(client);
    let settled = false;
    const waiting = waitUntilStreamGroupActive(params(), { Identifier: group.Id }).finally(() => {
      settled = true;
    });
    await sleep(1500);
    assert.equal(settled, false, "the waiter must not finish while the clock stands still");
    await advance(server, T.groupActivating);
    const result = await waiting;
    assert.equal(result.state, "SUCCESS");
    assert.equal(result.reason.Status, "ACTIVE");
    assert.equal(result.reason.Arn, group.Arn);
  });

  test("waitUntilStreamGroupActive fails on ERROR, ACTIVE_WITH_ERRORS and DELETING", async () => {
    const failing = await createGroup(client);
    const returned = waitForStreamGroupActive(params(), { Identifier: failing.Id });
    await sleep(500);
    const forced = await server.admin("POST", `/streamgroups/${failing.Id}/status`, {
      status: "ERROR",
      statusReason: "noAvailableInstances",
    });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    const result = await returned;
    assert.equal(result.state, "FAILURE");
    assert.equal(result.reason.Status, "ERROR");
    assert.equal(result.reason.StatusReason, "noAvailableInstances");

    const degraded = await createGroup(client);
    const degrading = waitForStreamGroupActive(params(), { Identifier: degraded.Id });
    await sleep(500);
    const forcedDegraded = await server.admin("POST", `/streamgroups/${degraded.Id}/status`, { status: "ACTIVE_WITH_ERRORS" });
    assert.equal(forcedDegraded.status, 200, JSON.stringify(forcedDegraded.body));
    const degradedResult = await degrading;
    assert.equal(degradedResult.state, "FAILURE");
    assert.equal(degradedResult.reason.Status, "ACTIVE_WITH_ERRORS");

    const deleted = await createGroup(client);
    await client.send(new DeleteStreamGroupCommand({ Identifier: deleted.Id }));
    const err = await rejection(waitUntilStreamGroupActive(params(), { Identifier: deleted.Id }));
    assert.notEqual(err.name, "TimeoutError");
    assert.match(err.message, /"state":"FAILURE"/);
  });

  test("waitUntilStreamGroupDeleted succeeds once the group is gone", async () => {
    const group = await activeGroup(server, client);
    await client.send(new DeleteStreamGroupCommand({ Identifier: group.Id }));
    let settled = false;
    const waiting = waitUntilStreamGroupDeleted(params(), { Identifier: group.Id }).finally(() => {
      settled = true;
    });
    await sleep(1500);
    assert.equal(settled, false, "DELETING is not deleted");
    await advance(server, T.groupDeleting);
    const result = await waiting;
    assert.equal(result.state, "SUCCESS");
  });
});

// ---------------------------------------------------------------------------
// The default fixtures, and input the SDK sends unchecked
// ---------------------------------------------------------------------------

describe("with the default fixtures", () => {
  let fx;
  let c;
  const FX_APP = "a-9ZY8X7Wv6";
  const FX_SG = "sg-1AB2C3De4";
  before(async () => {
    fx = await startManual();
    c = fx.client();
  });
  after(async () => {
    assert.equal(await fx.stop(), 0);
  });

  test("the fixture group and application have every member, and the CONNECTED session uses one unit", async () => {
    const g = await getGroup(c, FX_SG);
    assertOnlyMembers(g, STREAM_GROUP_MEMBERS, "GetStreamGroup");
    assert.equal(g.Arn, sgArn(FX_SG));
    assert.equal(g.Status, "ACTIVE");
    assert.equal(g.StreamClass, "gen4n_high");
    assert.equal(g.Description, "Sample stream group");
    assert.deepEqual(g.DefaultApplication, { Id: FX_APP, Arn: appArn(FX_APP) });
    assert.deepEqual(g.AssociatedApplications, [appArn(FX_APP)]);
    near(secs(g.ExpiresAt), secs(g.CreatedAt) + T.groupLifetime, "ExpiresAt");
    assert.equal(g.LocationStates.length, 1);
    checkLocation(g.LocationStates[0], { LocationName: REGION, Status: "ACTIVE", AlwaysOnCapacity: 4, OnDemandCapacity: 0 });
    assert.equal(g.LocationStates[0].AllocatedCapacity, 4);
    assert.equal(g.LocationStates[0].IdleCapacity, 3, "one unit streams the fixture's CONNECTED session");

    const a = await getApp(c, FX_APP);
    assert.equal(a.Status, "READY");
    assert.equal(a.Description, "Sample game");
    assert.deepEqual(a.AssociatedStreamGroups, [sgArn(FX_SG)]);
    assert.deepEqual(a.ReplicationStatuses, [{ Location: REGION, Status: "COMPLETED" }]);
    const caches = await c.send(new ListApplicationShaderCachesCommand({ Identifier: FX_APP }));
    assert.equal(caches.Items.length, 1);
    assert.deepEqual(caches.Items[0].AssociatedStreamGroups, [sgArn(FX_SG)]);
  });

  const bad = [
    ["ListApplications MaxResults 0", () => new ListApplicationsCommand({ MaxResults: 0 })],
    ["ListStreamGroups MaxResults 101", () => new ListStreamGroupsCommand({ MaxResults: 101 })],
    ["ListStreamUrls Status 'GONE'", () => new ListStreamUrlsCommand({ Status: "GONE" })],
    ["CreateStreamGroup StreamClass 'gen9x_huge'", () => new CreateStreamGroupCommand({ Description: "x", StreamClass: "gen9x_huge" })],
    ["CreateStreamGroup AlwaysOnCapacity -2", () =>
      new CreateStreamGroupCommand({ Description: "x", StreamClass: "gen4n_high", LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: -2 }] })],
    ["CreateStreamUrl UsageLimit 0", () =>
      new CreateStreamUrlCommand({ Identifier: FX_SG, ApplicationIdentifier: FX_APP, Protocol: "WebRTC", UrlExpiresAfterMinutes: 5, Locations: [REGION], UsageLimit: 0 })],
    ["CreateStreamUrl UrlExpiresAfterMinutes 0", () =>
      new CreateStreamUrlCommand({ Identifier: FX_SG, ApplicationIdentifier: FX_APP, Protocol: "WebRTC", UrlExpiresAfterMinutes: 0, Locations: [REGION] })],
    ["CreateStreamUrl without Locations", () =>
      new CreateStreamUrlCommand({ Identifier: FX_SG, ApplicationIdentifier: FX_APP, Protocol: "WebRTC", UrlExpiresAfterMinutes: 5 })],
    ["RevokeStreamUrl RevocationMode 'NUKE'", () =>
      new RevokeStreamUrlCommand({ Identifier: FX_SG, StreamUrlIdentifier: "su-1AB2C3De4", RevocationMode: "NUKE" })],
    ["CreateApplication Description of 81 characters", () =>
      new CreateApplicationCommand({ Description: "d".repeat(81), RuntimeEnvironment: { Type: "PROTON", Version: "20241007" }, ExecutablePath: "a.exe", ApplicationSourceUri: "s3://b/a" })],
    ["CreateApplication ClientToken of 31 characters", () =>
      new CreateApplicationCommand({ Description: "d", RuntimeEnvironment: { Type: "PROTON", Version: "20241007" }, ExecutablePath: "a.exe", ApplicationSourceUri: "s3://b/a", ClientToken: "t".repeat(31) })],
    ["TagResource with 51 tags", () =>
      new TagResourceCommand({ ResourceArn: sgArn(FX_SG), Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) })],
    ["DisassociateApplications with 51 applications", () =>
      new DisassociateApplicationsCommand({ Identifier: FX_SG, ApplicationIdentifiers: Array.from({ length: 51 }, () => FX_APP) })],
  ];
  for (const [label, make] of bad) {
    test(`ValidationException for ${label}`, async () => {
      const err = await refused(c.send(make()), "ValidationException", 400);
      assert.match(err.message, /validation error/, err.message);
    });
  }

  test("a NextToken of one list is refused by another", async () => {
    const apps = [];
    for (let i = 0; i < 3; i++) apps.push(await createApp(c));
    const page = await c.send(new ListApplicationsCommand({ MaxResults: 1 }));
    assert.ok(page.NextToken);
    await refused(c.send(new ListStreamGroupsCommand({ NextToken: page.NextToken })), "ValidationException", 400);
    await refused(c.send(new ListStreamUrlsCommand({ NextToken: page.NextToken })), "ValidationException", 400);
    // ... and by the same list in another account.
    await refused(
      fx.client({ accessKeyId: "444455556666" }).send(new ListApplicationsCommand({ NextToken: page.NextToken })),
      "ValidationException",
      400,
    );
    const next = await c.send(new ListApplicationsCommand({ MaxResults: 1, NextToken: page.NextToken }));
    assert.equal(next.Items.length, 1);
    assert.notEqual(next.Items[0].Id, page.Items[0].Id);
  });
});
