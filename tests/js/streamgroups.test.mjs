// Stream groups, their locations and application associations through the
// AWS SDK for JavaScript v3, on the manual clock: every output member,
// ACTIVATING -> ACTIVE, UPDATING_LOCATIONS, DELETING -> gone, the waiters,
// the paginator, tenancy rules and the documented refusals.
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
  SG_ID,
  STREAM_GROUP_MEMBERS,
  STREAM_GROUP_SUMMARY_MEMBERS,
  T,
  activeGroup,
  advance,
  appArn,
  assertOnlyMembers,
  assertUnique,
  clockNow,
  createApp,
  createGroup,
  getApp,
  getGroup,
  getSession,
  location,
  near,
  readyApp,
  readyApps,
  refused,
  rejection,
  secs,
  sgArn,
  sleep,
  startManual,
  startSession,
} from "./resources-lib.mjs";

const DAY = 86400;

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

const withoutMetadata = ({ $metadata, ...rest }) => rest;

function checkLocation(l, expected) {
  assertOnlyMembers(l, LOCATION_STATE_MEMBERS, `LocationState ${l.LocationName}`);
  for (const [k, v] of Object.entries(expected)) assert.equal(l[k] ?? 0, v, `${l.LocationName}.${k}`);
  assert.equal(l.RequestedCapacity, l.AlwaysOnCapacity, `${l.LocationName}: RequestedCapacity is the always-on capacity`);
  assert.equal(typeof l.AllocatedCapacity, "number", `${l.LocationName}.AllocatedCapacity`);
  assert.equal(typeof l.IdleCapacity, "number", `${l.LocationName}.IdleCapacity`);
}

// ---------------------------------------------------------------------------
// CreateStreamGroup, GetStreamGroup, lifecycle
// ---------------------------------------------------------------------------

describe("CreateStreamGroup and GetStreamGroup", () => {
  test("CreateStreamGroup answers 201 with an ACTIVATING group, its locations (primary first) and its default application", async () => {
    const now = await clockNow(server);
    const out = await client.send(
      new CreateStreamGroupCommand({
        Description: "Created group",
        StreamClass: "gen4n_high",
        DefaultApplicationIdentifier: app.Arn,
        LocationConfigurations: [
          { LocationName: "us-east-1", AlwaysOnCapacity: 4, TargetIdleCapacity: 2, MaximumCapacity: 8 },
          { LocationName: REGION, AlwaysOnCapacity: 2 },
          { LocationName: "eu-central-1", OnDemandCapacity: 6 },
        ],
      }),
    );
    assert.equal(out.$metadata.httpStatusCode, 201);
    assertOnlyMembers(out, STREAM_GROUP_MEMBERS, "CreateStreamGroup");
    assert.match(out.Id, SG_ID);
    assert.equal(out.Arn, sgArn(out.Id));
    assert.equal(out.Description, "Created group");
    assert.equal(out.StreamClass, "gen4n_high");
    assert.equal(out.Status, "ACTIVATING");
    assert.equal(out.StatusReason, undefined);
    assert.deepEqual(out.DefaultApplication, { Id: app.Id, Arn: app.Arn });
    assert.deepEqual(out.AssociatedApplications, [app.Arn], "the default application is associated");
    near(secs(out.CreatedAt), now, "CreatedAt is the emulator's now");
    assert.equal(out.LastUpdatedAt.getTime(), out.CreatedAt.getTime());
    near(secs(out.ExpiresAt), secs(out.CreatedAt) + 365 * DAY, "ExpiresAt is CreatedAt + 365 days");

    assert.deepEqual(out.LocationStates.map((l) => l.LocationName), [REGION, "us-east-1", "eu-central-1"], "primary first");
    checkLocation(location(out, REGION), { Status: "ACTIVATING", AlwaysOnCapacity: 2, OnDemandCapacity: 0, TargetIdleCapacity: 0, MaximumCapacity: 0 });
    checkLocation(location(out, "us-east-1"), { Status: "ACTIVATING", AlwaysOnCapacity: 4, TargetIdleCapacity: 2, MaximumCapacity: 8, OnDemandCapacity: 0 });
    checkLocation(location(out, "eu-central-1"), { Status: "ACTIVATING", AlwaysOnCapacity: 0, OnDemandCapacity: 6 });

    for (const identifier of [out.Id, out.Arn]) {
      const got = await getGroup(client, identifier);
      assert.equal(got.$metadata.httpStatusCode, 200);
      assertOnlyMembers(got, STREAM_GROUP_MEMBERS, "GetStreamGroup");
      assert.deepEqual(withoutMetadata(got), withoutMetadata(out));
    }
    const raw = await server.raw("GET", `/streamgroups/${out.Id}`);
    assert.equal(raw.status, 200, raw.text);
    for (const k of ["CreatedAt", "LastUpdatedAt", "ExpiresAt"]) assert.equal(typeof raw.json[k], "number", k);
    assert.deepEqual(Object.keys(raw.json).filter((k) => !STREAM_GROUP_MEMBERS.includes(k)), []);

    // The application knows its group.
    assert.ok((await getApp(client, app.Id)).AssociatedStreamGroups.includes(out.Arn));
  });

  test("ACTIVATING -(10 s)-> ACTIVE, its locations with it, stamped with the due time", async () => {
    const out = await createGroup(client, {
      LocationConfigurations: [{ LocationName: REGION }, { LocationName: "us-east-2" }],
    });
    const created = secs(out.CreatedAt);
    await advance(server, 9.999);
    const still = await getGroup(client, out.Id);
    assert.equal(still.Status, "ACTIVATING");
    assert.deepEqual(still.LocationStates.map((l) => l.Status), ["ACTIVATING", "ACTIVATING"]);
    await advance(server, 0.001);
    const active = await getGroup(client, out.Id);
    assert.equal(active.Status, "ACTIVE");
    assert.deepEqual(active.LocationStates.map((l) => l.Status), ["ACTIVE", "ACTIVE"]);
    near(secs(active.LastUpdatedAt), created + T.groupActivating, "ACTIVE stamp");
    assert.equal(active.DefaultApplication, undefined, "no default application was given");
    assert.deepEqual(active.AssociatedApplications ?? [], []);

    const h = await server.admin("GET", `/streamgroups/${out.Id}/history`);
    assert.equal(h.status, 200, JSON.stringify(h.body));
    const last = h.body.history.at(-1);
    assert.equal(last.from, "ACTIVATING");
    assert.equal(last.to, "ACTIVE");
    near(last.time, created + T.groupActivating, "history time");
  });

  const tenancy = [
    ["gen4n_high", 2], ["gen5n_high", 2], ["gen6n_high", 2], ["gen6n_medium", 4], ["gen6n_small", 12],
    ["gen4n_ultra", 1], ["gen4n_win2022", 1], ["gen5n_ultra", 1], ["gen6n_pro_win2022", 1], ["gen6e_pro", 1],
    ["gen6n_small_win2022", 1], ["gen6n_medium_win2022", 1],
  ];
  test("a location without capacity gets the stream class's tenancy as always-on capacity", async () => {
    for (const [StreamClass, n] of tenancy) {
      const out = await createGroup(client, { StreamClass });
      assert.equal(out.LocationStates.length, 1);
      const l = location(out, REGION);
      assert.equal(l.AlwaysOnCapacity, n, StreamClass);
      assert.equal(l.RequestedCapacity, n, StreamClass);
    }
  });

  const badCapacity = [
    ["AlwaysOnCapacity 3 with gen4n_high (tenancy 2)", "gen4n_high", { AlwaysOnCapacity: 3 }],
    ["TargetIdleCapacity 1 with gen4n_high", "gen4n_high", { AlwaysOnCapacity: 2, TargetIdleCapacity: 1 }],
    ["MaximumCapacity 5 with gen5n_high", "gen5n_high", { MaximumCapacity: 5 }],
    ["OnDemandCapacity 3 with gen6n_high", "gen6n_high", { OnDemandCapacity: 3 }],
    ["AlwaysOnCapacity 6 with gen6n_small (tenancy 12)", "gen6n_small", { AlwaysOnCapacity: 6 }],
    ["AlwaysOnCapacity 2 with gen6n_medium (tenancy 4)", "gen6n_medium", { AlwaysOnCapacity: 2 }],
    ["OnDemandCapacity with MaximumCapacity", "gen4n_ultra", { OnDemandCapacity: 1, MaximumCapacity: 2 }],
    ["OnDemandCapacity with TargetIdleCapacity", "gen4n_ultra", { OnDemandCapacity: 1, TargetIdleCapacity: 1 }],
  ];
  for (const [label, StreamClass, capacity] of badCapacity) {
    test(`CreateStreamGroup refuses ${label} with a ValidationException`, async () => {
      await refused(
        createGroup(client, { StreamClass, LocationConfigurations: [{ LocationName: REGION, ...capacity }] }),
        "ValidationException",
        400,
      );
    });
  }

  test("multiples of the tenancy (and 0) are accepted", async () => {
    const out = await createGroup(client, {
      StreamClass: "gen6n_small",
      LocationConfigurations: [
        { LocationName: REGION, AlwaysOnCapacity: 24, TargetIdleCapacity: 12, MaximumCapacity: 36 },
        { LocationName: "us-east-1", AlwaysOnCapacity: 0, OnDemandCapacity: 12 },
      ],
    });
    checkLocation(location(out, REGION), { AlwaysOnCapacity: 24, TargetIdleCapacity: 12, MaximumCapacity: 36 });
    checkLocation(location(out, "us-east-1"), { AlwaysOnCapacity: 0, OnDemandCapacity: 12 });
  });

  test("DefaultApplicationIdentifier must exist (ResourceNotFoundException) and be READY (ValidationException)", async () => {
    await refused(createGroup(client, { DefaultApplicationIdentifier: "a-000000000" }), "ResourceNotFoundException", 404);
    const processing = await createApp(client);
    await refused(createGroup(client, { DefaultApplicationIdentifier: processing.Id }), "ValidationException", 400);
    await advance(server, 1);
    await refused(createGroup(client, { DefaultApplicationIdentifier: processing.Arn }), "ValidationException", 400);
  });

  test("ClientToken: the same input returns the same group, other input is a ConflictException", async () => {
    const ClientToken = "group-token-" + "1".repeat(32);
    const input = { Description: "Idempotent group", StreamClass: "gen4n_ultra", ClientToken };
    const first = await client.send(new CreateStreamGroupCommand(input));
    const again = await client.send(new CreateStreamGroupCommand({ ...input }));
    assert.equal(again.Arn, first.Arn);
    await refused(
      client.send(new CreateStreamGroupCommand({ ...input, StreamClass: "gen5n_ultra" })),
      "ConflictException",
      409,
    );
  });

  test("GetStreamGroup of an unknown group is a ResourceNotFoundException", async () => {
    await refused(getGroup(client, "sg-000000000"), "ResourceNotFoundException", 404, ["sg-000000000"]);
  });
});

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

describe("UpdateStreamGroup", () => {
  test("changes Description and capacities and returns the whole group", async () => {
    const group = await activeGroup(server, client, {
      StreamClass: "gen4n_high",
      DefaultApplicationIdentifier: app.Id,
      LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: 2 }, { LocationName: "us-east-1" }],
    });
    await advance(server, 1);
    const out = await client.send(
      new UpdateStreamGroupCommand({
        Identifier: group.Arn,
        Description: "Updated group",
        LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: 6, TargetIdleCapacity: 2, MaximumCapacity: 10 }],
      }),
    );
    assert.equal(out.$metadata.httpStatusCode, 200);
    assertOnlyMembers(out, STREAM_GROUP_MEMBERS, "UpdateStreamGroup");
    assert.equal(out.Arn, group.Arn);
    assert.equal(out.Description, "Updated group");
    assert.equal(out.StreamClass, "gen4n_high");
    assert.equal(out.Status, "ACTIVE");
    assert.deepEqual(out.DefaultApplication, group.DefaultApplication);
    assert.deepEqual(out.AssociatedApplications, group.AssociatedApplications);
    checkLocation(location(out, REGION), { Status: "ACTIVE", AlwaysOnCapacity: 6, TargetIdleCapacity: 2, MaximumCapacity: 10 });
    checkLocation(location(out, "us-east-1"), { Status: "ACTIVE", AlwaysOnCapacity: 2 });
    assert.equal(out.CreatedAt.getTime(), group.CreatedAt.getTime());
    assert.equal(out.ExpiresAt.getTime(), group.ExpiresAt.getTime());
    assert.ok(secs(out.LastUpdatedAt) > secs(group.LastUpdatedAt), "LastUpdatedAt moves");
    assert.deepEqual(withoutMetadata(await getGroup(client, group.Id)), withoutMetadata(out));
  });

  test("a new location in LocationConfigurations is added (UPDATING_LOCATIONS, then ACTIVE)", async () => {
    const group = await activeGroup(server, client);
    const out = await client.send(
      new UpdateStreamGroupCommand({
        Identifier: group.Id,
        LocationConfigurations: [{ LocationName: "ap-northeast-1", AlwaysOnCapacity: 3 }],
      }),
    );
    assert.equal(out.Status, "UPDATING_LOCATIONS");
    checkLocation(location(out, "ap-northeast-1"), { Status: "ACTIVATING", AlwaysOnCapacity: 3 });
    assert.equal(location(out, REGION).Status, "ACTIVE");
    await advance(server, T.locationActivating);
    const done = await getGroup(client, group.Id);
    assert.equal(done.Status, "ACTIVE");
    assert.equal(location(done, "ap-northeast-1").Status, "ACTIVE");
  });

  test("DefaultApplicationIdentifier switches the default to another READY, associated application", async () => {
    const [first, second] = await readyApps(server, client, 2);
    const group = await activeGroup(server, client, { DefaultApplicationIdentifier: first.Id });
    await client.send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [second.Id] }));
    const out = await client.send(new UpdateStreamGroupCommand({ Identifier: group.Id, DefaultApplicationIdentifier: second.Arn }));
    assert.deepEqual(out.DefaultApplication, { Id: second.Id, Arn: second.Arn });
    assert.deepEqual([...out.AssociatedApplications].sort(), [first.Arn, second.Arn].sort(), "both stay associated");
    const processing = await createApp(client);
    await refused(
      client.send(new UpdateStreamGroupCommand({ Identifier: group.Id, DefaultApplicationIdentifier: processing.Id })),
      "ValidationException",
      400,
    );
    await refused(
      client.send(new UpdateStreamGroupCommand({ Identifier: group.Id, DefaultApplicationIdentifier: "a-000000000" })),
      "ResourceNotFoundException",
      404,
    );
  });

  test("refusals: a group that is not ACTIVE (ConflictException), capacity not a multiple of the tenancy (ValidationException), unknown group", async () => {
    const activating = await createGroup(client, { StreamClass: "gen4n_high" });
    await refused(
      client.send(new UpdateStreamGroupCommand({ Identifier: activating.Id, Description: "too early" })),
      "ConflictException",
      409,
    );
    await advance(server, T.groupActivating);
    await refused(
      client.send(
        new UpdateStreamGroupCommand({
          Identifier: activating.Id,
          LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: 3 }],
        }),
      ),
      "ValidationException",
      400,
    );
    await refused(
      client.send(
        new UpdateStreamGroupCommand({
          Identifier: activating.Id,
          LocationConfigurations: [{ LocationName: REGION, OnDemandCapacity: 2, MaximumCapacity: 2 }],
        }),
      ),
      "ValidationException",
      400,
    );
    assert.equal(location(await getGroup(client, activating.Id), REGION).AlwaysOnCapacity, 2, "a refusal changes nothing");
    await refused(
      client.send(new UpdateStreamGroupCommand({ Identifier: "sg-000000000", Description: "x" })),
      "ResourceNotFoundException",
      404,
    );
  });

  test("an EXPIRED group (365 days old) cannot be updated (ValidationException) nor stream, but can be read and deleted", async () => {
    const own = await startManual(["--no-default-fixtures"]);
    try {
      const c = own.client();
      const a = await readyApp(own, c);
      const group = await activeGroup(own, c, { DefaultApplicationIdentifier: a.Id });
      await advance(own, 365 * DAY);
      const expired = await getGroup(c, group.Id);
      assert.equal(expired.Status, "EXPIRED");
      near(secs(expired.LastUpdatedAt), secs(group.ExpiresAt), "EXPIRED is stamped at ExpiresAt");
      await refused(
        c.send(new UpdateStreamGroupCommand({ Identifier: group.Id, Description: "too late" })),
        "ValidationException",
        400,
      );
      await refused(startSession(c, group.Id, a.Id), "ConflictException", 409);
      const del = await c.send(new DeleteStreamGroupCommand({ Identifier: group.Id }));
      assert.equal(del.$metadata.httpStatusCode, 204);
    } finally {
      assert.equal(await own.stop(), 0);
    }
  });
});

describe("UPDATING_LOCATIONS and ACTIVE_WITH_ERRORS", () => {
  // Whether sessions may start while a group is UPDATING_LOCATIONS is left
  // open: the issue-4 contract allows it, the model's StartStreamSession lists
  // "a stream group in ACTIVE status" as a prerequisite.
  test("UpdateStreamGroup is a ConflictException while locations are updating; the new location streams once ACTIVE", async () => {
    const group = await activeGroup(server, client, { DefaultApplicationIdentifier: app.Id });
    await client.send(
      new AddStreamGroupLocationsCommand({ Identifier: group.Id, LocationConfigurations: [{ LocationName: "ca-central-1" }] }),
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
    const { out: there } = await startSession(client, group.Id, app.Id, { Locations: ["ca-central-1"] });
    assert.equal(there.Location, "ca-central-1");
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
// AddStreamGroupLocations and RemoveStreamGroupLocations
// ---------------------------------------------------------------------------

describe("AddStreamGroupLocations and RemoveStreamGroupLocations", () => {
  test("adding: the new locations ACTIVATING, group UPDATING_LOCATIONS; 10 s later all ACTIVE", async () => {
    const group = await activeGroup(server, client, { StreamClass: "gen4n_high" });
    await advance(server, 1);
    const out = await client.send(
      new AddStreamGroupLocationsCommand({
        Identifier: group.Id,
        LocationConfigurations: [
          { LocationName: "us-east-1" },
          { LocationName: "eu-west-1", AlwaysOnCapacity: 4, MaximumCapacity: 6 },
        ],
      }),
    );
    assert.equal(out.$metadata.httpStatusCode, 200);
    assertOnlyMembers(out, ["Identifier", "Locations"], "AddStreamGroupLocations");
    assert.ok([group.Id, group.Arn].includes(out.Identifier), `Identifier ${out.Identifier}`);
    assert.deepEqual(out.Locations.map((l) => l.LocationName), ["us-east-1", "eu-west-1"], "only the added locations");
    checkLocation(out.Locations[0], { Status: "ACTIVATING", AlwaysOnCapacity: 2 });
    checkLocation(out.Locations[1], { Status: "ACTIVATING", AlwaysOnCapacity: 4, MaximumCapacity: 6 });

    const updating = await getGroup(client, group.Id);
    assert.equal(updating.Status, "UPDATING_LOCATIONS");
    assert.deepEqual(updating.LocationStates.map((l) => [l.LocationName, l.Status]), [
      [REGION, "ACTIVE"],
      ["us-east-1", "ACTIVATING"],
      ["eu-west-1", "ACTIVATING"],
    ]);
    // Not ACTIVE: no more changes meanwhile.
    await refused(
      client.send(new AddStreamGroupLocationsCommand({ Identifier: group.Id, LocationConfigurations: [{ LocationName: "eu-west-2" }] })),
      "ValidationException",
      400,
    );
    await refused(
      client.send(new RemoveStreamGroupLocationsCommand({ Identifier: group.Id, Locations: ["us-east-1"] })),
      "ValidationException",
      400,
    );
    await advance(server, T.locationActivating - 0.5);
    assert.equal((await getGroup(client, group.Id)).Status, "UPDATING_LOCATIONS");
    await advance(server, 0.5);
    const active = await getGroup(client, group.Id);
    assert.equal(active.Status, "ACTIVE");
    assert.deepEqual(active.LocationStates.map((l) => l.Status), ["ACTIVE", "ACTIVE", "ACTIVE"]);

    const lh = await server.admin("GET", `/streamgroups/${group.Id}/locations/us-east-1/history`);
    assert.equal(lh.status, 200, JSON.stringify(lh.body));
    assert.deepEqual(lh.body.history.map((e) => e.to).slice(-2), ["ACTIVATING", "ACTIVE"]);
  });

  test("adding refusals: a location already in the group, capacity not a multiple of the tenancy, a group not ACTIVE", async () => {
    const group = await createGroup(client, { StreamClass: "gen4n_high" });
    await refused(
      client.send(new AddStreamGroupLocationsCommand({ Identifier: group.Id, LocationConfigurations: [{ LocationName: "us-east-1" }] })),
      "ValidationException",
      400,
    );
    await advance(server, T.groupActivating);
    await refused(
      client.send(new AddStreamGroupLocationsCommand({ Identifier: group.Id, LocationConfigurations: [{ LocationName: REGION }] })),
      "ValidationException",
      400,
    );
    await refused(
      client.send(
        new AddStreamGroupLocationsCommand({
          Identifier: group.Id,
          LocationConfigurations: [{ LocationName: "us-east-1", AlwaysOnCapacity: 3 }],
        }),
      ),
      "ValidationException",
      400,
    );
    const g = await getGroup(client, group.Id);
    assert.equal(g.Status, "ACTIVE");
    assert.equal(g.LocationStates.length, 1, "refusals add nothing");
    await refused(
      client.send(new AddStreamGroupLocationsCommand({ Identifier: "sg-000000000", LocationConfigurations: [{ LocationName: "us-east-1" }] })),
      "ResourceNotFoundException",
      404,
    );
  });

  test("removing: REMOVING and UPDATING_LOCATIONS, sessions there end, the location is gone 5 s later", async () => {
    const group = await activeGroup(server, client, {
      DefaultApplicationIdentifier: app.Id,
      LocationConfigurations: [{ LocationName: REGION }, { LocationName: "us-east-1" }, { LocationName: "eu-west-1" }],
    });
    const { id } = await startSession(client, group.Id, app.Id, { Locations: ["us-east-1"] });
    await advance(server, T.sessionPlacement);
    const s = await getSession(client, group.Id, id);
    assert.equal(s.Status, "ACTIVE");
    assert.equal(s.Location, "us-east-1");

    const out = await client.send(
      new RemoveStreamGroupLocationsCommand({ Identifier: group.Arn, Locations: ["us-east-1", "eu-west-1"] }),
    );
    assert.equal(out.$metadata.httpStatusCode, 204);
    assertOnlyMembers(out, [], "RemoveStreamGroupLocations");
    const removing = await getGroup(client, group.Id);
    assert.equal(removing.Status, "UPDATING_LOCATIONS");
    assert.deepEqual(removing.LocationStates.map((l) => [l.LocationName, l.Status]), [
      [REGION, "ACTIVE"],
      ["us-east-1", "REMOVING"],
      ["eu-west-1", "REMOVING"],
    ]);
    const ending = await getSession(client, group.Id, id);
    assert.ok(["TERMINATING", "TERMINATED"].includes(ending.Status), ending.Status);
    await advance(server, T.locationRemoving - 0.5);
    assert.equal((await getGroup(client, group.Id)).LocationStates.length, 3);
    await advance(server, 0.5);
    const done = await getGroup(client, group.Id);
    assert.equal(done.Status, "ACTIVE");
    assert.deepEqual(done.LocationStates.map((l) => [l.LocationName, l.Status]), [[REGION, "ACTIVE"]]);
    assert.equal((await getSession(client, group.Id, id)).Status, "TERMINATED");
    // A removed location can no longer host sessions.
    await refused(startSession(client, group.Id, app.Id, { Locations: ["us-east-1"] }), "ValidationException", 400);
  });

  test("removing refusals: the primary location, a location not in the group, a group not ACTIVE (all ValidationException)", async () => {
    const group = await createGroup(client, {
      LocationConfigurations: [{ LocationName: REGION }, { LocationName: "us-east-1" }],
    });
    await refused(
      client.send(new RemoveStreamGroupLocationsCommand({ Identifier: group.Id, Locations: ["us-east-1"] })),
      "ValidationException",
      400,
    );
    await advance(server, T.groupActivating);
    await refused(
      client.send(new RemoveStreamGroupLocationsCommand({ Identifier: group.Id, Locations: [REGION] })),
      "ValidationException",
      400,
    );
    await refused(
      client.send(new RemoveStreamGroupLocationsCommand({ Identifier: group.Id, Locations: ["us-east-1", REGION] })),
      "ValidationException",
      400,
    );
    await refused(
      client.send(new RemoveStreamGroupLocationsCommand({ Identifier: group.Id, Locations: ["ap-south-1"] })),
      "ValidationException",
      400,
    );
    const g = await getGroup(client, group.Id);
    assert.equal(g.Status, "ACTIVE");
    assert.deepEqual(g.LocationStates.map((l) => [l.LocationName, l.Status]), [[REGION, "ACTIVE"], ["us-east-1", "ACTIVE"]]);
    await refused(
      client.send(new RemoveStreamGroupLocationsCommand({ Identifier: "sg-000000000", Locations: ["us-east-1"] })),
      "ResourceNotFoundException",
      404,
    );
  });
});

// ---------------------------------------------------------------------------
// AssociateApplications and DisassociateApplications
// ---------------------------------------------------------------------------

describe("AssociateApplications and DisassociateApplications", () => {
  test("the first associated application becomes the default; disassociating the default picks the next", async () => {
    const [a1, a2, a3] = await readyApps(server, client, 3);
    const group = await activeGroup(server, client);
    assert.equal(group.DefaultApplication, undefined);

    const out = await client.send(
      new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [a1.Id, a2.Arn] }),
    );
    assert.equal(out.$metadata.httpStatusCode, 200);
    assertOnlyMembers(out, ["Arn", "ApplicationArns"], "AssociateApplications");
    assert.equal(out.Arn, group.Arn);
    for (const a of [a1, a2]) assert.ok(out.ApplicationArns.includes(a.Arn), `${a.Arn} in ${out.ApplicationArns}`);
    let g = await getGroup(client, group.Id);
    assert.deepEqual(g.DefaultApplication, { Id: a1.Id, Arn: a1.Arn }, "the first application became the default");
    assert.deepEqual([...g.AssociatedApplications].sort(), [a1.Arn, a2.Arn].sort());
    assert.deepEqual((await getApp(client, a2.Id)).AssociatedStreamGroups, [group.Arn]);

    // Idempotent, and the default stays.
    const again = await client.send(
      new AssociateApplicationsCommand({ Identifier: group.Arn, ApplicationIdentifiers: [a2.Id, a3.Id] }),
    );
    for (const a of [a2, a3]) assert.ok(again.ApplicationArns.includes(a.Arn));
    g = await getGroup(client, group.Id);
    assert.deepEqual(g.DefaultApplication, { Id: a1.Id, Arn: a1.Arn });
    assert.deepEqual([...g.AssociatedApplications].sort(), [a1.Arn, a2.Arn, a3.Arn].sort());
    assertUnique(g.AssociatedApplications, "associated applications");

    const dis = await client.send(new DisassociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [a1.Arn] }));
    assert.equal(dis.$metadata.httpStatusCode, 200);
    assertOnlyMembers(dis, ["Arn", "ApplicationArns"], "DisassociateApplications");
    assert.equal(dis.Arn, group.Arn);
    assert.deepEqual(dis.ApplicationArns, [a1.Arn]);
    g = await getGroup(client, group.Id);
    assert.ok(g.DefaultApplication, "another associated application became the default");
    assert.ok([a2.Id, a3.Id].includes(g.DefaultApplication.Id), JSON.stringify(g.DefaultApplication));
    assert.equal(g.DefaultApplication.Arn, appArn(g.DefaultApplication.Id));
    assert.deepEqual([...g.AssociatedApplications].sort(), [a2.Arn, a3.Arn].sort());
    assert.deepEqual((await getApp(client, a1.Id)).AssociatedStreamGroups ?? [], []);

    // Idempotent too; then none left: no default.
    await client.send(new DisassociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [a1.Id] }));
    await client.send(new DisassociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [a2.Id, a3.Id] }));
    g = await getGroup(client, group.Id);
    assert.equal(g.DefaultApplication, undefined);
    assert.deepEqual(g.AssociatedApplications ?? [], []);
    // An application no longer associated cannot be streamed there.
    await refused(startSession(client, group.Id, a2.Id), "ValidationException", 400);
  });

  test("refusals: unknown application (ResourceNotFoundException), not READY or group not ACTIVE (ValidationException)", async () => {
    const group = await createGroup(client);
    await refused(
      client.send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [app.Id] })),
      "ValidationException",
      400,
    );
    await refused(
      client.send(new DisassociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [app.Id] })),
      "ValidationException",
      400,
    );
    await advance(server, T.groupActivating);
    await refused(
      client.send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: ["a-000000000"] })),
      "ResourceNotFoundException",
      404,
    );
    const processing = await createApp(client);
    await refused(
      client.send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [processing.Id] })),
      "ValidationException",
      400,
    );
    // All or nothing: a good application next to a bad one is not associated either.
    await refused(
      client.send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [app.Id, processing.Id] })),
      "ValidationException",
      400,
    );
    const g = await getGroup(client, group.Id);
    assert.deepEqual(g.AssociatedApplications ?? [], []);
    await refused(
      client.send(new AssociateApplicationsCommand({ Identifier: "sg-000000000", ApplicationIdentifiers: [app.Id] })),
      "ResourceNotFoundException",
      404,
    );
  });
});

// ---------------------------------------------------------------------------
// StartStreamSession against the group's state
// ---------------------------------------------------------------------------

test("StartStreamSession: ConflictException on a group not ACTIVE; ValidationException for an unassociated app or a location not in the group", async () => {
  const other = await readyApp(server, client);
  const group = await createGroup(client, { DefaultApplicationIdentifier: app.Id });
  await refused(startSession(client, group.Id, app.Id), "ConflictException", 409);
  await advance(server, T.groupActivating);
  await refused(startSession(client, group.Id, other.Id), "ValidationException", 400);
  await refused(startSession(client, group.Id, app.Id, { Locations: ["sa-east-1"] }), "ValidationException", 400);
  const { out } = await startSession(client, group.Id, app.Id);
  assert.equal(out.Status, "ACTIVATING");
  assert.equal(out.Location, REGION);
});

// ---------------------------------------------------------------------------
// DeleteStreamGroup
// ---------------------------------------------------------------------------

describe("DeleteStreamGroup", () => {
  test("204, DELETING: sessions terminated, associations removed; gone after 5 s", async () => {
    const group = await activeGroup(server, client, { DefaultApplicationIdentifier: app.Id, StreamClass: "gen4n_high" });
    const { id } = await startSession(client, group.Id, app.Id);
    await advance(server, T.sessionPlacement);
    assert.equal((await getSession(client, group.Id, id)).Status, "ACTIVE");

    const out = await client.send(new DeleteStreamGroupCommand({ Identifier: group.Arn }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    assertOnlyMembers(out, [], "DeleteStreamGroup");
    const deleting = await getGroup(client, group.Id);
    assert.equal(deleting.Status, "DELETING");
    const s = await getSession(client, group.Id, id);
    assert.equal(s.Status, "TERMINATING");
    assert.equal(s.StatusReason, "apiTerminated");
    assert.ok(!((await getApp(client, app.Id)).AssociatedStreamGroups ?? []).includes(group.Arn), "association removed");
    // No new sessions; deleting again is a no-op.
    await refused(startSession(client, group.Id, app.Id), "ConflictException", 409);
    const again = await client.send(new DeleteStreamGroupCommand({ Identifier: group.Id }));
    assert.equal(again.$metadata.httpStatusCode, 204);

    await advance(server, T.groupDeleting - 0.5);
    assert.equal((await getGroup(client, group.Id)).Status, "DELETING");
    await advance(server, 0.5);
    await refused(getGroup(client, group.Id), "ResourceNotFoundException", 404, [group.Id]);
    const listed = await client.send(new ListStreamGroupsCommand({ MaxResults: 100 }));
    assert.ok(!listed.Items.some((i) => i.Id === group.Id), "ListStreamGroups no longer shows it");
    await refused(client.send(new DeleteStreamGroupCommand({ Identifier: group.Id })), "ResourceNotFoundException", 404);
    // The default application can now be deleted as far as this group is concerned.
    assert.equal((await getApp(client, app.Id)).Status, "READY");
  });

  test("an ACTIVATING group can be deleted too", async () => {
    const group = await createGroup(client);
    const out = await client.send(new DeleteStreamGroupCommand({ Identifier: group.Id }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    assert.equal((await getGroup(client, group.Id)).Status, "DELETING");
    await advance(server, T.groupActivating);
    await refused(getGroup(client, group.Id), "ResourceNotFoundException", 404);
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
    near(secs(g.ExpiresAt), secs(g.CreatedAt) + 365 * DAY, "ExpiresAt");
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
