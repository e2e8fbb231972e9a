"""Applications, stream groups, their locations and associations, through boto3
with the newest model, on a manual clock (issue 4 contract; the model's
documentation where the two differ).

Every lifecycle step is checked at exact emulator seconds: just before a
deadline the old status, just after it the new one, LastUpdatedAt stamped with
the due time, and the admin history saying who made the change."""
import re
import unittest

import botocore.exceptions

from gls_resources import (APP_DELETING, APP_INITIALIZED, APP_READY, CAPACITY_PROVISIONING, FIXTURE_APP,
                           GROUP_ACTIVATING, GROUP_DELETING, GROUP_LIFETIME, LOCATION_ADDING, LOCATION_REMOVING,
                           PREFIX, REGION, REPLICATION, SESSION_ON_DEMAND_PLACEMENT, SESSION_PLACEMENT,
                           SESSION_TERMINATING, ResourceCase, app_arn, group_arn, last, output_members,
                           shape_members, ts)

# Always in a LocationState (OnDemandCapacity defaults to 0 by the model's documentation);
# TargetIdleCapacity and MaximumCapacity when they were configured.
LOCATION_MEMBERS = ("LocationName", "Status", "AlwaysOnCapacity", "OnDemandCapacity", "RequestedCapacity",
                    "AllocatedCapacity", "IdleCapacity")
OPTIONAL_LOCATION_MEMBERS = ("TargetIdleCapacity", "MaximumCapacity")


class EmptyScope(ResourceCase):
    """No built-in fixtures: every resource in the scope is the test's own."""
    server_args = ("--clock", "manual", "--no-default-fixtures")


# ---------------------------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------------------------

class Applications(EmptyScope):
    def full_app_args(self):
        return dict(Description="Racing game v1.2", RuntimeEnvironment={"Type": "UBUNTU", "Version": "22_04_LTS"},
                    ExecutablePath="bin/race", ApplicationSourceUri="s3://amzn-s3-demo-bucket/race",
                    ApplicationLogPaths=["logs/", "~/race/out.log"],
                    ApplicationLogOutputUri="s3://amzn-s3-demo-bucket/race-logs", Tags={"team": "racing"})

    def assertFullApp(self, r, args, app_id, created, updated, status):
        self.assertEqual(r["Arn"], app_arn(app_id))
        self.assertEqual(r["Id"], app_id)
        for member in ("Description", "RuntimeEnvironment", "ExecutablePath", "ApplicationSourceUri",
                       "ApplicationLogPaths", "ApplicationLogOutputUri"):
            self.assertEqual(r[member], args[member], member)
        self.assertEqual(r["Status"], status)
        self.assertNotIn("StatusReason", r, "StatusReason is only for ERROR")
        self.assertTimestamp(r["CreatedAt"], created)
        self.assertTimestamp(r["LastUpdatedAt"], updated)
        self.assertIsInstance(r["ReplicationStatuses"], list)
        self.assertEqual([s["Location"] for s in r["ReplicationStatuses"]], [REGION], r["ReplicationStatuses"])
        for s in r["ReplicationStatuses"]:
            self.assertIn(s["Status"], ("REPLICATING", "COMPLETED"))
        self.assertEqual(r["AssociatedStreamGroups"], [], "a new application is associated with no group")
        self.assertOnlyModelMembers("GetApplication", r)

    def test_create_every_member(self):
        t0 = self.now()
        args = self.full_app_args()
        r = self.gls.create_application(**args)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertRegex(r["Id"], r"^a-[A-Za-z0-9]{9}$")
        self.assertFullApp(r, args, r["Id"], t0, t0, "INITIALIZED")
        self.assertEqual(r["ReplicationStatuses"], [{"Location": REGION, "Status": "REPLICATING"}],
                         "nothing is copied yet at INITIALIZED")
        g = self.gls.get_application(Identifier=r["Id"])
        self.assertFullApp(g, args, r["Id"], t0, t0, "INITIALIZED")
        # The home region's copy completes eventually.
        self.advance(2 * REPLICATION + APP_READY)
        g = self.gls.get_application(Identifier=r["Id"])
        self.assertEqual(g["ReplicationStatuses"], [{"Location": REGION, "Status": "COMPLETED"}])
        self.assertFullApp(g, args, r["Id"], t0, t0 + APP_READY, "READY")

    def test_every_runtime_environment_of_the_model(self):
        for rtype, version in (("UBUNTU", "22_04_LTS"), ("WINDOWS", "2022"), ("PROTON", "20260204"),
                               ("PROTON", "20250516"), ("PROTON", "20241007"), ("PROTON", "20230704")):
            with self.subTest(type=rtype, version=version):
                r = self.create_app(RuntimeEnvironment={"Type": rtype, "Version": version})
                self.assertEqual(r["RuntimeEnvironment"], {"Type": rtype, "Version": version})

    def test_bad_runtime_environment(self):
        for rtype, version in (("UBUNTU", "2022"), ("WINDOWS", "22_04_LTS"), ("PROTON", "20240101"),
                               ("UBUNTU", "24_04_LTS"), ("WINDOWS", "2019"), ("UBUNTU", "20241007"),
                               ("PROTON", "22_04_LTS"), ("PROTON", "20200101")):
            with self.subTest(type=rtype, version=version):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.create_app(RuntimeEnvironment={"Type": rtype, "Version": version})
                self.assertCode(ctx, "ValidationException", 400)
        self.assertEqual(self.gls.list_applications()["Items"], [], "nothing is created by a refused request")

    def test_lifecycle_on_the_clock_and_history(self):
        r = self.create_app()
        app, t0 = r["Id"], ts(r["CreatedAt"])
        self.advance_to(t0 + APP_INITIALIZED - 0.1)
        self.assertEqual(self.app_status(app), "INITIALIZED")
        self.advance_to(t0 + APP_INITIALIZED + 0.4)
        g = self.gls.get_application(Identifier=app)
        self.assertEqual(g["Status"], "PROCESSING")
        self.assertTimestamp(g["LastUpdatedAt"], t0 + APP_INITIALIZED)
        self.advance_to(t0 + APP_READY - 0.1)
        self.assertEqual(self.app_status(app), "PROCESSING")
        self.advance_to(t0 + APP_READY + 0.4)
        g = self.gls.get_application(Identifier=app)
        self.assertEqual(g["Status"], "READY")
        self.assertTimestamp(g["LastUpdatedAt"], t0 + APP_READY)
        h = self.history(f"/applications/{app}/history")
        self.assertEqual([(e["from"], e["to"], e["cause"]) for e in h],
                         [(None, "INITIALIZED", "api"), ("INITIALIZED", "PROCESSING", "timer"),
                          ("PROCESSING", "READY", "timer")])
        for e, at in zip(h, (t0, t0 + APP_INITIALIZED, t0 + APP_READY)):
            self.assertAlmostEqual(e["time"], at, places=3, msg=h)
        # The ARN form of the identifier answers the same.
        self.assertEqual(self.gls.get_application(Identifier=app_arn(app))["Id"], app)
        # One big advance replays the whole chain with its own times.
        r2 = self.create_app()
        t1 = ts(r2["CreatedAt"])
        self.advance(100)
        h = self.history(f"/applications/{r2['Id']}/history")
        self.assertEqual([(e["to"], round(e["time"] - t1, 3)) for e in h],
                         [("INITIALIZED", 0), ("PROCESSING", APP_INITIALIZED), ("READY", APP_READY)])

    def test_get_unknown(self):
        for ident in ("a-000000000", app_arn("a-000000000"), app_arn(self.create_app()["Id"], account="999999999999"),
                      app_arn(self.create_app()["Id"], region="eu-west-1")):
            with self.subTest(identifier=ident):
                with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
                    self.gls.get_application(Identifier=ident)
                self.assertCode(ctx, "ResourceNotFoundException", 404)
                if ident == "a-000000000":
                    self.assertIn(ident, ctx.exception.response["Error"]["Message"], "the message names it")

    def test_list_in_order_of_creation(self):
        # Eight at one instant of the manual clock: an order by anything but creation
        # (the IDs are random) shows.
        made = [self.create_app() for _ in range(8)]
        self.advance(APP_INITIALIZED + 0.5)
        r = self.gls.list_applications()
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertNotIn("NextToken", r)
        self.assertEqual([i["Id"] for i in r["Items"]], [m["Id"] for m in made])
        for item, m in zip(r["Items"], made):
            self.assertEqual(set(item), set(shape_members("ApplicationSummary")), item)
            self.assertEqual(item["Arn"], m["Arn"])
            self.assertEqual(item["Description"], m["Description"])
            self.assertEqual(item["RuntimeEnvironment"], m["RuntimeEnvironment"])
            self.assertEqual(item["Status"], "PROCESSING")
            self.assertEqual(item["CreatedAt"], m["CreatedAt"])
            self.assertTimestamp(item["LastUpdatedAt"], ts(m["CreatedAt"]) + APP_INITIALIZED)

    def test_list_in_order_of_creation_at_distinct_times(self):
        made = []
        for _ in range(3):
            made.append(self.create_app()["Id"])
            self.advance(0.25)
        self.assertEqual([i["Id"] for i in self.gls.list_applications()["Items"]], made)

    def test_list_pages(self):
        made = [self.create_app()["Id"] for _ in range(27)]
        seen, token, pages = [], None, 0
        while True:
            r = self.gls.list_applications(MaxResults=10, **({"NextToken": token} if token else {}))
            pages += 1
            self.assertLessEqual(len(r["Items"]), 10)
            seen += [i["Id"] for i in r["Items"]]
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual((pages, seen), (3, made))
        default = self.gls.list_applications()
        self.assertEqual(len(default["Items"]), 25)
        self.assertTrue(default.get("NextToken"))
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.list_applications(NextToken="forged-token")
        self.assertCode(ctx, "ValidationException", 400)

    def test_update(self):
        args = self.full_app_args()
        r = self.gls.create_application(**args)
        app, t0 = r["Id"], ts(r["CreatedAt"])
        self.advance(APP_READY + 1)
        t1 = self.now()
        u = self.gls.update_application(Identifier=app, Description="Racing game v1.3",
                                        ApplicationLogPaths=["logs/v13/"],
                                        ApplicationLogOutputUri="s3://amzn-s3-demo-bucket/v13-logs")
        self.assertEqual(u["ResponseMetadata"]["HTTPStatusCode"], 200)
        expected = dict(args, Description="Racing game v1.3", ApplicationLogPaths=["logs/v13/"],
                        ApplicationLogOutputUri="s3://amzn-s3-demo-bucket/v13-logs")
        self.assertFullApp(u, expected, app, t0, t1, "READY")
        self.assertFullApp(self.gls.get_application(Identifier=app), expected, app, t0, t1, "READY")
        # Members not given are kept.
        self.advance(1)
        u2 = self.gls.update_application(Identifier=app_arn(app), Description="Only the label")
        self.assertEqual(u2["ApplicationLogPaths"], ["logs/v13/"])
        self.assertEqual(u2["ApplicationLogOutputUri"], "s3://amzn-s3-demo-bucket/v13-logs")
        self.assertEqual(u2["Description"], "Only the label")
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.update_application(Identifier="a-000000000", Description="x")
        self.assertCode(ctx, "ResourceNotFoundException", 404)

    def test_delete_ready_then_gone(self):
        app = self.ready_app()
        keep = self.ready_app()
        t = self.now()
        r = self.gls.delete_application(Identifier=app_arn(app))
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        g = self.gls.get_application(Identifier=app)
        self.assertEqual(g["Status"], "DELETING")
        self.assertTimestamp(g["LastUpdatedAt"], t)
        self.advance_to(t + APP_DELETING - 0.1)
        self.assertEqual(self.app_status(app), "DELETING")
        self.advance_to(t + APP_DELETING + 0.4)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.get_application(Identifier=app)
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        self.assertEqual([i["Id"] for i in self.gls.list_applications()["Items"]], [keep])
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.gls.delete_application(Identifier=app)

    def test_delete_in_error(self):
        app = self.ready_app()
        self.admin_ok("POST", f"/applications/{app}/status",
                      {"status": "ERROR", "statusReason": "sourceModified", "force": True})
        self.advance(30)
        self.assertEqual(self.app_status(app), "ERROR", "ERROR is final")
        self.gls.delete_application(Identifier=app)
        self.assertEqual(self.app_status(app), "DELETING")
        self.advance(APP_DELETING + 0.5)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.gls.get_application(Identifier=app)

    def test_delete_refused_while_initialized_or_processing(self):
        app = self.create_app()["Id"]
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.gls.delete_application(Identifier=app)
        self.assertCode(ctx, "ConflictException", 409)
        self.advance(APP_INITIALIZED + 0.5)
        self.assertEqual(self.app_status(app), "PROCESSING")
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.gls.delete_application(Identifier=app)
        self.assertCode(ctx, "ConflictException", 409)
        self.assertEqual(self.app_status(app), "PROCESSING")
        self.advance(APP_READY)
        self.assertEqual(self.app_status(app), "READY", "a refused delete changes nothing")

    def test_delete_refused_for_default_and_associated(self):
        default, group = self.app_with_group()
        other = self.ready_app()
        self.gls.associate_applications(Identifier=group, ApplicationIdentifiers=[other])
        for app, what in ((default, "default application"), (other, "associated application")):
            with self.subTest(what):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.gls.delete_application(Identifier=app)
                self.assertCode(ctx, "ValidationException", 400)
                self.assertEqual(self.app_status(app), "READY")
        # Once disassociated it can go.
        self.gls.disassociate_applications(Identifier=group, ApplicationIdentifiers=[other])
        self.assertEqual(self.gls.delete_application(Identifier=other)["ResponseMetadata"]["HTTPStatusCode"], 204)

    def test_delete_refused_while_a_session_runs_it(self):
        default, group = self.app_with_group()
        app = self.ready_app()
        self.gls.associate_applications(Identifier=group, ApplicationIdentifiers=[app])
        sid = last(self.start(group, app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        # Running sessions survive a disassociation (model documentation).
        self.gls.disassociate_applications(Identifier=group, ApplicationIdentifiers=[app])
        self.assertEqual(self.session(group, sid)["Status"], "ACTIVE")
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.gls.delete_application(Identifier=app)
        self.assertCode(ctx, "ConflictException", 409)
        self.gls.terminate_stream_session(Identifier=group, StreamSessionIdentifier=sid)
        self.advance(SESSION_TERMINATING + 0.5)
        self.assertEqual(self.session(group, sid)["Status"], "TERMINATED")
        self.gls.delete_application(Identifier=app)
        self.assertEqual(self.app_status(app), "DELETING")
        self.assertEqual(self.session(group, sid)["ApplicationArn"], app_arn(app), "the session keeps its record")

    def test_admin_forced_error_and_history(self):
        r = self.create_app()
        app = r["Id"]
        self.advance(APP_INITIALIZED + 0.5)
        t = self.now()
        self.admin_ok("POST", f"/applications/{app}/status", {"status": "ERROR", "statusReason": "accessDenied"})
        g = self.gls.get_application(Identifier=app)
        self.assertEqual((g["Status"], g.get("StatusReason")), ("ERROR", "accessDenied"))
        self.assertTimestamp(g["LastUpdatedAt"], t)
        self.advance(APP_READY + 5)
        self.assertEqual(self.app_status(app), "ERROR", "the PROCESSING timer is cancelled by the forced ERROR")
        h = self.history(f"/applications/{app}/history")
        self.assertEqual((h[-1]["from"], h[-1]["to"], h[-1]["reason"], h[-1]["cause"]),
                         ("PROCESSING", "ERROR", "accessDenied", "admin"), h)
        self.assertAlmostEqual(h[-1]["time"], t, places=3)
        # Every reason of the model is accepted.
        for reason in ("internalError", "sourceModified"):
            other = self.ready_app()
            self.admin_ok("POST", f"/applications/{other}/status",
                          {"status": "ERROR", "statusReason": reason, "force": True})
            self.assertEqual(self.gls.get_application(Identifier=other)["StatusReason"], reason)
        # Going back to INITIALIZED is not a transition of the lifecycle: 409 unless forced.
        ready = self.ready_app()
        status, body = self.server.admin("POST", f"/applications/{ready}/status", {"status": "INITIALIZED"})
        self.assertEqual(status, 409, body)
        self.assertEqual(self.app_status(ready), "READY")
        self.admin_ok("POST", f"/applications/{ready}/status", {"status": "INITIALIZED", "force": True})
        self.assertEqual(self.app_status(ready), "INITIALIZED")

    def test_application_ready_waiter(self):
        app = self.create_app()["Id"]
        self.advance_in_background(APP_READY + 2)
        self.gls.get_waiter("application_ready").wait(Identifier=app, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        self.assertEqual(self.app_status(app), "READY")

    def test_application_ready_waiter_fails_on_error(self):
        app = self.create_app()["Id"]
        self.admin_ok("POST", f"/applications/{app}/status", {"status": "ERROR", "statusReason": "internalError"})
        with self.assertRaises(botocore.exceptions.WaiterError) as ctx:
            self.gls.get_waiter("application_ready").wait(Identifier=app,
                                                          WaiterConfig={"Delay": 1, "MaxAttempts": 3})
        self.assertEqual(ctx.exception.last_response["Status"], "ERROR")
        self.assertIn("failure state", str(ctx.exception))

    def test_application_deleted_waiter(self):
        app = self.ready_app()
        self.gls.delete_application(Identifier=app)
        self.advance_in_background(APP_DELETING + 2)
        self.gls.get_waiter("application_deleted").wait(Identifier=app, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.gls.get_application(Identifier=app)

    def test_client_token(self):
        token = "create-app-" + "t" * 30
        a = self.create_app(Description="Idempotent app", ClientToken=token)
        b = self.create_app(Description="Idempotent app", ClientToken=token)
        self.assertEqual(b["Id"], a["Id"])
        self.assertEqual(b["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(len(self.gls.list_applications()["Items"]), 1)
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.create_app(Description="Another app", ClientToken=token)
        self.assertCode(ctx, "ConflictException", 409)
        self.assertEqual(len(self.gls.list_applications()["Items"]), 1)
        # Another token with the same input is another application.
        c = self.create_app(Description="Idempotent app", ClientToken="create-app-" + "u" * 30)
        self.assertNotEqual(c["Id"], a["Id"])


class ShaderCaches(EmptyScope):
    def test_none_without_associations(self):
        app = self.ready_app()
        r = self.gls.list_application_shader_caches(Identifier=app)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["Items"], [])
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.list_application_shader_caches(Identifier="a-000000000")
        self.assertCode(ctx, "ResourceNotFoundException", 404)

    def test_one_per_gpu_family(self):
        app = self.ready_app()
        g4a = self.active_group(StreamClass="gen4n_high", DefaultApplicationIdentifier=app)
        g4b = self.active_group(StreamClass="gen4n_ultra", DefaultApplicationIdentifier=app)
        g5 = self.active_group(StreamClass="gen5n_high", DefaultApplicationIdentifier=app)
        unrelated = self.active_group(StreamClass="gen6n_high")
        r = self.gls.list_application_shader_caches(Identifier=app_arn(app))
        self.assertEqual(len(r["Items"]), 2, r["Items"])
        by_groups = {frozenset(i["AssociatedStreamGroups"]): i for i in r["Items"]}
        self.assertEqual(set(by_groups), {frozenset({group_arn(g4a), group_arn(g4b)}), frozenset({group_arn(g5)})})
        self.assertNotIn(group_arn(unrelated), [a for i in r["Items"] for a in i["AssociatedStreamGroups"]])
        now = self.now()
        for item in r["Items"]:
            self.assertEqual(set(item), set(shape_members("ShaderCacheSummary")), item)
            self.assertRegex(item["Identifier"], r"^[0-9a-f]{32}$")
            self.assertEqual(item["ApplicationArn"], app_arn(app))
            self.assertEqual(item["Status"], "READY")
            self.assertIsInstance(item["StorageBytes"], int)
            self.assertGreater(item["StorageBytes"], 0)
            self.assertLessEqual(ts(item["LastUpdatedAt"]), now + 1e-3)
        self.assertEqual(len({i["Identifier"] for i in r["Items"]}), 2)
        again = self.gls.list_application_shader_caches(Identifier=app)["Items"]
        self.assertEqual({i["Identifier"] for i in again}, {i["Identifier"] for i in r["Items"]}, "stable identifiers")
        # A gen6n group joins a third cache; a disassociation leaves it.
        self.gls.associate_applications(Identifier=unrelated, ApplicationIdentifiers=[app])
        self.assertEqual(len(self.gls.list_application_shader_caches(Identifier=app)["Items"]), 3)
        self.gls.disassociate_applications(Identifier=g5, ApplicationIdentifiers=[app])
        groups = [set(i["AssociatedStreamGroups"]) for i in
                  self.gls.list_application_shader_caches(Identifier=app)["Items"]]
        self.assertEqual(sorted(map(sorted, groups)),
                         sorted([sorted([group_arn(g4a), group_arn(g4b)]), [group_arn(unrelated)]]))
        # Deleting the only group of a family removes that family's cache.
        self.gls.delete_stream_group(Identifier=unrelated)
        self.advance(GROUP_DELETING + 0.5)
        groups = [i["AssociatedStreamGroups"] for i in self.gls.list_application_shader_caches(Identifier=app)["Items"]]
        self.assertEqual([sorted(g) for g in groups], [sorted([group_arn(g4a), group_arn(g4b)])])


# ---------------------------------------------------------------------------------------------
# Stream groups
# ---------------------------------------------------------------------------------------------

class StreamGroups(EmptyScope):
    def assertLocation(self, state, name, status, always_on, **expected):
        self.assertEqual(state["LocationName"], name)
        self.assertEqual(state["Status"], status, state)
        for member in LOCATION_MEMBERS + OPTIONAL_LOCATION_MEMBERS:
            if member in OPTIONAL_LOCATION_MEMBERS and member not in state:
                continue
            self.assertIn(member, state, f"{name}: {member} missing")
            if member not in ("LocationName", "Status"):
                self.assertIsInstance(state[member], int, member)
                self.assertGreaterEqual(state[member], 0, member)
        self.assertEqual(state["AlwaysOnCapacity"], always_on, state)
        self.assertEqual(state["RequestedCapacity"], always_on, "RequestedCapacity is the always-on request")
        for member, value in expected.items():
            self.assertEqual(state[member], value, f"{name}.{member}: {state}")

    def test_create_every_member(self):
        app = self.ready_app()
        t0 = self.now()
        r = self.gls.create_stream_group(
            Description="Main group", StreamClass="gen4n_high", DefaultApplicationIdentifier=app_arn(app),
            LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 4, "TargetIdleCapacity": 2,
                                     "MaximumCapacity": 6},
                                    {"LocationName": "us-east-1", "AlwaysOnCapacity": 2}],
            Tags={"env": "test"})
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 201)
        gid = r["Id"]
        self.assertRegex(gid, r"^sg-[A-Za-z0-9]{9}$")

        def check(g, status, updated):
            self.assertEqual(g["Arn"], group_arn(gid))
            self.assertEqual(g["Id"], gid)
            self.assertEqual(g["Description"], "Main group")
            self.assertEqual(g["StreamClass"], "gen4n_high")
            self.assertEqual(g["DefaultApplication"], {"Id": app, "Arn": app_arn(app)})
            self.assertEqual(g["Status"], status)
            self.assertNotIn("StatusReason", g)
            self.assertTimestamp(g["CreatedAt"], t0)
            self.assertTimestamp(g["LastUpdatedAt"], updated)
            self.assertTimestamp(g["ExpiresAt"], t0 + GROUP_LIFETIME)
            self.assertEqual(g["AssociatedApplications"], [app_arn(app)])
            self.assertEqual([s["LocationName"] for s in g["LocationStates"]], [REGION, "us-east-1"])
            self.assertOnlyModelMembers("GetStreamGroup", g)
            return {s["LocationName"]: s for s in g["LocationStates"]}

        states = check(r, "ACTIVATING", t0)
        self.assertLocation(states[REGION], REGION, "ACTIVATING", 4, TargetIdleCapacity=2, MaximumCapacity=6,
                            OnDemandCapacity=0)
        self.assertLocation(states["us-east-1"], "us-east-1", "ACTIVATING", 2, OnDemandCapacity=0)
        self.assertEqual(states["us-east-1"].get("TargetIdleCapacity", 0), 0)
        check(self.group(gid), "ACTIVATING", t0)
        self.advance_to(t0 + GROUP_ACTIVATING - 0.1)
        check(self.group(gid), "ACTIVATING", t0)
        self.advance_to(t0 + GROUP_ACTIVATING + 0.4)
        states = check(self.group(group_arn(gid)), "ACTIVE", t0 + GROUP_ACTIVATING)
        # Allocated = min(limit, max(always-on, running + target idle)); nothing runs yet.
        self.assertLocation(states[REGION], REGION, "ACTIVE", 4, TargetIdleCapacity=2, MaximumCapacity=6,
                            AllocatedCapacity=4, IdleCapacity=4)
        self.assertLocation(states["us-east-1"], "us-east-1", "ACTIVE", 2, AllocatedCapacity=2, IdleCapacity=2)
        self.assertEqual(self.gls.get_application(Identifier=app)["AssociatedStreamGroups"], [group_arn(gid)])

    def test_minimal_create_defaults(self):
        for stream_class, tenancy in (("gen4n_high", 2), ("gen5n_high", 2), ("gen6n_high", 2), ("gen6n_medium", 4),
                                      ("gen6n_small", 12), ("gen4n_ultra", 1), ("gen4n_win2022", 1),
                                      ("gen5n_ultra", 1), ("gen6n_pro_win2022", 1), ("gen6e_pro", 1),
                                      ("gen6n_small_win2022", 1), ("gen6n_medium_win2022", 1)):
            with self.subTest(stream_class=stream_class):
                r = self.gls.create_stream_group(Description="Minimal", StreamClass=stream_class)
                self.assertNotIn("DefaultApplication", r)
                self.assertEqual(r.get("AssociatedApplications", []), [])
                self.assertEqual(len(r["LocationStates"]), 1)
                self.assertLocation(r["LocationStates"][0], REGION, "ACTIVATING", tenancy, OnDemandCapacity=0)

    def test_primary_location_comes_first(self):
        r = self.create_group(LocationConfigurations=[{"LocationName": "eu-central-1", "AlwaysOnCapacity": 2}])
        names = [s["LocationName"] for s in r["LocationStates"]]
        self.assertEqual(names, [REGION, "eu-central-1"])

    def test_lifecycle_and_histories(self):
        r = self.create_group(LocationConfigurations=[{"LocationName": REGION}, {"LocationName": "us-east-2"}])
        gid, t0 = r["Id"], ts(r["CreatedAt"])
        self.advance(GROUP_ACTIVATING + 0.5)
        h = self.history(f"/streamgroups/{gid}/history")
        self.assertEqual([(e["from"], e["to"], e["cause"]) for e in h],
                         [(None, "ACTIVATING", "api"), ("ACTIVATING", "ACTIVE", "timer")])
        self.assertAlmostEqual(h[0]["time"], t0, places=3)
        self.assertAlmostEqual(h[1]["time"], t0 + GROUP_ACTIVATING, places=3)
        for loc in (REGION, "us-east-2"):
            with self.subTest(location=loc):
                lh = self.history(f"/streamgroups/{gid}/locations/{loc}/history")
                self.assertEqual([(e["from"], e["to"]) for e in lh], [(None, "ACTIVATING"), ("ACTIVATING", "ACTIVE")])
                self.assertAlmostEqual(lh[1]["time"], t0 + GROUP_ACTIVATING, places=3)
        status, body = self.server.admin("GET", "/streamgroups/sg-000000000/history")
        self.assertEqual(status, 404, body)

    def test_get_unknown_or_foreign(self):
        gid = self.create_group()["Id"]
        for ident in ("sg-000000000", group_arn(gid, account="999999999999"), group_arn(gid, region="eu-west-1")):
            with self.subTest(identifier=ident):
                with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
                    self.group(ident)
                self.assertCode(ctx, "ResourceNotFoundException", 404)

    def test_list(self):
        app = self.ready_app()
        a = self.create_group(DefaultApplicationIdentifier=app, Description="first")
        b = self.create_group(StreamClass="gen5n_ultra", Description="second")
        r = self.gls.list_stream_groups()
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertNotIn("NextToken", r)
        items = {i["Id"]: i for i in r["Items"]}
        self.assertEqual(set(items), {a["Id"], b["Id"]})
        for made in (a, b):
            item = items[made["Id"]]
            expected_members = set(shape_members("StreamGroupSummary"))
            if "DefaultApplication" not in made:
                expected_members.discard("DefaultApplication")
            self.assertEqual(set(item), expected_members, item)
            for member in ("Arn", "Description", "StreamClass", "Status", "CreatedAt", "LastUpdatedAt", "ExpiresAt"):
                self.assertEqual(item[member], made[member], member)
        self.assertEqual(items[a["Id"]]["DefaultApplication"], {"Id": app, "Arn": app_arn(app)})

    def test_list_pages_and_paginator(self):
        made = {self.create_group()["Id"] for _ in range(27)}
        r = self.gls.list_stream_groups(MaxResults=10)
        self.assertEqual(len(r["Items"]), 10)
        pages = list(self.gls.get_paginator("list_stream_groups").paginate(PaginationConfig={"PageSize": 10}))
        self.assertEqual([len(p["Items"]) for p in pages], [10, 10, 7])
        seen = [i["Id"] for p in pages for i in p["Items"]]
        self.assertEqual(len(seen), 27)
        self.assertEqual(set(seen), made)
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.gls.list_stream_groups(NextToken="forged-token")

    def test_update(self):
        app, gid = self.app_with_group()
        other = self.ready_app()
        self.gls.associate_applications(Identifier=gid, ApplicationIdentifiers=[other])
        before = self.group(gid)
        t = self.now()
        u = self.gls.update_stream_group(Identifier=gid, Description="Renamed group",
                                         LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 6,
                                                                  "TargetIdleCapacity": 2, "MaximumCapacity": 10}],
                                         DefaultApplicationIdentifier=other)
        self.assertEqual(u["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertOnlyModelMembers("UpdateStreamGroup", u)
        self.assertEqual(u["Description"], "Renamed group")
        self.assertEqual(u["DefaultApplication"], {"Id": other, "Arn": app_arn(other)})
        self.assertEqual(sorted(u["AssociatedApplications"]), sorted([app_arn(app), app_arn(other)]))
        self.assertEqual(u["Status"], "ACTIVE")
        self.assertTimestamp(u["LastUpdatedAt"], t)
        for member in ("Arn", "Id", "StreamClass", "CreatedAt", "ExpiresAt"):
            self.assertEqual(u[member], before[member], member)
        # The 5 more always-on units are being provisioned: the target-idle ones count meanwhile.
        self.assertLocation(u["LocationStates"][0], REGION, "ACTIVE", 6, TargetIdleCapacity=2, MaximumCapacity=10,
                            AllocatedCapacity=2, IdleCapacity=2)
        g = self.group(gid)
        self.assertEqual(g["Description"], "Renamed group")
        self.assertEqual(g["LocationStates"], u["LocationStates"])
        self.advance(CAPACITY_PROVISIONING + 0.5)
        self.assertLocation(self.location(gid, REGION), REGION, "ACTIVE", 6, TargetIdleCapacity=2,
                            MaximumCapacity=10, AllocatedCapacity=6, IdleCapacity=6)
        # Only the description: the rest is kept.
        u2 = self.gls.update_stream_group(Identifier=group_arn(gid), Description="Again")
        self.assertEqual(u2["DefaultApplication"]["Id"], other)
        self.assertEqual(u2["LocationStates"][0]["AlwaysOnCapacity"], 6)

    def test_default_application_is_set_not_associated(self):
        # Contract: a DefaultApplicationIdentifier that is not associated yet gets associated.
        # Model documentation of UpdateStreamGroup: the parameter only sets the default, and
        # associating a new application takes AssociateApplications. Following the model, an
        # application that is not associated cannot become the default.
        app, gid = self.app_with_group()
        other = self.ready_app()
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.update_stream_group(Identifier=gid, DefaultApplicationIdentifier=other)
        self.assertCode(ctx, "ValidationException", 400)
        g = self.group(gid)
        self.assertEqual(g["DefaultApplication"]["Id"], app)
        self.assertEqual(g["AssociatedApplications"], [app_arn(app)])
        self.assertEqual(self.gls.get_application(Identifier=other)["AssociatedStreamGroups"], [])

    def test_update_refusals(self):
        gid = self.create_group()["Id"]
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.gls.update_stream_group(Identifier=gid, Description="too early")
        self.assertCode(ctx, "ConflictException", 409)
        self.advance(GROUP_ACTIVATING + 0.5)
        self.assertEqual(self.group(gid)["Status"], "ACTIVE")
        processing = self.create_app()["Id"]
        self.advance(APP_INITIALIZED + 0.5)
        self.assertEqual(self.app_status(processing), "PROCESSING")
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.update_stream_group(Identifier=gid, DefaultApplicationIdentifier=processing)
        self.assertCode(ctx, "ValidationException", 400)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.update_stream_group(Identifier="sg-000000000", Description="x")
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.update_stream_group(Identifier=gid, DefaultApplicationIdentifier="a-000000000")
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        for config in ({"AlwaysOnCapacity": 3}, {"AlwaysOnCapacity": 2, "MaximumCapacity": 5},
                       {"TargetIdleCapacity": 1}, {"OnDemandCapacity": 2, "MaximumCapacity": 4}):
            with self.subTest(config=config):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.gls.update_stream_group(Identifier=gid,
                                                 LocationConfigurations=[dict(LocationName=REGION, **config)])
                self.assertCode(ctx, "ValidationException", 400)
        self.assertEqual(self.location(gid, REGION)["AlwaysOnCapacity"], 2, "refused updates change nothing")

    def test_capacity_must_be_a_multiple_of_the_tenancy(self):
        for stream_class, bad in (("gen4n_high", {"AlwaysOnCapacity": 3}), ("gen4n_high", {"MaximumCapacity": 5}),
                                  ("gen4n_high", {"TargetIdleCapacity": 1, "MaximumCapacity": 4}),
                                  ("gen4n_high", {"OnDemandCapacity": 1}),
                                  ("gen4n_high", {"AlwaysOnCapacity": 2, "TargetIdleCapacity": 1}),
                                  ("gen5n_high", {"MaximumCapacity": 5}), ("gen6n_high", {"OnDemandCapacity": 3}),
                                  ("gen6n_medium", {"AlwaysOnCapacity": 6}), ("gen6n_medium", {"AlwaysOnCapacity": 2}),
                                  ("gen6n_small", {"AlwaysOnCapacity": 8}), ("gen6n_small", {"AlwaysOnCapacity": 6})):
            with self.subTest(stream_class=stream_class, capacity=bad):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.create_group(StreamClass=stream_class,
                                      LocationConfigurations=[dict(LocationName=REGION, **bad)])
                self.assertCode(ctx, "ValidationException", 400)
        for stream_class, good in (("gen6n_medium", 8), ("gen6n_small", 24), ("gen4n_ultra", 3), ("gen4n_high", 0)):
            with self.subTest(stream_class=stream_class, capacity=good):
                r = self.create_group(StreamClass=stream_class,
                                      LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": good}])
                self.assertEqual(r["LocationStates"][0]["AlwaysOnCapacity"], good)
        r = self.create_group(StreamClass="gen6n_small", LocationConfigurations=[
            {"LocationName": REGION, "AlwaysOnCapacity": 24, "TargetIdleCapacity": 12, "MaximumCapacity": 36},
            {"LocationName": "us-east-1", "AlwaysOnCapacity": 0, "OnDemandCapacity": 12}])
        states = {s["LocationName"]: s for s in r["LocationStates"]}
        self.assertEqual([states[REGION][m] for m in ("AlwaysOnCapacity", "TargetIdleCapacity", "MaximumCapacity")],
                         [24, 12, 36])
        self.assertEqual((states["us-east-1"]["AlwaysOnCapacity"], states["us-east-1"]["OnDemandCapacity"]), (0, 12))
        gid = self.active_group()
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.add_stream_group_locations(Identifier=gid, LocationConfigurations=[
                {"LocationName": "us-east-1", "AlwaysOnCapacity": 1}])
        self.assertCode(ctx, "ValidationException", 400)
        self.assertEqual(len(self.gls.list_stream_groups()["Items"]), 6, "refused creations leave nothing")

    def test_on_demand_cannot_be_combined(self):
        for stream_class, on_demand, extra in (("gen4n_high", 2, {"MaximumCapacity": 4}),
                                               ("gen4n_high", 2, {"TargetIdleCapacity": 2}),
                                               ("gen4n_ultra", 1, {"MaximumCapacity": 2}),
                                               ("gen4n_ultra", 1, {"TargetIdleCapacity": 1})):
            with self.subTest(stream_class=stream_class, extra=extra):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.create_group(StreamClass=stream_class, LocationConfigurations=[
                        dict(LocationName=REGION, OnDemandCapacity=on_demand, **extra)])
                self.assertCode(ctx, "ValidationException", 400)

    def test_default_application_must_exist_and_be_ready(self):
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.create_group(DefaultApplicationIdentifier="a-000000000")
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        app = self.create_app()["Id"]
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.create_group(DefaultApplicationIdentifier=app)
        self.assertCode(ctx, "ValidationException", 400)
        self.advance(APP_INITIALIZED + 0.5)
        self.assertEqual(self.app_status(app), "PROCESSING")
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.create_group(DefaultApplicationIdentifier=app_arn(app))
        self.assertCode(ctx, "ValidationException", 400)
        self.assertEqual(self.gls.list_stream_groups()["Items"], [])

    def test_client_token(self):
        token = "create-group-" + "t" * 30
        a = self.create_group(Description="Idempotent group", ClientToken=token)
        b = self.create_group(Description="Idempotent group", ClientToken=token)
        self.assertEqual(a["Id"], b["Id"])
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.create_group(Description="Idempotent group", StreamClass="gen5n_high", ClientToken=token)
        self.assertCode(ctx, "ConflictException", 409)
        self.assertEqual([i["Id"] for i in self.gls.list_stream_groups()["Items"]], [a["Id"]])

    def test_delete_terminates_sessions_and_removes_associations(self):
        app, gid = self.app_with_group()
        sids = [last(self.start(gid, app)["Arn"]) for _ in range(2)]
        self.advance(SESSION_PLACEMENT + 0.5)
        t = self.now()
        r = self.gls.delete_stream_group(Identifier=gid)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        g = self.group(gid)
        self.assertEqual(g["Status"], "DELETING")
        self.assertTimestamp(g["LastUpdatedAt"], t)
        for sid in sids:
            s = self.session(gid, sid)
            self.assertEqual((s["Status"], s.get("StatusReason")), ("TERMINATING", "apiTerminated"))
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.start(gid, app)
        self.assertCode(ctx, "ConflictException", 409)
        # Deleting again while DELETING is a no-op.
        self.assertEqual(self.gls.delete_stream_group(Identifier=gid)["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.advance_to(t + SESSION_TERMINATING + 0.4)
        for sid in sids:
            s = self.session(gid, sid)
            self.assertEqual((s["Status"], s.get("StatusReason")), ("TERMINATED", "apiTerminated"))
        self.advance_to(t + GROUP_DELETING - 0.1)
        self.assertEqual(self.group(gid)["Status"], "DELETING")
        self.advance_to(t + GROUP_DELETING + 0.4)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.group(gid)
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        self.assertEqual(self.gls.list_stream_groups()["Items"], [])
        self.assertEqual(self.gls.get_application(Identifier=app)["AssociatedStreamGroups"], [])
        # With its group gone, the application can be deleted.
        self.gls.delete_application(Identifier=app)
        self.assertEqual(self.app_status(app), "DELETING")

    def test_delete_while_activating(self):
        gid = self.create_group()["Id"]
        self.assertEqual(self.gls.delete_stream_group(Identifier=gid)["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.group(gid)["Status"], "DELETING")
        self.advance(max(GROUP_DELETING, GROUP_ACTIVATING) + 0.5)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.group(gid)

    def test_stream_group_waiters(self):
        gid = self.create_group()["Id"]
        self.advance_in_background(GROUP_ACTIVATING + 4)
        self.gls.get_waiter("stream_group_active").wait(Identifier=gid, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        self.assertEqual(self.group(gid)["Status"], "ACTIVE")
        self.gls.delete_stream_group(Identifier=gid)
        self.advance_in_background(GROUP_DELETING + 4)
        self.gls.get_waiter("stream_group_deleted").wait(Identifier=gid, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.group(gid)

    def test_stream_group_active_waiter_fails(self):
        for forced in ("ERROR", "ACTIVE_WITH_ERRORS"):
            with self.subTest(status=forced):
                gid = self.create_group()["Id"]
                self.admin_ok("POST", f"/streamgroups/{gid}/status",
                              {"status": forced, "statusReason": "noAvailableInstances", "force": True})
                with self.assertRaises(botocore.exceptions.WaiterError) as ctx:
                    self.gls.get_waiter("stream_group_active").wait(Identifier=gid,
                                                                    WaiterConfig={"Delay": 1, "MaxAttempts": 3})
                self.assertEqual(ctx.exception.last_response["Status"], forced)
                self.assertIn("failure state", str(ctx.exception))

    def test_admin_forced_group_status(self):
        # A deployment that fails: ACTIVATING -> ERROR, and the activation timer is cancelled.
        gid = self.create_group()["Id"]
        self.advance(1)
        t = self.now()
        self.admin_ok("POST", f"/streamgroups/{gid}/status", {"status": "ERROR", "statusReason": "internalError"})
        g = self.group(gid)
        self.assertEqual((g["Status"], g.get("StatusReason")), ("ERROR", "internalError"))
        self.assertTimestamp(g["LastUpdatedAt"], t)
        h = self.history(f"/streamgroups/{gid}/history")
        self.assertEqual((h[-1]["from"], h[-1]["to"], h[-1]["reason"], h[-1]["cause"]),
                         ("ACTIVATING", "ERROR", "internalError", "admin"))
        self.assertAlmostEqual(h[-1]["time"], t, places=3)
        self.advance(GROUP_ACTIVATING + 1)
        self.assertEqual(self.group(gid)["Status"], "ERROR")
        # Going back to ACTIVATING is not a transition: 409 unless forced.
        active = self.active_group()
        status, body = self.server.admin("POST", f"/streamgroups/{active}/status", {"status": "ACTIVATING"})
        self.assertEqual(status, 409, body)
        self.assertEqual(self.group(active)["Status"], "ACTIVE")
        self.admin_ok("POST", f"/streamgroups/{active}/status",
                      {"status": "ERROR", "statusReason": "noAvailableInstances", "force": True})
        self.assertEqual(self.group(active)["StatusReason"], "noAvailableInstances")
        gid2 = self.active_group()
        self.admin_ok("POST", f"/streamgroups/{gid2}/status",
                      {"status": "ACTIVE_WITH_ERRORS", "statusReason": "noAvailableInstances"})
        g2 = self.group(gid2)
        self.assertEqual(g2["Status"], "ACTIVE_WITH_ERRORS")
        status, body = self.server.admin("POST", f"/streamgroups/{gid2}/status", {"status": "BOGUS"})
        self.assertEqual(status, 400, body)

    def test_location_error_makes_group_active_with_errors(self):
        # Per the model's documentation of the statuses, a group with a failed location is
        # ACTIVE_WITH_ERRORS, and a location in ERROR is removed and added again to retry.
        r = self.create_group(LocationConfigurations=[{"LocationName": REGION}, {"LocationName": "us-east-1"}])
        gid, t0 = r["Id"], ts(r["CreatedAt"])
        self.advance(1)
        t = self.now()
        self.admin_ok("POST", f"/streamgroups/{gid}/locations/us-east-1/status", {"status": "ERROR"})
        self.assertEqual(self.location(gid, "us-east-1")["Status"], "ERROR")
        lh = self.history(f"/streamgroups/{gid}/locations/us-east-1/history")
        self.assertEqual((lh[-1]["from"], lh[-1]["to"], lh[-1]["cause"]), ("ACTIVATING", "ERROR", "admin"))
        self.assertAlmostEqual(lh[-1]["time"], t, places=3)
        self.advance_to(t0 + GROUP_ACTIVATING + 0.5)
        self.assertEqual(self.location(gid, REGION)["Status"], "ACTIVE")
        self.assertEqual(self.location(gid, "us-east-1")["Status"], "ERROR", "the failed location stays in ERROR")
        self.assertEqual(self.group(gid)["Status"], "ACTIVE_WITH_ERRORS")
        self.gls.remove_stream_group_locations(Identifier=gid, Locations=["us-east-1"])
        self.assertEqual(self.location(gid, "us-east-1")["Status"], "REMOVING")
        self.advance(LOCATION_REMOVING + 0.5)
        self.assertIsNone(self.location(gid, "us-east-1"))
        self.assertEqual(self.group(gid)["Status"], "ACTIVE")
        self.gls.add_stream_group_locations(Identifier=gid, LocationConfigurations=[{"LocationName": "us-east-1"}])
        self.advance(LOCATION_ADDING + 0.5)
        self.assertEqual(self.location(gid, "us-east-1")["Status"], "ACTIVE")
        self.assertEqual(self.group(gid)["Status"], "ACTIVE")

    def test_location_forced_error_on_an_active_group(self):
        gid = self.active_group(LocationConfigurations=[{"LocationName": REGION}, {"LocationName": "us-east-1"}])
        self.admin_ok("POST", f"/streamgroups/{gid}/locations/us-east-1/status", {"status": "ERROR", "force": True})
        self.assertEqual(self.location(gid, "us-east-1")["Status"], "ERROR")
        self.assertEqual(self.group(gid)["Status"], "ACTIVE_WITH_ERRORS")
        status, body = self.server.admin("POST", f"/streamgroups/{gid}/locations/eu-west-3/status", {"status": "ERROR"})
        self.assertEqual(status, 404, body)

    def test_expires_after_365_days(self):
        app, gid = self.app_with_group()
        created = ts(self.group(gid)["CreatedAt"])
        self.advance_to(created + GROUP_LIFETIME - 1)
        self.assertEqual(self.group(gid)["Status"], "ACTIVE")
        self.advance_to(created + GROUP_LIFETIME + 0.5)
        g = self.group(gid)
        self.assertEqual(g["Status"], "EXPIRED")
        self.assertTimestamp(g["LastUpdatedAt"], created + GROUP_LIFETIME)
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.update_stream_group(Identifier=gid, Description="too late")
        self.assertCode(ctx, "ValidationException", 400)
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.start(gid, app)
        self.assertCode(ctx, "ConflictException", 409)
        self.gls.delete_stream_group(Identifier=gid)
        self.assertEqual(self.group(gid)["Status"], "DELETING")


class Locations(EmptyScope):
    def test_add(self):
        app, gid = self.app_with_group()
        t = self.now()
        r = self.gls.add_stream_group_locations(Identifier=gid, LocationConfigurations=[
            {"LocationName": "us-east-1", "AlwaysOnCapacity": 4, "MaximumCapacity": 6},
            {"LocationName": "eu-central-1"}])
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertIn(r["Identifier"], (gid, group_arn(gid)))
        self.assertEqual([s["LocationName"] for s in r["Locations"]], ["us-east-1", "eu-central-1"])
        added = {s["LocationName"]: s for s in r["Locations"]}
        self.assertEqual(added["us-east-1"]["Status"], "ACTIVATING")
        self.assertEqual(added["us-east-1"]["AlwaysOnCapacity"], 4)
        self.assertEqual(added["us-east-1"]["MaximumCapacity"], 6)
        self.assertEqual(added["eu-central-1"]["Status"], "ACTIVATING")
        self.assertEqual(added["eu-central-1"]["AlwaysOnCapacity"], 2, "a location with no capacity gets the tenancy")
        for s in r["Locations"]:
            for member in LOCATION_MEMBERS:
                self.assertIn(member, s)
        self.assertOnlyModelMembers("AddStreamGroupLocations", r)
        g = self.group(gid)
        self.assertEqual(g["Status"], "UPDATING_LOCATIONS")
        self.assertTimestamp(g["LastUpdatedAt"], t)
        self.assertEqual([s["LocationName"] for s in g["LocationStates"]], [REGION, "us-east-1", "eu-central-1"])
        self.assertEqual(self.location(gid, REGION)["Status"], "ACTIVE")
        # No session in a location that is not ACTIVE yet.
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.start(gid, app, Locations=["us-east-1"])
        self.assertCode(ctx, "ValidationException", 400)
        # Another change waits for this one.
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.add_stream_group_locations(Identifier=gid, LocationConfigurations=[{"LocationName": "ap-south-1"}])
        self.assertCode(ctx, "ValidationException", 400)
        self.advance_to(t + LOCATION_ADDING - 0.1)
        self.assertEqual(self.group(gid)["Status"], "UPDATING_LOCATIONS")
        self.advance_to(t + LOCATION_ADDING + 0.4)
        g = self.group(gid)
        self.assertEqual(g["Status"], "ACTIVE")
        self.assertTimestamp(g["LastUpdatedAt"], t + LOCATION_ADDING)
        self.assertEqual([s["Status"] for s in g["LocationStates"]], ["ACTIVE"] * 3)
        lh = self.history(f"/streamgroups/{gid}/locations/us-east-1/history")
        self.assertEqual([(e["from"], e["to"]) for e in lh], [(None, "ACTIVATING"), ("ACTIVATING", "ACTIVE")])
        self.assertAlmostEqual(lh[0]["time"], t, places=3)
        self.assertAlmostEqual(lh[1]["time"], t + LOCATION_ADDING, places=3)
        gh = self.history(f"/streamgroups/{gid}/history")
        self.assertEqual([(e["from"], e["to"]) for e in gh[-2:]],
                         [("ACTIVE", "UPDATING_LOCATIONS"), ("UPDATING_LOCATIONS", "ACTIVE")])
        # Now a session can be placed there.
        s = self.start(gid, app, Locations=["us-east-1"])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.session(gid, last(s["Arn"]))["Location"], "us-east-1")

    def test_add_refusals(self):
        gid = self.create_group()["Id"]
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.add_stream_group_locations(Identifier=gid, LocationConfigurations=[{"LocationName": "us-east-1"}])
        self.assertCode(ctx, "ValidationException", 400)
        self.advance(GROUP_ACTIVATING + 0.5)
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.add_stream_group_locations(Identifier=gid, LocationConfigurations=[{"LocationName": REGION}])
        self.assertCode(ctx, "ValidationException", 400)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.add_stream_group_locations(Identifier="sg-000000000",
                                                LocationConfigurations=[{"LocationName": "us-east-1"}])
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        self.assertEqual(self.group(gid)["Status"], "ACTIVE")
        self.assertEqual(len(self.group(gid)["LocationStates"]), 1)

    def test_add_through_update(self):
        gid = self.active_group()
        u = self.gls.update_stream_group(Identifier=gid, LocationConfigurations=[
            {"LocationName": "us-east-2", "AlwaysOnCapacity": 2}])
        states = {s["LocationName"]: s for s in u["LocationStates"]}
        self.assertEqual(states["us-east-2"]["Status"], "ACTIVATING")
        self.assertEqual(u["Status"], "UPDATING_LOCATIONS")
        self.advance(LOCATION_ADDING + 0.5)
        self.assertEqual(self.location(gid, "us-east-2")["Status"], "ACTIVE")
        self.assertEqual(self.group(gid)["Status"], "ACTIVE")

    def test_remove(self):
        app, gid = self.app_with_group(LocationConfigurations=[{"LocationName": REGION},
                                                               {"LocationName": "us-east-1"},
                                                               {"LocationName": "eu-central-1"}])
        there = last(self.start(gid, app, Locations=["us-east-1"])["Arn"])
        here = last(self.start(gid, app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.session(gid, there)["Location"], "us-east-1")
        t = self.now()
        r = self.gls.remove_stream_group_locations(Identifier=gid, Locations=["us-east-1"])
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        g = self.group(gid)
        self.assertEqual(g["Status"], "UPDATING_LOCATIONS")
        self.assertTimestamp(g["LastUpdatedAt"], t)
        self.assertEqual(self.location(gid, "us-east-1")["Status"], "REMOVING")
        s = self.session(gid, there)
        self.assertEqual(s["Status"], "TERMINATING", "sessions in a removed location end")
        reason = s.get("StatusReason")
        self.assertTrue(reason, "StatusReason is set on TERMINATING")
        self.assertEqual(self.session(gid, here)["Status"], "ACTIVE")
        lh = self.history(f"/streamgroups/{gid}/locations/us-east-1/history")
        self.assertEqual((lh[-1]["from"], lh[-1]["to"]), ("ACTIVE", "REMOVING"))
        self.assertAlmostEqual(lh[-1]["time"], t, places=3)
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.remove_stream_group_locations(Identifier=gid, Locations=["eu-central-1"])
        self.assertCode(ctx, "ValidationException", 400)
        self.advance_to(t + LOCATION_REMOVING - 0.1)
        self.assertEqual(self.location(gid, "us-east-1")["Status"], "REMOVING")
        self.advance_to(t + LOCATION_REMOVING + 0.4)
        g = self.group(gid)
        self.assertEqual([s["LocationName"] for s in g["LocationStates"]], [REGION, "eu-central-1"])
        self.assertEqual(g["Status"], "ACTIVE")
        self.assertTimestamp(g["LastUpdatedAt"], t + LOCATION_REMOVING)
        s = self.session(gid, there)
        self.assertEqual((s["Status"], s.get("StatusReason")), ("TERMINATED", reason))
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.start(gid, app, Locations=["us-east-1"])
        self.assertCode(ctx, "ValidationException", 400)

    def test_remove_refusals(self):
        gid = self.create_group(LocationConfigurations=[{"LocationName": REGION}, {"LocationName": "us-east-1"}])["Id"]
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.remove_stream_group_locations(Identifier=gid, Locations=["us-east-1"])
        self.assertCode(ctx, "ValidationException", 400)
        self.advance(GROUP_ACTIVATING + 0.5)
        for locations, what in (([REGION], "the primary location"), (["eu-west-3"], "a location not in the group"),
                                (["us-east-1", REGION], "a list with the primary location")):
            with self.subTest(what):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.gls.remove_stream_group_locations(Identifier=gid, Locations=locations)
                self.assertCode(ctx, "ValidationException", 400)
        self.assertEqual([s["Status"] for s in self.group(gid)["LocationStates"]], ["ACTIVE", "ACTIVE"])
        self.assertEqual(self.group(gid)["Status"], "ACTIVE")
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.remove_stream_group_locations(Identifier="sg-000000000", Locations=["us-east-1"])
        self.assertCode(ctx, "ResourceNotFoundException", 404)


class Associations(EmptyScope):
    def test_associate_and_disassociate(self):
        gid = self.active_group()
        a, b, c = self.ready_app(), self.ready_app(), self.ready_app()
        r = self.gls.associate_applications(Identifier=gid, ApplicationIdentifiers=[a, app_arn(b)])
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["Arn"], group_arn(gid))
        self.assertEqual(sorted(r["ApplicationArns"]), sorted([app_arn(a), app_arn(b)]))
        self.assertOnlyModelMembers("AssociateApplications", r)
        g = self.group(gid)
        self.assertEqual(g["DefaultApplication"], {"Id": a, "Arn": app_arn(a)}, "the first becomes the default")
        self.assertEqual(sorted(g["AssociatedApplications"]), sorted([app_arn(a), app_arn(b)]))
        for app in (a, b):
            self.assertEqual(self.gls.get_application(Identifier=app)["AssociatedStreamGroups"], [group_arn(gid)])
        self.assertEqual(self.gls.get_application(Identifier=c)["AssociatedStreamGroups"], [])
        # Idempotent for an application already associated; the default stays.
        r = self.gls.associate_applications(Identifier=group_arn(gid), ApplicationIdentifiers=[b, c])
        self.assertEqual(sorted(r["ApplicationArns"]), sorted([app_arn(b), app_arn(c)]))
        g = self.group(gid)
        self.assertEqual(g["DefaultApplication"]["Id"], a)
        self.assertEqual(sorted(g["AssociatedApplications"]), sorted(map(app_arn, (a, b, c))))
        # Disassociating the default picks another associated application.
        r = self.gls.disassociate_applications(Identifier=gid, ApplicationIdentifiers=[a])
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["Arn"], group_arn(gid))
        self.assertEqual(r["ApplicationArns"], [app_arn(a)])
        self.assertOnlyModelMembers("DisassociateApplications", r)
        g = self.group(gid)
        self.assertIn(g["DefaultApplication"]["Id"], (b, c))
        self.assertEqual(sorted(g["AssociatedApplications"]), sorted(map(app_arn, (b, c))))
        self.assertEqual(self.gls.get_application(Identifier=a)["AssociatedStreamGroups"], [])
        # Idempotent for an application not associated.
        r = self.gls.disassociate_applications(Identifier=gid, ApplicationIdentifiers=[a])
        self.assertEqual(r["Arn"], group_arn(gid))
        self.gls.disassociate_applications(Identifier=gid, ApplicationIdentifiers=[b, app_arn(c)])
        g = self.group(gid)
        self.assertNotIn("DefaultApplication", g, "no application left to be the default")
        self.assertEqual(g.get("AssociatedApplications", []), [])
        # A stream needs an associated application.
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.start(gid, a)
        self.assertCode(ctx, "ValidationException", 400)

    def test_refusals(self):
        ready = self.ready_app()
        gid = self.create_group()["Id"]
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.associate_applications(Identifier=gid, ApplicationIdentifiers=[ready])
        self.assertCode(ctx, "ValidationException", 400)
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.disassociate_applications(Identifier=gid, ApplicationIdentifiers=[ready])
        self.assertCode(ctx, "ValidationException", 400)
        self.advance(GROUP_ACTIVATING + 0.5)
        processing = self.create_app()["Id"]
        self.advance(APP_INITIALIZED + 0.5)
        self.assertEqual(self.app_status(processing), "PROCESSING")
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.associate_applications(Identifier=gid, ApplicationIdentifiers=[processing])
        self.assertCode(ctx, "ValidationException", 400)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.associate_applications(Identifier=gid, ApplicationIdentifiers=["a-000000000"])
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException) as ctx:
            self.gls.associate_applications(Identifier="sg-000000000", ApplicationIdentifiers=[ready])
        self.assertCode(ctx, "ResourceNotFoundException", 404)
        # All or nothing: a refused member leaves the others unassociated.
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.gls.associate_applications(Identifier=gid, ApplicationIdentifiers=[ready, processing])
        self.assertEqual(self.group(gid).get("AssociatedApplications", []), [])
        errored = self.ready_app()
        self.admin_ok("POST", f"/applications/{errored}/status",
                      {"status": "ERROR", "statusReason": "internalError", "force": True})
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.gls.associate_applications(Identifier=gid, ApplicationIdentifiers=[errored])

    def test_replication_to_the_groups_locations(self):
        app = self.ready_app()
        gid = self.active_group(LocationConfigurations=[{"LocationName": REGION}, {"LocationName": "us-east-1"}])
        self.advance(2 * REPLICATION)
        before = self.gls.get_application(Identifier=app)["ReplicationStatuses"]
        self.assertEqual(before, [{"Location": REGION, "Status": "COMPLETED"}])
        t = self.now()
        self.gls.associate_applications(Identifier=gid, ApplicationIdentifiers=[app])
        rs = {s["Location"]: s["Status"] for s in self.gls.get_application(Identifier=app)["ReplicationStatuses"]}
        self.assertEqual(rs, {REGION: "COMPLETED", "us-east-1": "REPLICATING"})
        self.advance_to(t + REPLICATION - 0.1)
        rs = {s["Location"]: s["Status"] for s in self.gls.get_application(Identifier=app)["ReplicationStatuses"]}
        self.assertEqual(rs["us-east-1"], "REPLICATING")
        self.advance_to(t + REPLICATION + 0.4)
        statuses = self.gls.get_application(Identifier=app)["ReplicationStatuses"]
        self.assertEqual(len(statuses), 2, "one entry per distinct location")
        self.assertEqual({s["Location"]: s["Status"] for s in statuses}, {REGION: "COMPLETED", "us-east-1": "COMPLETED"})
        # A location added to the group is replicated to as well.
        self.gls.add_stream_group_locations(Identifier=gid, LocationConfigurations=[{"LocationName": "eu-west-1"}])
        self.advance(LOCATION_ADDING + REPLICATION + 0.5)
        rs = {s["Location"]: s["Status"] for s in self.gls.get_application(Identifier=app)["ReplicationStatuses"]}
        self.assertEqual(rs, {REGION: "COMPLETED", "us-east-1": "COMPLETED", "eu-west-1": "COMPLETED"})

    def test_start_on_a_group_that_is_not_active(self):
        app = self.ready_app()
        gid = self.create_group(DefaultApplicationIdentifier=app)["Id"]
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.start(gid, app)
        self.assertCode(ctx, "ConflictException", 409)
        self.advance(GROUP_ACTIVATING + 0.5)
        self.admin_ok("POST", f"/streamgroups/{gid}/status",
                      {"status": "ERROR", "statusReason": "internalError", "force": True})
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.start(gid, app)
        self.assertCode(ctx, "ConflictException", 409)
        self.assertEqual(self.gls.list_stream_sessions(Identifier=gid)["Items"], [])


class Capacity(EmptyScope):
    def capacity(self, gid, location=REGION):
        s = self.location(gid, location)
        return s["AllocatedCapacity"], s["IdleCapacity"]

    def test_always_on_sessions_beyond_wait(self):
        app, gid = self.app_with_group(stream_class="gen4n_high",
                                       LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 2}])
        self.assertEqual(self.capacity(gid), (2, 2))
        s1 = last(self.start(gid, app)["Arn"])
        self.assertEqual(self.capacity(gid), (2, 1), "a placed ACTIVATING session holds a unit")
        s2 = last(self.start(gid, app)["Arn"])
        s3 = last(self.start(gid, app)["Arn"])
        t0 = self.now()
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual([self.session(gid, s)["Status"] for s in (s1, s2, s3)], ["ACTIVE", "ACTIVE", "ACTIVATING"])
        self.assertEqual(self.capacity(gid), (2, 0))
        self.advance_to(t0 + 20)
        self.assertEqual(self.session(gid, s3)["Status"], "ACTIVATING", "the third waits for a free unit")
        self.gls.terminate_stream_session(Identifier=gid, StreamSessionIdentifier=s1)
        self.assertEqual(self.capacity(gid), (2, 0), "TERMINATING still holds its unit")
        self.advance_to(t0 + 20 + SESSION_TERMINATING + SESSION_PLACEMENT - 0.1)
        self.assertEqual(self.session(gid, s3)["Status"], "ACTIVATING")
        self.advance_to(t0 + 20 + SESSION_TERMINATING + SESSION_PLACEMENT + 0.4)
        s = self.session(gid, s3)
        self.assertEqual(s["Status"], "ACTIVE")
        self.assertTimestamp(s["LastUpdatedAt"], t0 + 20 + SESSION_TERMINATING + SESSION_PLACEMENT)
        self.assertEqual(self.capacity(gid), (2, 0))
        for sid in (s2, s3):
            self.gls.terminate_stream_session(Identifier=gid, StreamSessionIdentifier=sid)
        self.advance(SESSION_TERMINATING + 0.5)
        self.assertEqual(self.capacity(gid), (2, 2), "always-on capacity is never released")

    def test_target_idle_and_maximum(self):
        # gen4n_ultra: tenancy 1. Allocated = min(max, max(always-on, running + target idle)).
        app, gid = self.app_with_group(stream_class="gen4n_ultra", LocationConfigurations=[
            {"LocationName": REGION, "AlwaysOnCapacity": 0, "TargetIdleCapacity": 1, "MaximumCapacity": 3}])
        self.assertEqual(self.capacity(gid), (1, 1))
        sids = []
        for expected in ((2, 1), (3, 1), (3, 0)):
            sids.append(last(self.start(gid, app)["Arn"]))
            self.advance(SESSION_PLACEMENT + 0.5)
            self.assertEqual(self.capacity(gid), expected, f"after {len(sids)} sessions")
        waiting = last(self.start(gid, app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.session(gid, waiting)["Status"], "ACTIVATING")
        self.assertEqual(self.capacity(gid), (3, 0))
        self.gls.terminate_stream_session(Identifier=gid, StreamSessionIdentifier=sids[0])
        self.advance(SESSION_TERMINATING + SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.session(gid, waiting)["Status"], "ACTIVE")
        for sid in sids[1:] + [waiting]:
            self.gls.terminate_stream_session(Identifier=gid, StreamSessionIdentifier=sid)
        self.advance(SESSION_TERMINATING + 0.5)
        self.assertEqual(self.capacity(gid), (1, 1))

    def test_raising_capacity_places_a_waiting_session(self):
        app, gid = self.app_with_group(stream_class="gen4n_ultra",
                                       LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 1}])
        first = last(self.start(gid, app)["Arn"])
        waiting = last(self.start(gid, app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.session(gid, waiting)["Status"], "ACTIVATING")
        self.gls.update_stream_group(Identifier=gid, LocationConfigurations=[{"LocationName": REGION,
                                                                              "AlwaysOnCapacity": 2}])
        self.advance(CAPACITY_PROVISIONING + SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.session(gid, waiting)["Status"], "ACTIVE")
        self.assertEqual(self.session(gid, first)["Status"], "ACTIVE")
        self.assertEqual(self.capacity(gid), (2, 0))
        # Lowering it below the running sessions ends nothing.
        self.gls.update_stream_group(Identifier=gid, LocationConfigurations=[{"LocationName": REGION,
                                                                              "AlwaysOnCapacity": 1}])
        self.advance(SESSION_PLACEMENT + SESSION_TERMINATING + 0.5)
        self.assertEqual([self.session(gid, s)["Status"] for s in (first, waiting)], ["ACTIVE", "ACTIVE"])
        self.assertEqual(self.capacity(gid), (2, 0), "at least the running sessions")

    def test_on_demand_capacity_is_released(self):
        app, gid = self.app_with_group(LocationConfigurations=[
            {"LocationName": REGION, "AlwaysOnCapacity": 0, "OnDemandCapacity": 2},
            {"LocationName": "us-east-1", "AlwaysOnCapacity": 4}])
        self.assertEqual(self.capacity(gid), (0, 0))
        self.assertEqual(self.capacity(gid, "us-east-1"), (4, 4))
        s1 = last(self.start(gid, app, Locations=[REGION])["Arn"])
        self.assertEqual(self.capacity(gid), (1, 0))
        self.start(gid, app, Locations=[REGION])
        self.assertEqual(self.capacity(gid), (2, 0))
        self.advance(SESSION_ON_DEMAND_PLACEMENT + 0.5)
        self.gls.terminate_stream_session(Identifier=gid, StreamSessionIdentifier=s1)
        self.advance(SESSION_TERMINATING + 0.5)
        self.assertEqual(self.capacity(gid), (1, 0), "on-demand capacity is released")
        self.assertEqual(self.location(gid, REGION)["OnDemandCapacity"], 2)

    def test_capacity_per_location(self):
        app, gid = self.app_with_group(LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 2},
                                                               {"LocationName": "us-east-1", "AlwaysOnCapacity": 4}])
        self.start(gid, app, Locations=["us-east-1"])
        self.start(gid, app)
        self.start(gid, app, Locations=["us-east-1", REGION])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.capacity(gid, REGION), (2, 1))
        self.assertEqual(self.capacity(gid, "us-east-1"), (4, 2))


# ---------------------------------------------------------------------------------------------
# Paginators of the model, with more items than one page
# ---------------------------------------------------------------------------------------------

class Paginators(EmptyScope):
    def collect(self, name, page_size=10, **kw):
        pages = list(self.gls.get_paginator(name).paginate(PaginationConfig={"PageSize": page_size}, **kw))
        for p in pages[:-1]:
            self.assertEqual(len(p["Items"]), page_size)
            self.assertTrue(p.get("NextToken"))
        self.assertNotIn("NextToken", pages[-1])
        return pages, [i["Arn"] for p in pages for i in p["Items"]]

    def test_all_five_paginators_exist(self):
        for name in ("list_applications", "list_stream_groups", "list_stream_sessions",
                     "list_stream_sessions_by_account", "list_stream_urls"):
            with self.subTest(paginator=name):
                self.assertTrue(self.gls.can_paginate(name))

    def test_list_applications(self):
        made = [self.create_app()["Arn"] for _ in range(23)]
        pages, seen = self.collect("list_applications")
        self.assertEqual(len(pages), 3)
        self.assertEqual(seen, made)

    def test_list_stream_groups(self):
        made = [self.create_group()["Arn"] for _ in range(23)]
        pages, seen = self.collect("list_stream_groups")
        self.assertEqual(len(pages), 3)
        self.assertEqual(sorted(seen), sorted(made))

    def test_list_stream_sessions_and_by_account(self):
        app, gid = self.app_with_group()
        app2, gid2 = self.app_with_group()
        made = [self.start(gid, app)["Arn"] for _ in range(14)]
        made2 = [self.start(gid2, app2)["Arn"] for _ in range(9)]
        pages, seen = self.collect("list_stream_sessions", Identifier=gid)
        self.assertEqual(len(pages), 2)
        self.assertEqual(sorted(seen), sorted(made))
        pages, seen = self.collect("list_stream_sessions_by_account", page_size=5)
        self.assertEqual(len(pages), 5)
        self.assertEqual(sorted(seen), sorted(made + made2))

    def test_list_stream_urls(self):
        app, gid = self.app_with_group()
        app2, gid2 = self.app_with_group()
        made = [self.gls.create_stream_url(Identifier=gid, ApplicationIdentifier=app, Protocol="WebRTC",
                                           UrlExpiresAfterMinutes=60, Locations=[REGION])["Arn"] for _ in range(21)]
        made2 = [self.gls.create_stream_url(Identifier=gid2, ApplicationIdentifier=app2, Protocol="WebRTC",
                                            UrlExpiresAfterMinutes=60, Locations=[REGION])["Arn"] for _ in range(4)]
        pages, seen = self.collect("list_stream_urls")
        self.assertEqual(len(pages), 3)
        self.assertEqual(sorted(seen), sorted(made + made2))
        pages, seen = self.collect("list_stream_urls", page_size=4, StreamGroupIdentifier=gid)
        self.assertEqual(len(pages), 6)
        self.assertEqual(sorted(seen), sorted(made))


if __name__ == "__main__":
    unittest.main()
