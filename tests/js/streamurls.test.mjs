// Stream URLs through the AWS SDK for JavaScript v3: what the SDK adds to
// them, its paginators (paginateListStreamUrls, and the session paginators
// over URL-started sessions). What stream URLs do is tested once, through
// boto3, in tests/integration/test_stream_urls.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateStreamUrlCommand,
  ListStreamSessionsByAccountCommand,
  ListStreamUrlsCommand,
  RevokeStreamUrlCommand,
  paginateListStreamSessions,
  paginateListStreamSessionsByAccount,
  paginateListStreamUrls,
} from "@aws-sdk/client-gameliftstreams";
import {
  REGION,
  SESSION_ID,
  STREAM_URL_SUMMARY_MEMBERS,
  T,
  activeGroup,
  advance,
  assertOnlyMembers,
  assertUnique,
  getUrl,
  idOf,
  play,
  readyApp,
  refused,
  sessionArn,
  startManual,
  startSession,
} from "./resources-lib.mjs";

// One GET of the shareable URL that must start a session; returns its id.
async function use(url, sg) {
  const res = await play(url.StreamUrl);
  assert.equal(res.status, 200, res.text);
  assert.match(res.json.StreamSessionId, SESSION_ID);
  assert.equal(res.json.StreamSessionArn, sessionArn(sg, res.json.StreamSessionId));
  return res.json.StreamSessionId;
}

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
