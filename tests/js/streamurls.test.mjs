// Stream URLs end to end through the AWS SDK for JavaScript v3 and fetch():
// CreateStreamUrl / GetStreamUrl / ListStreamUrls / RevokeStreamUrl with
// every member, each GET of the shareable URL starting one stream session,
// LIMIT_REACHED, EXPIRED and REVOKED (all its reasons); the session
// paginators over URL-started sessions; and allocated / idle capacity
// following the running sessions.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateApplicationsCommand,
  CreateStreamUrlCommand,
  DeleteApplicationCommand,
  DeleteStreamGroupCommand,
  DisassociateApplicationsCommand,
  ListStreamSessionsByAccountCommand,
  ListStreamUrlsCommand,
  RevokeStreamUrlCommand,
  TerminateStreamSessionCommand,
  UpdateStreamGroupCommand,
  paginateListStreamSessions,
  paginateListStreamSessionsByAccount,
  paginateListStreamUrls,
} from "@aws-sdk/client-gameliftstreams";
import {
  REGION,
  SESSION_ID,
  SESSION_SUMMARY_MEMBERS,
  STREAM_URL_MEMBERS,
  STREAM_URL_SUMMARY_MEMBERS,
  SU_ID,
  T,
  activeGroup,
  advance,
  appArn,
  assertOnlyMembers,
  assertUnique,
  capacityOf,
  clockNow,
  createGroup,
  getGroup,
  getSession,
  getUrl,
  idOf,
  near,
  play,
  readyApp,
  refused,
  secs,
  sessionArn,
  sgArn,
  startManual,
  startSession,
  suArn,
} from "./resources-lib.mjs";

let server;
let client;
let app;
let group;
before(async () => {
  server = await startManual(["--no-default-fixtures"]);
  client = server.client();
  app = await readyApp(server, client, { Description: "URL game" });
  group = await activeGroup(server, client, {
    DefaultApplicationIdentifier: app.Id,
    LocationConfigurations: [
      { LocationName: REGION, AlwaysOnCapacity: 20 },
      { LocationName: "us-east-1", AlwaysOnCapacity: 5 },
    ],
  });
});
after(async () => {
  assert.equal(await server.stop(), 0, "gls-local exits 0 on SIGTERM");
});

const withoutMetadata = ({ $metadata, ...rest }) => rest;

async function createUrl(extra = {}, c = client) {
  const out = await c.send(
    new CreateStreamUrlCommand({
      Identifier: group.Id,
      ApplicationIdentifier: app.Id,
      Protocol: "WebRTC",
      UrlExpiresAfterMinutes: 60,
      Locations: [REGION],
      ...extra,
    }),
  );
  assert.equal(out.$metadata.httpStatusCode, 201);
  return out;
}

// One GET of the shareable URL that must start a session; returns its id.
async function use(url, sg = group.Id) {
  const res = await play(url.StreamUrl);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.ok(res.json, res.text);
  assert.match(res.json.StreamSessionId, SESSION_ID);
  assert.equal(res.json.StreamSessionArn, sessionArn(sg, res.json.StreamSessionId));
  assert.equal(res.json.StreamGroupId, sg);
  assert.equal(typeof res.json.Status, "string");
  return res.json.StreamSessionId;
}

async function gone(url, status = 410) {
  const res = await play(url);
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.ok(res.json && typeof res.json.message === "string" && res.json.message.length > 0, res.text);
}

// ---------------------------------------------------------------------------
// CreateStreamUrl and GetStreamUrl
// ---------------------------------------------------------------------------

describe("CreateStreamUrl and GetStreamUrl", () => {
  test("CreateStreamUrl answers 201 with every member; GetStreamUrl adds the (empty) StreamSessions", async () => {
    const now = await clockNow(server);
    const input = {
      Identifier: group.Arn,
      ApplicationIdentifier: app.Arn,
      Protocol: "WebRTC",
      UrlExpiresAfterMinutes: 90,
      UsageLimit: 3,
      Description: "Shared link",
      Locations: ["us-east-1", REGION],
      SessionLengthSeconds: 1800,
      AdditionalLaunchArgs: ["-fullscreen", "-demo"],
      AdditionalEnvironmentVariables: { MODE: "demo" },
      RoleArn: "arn:aws:iam::111122223333:role/GameRole",
      DisplayConfiguration: { Resolution: { Width: 1280, Height: 720 } },
    };
    const out = await client.send(new CreateStreamUrlCommand(input));
    assert.equal(out.$metadata.httpStatusCode, 201);
    assertOnlyMembers(out, STREAM_URL_MEMBERS, "CreateStreamUrl");
    assert.match(out.StreamUrlId, SU_ID);
    assert.equal(out.Arn, suArn(group.Id, out.StreamUrlId));
    assert.equal(out.Status, "ACTIVE");
    assert.equal(out.StatusReason, undefined);
    near(secs(out.CreatedAt), now, "CreatedAt is the emulator's now");
    near(secs(out.ExpiresAt), secs(out.CreatedAt) + 90 * 60, "ExpiresAt is CreatedAt + UrlExpiresAfterMinutes");
    assert.equal(out.UsageLimit, 3);
    assert.equal(out.RemainingUses, 3);
    assert.equal(out.StreamGroupArn, group.Arn);
    assert.equal(out.ApplicationArn, app.Arn);
    assert.equal(out.Protocol, "WebRTC");
    assert.deepEqual(out.Locations, ["us-east-1", REGION]);
    assert.equal(out.SessionLengthSeconds, 1800);
    assert.equal(out.Description, "Shared link");
    assert.deepEqual(out.AdditionalLaunchArgs, ["-fullscreen", "-demo"]);
    assert.deepEqual(out.AdditionalEnvironmentVariables, { MODE: "demo" });
    assert.equal(out.RoleArn, "arn:aws:iam::111122223333:role/GameRole");
    assert.deepEqual(out.DisplayConfiguration, { Resolution: { Width: 1280, Height: 720 } });

    // The URL points at this emulator (the Host the SDK sent).
    const u = new URL(out.StreamUrl);
    assert.equal(u.origin, new URL(server.url).origin);
    assert.equal(u.pathname, `/_gls/play/${group.Id}/${out.StreamUrlId}`);
    assert.ok((u.searchParams.get("token") ?? "").length >= 16, `a secret token: ${out.StreamUrl}`);

    for (const [sg, su] of [[group.Id, out.StreamUrlId], [group.Arn, out.Arn], [group.Id, out.Arn]]) {
      const got = await getUrl(client, sg, su);
      assert.equal(got.$metadata.httpStatusCode, 200);
      assertOnlyMembers(got, [...STREAM_URL_MEMBERS, "StreamSessions"], "GetStreamUrl");
      const { StreamSessions, ...rest } = withoutMetadata(got);
      assert.deepEqual(StreamSessions ?? [], []);
      assert.deepEqual(rest, withoutMetadata(out));
    }
    const raw = await server.raw("GET", `/streamgroups/${group.Id}/streamurls/${out.StreamUrlId}`);
    assert.equal(raw.status, 200, raw.text);
    assert.equal(typeof raw.json.ExpiresAt, "number");
    assert.deepEqual(Object.keys(raw.json).filter((k) => ![...STREAM_URL_MEMBERS, "StreamSessions"].includes(k)), []);
  });

  test("UsageLimit defaults to 1; two URLs have different secrets", async () => {
    const a = await createUrl();
    const b = await createUrl();
    assert.equal(a.UsageLimit, 1);
    assert.equal(a.RemainingUses, 1);
    assert.notEqual(a.StreamUrlId, b.StreamUrlId);
    assert.notEqual(new URL(a.StreamUrl).searchParams.get("token"), new URL(b.StreamUrl).searchParams.get("token"));
  });

  test("refusals: group not ACTIVE (ConflictException), application not associated or location not in the group (ValidationException), unknown group", async () => {
    const other = await readyApp(server, client);
    const activating = await createGroup(client, { DefaultApplicationIdentifier: app.Id });
    await refused(createUrl({ Identifier: activating.Id }), "ConflictException", 409);
    await refused(createUrl({ ApplicationIdentifier: other.Id }), "ValidationException", 400);
    await refused(createUrl({ Locations: ["ap-southeast-2"] }), "ValidationException", 400);
    await refused(createUrl({ Locations: [REGION, "ap-southeast-2"] }), "ValidationException", 400);
    await refused(createUrl({ Identifier: "sg-000000000" }), "ResourceNotFoundException", 404);
    await refused(getUrl(client, group.Id, "su-000000000"), "ResourceNotFoundException", 404);
    await refused(
      client.send(new RevokeStreamUrlCommand({ Identifier: group.Id, StreamUrlIdentifier: "su-000000000" })),
      "ResourceNotFoundException",
      404,
    );
  });

  test("ClientToken: the same input returns the same URL, other input is a ConflictException", async () => {
    const ClientToken = "url-token-" + "2".repeat(32);
    const first = await createUrl({ ClientToken, UsageLimit: 2 });
    const again = await createUrl({ ClientToken, UsageLimit: 2 });
    assert.equal(again.Arn, first.Arn);
    assert.equal(again.StreamUrl, first.StreamUrl);
    await refused(createUrl({ ClientToken, UsageLimit: 5 }), "ConflictException", 409);
  });
});

// ---------------------------------------------------------------------------
// Using the shareable URL
// ---------------------------------------------------------------------------

describe("the shareable StreamUrl", () => {
  test("UsageLimit 2: two GETs start two sessions, then LIMIT_REACHED and 410", async () => {
    const url = await createUrl({
      UsageLimit: 2,
      Locations: ["us-east-1", REGION],
      SessionLengthSeconds: 600,
      AdditionalLaunchArgs: ["-url"],
      AdditionalEnvironmentVariables: { FROM: "url" },
      DisplayConfiguration: { Resolution: { Width: 1600, Height: 900 } },
    });
    // A wrong token or an unknown URL is a 404 and uses nothing.
    const wrong = new URL(url.StreamUrl);
    wrong.searchParams.set("token", "wrong-token");
    await gone(wrong.toString(), 404);
    await gone(`${server.url}/_gls/play/${group.Id}/su-000000000?token=x`, 404);
    assert.equal((await getUrl(client, group.Id, url.StreamUrlId)).RemainingUses, 2);

    const first = await use(url);
    const afterOne = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(afterOne.Status, "ACTIVE");
    assert.equal(afterOne.RemainingUses, 1);
    assert.equal(afterOne.StreamSessions.length, 1);

    const second = await use(url);
    assert.notEqual(second, first);
    const limit = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(limit.Status, "LIMIT_REACHED");
    assert.equal(limit.StatusReason, undefined);
    assert.equal(limit.RemainingUses, 0);
    assert.equal(limit.UsageLimit, 2);
    assert.equal(limit.StreamSessions.length, 2);
    assert.deepEqual(
      limit.StreamSessions.map((s) => s.Arn).sort(),
      [sessionArn(group.Id, first), sessionArn(group.Id, second)].sort(),
    );
    for (const s of limit.StreamSessions) {
      assertOnlyMembers(s, SESSION_SUMMARY_MEMBERS, "StreamSessionSummary");
      assert.equal(s.ApplicationArn, app.Arn);
      assert.equal(s.Protocol, "WebRTC");
      assert.equal(s.Status, "ACTIVATING");
      assert.equal(s.Location, "us-east-1", "the first location in order of preference");
      assert.ok(s.CreatedAt instanceof Date);
    }

    // Each session carries the URL's settings.
    for (const id of [first, second]) {
      const s = await getSession(client, group.Id, id);
      assert.equal(s.ApplicationArn, app.Arn);
      assert.equal(s.Location, "us-east-1");
      assert.equal(s.SessionLengthSeconds, 600);
      assert.deepEqual(s.AdditionalLaunchArgs, ["-url"]);
      assert.deepEqual(s.AdditionalEnvironmentVariables, { FROM: "url" });
      assert.deepEqual(s.DisplayConfiguration, { Resolution: { Width: 1600, Height: 900 } });
      assert.equal(s.Status, "ACTIVATING");
    }
    await advance(server, T.sessionPlacement);
    assert.equal((await getSession(client, group.Id, first)).Status, "ACTIVE");

    // The third use is refused and starts nothing.
    await gone(url.StreamUrl, 410);
    const still = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(still.StreamSessions.length, 2);
    assert.equal(still.RemainingUses, 0);
    const listed = await client.send(new ListStreamUrlsCommand({ Status: "LIMIT_REACHED", MaxResults: 100 }));
    assert.ok(listed.Items.some((i) => i.Arn === url.Arn), "ListStreamUrls Status=LIMIT_REACHED shows it");
  });

  test("a browser (Accept: text/html) gets an HTML page and a session", async () => {
    const url = await createUrl({ UsageLimit: 2 });
    const res = await play(url.StreamUrl, { accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8" });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(res.text, /<html/i);
    const got = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(got.RemainingUses, 1);
    assert.equal(got.StreamSessions.length, 1);
  });

  test("EXPIRED at CreatedAt + UrlExpiresAfterMinutes; then 410", async () => {
    const url = await createUrl({ UrlExpiresAfterMinutes: 1, UsageLimit: 5 });
    await advance(server, 59.5);
    assert.equal((await getUrl(client, group.Id, url.StreamUrlId)).Status, "ACTIVE");
    await use(url);
    await advance(server, 0.5);
    const expired = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(expired.Status, "EXPIRED");
    assert.equal(expired.StatusReason, undefined);
    assert.equal(expired.RemainingUses, 4);
    assert.equal(expired.StreamSessions.length, 1);
    await gone(url.StreamUrl, 410);
    assert.equal((await getUrl(client, group.Id, url.StreamUrlId)).StreamSessions.length, 1);
    const listed = await client.send(
      new ListStreamUrlsCommand({ Status: "EXPIRED", StreamGroupIdentifier: group.Id, MaxResults: 100 }),
    );
    assert.ok(listed.Items.some((i) => i.Arn === url.Arn));
    assert.ok(listed.Items.every((i) => i.Status === "EXPIRED"));
  });
});

describe("the shareable StreamUrl under load and placement", () => {
  test("10 concurrent GETs of a URL with UsageLimit 2: exactly two sessions, eight 410s", async () => {
    const url = await createUrl({ UsageLimit: 2 });
    const results = await Promise.all(Array.from({ length: 10 }, () => play(url.StreamUrl)));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 410, 410, 410, 410, 410, 410, 410, 410], results.map((r) => r.text).join("\n"));
    const started = results.filter((r) => r.status === 200).map((r) => r.json.StreamSessionId);
    assertUnique(started, "started sessions");
    const got = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(got.Status, "LIMIT_REACHED");
    assert.equal(got.RemainingUses, 0);
    assert.deepEqual(got.StreamSessions.map((x) => x.Arn).sort(), started.map((id) => sessionArn(group.Id, id)).sort());
  });

  test("sessions go to the first location of the URL's list that has capacity", async () => {
    const own = await activeGroup(server, client, {
      StreamClass: "gen4n_ultra",
      DefaultApplicationIdentifier: app.Id,
      LocationConfigurations: [
        { LocationName: REGION, AlwaysOnCapacity: 2 },
        { LocationName: "us-east-1", AlwaysOnCapacity: 1 },
      ],
    });
    const url = await createUrl({ Identifier: own.Id, UsageLimit: 3, Locations: ["us-east-1", REGION] });
    const ids = [await use(url, own.Id), await use(url, own.Id), await use(url, own.Id)];
    await advance(server, T.sessionPlacement);
    const locations = [];
    for (const id of ids) {
      const s = await getSession(client, own.Id, id);
      assert.equal(s.Status, "ACTIVE", id);
      locations.push(s.Location);
    }
    assert.deepEqual(locations, ["us-east-1", REGION, REGION]);
  });

  test("GetStreamUrl through another group, or from another account, is a ResourceNotFoundException", async () => {
    const url = await createUrl();
    const other = await activeGroup(server, client, { DefaultApplicationIdentifier: app.Id });
    await refused(getUrl(client, other.Id, url.StreamUrlId), "ResourceNotFoundException", 404);
    await refused(getUrl(client, other.Id, url.Arn), "ResourceNotFoundException", 404);
    const foreign = server.client({ accessKeyId: "444455556666" });
    await refused(getUrl(foreign, group.Id, url.StreamUrlId), "ResourceNotFoundException", 404);
    const listed = await foreign.send(new ListStreamUrlsCommand({}));
    assert.deepEqual(listed.Items ?? [], []);
  });
});

// ---------------------------------------------------------------------------
// RevokeStreamUrl
// ---------------------------------------------------------------------------

describe("RevokeStreamUrl", () => {
  test("REVOKE_URL (the default): 204, REVOKED userRevoked, running sessions go on, later GETs 410", async () => {
    const url = await createUrl({ UsageLimit: 3 });
    const id = await use(url);
    await advance(server, T.sessionPlacement);
    const out = await client.send(new RevokeStreamUrlCommand({ Identifier: group.Id, StreamUrlIdentifier: url.StreamUrlId }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    assertOnlyMembers(out, [], "RevokeStreamUrl");
    const revoked = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(revoked.Status, "REVOKED");
    assert.equal(revoked.StatusReason, "userRevoked");
    assert.equal(revoked.RemainingUses, 2);
    await advance(server, 5);
    assert.equal((await getSession(client, group.Id, id)).Status, "ACTIVE", "the session was not terminated");
    await gone(url.StreamUrl, 410);

    // Revoking again is a no-op.
    const again = await client.send(
      new RevokeStreamUrlCommand({ Identifier: group.Arn, StreamUrlIdentifier: url.Arn, RevocationMode: "REVOKE_URL" }),
    );
    assert.equal(again.$metadata.httpStatusCode, 204);
    const still = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(still.Status, "REVOKED");
    assert.equal(still.StatusReason, "userRevoked");
  });

  test("REVOKE_AND_TERMINATE_SESSIONS: revokedAndTerminatingSessions, sessions end apiTerminated, then revokedAndSessionsTerminated", async () => {
    const url = await createUrl({ UsageLimit: 3 });
    const ids = [await use(url), await use(url)];
    // A session started some other way is not the URL's business.
    const { id: unrelated } = await startSession(client, group.Id, app.Id);
    await advance(server, T.sessionPlacement);
    const out = await client.send(
      new RevokeStreamUrlCommand({
        Identifier: group.Id,
        StreamUrlIdentifier: url.StreamUrlId,
        RevocationMode: "REVOKE_AND_TERMINATE_SESSIONS",
      }),
    );
    assert.equal(out.$metadata.httpStatusCode, 204);
    const terminating = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(terminating.Status, "REVOKED");
    assert.equal(terminating.StatusReason, "revokedAndTerminatingSessions");
    for (const id of ids) {
      const s = await getSession(client, group.Id, id);
      assert.equal(s.Status, "TERMINATING", id);
      assert.equal(s.StatusReason, "apiTerminated", id);
    }
    await gone(url.StreamUrl, 410);
    await advance(server, T.sessionTerminating);
    for (const id of ids) assert.equal((await getSession(client, group.Id, id)).Status, "TERMINATED", id);
    assert.equal((await getSession(client, group.Id, unrelated)).Status, "ACTIVE");
    const done = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(done.Status, "REVOKED");
    assert.equal(done.StatusReason, "revokedAndSessionsTerminated");
    assert.deepEqual(done.StreamSessions.map((s) => s.Status), ["TERMINATED", "TERMINATED"]);
    const listed = await client.send(new ListStreamUrlsCommand({ Status: "REVOKED", MaxResults: 100 }));
    const item = listed.Items.find((i) => i.Arn === url.Arn);
    assert.ok(item, "ListStreamUrls Status=REVOKED shows it");
    assert.equal(item.StatusReason, "revokedAndSessionsTerminated");
  });

  test("deleting the application revokes its URLs (applicationDeleted)", async () => {
    const other = await readyApp(server, client);
    await client.send(new AssociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [other.Id] }));
    const url = await createUrl({ ApplicationIdentifier: other.Id });
    await client.send(new DisassociateApplicationsCommand({ Identifier: group.Id, ApplicationIdentifiers: [other.Id] }));
    const del = await client.send(new DeleteApplicationCommand({ Identifier: other.Id }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await advance(server, T.appDeleting);
    const got = await getUrl(client, group.Id, url.StreamUrlId);
    assert.equal(got.Status, "REVOKED");
    assert.equal(got.StatusReason, "applicationDeleted");
    assert.equal(got.ApplicationArn, appArn(other.Id));
    await gone(url.StreamUrl, 410);
  });

  test("deleting the stream group revokes its URLs (streamGroupDeleted); GetStreamUrl still answers once the group is gone", async () => {
    const own = await activeGroup(server, client, { DefaultApplicationIdentifier: app.Id });
    const url = await createUrl({ Identifier: own.Id, UsageLimit: 2 });
    const id = await use(url, own.Id);
    await advance(server, T.sessionPlacement);
    await client.send(new DeleteStreamGroupCommand({ Identifier: own.Id }));
    const revoked = await getUrl(client, own.Id, url.StreamUrlId);
    assert.equal(revoked.Status, "REVOKED");
    assert.equal(revoked.StatusReason, "streamGroupDeleted");
    await advance(server, T.groupDeleting);
    await refused(getGroup(client, own.Id), "ResourceNotFoundException", 404);
    const after = await getUrl(client, own.Id, url.StreamUrlId);
    assert.equal(after.Status, "REVOKED");
    assert.equal(after.StatusReason, "streamGroupDeleted");
    assert.equal(after.StreamGroupArn, sgArn(own.Id));
    assert.deepEqual(after.StreamSessions.map((s) => s.Arn), [sessionArn(own.Id, id)]);
    await gone(url.StreamUrl, 410);
  });
});

// ---------------------------------------------------------------------------
// ListStreamUrls and the session paginators
// ---------------------------------------------------------------------------

test("ListStreamUrls: summaries, Status and StreamGroupIdentifier filters; paginateListStreamUrls pages them all once", async () => {
  const own = await startManual(["--no-default-fixtures"]);
  try {
    const c = own.client();
    const a = await readyApp(own, c);
    const g1 = await activeGroup(own, c, { DefaultApplicationIdentifier: a.Id });
    const g2 = await activeGroup(own, c, { DefaultApplicationIdentifier: a.Id });
    const mk = async (g, extra = {}) => {
      const out = await c.send(
        new CreateStreamUrlCommand({
          Identifier: g.Id,
          ApplicationIdentifier: a.Id,
          Protocol: "WebRTC",
          UrlExpiresAfterMinutes: 30,
          Locations: [REGION],
          ...extra,
        }),
      );
      return out;
    };
    const in1 = [];
    for (let i = 0; i < 5; i++) in1.push(await mk(g1, { Description: `link ${i}`, UsageLimit: i + 1 }));
    const in2 = [await mk(g2), await mk(g2)];
    await c.send(new RevokeStreamUrlCommand({ Identifier: g1.Id, StreamUrlIdentifier: in1[0].StreamUrlId }));
    const all = [...in1, ...in2];

    const pages = [];
    const items = [];
    for await (const page of paginateListStreamUrls({ client: c, pageSize: 2 }, {})) {
      pages.push(page.Items.length);
      assert.ok(pages.length <= 6, `the paginator never ends: ${pages}`);
      items.push(...page.Items);
    }
    assert.deepEqual(pages, [2, 2, 2, 1]);
    assertUnique(items.map((i) => i.Arn), "listed ARNs");
    assert.deepEqual(items.map((i) => i.Arn).sort(), all.map((u) => u.Arn).sort());
    for (const item of items) {
      assertOnlyMembers(item, STREAM_URL_SUMMARY_MEMBERS, "StreamUrlSummary");
      const u = all.find((x) => x.Arn === item.Arn);
      assert.equal(item.StreamUrlId, u.StreamUrlId);
      assert.equal(item.StreamUrl, u.StreamUrl);
      assert.equal(item.UsageLimit, u.UsageLimit);
      assert.equal(item.RemainingUses, u.UsageLimit);
      assert.equal(item.StreamGroupArn, u.StreamGroupArn);
      assert.equal(item.ApplicationArn, a.Arn);
      assert.equal(item.CreatedAt.getTime(), u.CreatedAt.getTime());
      assert.equal(item.ExpiresAt.getTime(), u.ExpiresAt.getTime());
      assert.equal(item.Description, u.Description);
      assert.equal(item.Status, u === in1[0] ? "REVOKED" : "ACTIVE");
      assert.equal(item.StatusReason, u === in1[0] ? "userRevoked" : undefined);
    }

    const listArns = async (input, pageSize = 2) => {
      const arns = [];
      for await (const page of paginateListStreamUrls({ client: c, pageSize }, input)) arns.push(...page.Items.map((i) => i.Arn));
      return arns.sort();
    };
    assert.deepEqual(await listArns({ StreamGroupIdentifier: g1.Id }), in1.map((u) => u.Arn).sort());
    assert.deepEqual(await listArns({ StreamGroupIdentifier: g2.Arn }), in2.map((u) => u.Arn).sort());
    assert.deepEqual(await listArns({ Status: "REVOKED" }), [in1[0].Arn]);
    assert.deepEqual(await listArns({ Status: "ACTIVE", StreamGroupIdentifier: g1.Id }), in1.slice(1).map((u) => u.Arn).sort());
    assert.deepEqual(await listArns({ Status: "EXPIRED" }), []);
    await advance(own, 30 * 60);
    assert.deepEqual(await listArns({ Status: "EXPIRED" }), all.slice(1).map((u) => u.Arn).sort());
    await refused(c.send(new ListStreamUrlsCommand({ NextToken: "forged" })), "ValidationException", 400);
  } finally {
    assert.equal(await own.stop(), 0);
  }
});

test("paginateListStreamSessions and paginateListStreamSessionsByAccount page URL-started sessions exactly once", async () => {
  const own = await startManual(["--no-default-fixtures"]);
  try {
    const c = own.client();
    const a = await readyApp(own, c);
    const g1 = await activeGroup(own, c, { DefaultApplicationIdentifier: a.Id, LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: 20 }] });
    const g2 = await activeGroup(own, c, { DefaultApplicationIdentifier: a.Id });
    const url = await c.send(
      new CreateStreamUrlCommand({
        Identifier: g1.Id,
        ApplicationIdentifier: a.Id,
        Protocol: "WebRTC",
        UrlExpiresAfterMinutes: 5,
        UsageLimit: 12,
        Locations: [REGION],
      }),
    );
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(await use(url, g1.Id));
    assertUnique(ids, "session ids");
    const { id: other } = await startSession(c, g2.Id, a.Id);
    await advance(own, T.sessionPlacement);

    const pages = [];
    const seen = [];
    for await (const page of paginateListStreamSessions({ client: c, pageSize: 5 }, { Identifier: g1.Id })) {
      pages.push(page.Items.length);
      assert.ok(pages.length <= 5, `the paginator never ends: ${pages}`);
      seen.push(...page.Items.map((i) => idOf(i.Arn)));
    }
    assert.deepEqual(pages, [5, 5, 2]);
    assert.deepEqual([...seen].sort(), [...ids].sort());

    const byAccount = [];
    const accountPages = [];
    for await (const page of paginateListStreamSessionsByAccount({ client: c, pageSize: 5 }, {})) {
      accountPages.push(page.Items.length);
      assert.ok(accountPages.length <= 5, `the paginator never ends: ${accountPages}`);
      byAccount.push(...page.Items.map((i) => idOf(i.Arn)));
    }
    assert.deepEqual(accountPages, [5, 5, 3]);
    assert.deepEqual(byAccount.sort(), [...ids, other].sort());
    const first = await c.send(new ListStreamSessionsByAccountCommand({ MaxResults: 13 }));
    assert.equal(first.Items.length, 13);
    assert.equal(first.NextToken, undefined);
    assert.equal((await getUrl(c, g1.Id, url.StreamUrlId)).Status, "LIMIT_REACHED");
  } finally {
    assert.equal(await own.stop(), 0);
  }
});

// ---------------------------------------------------------------------------
// Capacity
// ---------------------------------------------------------------------------

describe("AllocatedCapacity and IdleCapacity follow the running sessions", () => {
  test("always-on 1, target-idle 1, maximum 3 (gen4n_ultra)", async () => {
    const own = await startManual(["--no-default-fixtures"]);
    try {
      const c = own.client();
      const a = await readyApp(own, c);
      const g = await activeGroup(own, c, {
        StreamClass: "gen4n_ultra",
        DefaultApplicationIdentifier: a.Id,
        LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: 1, TargetIdleCapacity: 1, MaximumCapacity: 3 }],
      });
      const cap = () => capacityOf(c, g.Id);
      assert.deepEqual(await cap(), { allocated: 1, idle: 1 }, "no session: always-on");
      const s1 = (await startSession(c, g.Id, a.Id)).id;
      assert.deepEqual(await cap(), { allocated: 2, idle: 1 }, "1 running + 1 target idle");
      const s2 = (await startSession(c, g.Id, a.Id)).id;
      assert.deepEqual(await cap(), { allocated: 3, idle: 1 }, "2 running + 1 target idle");
      const s3 = (await startSession(c, g.Id, a.Id)).id;
      assert.deepEqual(await cap(), { allocated: 3, idle: 0 }, "3 running: the maximum");
      const s4 = (await startSession(c, g.Id, a.Id)).id;
      assert.deepEqual(await cap(), { allocated: 3, idle: 0 }, "a fourth session waits for capacity");
      await advance(own, T.sessionPlacement);
      for (const id of [s1, s2, s3]) assert.equal((await getSession(c, g.Id, id)).Status, "ACTIVE", id);
      assert.equal((await getSession(c, g.Id, s4)).Status, "ACTIVATING", "not placed");

      await c.send(new TerminateStreamSessionCommand({ Identifier: g.Id, StreamSessionIdentifier: s1 }));
      assert.deepEqual(await cap(), { allocated: 3, idle: 0 }, "TERMINATING still holds its unit");
      await advance(own, T.sessionTerminating);
      assert.equal((await getSession(c, g.Id, s1)).Status, "TERMINATED");
      assert.deepEqual(await cap(), { allocated: 3, idle: 0 }, "the waiting session took the freed unit");
      await advance(own, T.sessionPlacement);
      assert.equal((await getSession(c, g.Id, s4)).Status, "ACTIVE");

      await c.send(new TerminateStreamSessionCommand({ Identifier: g.Id, StreamSessionIdentifier: s2 }));
      await advance(own, T.sessionTerminating);
      assert.deepEqual(await cap(), { allocated: 3, idle: 1 }, "2 running + 1 target idle");
      for (const id of [s3, s4]) await c.send(new TerminateStreamSessionCommand({ Identifier: g.Id, StreamSessionIdentifier: id }));
      await advance(own, T.sessionTerminating);
      assert.deepEqual(await cap(), { allocated: 1, idle: 1 }, "back to always-on");
    } finally {
      assert.equal(await own.stop(), 0);
    }
  });

  test("raising the always-on capacity with UpdateStreamGroup places a waiting session", async () => {
    const own = await startManual(["--no-default-fixtures"]);
    try {
      const c = own.client();
      const a = await readyApp(own, c);
      const g = await activeGroup(own, c, {
        StreamClass: "gen4n_ultra",
        DefaultApplicationIdentifier: a.Id,
        LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: 1 }],
      });
      const s1 = (await startSession(c, g.Id, a.Id)).id;
      const s2 = (await startSession(c, g.Id, a.Id)).id;
      await advance(own, T.sessionPlacement);
      assert.equal((await getSession(c, g.Id, s1)).Status, "ACTIVE");
      assert.equal((await getSession(c, g.Id, s2)).Status, "ACTIVATING", "no capacity for the second");
      assert.deepEqual(await capacityOf(c, g.Id), { allocated: 1, idle: 0 });
      const out = await c.send(
        new UpdateStreamGroupCommand({ Identifier: g.Id, LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: 3 }] }),
      );
      const l = out.LocationStates.find((x) => x.LocationName === REGION);
      assert.equal(l.AlwaysOnCapacity, 3);
      assert.equal(l.RequestedCapacity, 3);
      assert.deepEqual(await capacityOf(c, g.Id), { allocated: 3, idle: 1 }, "the waiting session holds a unit now");
      await advance(own, T.sessionPlacement);
      assert.equal((await getSession(c, g.Id, s2)).Status, "ACTIVE");
      // Lowering it below the running sessions ends nothing.
      await c.send(new UpdateStreamGroupCommand({ Identifier: g.Id, LocationConfigurations: [{ LocationName: REGION, AlwaysOnCapacity: 1 }] }));
      for (const id of [s1, s2]) assert.equal((await getSession(c, g.Id, id)).Status, "ACTIVE", id);
      assert.deepEqual(await capacityOf(c, g.Id), { allocated: 2, idle: 0 }, "at least the running sessions");
    } finally {
      assert.equal(await own.stop(), 0);
    }
  });

  test("on-demand 2 with no always-on; and a second location counted on its own", async () => {
    const own = await startManual(["--no-default-fixtures"]);
    try {
      const c = own.client();
      const a = await readyApp(own, c);
      const g = await activeGroup(own, c, {
        StreamClass: "gen4n_high",
        DefaultApplicationIdentifier: a.Id,
        LocationConfigurations: [
          { LocationName: REGION, AlwaysOnCapacity: 0, OnDemandCapacity: 2 },
          { LocationName: "us-east-1", AlwaysOnCapacity: 4 },
        ],
      });
      assert.deepEqual(await capacityOf(c, g.Id), { allocated: 0, idle: 0 });
      assert.deepEqual(await capacityOf(c, g.Id, "us-east-1"), { allocated: 4, idle: 4 });
      const s1 = (await startSession(c, g.Id, a.Id, { Locations: [REGION] })).id;
      assert.deepEqual(await capacityOf(c, g.Id), { allocated: 1, idle: 0 });
      await startSession(c, g.Id, a.Id, { Locations: [REGION] });
      assert.deepEqual(await capacityOf(c, g.Id), { allocated: 2, idle: 0 });
      const s3 = (await startSession(c, g.Id, a.Id, { Locations: ["us-east-1"] })).id;
      assert.deepEqual(await capacityOf(c, g.Id), { allocated: 2, idle: 0 }, "us-west-2 unchanged");
      assert.deepEqual(await capacityOf(c, g.Id, "us-east-1"), { allocated: 4, idle: 3 });
      await advance(own, T.sessionPlacement);
      assert.equal((await getSession(c, g.Id, s3)).Location, "us-east-1");
      await c.send(new TerminateStreamSessionCommand({ Identifier: g.Id, StreamSessionIdentifier: s1 }));
      await advance(own, T.sessionTerminating);
      assert.deepEqual(await capacityOf(c, g.Id), { allocated: 1, idle: 0 }, "on-demand capacity is released");
      // The API's LocationStates agree with what GetStreamGroup reports per location.
      const got = await getGroup(c, g.Id);
      assert.equal(got.LocationStates.find((l) => l.LocationName === REGION).OnDemandCapacity, 2);
    } finally {
      assert.equal(await own.stop(), 0);
    }
  });
});

