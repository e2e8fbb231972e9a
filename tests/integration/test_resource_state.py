"""Snapshot and restore of every kind of resource (GET and PUT /_gls/state),
and a fixtures file with all four arrays (SPEC section 7)."""
import json
import os
import shutil
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from gls_resources import (APP_READY, GROUP_ACTIVATING, PREFIX, REGION, REPLICATION, SESSION_PLACEMENT, ResourceCase,
                           app_arn, group_arn, last, url_arn)
from gls_testlib import GlsServer

KINDS = ("applications", "streamGroups", "streamSessions", "streamUrls")


def open_url(url):
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def by_arn(items):
    return sorted(items, key=lambda i: i.get("Arn", ""))


class StateCase(ResourceCase):
    server_args = ("--clock", "manual", "--no-default-fixtures")

    def raw(self, path):
        status, _, body = self.server.request("GET", path)
        self.assertEqual(status, 200, body)
        return body

    def export(self, query=""):
        body = self.admin_ok("GET", "/state" + query)
        self.assertIsInstance(body, dict, body)
        self.assertLessEqual(set(KINDS), set(body), "the export has the four arrays of a fixtures file")
        for kind in KINDS:
            self.assertIsInstance(body[kind], list, kind)
        return body

    def populate(self):
        app, gid = self.app_with_group(LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 4},
                                                               {"LocationName": "us-east-1", "AlwaysOnCapacity": 2}])
        sid = last(self.start(gid, app, Description="Exported session", UserId="player-1")["Arn"])
        url = self.gls.create_stream_url(Identifier=gid, ApplicationIdentifier=app, Protocol="WebRTC",
                                         UrlExpiresAfterMinutes=600, UsageLimit=3, Locations=[REGION],
                                         Description="Exported link")
        status, body = open_url(url["StreamUrl"])
        self.assertEqual(status, 200, body)
        self.advance(SESSION_PLACEMENT + 0.5)
        return app, gid, sid, url["StreamUrlId"], url["StreamUrl"]


class StateRoundTrip(StateCase):
    def api_views(self, app, gid, sid, suid):
        return {
            "applications": self.raw(f"/applications/{app}"),
            "streamGroups": self.raw(f"/streamgroups/{gid}"),
            "streamSessions": self.raw(f"/streamgroups/{gid}/streamsessions/{sid}"),
            "streamUrls": self.raw(f"/streamgroups/{gid}/streamurls/{suid}"),
        }

    def test_export_has_the_get_shapes(self):
        app, gid, sid, suid, _ = self.populate()
        state = self.export()
        views = self.api_views(app, gid, sid, suid)
        self.assertEqual(len(state["applications"]), 1)
        self.assertEqual(len(state["streamGroups"]), 1)
        self.assertEqual(len(state["streamSessions"]), 2, "the session started directly and the one from the URL")
        self.assertEqual(len(state["streamUrls"]), 1)
        for kind, view in views.items():
            with self.subTest(kind=kind):
                exported = {i["Arn"]: i for i in state[kind]}.get(view["Arn"])
                self.assertIsNotNone(exported, f"{view['Arn']} is not in the export")
                if kind == "streamUrls" and "StreamSessions" not in exported:
                    # The sessions a URL started are in streamSessions already; an export may
                    # leave this derived list out, as long as the import rebuilds it (test_round_trip).
                    view = {k: v for k, v in view.items() if k != "StreamSessions"}
                self.assertEqual(exported, view)

    def test_round_trip(self):
        app, gid, sid, suid, play_url = self.populate()
        state = self.export()
        views = self.api_views(app, gid, sid, suid)
        status, health = self.server.admin("POST", "/reset", {"fixtures": False})
        self.assertEqual(status, 200, health)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.gls.get_application(Identifier=app)
        self.assertEqual({kind: self.export()[kind] for kind in KINDS}, {kind: [] for kind in KINDS})
        self.admin_ok("PUT", "/state", state)
        again = self.export()
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.assertEqual(by_arn(again[kind]), by_arn(state[kind]))
        self.assertEqual(self.api_views(app, gid, sid, suid), views)
        # The restored resources work: the URL has uses left, the group takes sessions.
        status, body = open_url(play_url)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.gls.get_stream_url(Identifier=gid, StreamUrlIdentifier=suid)["RemainingUses"], 1)
        new = last(self.start(gid, app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.session(gid, new)["Status"], "ACTIVE")
        self.assertEqual(self.gls.get_application(Identifier=app)["AssociatedStreamGroups"], [group_arn(gid)])

    def test_a_world_larger_than_the_api_body_limit_restores(self):
        self.populate()
        state = self.export()
        padded = json.dumps(state) + " " * (2 * 1024 * 1024)  # JSON all the same
        self.server.admin("POST", "/reset", {"fixtures": False})
        self.admin_ok("PUT", "/state", padded)
        again = self.export()
        for kind in KINDS:
            self.assertEqual(by_arn(again[kind]), by_arn(state[kind]), kind)
        # Only the restore has the larger bound.
        status, _, body = self.server.request("POST", "/_gls/reset", json.dumps({"fixtures": False}) + padded[-1024 * 1024:])
        self.assertEqual(status, 413, body)

    def test_import_replaces_the_scope(self):
        app, gid, sid, suid, _ = self.populate()
        state = self.export()
        extra = self.create_app()["Id"]
        self.admin_ok("PUT", "/state", state)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.gls.get_application(Identifier=extra)
        self.assertEqual([i["Id"] for i in self.gls.list_applications()["Items"]], [app])

    def test_invalid_import_changes_nothing(self):
        app, gid, sid, suid, _ = self.populate()
        before = self.export()
        bad = json.loads(json.dumps(before))
        bad["applications"].append({"Id": "not an id!", "Description": "bad"})
        status, body = self.server.admin("PUT", "/state", bad)
        self.assertEqual(status, 400, body)
        self.assertIsInstance(body, dict)
        self.assertTrue(body.get("message"))
        self.assertEqual(self.export(), before)

    def test_scope_of_another_account(self):
        self.populate()
        other = self.server.client(access_key="444455556666")
        theirs = other.create_application(Description="Theirs", ExecutablePath="x.exe", ApplicationSourceUri="s3://b/x",
                                          RuntimeEnvironment={"Type": "WINDOWS", "Version": "2022"})
        mine = self.export()
        self.assertNotIn(theirs["Arn"], [a["Arn"] for a in mine["applications"]])
        state = self.export(f"?account=444455556666&region={REGION}")
        self.assertEqual([a["Arn"] for a in state["applications"]], [theirs["Arn"]])
        self.assertEqual(state["streamGroups"], [])


# Documents that once crashed the loader (a null read as a string) or answered
# 500, each with the document path its refusal must name.
NULL_MEMBER_DOCUMENTS = [
    ({"streamSessions": [{"Arn": None}]}, "streamSessions[0].Arn"),
    ({"streamUrls": [{"StreamUrlId": None}]}, "streamUrls[0].StreamUrlId"),
    ({"streamGroups": [{"Id": "sg-000000001", "LocationStates": [{"LocationName": None}]}]},
     "streamGroups[0].LocationStates[0].LocationName"),
    ({"streamGroups": [{"Id": "sg-000000001", "LocationStates": [{"LocationName": "us-west-2", "Status": None}]}]},
     "streamGroups[0].LocationStates[0].Status"),
    ({"streamGroups": [{"Id": "sg-000000001", "DefaultApplication": {"Id": None}}]},
     "streamGroups[0].DefaultApplication.Id"),
    ({"streamGroups": [{"Id": "sg-000000006", "Status": None}]}, "streamGroups[0].Status"),
]


class StrictLoading(StateCase):
    """PUT /_gls/state checks every member before anything is applied."""

    def test_null_members_are_400s_naming_the_path(self):
        before = self.export()
        for document, path in NULL_MEMBER_DOCUMENTS:
            with self.subTest(path=path):
                status, body = self.server.admin("PUT", "/state", document)
                self.assertEqual(status, 400, body)
                self.assertIn(path, body["message"])
                self.assertIn("null", body["message"])
        self.assertEqual(self.export(), before)
        self.assertIsNone(self.server.proc.poll(), "gls-local exited")

    def test_mistyped_members_are_400s(self):
        for document, path in [
            ({"applications": [{"Id": 5}]}, "applications[0].Id"),
            ({"applications": [{"Id": "a-111111111", "RuntimeEnvironment": {"Type": 1, "Version": "2022"}}]},
             "applications[0].RuntimeEnvironment.Type"),
            ({"streamGroups": [{"Id": "sg-000000001", "LocationStates": "us-west-2"}]},
             "streamGroups[0].LocationStates"),
            ({"streamGroups": [{"Id": "sg-000000001", "CreatedAt": "yesterday"}]}, "streamGroups[0].CreatedAt"),
            ({"streamSessions": [{"Id": ["x"]}]}, "streamSessions[0].Id"),
            ({"account": None}, "account"),
            ({"applications": None}, "applications"),
        ]:
            with self.subTest(path=path):
                status, body = self.server.admin("PUT", "/state", document)
                self.assertEqual(status, 400, body)
                self.assertIn(path, body["message"])

    def test_far_timestamps_are_refused_or_kept_not_overflowed(self):
        status, body = self.server.admin("PUT", "/state", {"applications": [{"Id": "a-111111111", "CreatedAt": 1e300}]})
        self.assertLess(status, 500, body)


def api_view(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


class SurvivesARestart(ResourceCase):
    """What is in a database file outlives the process, and its pending transitions are armed again."""
    server_args = ("--clock", "manual", "--no-default-fixtures")

    def serve(self, db):
        """A server of this test's own on `db`; the helpers of ResourceCase then talk to it."""
        server = GlsServer("--clock", "manual", "--no-default-fixtures", db=db)
        self.addCleanup(server.stop)
        self.server, self.gls = server, server.client()
        return server

    def test_resources_survive_a_restart_and_pending_transitions_are_rearmed(self):
        d = tempfile.mkdtemp(prefix="gls-restart-")
        self.addCleanup(shutil.rmtree, d, True)
        db = os.path.join(d, "state.db")
        first = self.serve(db)
        ready = self.ready_app(Tags={"keep": "me"})
        gid = self.active_group(DefaultApplicationIdentifier=ready)
        url = self.gls.create_stream_url(Identifier=gid, ApplicationIdentifier=ready, Protocol="WebRTC",
                                         UrlExpiresAfterMinutes=10, UsageLimit=3, Locations=[REGION])
        status, body = open_url(url["StreamUrl"])
        self.assertEqual(status, 200, body)
        pending = self.create_app()  # INITIALIZED, due to change
        activating = self.create_group()  # ACTIVATING, due to change
        before = {"app": api_view(self.gls.get_application(Identifier=ready)), "group": api_view(self.group(gid)),
                  "url": api_view(self.gls.get_stream_url(Identifier=gid, StreamUrlIdentifier=url["StreamUrlId"]))}
        clock_before = self.now()
        self.assertEqual(first.stop(), 0)

        second = self.serve(db)
        self.assertGreaterEqual(self.now(), clock_before - 0.002, "emulator time does not go backwards")
        self.assertEqual(api_view(self.gls.get_application(Identifier=ready)), before["app"])
        self.assertEqual(api_view(self.group(gid)), before["group"])
        after = api_view(self.gls.get_stream_url(Identifier=gid, StreamUrlIdentifier=url["StreamUrlId"]))
        self.assertEqual(after["RemainingUses"], 2)
        # The shareable URL is built from the Host the request reached: the new port, the same path and secret.
        moved, was = urllib.parse.urlsplit(after["StreamUrl"]), urllib.parse.urlsplit(before["url"]["StreamUrl"])
        self.assertEqual(f"{moved.scheme}://{moved.netloc}", second.url)
        self.assertEqual((moved.path, moved.query), (was.path, was.query))
        self.assertEqual(dict(after, StreamUrl=None), dict(before["url"], StreamUrl=None))
        self.assertEqual(self.gls.list_tags_for_resource(ResourceArn=app_arn(ready))["Tags"], {"keep": "me"})
        self.assertEqual(self.app_status(pending["Id"]), "INITIALIZED")
        self.assertEqual(self.group(activating["Id"])["Status"], "ACTIVATING")
        self.advance(max(APP_READY, GROUP_ACTIVATING) + 0.5)
        app = self.gls.get_application(Identifier=pending["Id"])
        self.assertEqual(app["Status"], "READY")
        self.assertTimestamp(app["LastUpdatedAt"], pending["CreatedAt"].timestamp() + APP_READY)
        g = self.group(activating["Id"])
        self.assertEqual(g["Status"], "ACTIVE")
        self.assertTimestamp(g["LastUpdatedAt"], activating["CreatedAt"].timestamp() + GROUP_ACTIVATING)
        status, body = open_url(after["StreamUrl"])
        self.assertEqual(status, 200, body)


class FixturesWithAllFourArrays(ResourceCase):
    """A fixtures file with one item of each kind loads, and the items work."""

    @classmethod
    def setUpClass(cls):
        tmp = cls.class_tmpdir("gls-fixtures4-")
        cls.expires = int(time.time()) + 30 * 86400
        fixtures = {
            "applications": [{
                "Id": "a-FIXTURE01", "Description": "Fixture game", "ExecutablePath": "bin/game",
                "RuntimeEnvironment": {"Type": "UBUNTU", "Version": "22_04_LTS"},
                "ApplicationSourceUri": "s3://fixture-bucket/game", "Status": "READY"}],
            "streamGroups": [{
                "Id": "sg-FIXTURE01", "Description": "Fixture group", "StreamClass": "gen4n_ultra",
                "DefaultApplication": {"Id": "a-FIXTURE01"}, "Status": "ACTIVE",
                "LocationStates": [{"LocationName": REGION, "AlwaysOnCapacity": 3, "Status": "ACTIVE"},
                                   {"LocationName": "us-east-1", "AlwaysOnCapacity": 1, "Status": "ACTIVE"}]}],
            "streamSessions": [{
                "Id": "FIXTURE000001", "StreamGroupId": "sg-FIXTURE01", "ApplicationArn": "a-FIXTURE01",
                "Status": "ACTIVE", "Protocol": "WebRTC", "Location": REGION, "SignalRequest": "offer",
                "Description": "Fixture session"}],
            "streamUrls": [{
                "StreamUrlId": "su-FIXTURE01", "StreamGroupArn": group_arn("sg-FIXTURE01"),
                "ApplicationArn": app_arn("a-FIXTURE01"), "Protocol": "WebRTC", "Locations": [REGION],
                "UsageLimit": 3, "RemainingUses": 3, "Status": "ACTIVE", "ExpiresAt": cls.expires,
                "Description": "Fixture link"}],
        }
        path = os.path.join(tmp, "four.json")
        with open(path, "w") as f:
            json.dump(fixtures, f)
        cls.server_args = ("--clock", "manual", "--no-default-fixtures", "--fixtures", path)
        super().setUpClass()

    def test_all_four_loaded(self):
        status, health = self.server.admin("GET", "/health")
        self.assertEqual(health["counts"], {"applications": 1, "streamGroups": 1, "streamSessions": 1,
                                            "streamUrls": 1})
        a = self.gls.get_application(Identifier="a-FIXTURE01")
        self.assertEqual((a["Status"], a["Description"], a["Arn"]), ("READY", "Fixture game", app_arn("a-FIXTURE01")))
        self.assertEqual(a["AssociatedStreamGroups"], [group_arn("sg-FIXTURE01")])
        g = self.gls.get_stream_group(Identifier="sg-FIXTURE01")
        self.assertEqual((g["Status"], g["StreamClass"]), ("ACTIVE", "gen4n_ultra"))
        self.assertEqual(g["DefaultApplication"], {"Id": "a-FIXTURE01", "Arn": app_arn("a-FIXTURE01")})
        self.assertEqual(g["AssociatedApplications"], [app_arn("a-FIXTURE01")])
        self.assertEqual([(s["LocationName"], s["Status"], s["AlwaysOnCapacity"]) for s in g["LocationStates"]],
                         [(REGION, "ACTIVE", 3), ("us-east-1", "ACTIVE", 1)])
        self.assertEqual({s["LocationName"]: (s["AllocatedCapacity"], s["IdleCapacity"]) for s in g["LocationStates"]},
                         {REGION: (3, 2), "us-east-1": (1, 1)}, "the fixture session holds a unit")
        s = self.gls.get_stream_session(Identifier="sg-FIXTURE01", StreamSessionIdentifier="FIXTURE000001")
        self.assertEqual((s["Status"], s["Location"], s["ApplicationArn"]), ("ACTIVE", REGION, app_arn("a-FIXTURE01")))
        u = self.gls.get_stream_url(Identifier="sg-FIXTURE01", StreamUrlIdentifier="su-FIXTURE01")
        self.assertEqual(u["Arn"], url_arn("sg-FIXTURE01", "su-FIXTURE01"))
        self.assertEqual((u["Status"], u["UsageLimit"], u["RemainingUses"], u["Description"]),
                         ("ACTIVE", 3, 3, "Fixture link"))
        self.assertEqual((u["StreamGroupArn"], u["ApplicationArn"]),
                         (group_arn("sg-FIXTURE01"), app_arn("a-FIXTURE01")))
        self.assertTimestamp(u["ExpiresAt"], self.expires)
        self.assertEqual(u["Locations"], [REGION])
        self.assertEqual([i["StreamUrlId"] for i in self.gls.list_stream_urls()["Items"]], ["su-FIXTURE01"])

    def test_fixture_url_can_be_opened(self):
        u = self.gls.get_stream_url(Identifier="sg-FIXTURE01", StreamUrlIdentifier="su-FIXTURE01")
        self.assertTrue(u["StreamUrl"].startswith(self.server.url + "/_gls/play/sg-FIXTURE01/su-FIXTURE01?token="),
                        u["StreamUrl"])
        status, body = open_url(u["StreamUrl"])
        self.assertEqual(status, 200, body)
        self.assertEqual(body["StreamGroupId"], "sg-FIXTURE01")
        u = self.gls.get_stream_url(Identifier="sg-FIXTURE01", StreamUrlIdentifier="su-FIXTURE01")
        self.assertEqual(u["RemainingUses"], 2)
        self.assertEqual([x["Arn"] for x in u["StreamSessions"]], [body["StreamSessionArn"]])

    def test_fixture_group_takes_sessions(self):
        self.advance(REPLICATION + 0.5)  # the application replicates to us-east-1 from the load on
        sid = last(self.start("sg-FIXTURE01", "a-FIXTURE01", Locations=["us-east-1"])["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        s = self.session("sg-FIXTURE01", sid)
        self.assertEqual((s["Status"], s["Location"]), ("ACTIVE", "us-east-1"))


def large_world(sessions, app="a-LARGE0001", group="sg-LARGE0001", bad_last=None):
    """A world of one application, one group and `sessions` sessions, half of
    them running (the group has room for them) and half terminated, as the
    export writes them; `bad_last` replaces members of the last session."""
    items = [{"Id": f"L{i:012d}", "StreamGroupId": group, "ApplicationArn": app,
              "Status": "CONNECTED" if i % 2 else "TERMINATED", "Protocol": "WebRTC", "Location": REGION,
              "SignalRequest": "v=0 offer", "Description": f"large world session {i}"}
             for i in range(sessions)]
    if bad_last:
        items[-1].update(bad_last)
    return {"account": "111122223333", "region": REGION, "clock": {"nowMs": 1},
            "applications": [{"Id": app, "Description": "game", "ExecutablePath": "game.exe",
                              "RuntimeEnvironment": {"Type": "PROTON", "Version": "20241007"},
                              "ApplicationSourceUri": "s3://b/game", "Status": "READY"}],
            "streamGroups": [{"Id": group, "Description": "group", "StreamClass": "gen4n_high",
                              "DefaultApplication": {"Id": app}, "Status": "ACTIVE",
                              "LocationStates": [{"LocationName": REGION, "AlwaysOnCapacity": 2 * (sessions // 4 + 1),
                                                  "Status": "ACTIVE"}]}],
            "streamSessions": items, "streamUrls": []}


class LargeWorlds(StateCase):
    """PUT /_gls/state reads a world in pieces, within its own bound
    (--state-body-limit), and still all or nothing."""
    SESSIONS = 100_000
    LIMIT = 64 * 1024 * 1024
    server_args = StateCase.server_args + ("--state-body-limit", "64M")

    def put_state(self, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.server.request("PUT", "/_gls/state", data, timeout=600)

    def session_ids(self):
        return sorted(last(s["Arn"]) for s in self.admin_ok("GET", "/state")["streamSessions"])

    def test_a_large_world_restores_and_reads_back(self):
        world = large_world(self.SESSIONS)
        status, _, body = self.put_state(world)
        self.assertEqual(status, 200, str(body)[:500])
        self.assertEqual(len(body["streamSessions"]), self.SESSIONS)
        self.assertEqual(self.session_ids(), [s["Id"] for s in world["streamSessions"]])
        last_one = world["streamSessions"][-1]
        got = self.gls.get_stream_session(Identifier="sg-LARGE0001", StreamSessionIdentifier=last_one["Id"])
        self.assertEqual((got["Status"], got["Description"]), (last_one["Status"], last_one["Description"]))
        self.assertEqual(self.gls.get_stream_group(Identifier="sg-LARGE0001")["Status"], "ACTIVE")

    def test_a_body_over_the_bound_gets_a_413_naming_it(self):
        self.put_state(large_world(10))
        before = self.export()
        body = json.dumps(large_world(10)).encode()
        body += b" " * (self.LIMIT + 1 - len(body))  # JSON all the same, one byte too many
        status, _, error = self.put_state(body)
        self.assertEqual(status, 413, str(error)[:500])
        self.assertIsInstance(error, dict, error)
        self.assertIn(str(self.LIMIT), error.get("message", ""))
        self.assertIn("--state-body-limit", error.get("message", ""))
        self.assertEqual(self.export(), before)
        # At the bound exactly it loads.
        status, _, restored = self.put_state(body[:-1])
        self.assertEqual(status, 200, str(restored)[:500])
        self.assertEqual(self.session_ids(), [s["Id"] for s in large_world(10)["streamSessions"]])

    def test_an_invalid_large_world_changes_nothing(self):
        self.put_state(large_world(10))
        before = self.export()
        for name, body in [
                ("the last session bad", json.dumps(large_world(20_000, bad_last={"Status": "NOT_A_STATUS"}))),
                ("the text cut short", json.dumps(large_world(20_000))[:-2]),
                ("a list of worlds", "[" + json.dumps(large_world(100)) + "]")]:
            with self.subTest(name):
                status, _, error = self.put_state(body.encode())
                self.assertEqual(status, 400, str(error)[:500])
                self.assertTrue(error.get("message"), error)
                self.assertEqual(self.export(), before)


if __name__ == "__main__":
    unittest.main()
