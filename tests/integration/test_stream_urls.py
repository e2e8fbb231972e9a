"""Stream URLs end to end: created through boto3, opened with plain HTTP GETs
as a browser would, each use starting a stream session, until the usage limit,
the expiry on the manual clock, a revocation, or the deletion of the stream
group or the application behind it ends them."""
import concurrent.futures
import json
import re
import unittest
import urllib.error
import urllib.request

from gls_resources import (APP_DELETING, GROUP_DELETING, REGION, SESSION_PLACEMENT, SESSION_TERMINATING,
                           ResourceCase, app_arn, group_arn, last, shape_members, ts, url_arn)
from gls_testlib import REQUEST_DEFAULTS

ROLE = "arn:aws:iam::111122223333:role/GameLiftStreams-UrlRole"


def play(url, accept="application/json", method="GET"):
    """Opens a stream URL; returns (status, content type, parsed JSON or text)."""
    req = urllib.request.Request(url, method=method, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, ctype, raw = r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        status, ctype, raw = e.code, e.headers.get("Content-Type", ""), e.read()
    text = raw.decode("utf-8", "replace")
    if ctype.startswith("application/json"):
        return status, ctype, json.loads(text)
    return status, ctype, text


class StreamUrlCase(ResourceCase):
    server_args = ("--clock", "manual", "--no-default-fixtures")

    def setUp(self):
        super().setUp()
        self.app, self.gid = self.app_with_group(LocationConfigurations=[
            {"LocationName": REGION, "AlwaysOnCapacity": 6}, {"LocationName": "us-east-1", "AlwaysOnCapacity": 2}])

    def create_url(self, **kw):
        args = dict(Identifier=self.gid, ApplicationIdentifier=self.app, Protocol="WebRTC",
                    UrlExpiresAfterMinutes=60, Locations=[REGION])
        args.update(kw)
        return self.gls.create_stream_url(**args)

    def get_url(self, suid, group=None):
        return self.gls.get_stream_url(Identifier=group or self.gid, StreamUrlIdentifier=suid)

    def use(self, url, expect=200):
        status, ctype, body = play(url)
        self.assertEqual(status, expect, body)
        self.assertRegex(ctype, r"^application/json")
        self.assertIsInstance(body, dict, body)
        if expect == 200:
            self.assertEqual(set(body), {"StreamSessionArn", "StreamSessionId", "StreamGroupId", "Status",
                                         "WebSdkProtocolUrl", "SessionPath", "OfferPath"}, body)
            self.assertEqual(body["StreamGroupId"], self.gid)
            self.assertRegex(body["StreamSessionId"], r"^[A-Za-z0-9]{13}$")
            self.assertEqual(body["StreamSessionArn"],
                             f"arn:aws:gameliftstreams:{REGION}:111122223333:streamsession/"
                             f"{self.gid}/{body['StreamSessionId']}")
            self.assertEqual(body["Status"], "ACTIVATING")
        else:
            self.assertIsInstance(body.get("message"), str, body)
            self.assertTrue(body["message"].strip())
        return body

    def url_history(self, suid, group=None):
        return self.history(f"/streamurls/{group or self.gid}/{suid}/history")


class CreateAndGet(StreamUrlCase):
    def full_args(self):
        return dict(Description="Tournament link", UrlExpiresAfterMinutes=30, UsageLimit=2,
                    Locations=["us-east-1", REGION], SessionLengthSeconds=3600, AdditionalLaunchArgs=["-fast", "-cup"],
                    AdditionalEnvironmentVariables={"MODE": "cup"}, RoleArn=ROLE,
                    DisplayConfiguration={"Resolution": {"Width": 1280, "Height": 720}})

    def assertFullUrl(self, r, args, suid, created, status, remaining):
        self.assertEqual(r["Arn"], url_arn(self.gid, suid))
        self.assertEqual(r["StreamUrlId"], suid)
        self.assertRegex(r["StreamUrl"], r"^" + re.escape(self.server.url) + "/_gls/play/" + self.gid + "/" + suid
                         + r"\?token=[^&\s]+$")
        self.assertEqual(r["Status"], status)
        self.assertNotIn("StatusReason", r, "StatusReason is only for REVOKED")
        self.assertTimestamp(r["CreatedAt"], created)
        self.assertTimestamp(r["ExpiresAt"], created + args["UrlExpiresAfterMinutes"] * 60)
        self.assertEqual(r["UsageLimit"], args["UsageLimit"])
        self.assertEqual(r["RemainingUses"], remaining)
        self.assertEqual(r["StreamGroupArn"], group_arn(self.gid))
        self.assertEqual(r["ApplicationArn"], app_arn(self.app))
        self.assertEqual(r["Protocol"], "WebRTC")
        for member in ("Locations", "SessionLengthSeconds", "Description", "AdditionalLaunchArgs",
                       "AdditionalEnvironmentVariables", "RoleArn", "DisplayConfiguration"):
            self.assertEqual(r[member], args[member], member)

    def test_create_every_member(self):
        t = self.now()
        args = self.full_args()
        r = self.create_url(**args)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 201)
        suid = r["StreamUrlId"]
        self.assertRegex(suid, r"^su-[A-Za-z0-9]{9}$")
        self.assertFullUrl(r, args, suid, t, "ACTIVE", 2)
        self.assertOnlyModelMembers("CreateStreamUrl", r)
        g = self.get_url(suid)
        self.assertEqual(g["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertFullUrl(g, args, suid, t, "ACTIVE", 2)
        self.assertEqual(g["StreamUrl"], r["StreamUrl"])
        self.assertEqual(g.get("StreamSessions", []), [])
        self.assertOnlyModelMembers("GetStreamUrl", g)
        # The ARN forms of both identifiers.
        g2 = self.gls.get_stream_url(Identifier=group_arn(self.gid), StreamUrlIdentifier=url_arn(self.gid, suid))
        self.assertEqual(g2["Arn"], r["Arn"])
        g3 = self.gls.get_stream_url(Identifier=self.gid, StreamUrlIdentifier=url_arn(self.gid, suid))
        self.assertEqual(g3["Arn"], r["Arn"])
        self.assertGreaterEqual(len(r["StreamUrl"].split("?token=")[1]), 16, "a secret token")

    def test_defaults(self):
        r = self.create_url()
        self.assertEqual(r["UsageLimit"], 1)
        self.assertEqual(r["RemainingUses"], 1)
        self.assertEqual(r["SessionLengthSeconds"], REQUEST_DEFAULTS["SessionLengthSeconds"])
        self.assertEqual(r["Locations"], [REGION])
        self.assertEqual(r["Status"], "ACTIVE")
        self.assertTimestamp(r["ExpiresAt"], ts(r["CreatedAt"]) + 3600)
        other = self.create_url()
        self.assertNotEqual(other["StreamUrlId"], r["StreamUrlId"])
        self.assertNotEqual(other["StreamUrl"].split("?token=")[1], r["StreamUrl"].split("?token=")[1],
                            "every URL has its own secret")

    def test_two_uses_then_limit_reached(self):
        args = self.full_args()
        args["Locations"] = [REGION]
        r = self.create_url(**args)
        suid, url = r["StreamUrlId"], r["StreamUrl"]
        first = self.use(url)
        s = self.session(self.gid, first["StreamSessionId"])
        self.assertEqual(s["Arn"], first["StreamSessionArn"])
        self.assertEqual(s["ApplicationArn"], app_arn(self.app))
        self.assertEqual(s["Location"], REGION)
        self.assertEqual(s["SessionLengthSeconds"], 3600)
        self.assertEqual(s["AdditionalLaunchArgs"], args["AdditionalLaunchArgs"])
        self.assertEqual(s["AdditionalEnvironmentVariables"], args["AdditionalEnvironmentVariables"])
        self.assertEqual(s["RoleArn"], ROLE)
        self.assertEqual(s["DisplayConfiguration"], args["DisplayConfiguration"])
        g = self.get_url(suid)
        self.assertEqual((g["Status"], g["RemainingUses"]), ("ACTIVE", 1))
        self.assertEqual([x["Arn"] for x in g["StreamSessions"]], [first["StreamSessionArn"]])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.session(self.gid, first["StreamSessionId"])["Status"], "ACTIVE")
        second = self.use(url)
        self.assertNotEqual(second["StreamSessionId"], first["StreamSessionId"])
        g = self.get_url(suid)
        self.assertEqual((g["Status"], g["RemainingUses"], g["UsageLimit"]), ("LIMIT_REACHED", 0, 2))
        self.assertNotIn("StatusReason", g)
        self.assertEqual(sorted(x["Arn"] for x in g["StreamSessions"]),
                         sorted([first["StreamSessionArn"], second["StreamSessionArn"]]))
        summary_members = set(shape_members("StreamSessionSummary"))
        for x in g["StreamSessions"]:
            self.assertLessEqual(set(x), summary_members)
            self.assertEqual(x["ApplicationArn"], app_arn(self.app))
            self.assertEqual(x["Location"], REGION)
            self.assertIn(x["Status"], ("ACTIVATING", "ACTIVE"))
        self.assertEqual({x["Arn"]: x["Status"] for x in g["StreamSessions"]}[first["StreamSessionArn"]], "ACTIVE")
        # A third use is refused and starts nothing.
        self.use(url, expect=410)
        self.assertEqual(len(self.gls.list_stream_sessions(Identifier=self.gid)["Items"]), 2)
        self.assertEqual(self.get_url(suid)["RemainingUses"], 0)
        h = self.url_history(suid)
        self.assertEqual((h[-1]["from"], h[-1]["to"]), ("ACTIVE", "LIMIT_REACHED"))

    def test_html_for_a_browser(self):
        r = self.create_url()
        status, ctype, body = play(r["StreamUrl"], accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
        self.assertEqual(status, 200, body)
        self.assertRegex(ctype, r"^text/html")
        self.assertIn("<html", body.lower())
        self.assertEqual(len(self.gls.list_stream_sessions(Identifier=self.gid)["Items"]), 1)
        g = self.get_url(r["StreamUrlId"])
        self.assertEqual((g["Status"], g["RemainingUses"], len(g["StreamSessions"])), ("LIMIT_REACHED", 0, 1))

    def test_concurrent_uses_never_exceed_the_limit(self):
        r = self.create_url(UsageLimit=2)
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            results = list(pool.map(lambda _: play(r["StreamUrl"]), range(10)))
        self.assertEqual(sorted(status for status, _, _ in results), [200] * 2 + [410] * 8, results)
        started = {body["StreamSessionArn"] for status, _, body in results if status == 200}
        self.assertEqual(len(started), 2, "two different sessions")
        g = self.get_url(r["StreamUrlId"])
        self.assertEqual((g["Status"], g["RemainingUses"]), ("LIMIT_REACHED", 0))
        self.assertEqual({x["Arn"] for x in g["StreamSessions"]}, started)

    def test_sessions_go_to_the_first_location_of_the_url_with_capacity(self):
        app, gid = self.app_with_group(stream_class="gen4n_ultra", LocationConfigurations=[
            {"LocationName": REGION, "AlwaysOnCapacity": 2}, {"LocationName": "us-east-1", "AlwaysOnCapacity": 1}])
        r = self.create_url(Identifier=gid, ApplicationIdentifier=app, UsageLimit=3, Locations=["us-east-1", REGION])
        sids = []
        for _ in range(3):
            status, _, body = play(r["StreamUrl"])
            self.assertEqual(status, 200, body)
            sids.append(body["StreamSessionId"])
        self.advance(SESSION_PLACEMENT + 0.5)
        placed = [self.session(gid, sid) for sid in sids]
        self.assertEqual([s["Status"] for s in placed], ["ACTIVE"] * 3)
        self.assertEqual([s["Location"] for s in placed], ["us-east-1", REGION, REGION])

    def test_wrong_token_or_unknown_url(self):
        r = self.create_url(UsageLimit=3)
        url = r["StreamUrl"]
        base, token = url.split("?token=")
        for bad in (base + "?token=" + token[:-1] + ("x" if token[-1] != "x" else "y"), base,
                    base.replace(r["StreamUrlId"], "su-000000000") + "?token=" + token,
                    base.replace(self.gid, "sg-000000000") + "?token=" + token):
            with self.subTest(url=bad):
                self.use(bad, expect=404)
        g = self.get_url(r["StreamUrlId"])
        self.assertEqual((g["Status"], g["RemainingUses"]), ("ACTIVE", 3))
        self.assertEqual(self.gls.list_stream_sessions(Identifier=self.gid)["Items"], [])

    def test_expires(self):
        r = self.create_url(UrlExpiresAfterMinutes=2, UsageLimit=5)
        suid, t = r["StreamUrlId"], ts(r["CreatedAt"])
        self.advance_to(t + 120 - 0.1)
        self.assertEqual(self.get_url(suid)["Status"], "ACTIVE")
        self.use(r["StreamUrl"])
        self.advance_to(t + 120 + 0.4)
        g = self.get_url(suid)
        self.assertEqual(g["Status"], "EXPIRED")
        self.assertNotIn("StatusReason", g)
        self.assertEqual(g["RemainingUses"], 4)
        self.use(r["StreamUrl"], expect=410)
        self.assertEqual(len(g["StreamSessions"]), 1)
        h = self.url_history(suid)
        self.assertEqual((h[-1]["from"], h[-1]["to"], h[-1]["cause"]), ("ACTIVE", "EXPIRED", "timer"))
        self.assertAlmostEqual(h[-1]["time"], t + 120, places=3)
        self.assertEqual([i["StreamUrlId"] for i in self.gls.list_stream_urls(Status="EXPIRED")["Items"]], [suid])

    def test_refusals(self):
        other = self.ready_app()
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.create_url(ApplicationIdentifier=other)
        self.assertCode(ctx, "ValidationException", 400)
        for locations in (["eu-west-3"], [REGION, "eu-west-3"]):
            with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                self.create_url(Locations=locations)
            self.assertCode(ctx, "ValidationException", 400)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.create_url(Identifier="sg-000000000")
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.create_url(ApplicationIdentifier="a-000000000")
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        activating = self.create_group(DefaultApplicationIdentifier=self.app)["Id"]
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.create_url(Identifier=activating)
        self.assertCode(ctx, "ConflictException", 409)
        # An associated application that is no longer READY. The contract names no error
        # code for it; the model lists both ValidationException and ConflictException.
        self.gls.associate_applications(Identifier=self.gid, ApplicationIdentifiers=[other])
        self.admin_ok("POST", f"/applications/{other}/status",
                      {"status": "ERROR", "statusReason": "internalError", "force": True})
        with self.assertRaises(self.gls.exceptions.ClientError) as ctx:
            self.create_url(ApplicationIdentifier=other)
        err = ctx.exception.response
        self.assertIn((err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]),
                      (("ValidationException", 400), ("ConflictException", 409)), err)
        self.assertEqual(self.gls.list_stream_urls()["Items"], [])

    def test_get_unknown(self):
        suid = self.create_url()["StreamUrlId"]
        other_group = self.active_group()
        for group, ident in ((self.gid, "su-000000000"), ("sg-000000000", suid), (other_group, suid),
                             (self.gid, url_arn(other_group, suid))):
            with self.subTest(group=group, url=ident):
                with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
                    self.gls.get_stream_url(Identifier=group, StreamUrlIdentifier=ident)
                self.assertCode(ctx, "ResourceNotFoundException", 404)
        # Another account sees nothing of it.
        foreign = self.server.client(access_key="444455556666")
        with self.assertRaises(foreign.exceptions.ResourceNotFoundException) as ctx:
            foreign.get_stream_url(Identifier=self.gid, StreamUrlIdentifier=suid)
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        self.assertEqual(foreign.list_stream_urls()["Items"], [])

    def test_client_token(self):
        token = "create-url-" + "t" * 30
        a = self.create_url(ClientToken=token, Description="Same")
        b = self.create_url(ClientToken=token, Description="Same")
        self.assertEqual(a["StreamUrlId"], b["StreamUrlId"])
        self.assertEqual(a["StreamUrl"], b["StreamUrl"])
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.create_url(ClientToken=token, Description="Different")
        self.assertCode(ctx, "ConflictException", 409)
        self.assertEqual(len(self.gls.list_stream_urls()["Items"]), 1)


class ListUrls(StreamUrlCase):
    def test_list_filters_and_summary(self):
        app2, gid2 = self.app_with_group()
        a = self.create_url(Description="Alpha", UsageLimit=1)
        b = self.create_url(Description="Beta")
        c = self.gls.create_stream_url(Identifier=gid2, ApplicationIdentifier=app2, Protocol="WebRTC",
                                       UrlExpiresAfterMinutes=5, Locations=[REGION], Description="Gamma")
        self.use(a["StreamUrl"])
        self.gls.revoke_stream_url(Identifier=self.gid, StreamUrlIdentifier=b["StreamUrlId"])
        r = self.gls.list_stream_urls()
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        items = {i["StreamUrlId"]: i for i in r["Items"]}
        self.assertEqual(set(items), {a["StreamUrlId"], b["StreamUrlId"], c["StreamUrlId"]})
        summary = set(shape_members("StreamUrlSummary"))
        for made, status in ((a, "LIMIT_REACHED"), (b, "REVOKED"), (c, "ACTIVE")):
            item = items[made["StreamUrlId"]]
            expected = summary if status == "REVOKED" else summary - {"StatusReason"}
            self.assertEqual(set(item), expected, item)
            self.assertEqual(item["Status"], status)
            for member in ("Arn", "StreamUrl", "ExpiresAt", "CreatedAt", "UsageLimit", "StreamGroupArn",
                           "ApplicationArn", "SessionLengthSeconds"):
                self.assertEqual(item[member], made[member], member)
        self.assertEqual(items[a["StreamUrlId"]]["RemainingUses"], 0)
        self.assertEqual(items[b["StreamUrlId"]]["StatusReason"], "userRevoked")
        self.assertEqual(items[a["StreamUrlId"]]["Description"], "Alpha")

        def ids(**kw):
            return {i["StreamUrlId"] for i in self.gls.list_stream_urls(**kw)["Items"]}
        self.assertEqual(ids(Status="ACTIVE"), {c["StreamUrlId"]})
        self.assertEqual(ids(Status="REVOKED"), {b["StreamUrlId"]})
        self.assertEqual(ids(Status="LIMIT_REACHED"), {a["StreamUrlId"]})
        self.assertEqual(ids(StreamGroupIdentifier=self.gid), {a["StreamUrlId"], b["StreamUrlId"]})
        self.assertEqual(ids(StreamGroupIdentifier=group_arn(gid2)), {c["StreamUrlId"]})
        self.assertEqual(ids(StreamGroupIdentifier=self.gid, Status="REVOKED"), {b["StreamUrlId"]})
        self.assertEqual(ids(StreamGroupIdentifier=gid2, Status="REVOKED"), set())

    def test_pages(self):
        made = {self.create_url()["StreamUrlId"] for _ in range(12)}
        seen, token, pages = [], None, 0
        while True:
            r = self.gls.list_stream_urls(MaxResults=5, **({"NextToken": token} if token else {}))
            pages += 1
            seen += [i["StreamUrlId"] for i in r["Items"]]
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(seen), sorted(made))
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.gls.list_stream_urls(NextToken="forged-token")


class Revoke(StreamUrlCase):
    def test_revoke_url_keeps_sessions(self):
        r = self.create_url(UsageLimit=3)
        suid = r["StreamUrlId"]
        sid = self.use(r["StreamUrl"])["StreamSessionId"]
        self.advance(SESSION_PLACEMENT + 0.5)
        t = self.now()
        out = self.gls.revoke_stream_url(Identifier=self.gid, StreamUrlIdentifier=suid)
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 204)
        g = self.get_url(suid)
        self.assertEqual((g["Status"], g.get("StatusReason"), g["RemainingUses"]), ("REVOKED", "userRevoked", 2))
        self.advance(30)
        self.assertEqual(self.session(self.gid, sid)["Status"], "ACTIVE", "REVOKE_URL leaves sessions running")
        self.use(r["StreamUrl"], expect=410)
        # Revoking again changes nothing.
        self.gls.revoke_stream_url(Identifier=self.gid, StreamUrlIdentifier=url_arn(self.gid, suid),
                                   RevocationMode="REVOKE_AND_TERMINATE_SESSIONS")
        self.assertEqual(self.get_url(suid)["StatusReason"], "userRevoked")
        self.assertEqual(self.session(self.gid, sid)["Status"], "ACTIVE")
        h = self.url_history(suid)
        self.assertEqual((h[-1]["from"], h[-1]["to"], h[-1]["reason"], h[-1]["cause"]),
                         ("ACTIVE", "REVOKED", "userRevoked", "api"))
        self.assertAlmostEqual(h[-1]["time"], t, places=3)
        # REVOKE_URL given explicitly is the same.
        r2 = self.create_url()
        self.gls.revoke_stream_url(Identifier=self.gid, StreamUrlIdentifier=r2["StreamUrlId"],
                                   RevocationMode="REVOKE_URL")
        self.assertEqual(self.get_url(r2["StreamUrlId"])["StatusReason"], "userRevoked")

    def test_revoke_and_terminate_sessions(self):
        r = self.create_url(UsageLimit=3)
        suid = r["StreamUrlId"]
        mine = [self.use(r["StreamUrl"])["StreamSessionId"] for _ in range(2)]
        other_url = self.create_url()
        theirs = self.use(other_url["StreamUrl"])["StreamSessionId"]
        direct = last(self.start(self.gid, self.app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual([self.session(self.gid, sid)["Status"] for sid in mine], ["ACTIVE", "ACTIVE"])
        self.event_connect(mine[1])
        t = self.now()
        self.gls.revoke_stream_url(Identifier=self.gid, StreamUrlIdentifier=suid,
                                   RevocationMode="REVOKE_AND_TERMINATE_SESSIONS")
        g = self.get_url(suid)
        self.assertEqual((g["Status"], g.get("StatusReason")), ("REVOKED", "revokedAndTerminatingSessions"))
        for sid in mine:
            s = self.session(self.gid, sid)
            self.assertEqual((s["Status"], s.get("StatusReason")), ("TERMINATING", "apiTerminated"))
        for sid in (theirs, direct):
            self.assertEqual(self.session(self.gid, sid)["Status"], "ACTIVE", "other sessions are not touched")
        self.advance_to(t + SESSION_TERMINATING + 0.4)
        for sid in mine:
            s = self.session(self.gid, sid)
            self.assertEqual((s["Status"], s.get("StatusReason")), ("TERMINATED", "apiTerminated"))
        g = self.get_url(suid)
        self.assertEqual((g["Status"], g.get("StatusReason")), ("REVOKED", "revokedAndSessionsTerminated"))
        self.assertEqual({x["Status"] for x in g["StreamSessions"]}, {"TERMINATED"})
        self.assertEqual(self.get_url(other_url["StreamUrlId"])["Status"], "LIMIT_REACHED")
        self.use(r["StreamUrl"], expect=410)
        listed = {i["StreamUrlId"]: i for i in self.gls.list_stream_urls(Status="REVOKED")["Items"]}
        self.assertEqual(listed[suid]["StatusReason"], "revokedAndSessionsTerminated")

    def event_connect(self, sid):
        self.admin_ok("POST", f"/sessions/{self.gid}/{sid}/events", {"event": "clientConnect"})

    def test_revoke_unknown(self):
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.revoke_stream_url(Identifier=self.gid, StreamUrlIdentifier="su-000000000")
        self.assertCode(ctx, "ResourceNotFoundException", 404)


class RevokedByDeletion(StreamUrlCase):
    def test_stream_group_deleted(self):
        r = self.create_url(UsageLimit=2)
        suid = r["StreamUrlId"]
        sid = self.use(r["StreamUrl"])["StreamSessionId"]
        self.advance(SESSION_PLACEMENT + 0.5)
        t = self.now()
        self.gls.delete_stream_group(Identifier=self.gid)
        g = self.get_url(suid)
        self.assertEqual((g["Status"], g.get("StatusReason")), ("REVOKED", "streamGroupDeleted"))
        self.use(r["StreamUrl"], expect=410)
        self.advance_to(t + GROUP_DELETING + 0.5)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.group(self.gid)
        # The URL outlives its group, with its record of sessions.
        g = self.get_url(suid)
        self.assertEqual((g["Status"], g.get("StatusReason")), ("REVOKED", "streamGroupDeleted"))
        self.assertEqual(g["StreamGroupArn"], group_arn(self.gid))
        self.assertEqual([x["Arn"].rsplit("/", 1)[1] for x in g["StreamSessions"]], [sid])
        self.assertEqual([i["StreamUrlId"] for i in self.gls.list_stream_urls(Status="REVOKED")["Items"]], [suid])
        h = self.url_history(suid)
        self.assertEqual((h[-1]["to"], h[-1]["reason"]), ("REVOKED", "streamGroupDeleted"))
        self.assertAlmostEqual(h[-1]["time"], t, places=3)

    def test_application_deleted(self):
        app2 = self.ready_app()
        self.gls.associate_applications(Identifier=self.gid, ApplicationIdentifiers=[app2])
        mine = self.create_url(ApplicationIdentifier=app2, UsageLimit=3)
        other = self.create_url()
        self.gls.disassociate_applications(Identifier=self.gid, ApplicationIdentifiers=[app2])
        # Disassociation alone does not revoke (the model documents only deletions).
        self.assertEqual(self.get_url(mine["StreamUrlId"])["Status"], "ACTIVE")
        t = self.now()
        self.gls.delete_application(Identifier=app2)
        g = self.get_url(mine["StreamUrlId"])
        self.assertEqual((g["Status"], g.get("StatusReason")), ("REVOKED", "applicationDeleted"))
        self.assertEqual(g["ApplicationArn"], app_arn(app2))
        self.assertEqual(self.get_url(other["StreamUrlId"])["Status"], "ACTIVE")
        self.use(mine["StreamUrl"], expect=410)
        self.advance_to(t + APP_DELETING + 0.5)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.gls.get_application(Identifier=app2)
        g = self.get_url(mine["StreamUrlId"])
        self.assertEqual((g["Status"], g.get("StatusReason")), ("REVOKED", "applicationDeleted"))


if __name__ == "__main__":
    unittest.main()
