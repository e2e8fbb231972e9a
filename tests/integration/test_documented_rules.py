"""Rules the API documentation and the developer guide state in prose, through boto3.

Each test names the rule it shows and where the documentation states it (the
README's "Documented rules" lists them); where the documentation leaves a
choice open (which exception, refuse or wait), the README says what the
emulator does and the test pins it down."""
import concurrent.futures
import unittest

import botocore.exceptions

from gls_resources import (CAPACITY_PROVISIONING, GROUP_ACTIVATING, LOCATION_ADDING, REGION, REPLICATION, SESSION_PLACEMENT,
                           SESSION_TERMINATING, TIMINGS, ResourceCase, last)
from test_stream_urls import play

ON_DEMAND_PLACEMENT = TIMINGS["streamSession"]["onDemandPlacementSeconds"]
ALWAYS_ON_TIMEOUT = TIMINGS["streamSession"]["placementTimeoutSeconds"]
ON_DEMAND_TIMEOUT = TIMINGS["streamSession"]["onDemandPlacementTimeoutSeconds"]
WINDOWS_ON_DEMAND_TIMEOUT = TIMINGS["streamSession"]["windowsOnDemandPlacementTimeoutSeconds"]
DAY = 24 * 3600
REMOTE = "us-east-1"  # a documented remote location that offers every stream class


class RulesCase(ResourceCase):
    server_args = ("--clock", "manual", "--no-default-fixtures")

    def group_with_app(self, app=None, **kw):
        """An ACTIVE group (stream class with a tenancy of 1) whose default application is READY: (app, group)."""
        app = app or self.ready_app()
        args = dict(StreamClass="gen4n_ultra", DefaultApplicationIdentifier=app)
        args.update(kw)
        return app, self.active_group(**args)

    def status(self, group, sid):
        s = self.session(group, sid)
        return s["Status"], s.get("StatusReason")

    def figures(self, group, location=REGION):
        loc = self.location(group, location)
        return loc["AllocatedCapacity"], loc["IdleCapacity"]

    def assertValidation(self, call, member, **kw):
        with self.assertRaises(Exception) as ctx:
            call(**kw)
        message = self.assertCode(ctx, "ValidationException", 400)
        self.assertIn(member, message)


# ---- 1. placement by capacity type and platform ----------------------------------------------

class Placement(RulesCase):
    def test_on_demand_unit_takes_its_own_placement_and_shows_in_capacity(self):
        # Source: StartStreamSession (idle or on-demand capacity); LocationConfiguration.MaximumCapacity
        # ("newly created streams may take a few minutes to start").
        app, group = self.group_with_app(LocationConfigurations=[
            {"LocationName": REGION, "AlwaysOnCapacity": 1, "MaximumCapacity": 2}])
        self.assertEqual(self.figures(group), (1, 1))
        first = self.start(group, app)["Arn"]
        self.assertEqual(self.figures(group), (1, 0))  # the idle always-on unit is taken first
        second = self.start(group, app)["Arn"]
        self.assertEqual(self.figures(group), (2, 0))  # then a unit allocated on demand
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.status(group, last(first)), ("ACTIVE", None))
        self.assertEqual(self.status(group, last(second)), ("ACTIVATING", None))
        self.advance(ON_DEMAND_PLACEMENT - SESSION_PLACEMENT)
        self.assertEqual(self.status(group, last(second)), ("ACTIVE", None))
        # A third finds no unit: the maximum is reached.
        third = self.start(group, app)["Arn"]
        self.assertEqual(self.figures(group), (2, 0))
        self.advance(ON_DEMAND_PLACEMENT + 1)
        self.assertEqual(self.status(group, last(third)), ("ACTIVATING", None))

    def wait_for_timeout(self, runtime, expected_timeout, capacity=None):
        app = self.ready_app(RuntimeEnvironment=runtime)
        _, group = self.group_with_app(app, LocationConfigurations=[
            capacity or {"LocationName": REGION, "AlwaysOnCapacity": 0, "MaximumCapacity": 1}])
        self.start(group, app, ConnectionTimeoutSeconds=3600)  # takes the only unit, and keeps it
        waiting = last(self.start(group, app)["Arn"])
        self.advance(expected_timeout - 1)
        self.assertEqual(self.status(group, waiting), ("ACTIVATING", None))
        self.advance(2)
        self.assertEqual(self.status(group, waiting), ("ERROR", "placementTimeout"))

    def test_on_demand_placement_timeout_linux_and_proton(self):
        # Source: StartStreamSession, "Placement timeout ... On-demand capacity: Linux/Proton runtimes: 90 seconds".
        self.assertEqual(ON_DEMAND_TIMEOUT, 90)
        self.wait_for_timeout({"Type": "PROTON", "Version": "20241007"}, ON_DEMAND_TIMEOUT)

    def test_on_demand_placement_timeout_windows(self):
        # Source: StartStreamSession, "Windows runtime: 10 minutes".
        self.assertEqual(WINDOWS_ON_DEMAND_TIMEOUT, 600)
        self.wait_for_timeout({"Type": "WINDOWS", "Version": "2022"}, WINDOWS_ON_DEMAND_TIMEOUT)

    def test_always_on_placement_timeout(self):
        # Source: StartStreamSession, "Always-on capacity: 75 seconds" (even for a Windows application).
        self.wait_for_timeout({"Type": "WINDOWS", "Version": "2022"}, ALWAYS_ON_TIMEOUT,
                              {"LocationName": REGION, "AlwaysOnCapacity": 1})

    def test_on_demand_default_within_the_timeouts(self):
        self.assertGreater(ON_DEMAND_PLACEMENT, SESSION_PLACEMENT)
        self.assertLess(ON_DEMAND_PLACEMENT, min(ON_DEMAND_TIMEOUT, WINDOWS_ON_DEMAND_TIMEOUT))


# ---- 2. replication before streaming -----------------------------------------------------------

class Replication(RulesCase):
    def replicating(self):
        """A group with a remote location and an application associated just now: (app, group)."""
        _, group = self.group_with_app(LocationConfigurations=[{"LocationName": REGION},
                                                               {"LocationName": REMOTE}])
        app = self.ready_app()
        self.gls.associate_applications(Identifier=group, ApplicationIdentifiers=[app])
        statuses = {r["Location"]: r["Status"] for r in self.gls.get_application(Identifier=app)["ReplicationStatuses"]}
        self.assertEqual(statuses[REMOTE], "REPLICATING")
        return app, group

    def test_start_is_refused_until_replicated(self):
        # Source: StartStreamSession ("An application must be finished replicating to a remote location
        # before the remote location can host a stream"); ReplicationStatus.
        app, group = self.replicating()
        with self.assertRaises(Exception) as ctx:
            self.start(group, app, Locations=[REMOTE])
        self.assertCode(ctx, "ConflictException", 409)
        self.advance(REPLICATION + 0.5)
        s = self.start(group, app, Locations=[REMOTE])
        self.assertEqual(s["Location"], REMOTE)

    def test_stream_url_is_refused_until_replicated(self):
        app, group = self.replicating()
        url = self.gls.create_stream_url(Identifier=group, ApplicationIdentifier=app, Protocol="WebRTC",
                                         UrlExpiresAfterMinutes=60, Locations=[REMOTE], UsageLimit=1)
        status, _, body = play(url["StreamUrl"])
        self.assertEqual(status, 409, body)
        self.assertEqual(self.gls.get_stream_url(Identifier=group, StreamUrlIdentifier=url["StreamUrlId"])
                         ["RemainingUses"], 1)
        self.advance(REPLICATION + 0.5)
        status, _, body = play(url["StreamUrl"])
        self.assertEqual(status, 200, body)


# ---- 3. the 180-day association limit ------------------------------------------------------------

class AssociationAge(RulesCase):
    def test_no_new_associations_after_180_days(self):
        # Source: CreateStreamGroup ("Stream groups that are older than 180 days can no longer be updated
        # with new application associations").
        _, group = self.group_with_app()
        apps = [self.ready_app(), self.ready_app()]
        created = self.group(group)["CreatedAt"].timestamp()
        self.advance_to(created + 179 * DAY)
        self.gls.associate_applications(Identifier=group, ApplicationIdentifiers=[apps[0]])
        self.advance_to(created + 181 * DAY)
        self.assertValidation(self.gls.associate_applications, "180 days", Identifier=group,
                              ApplicationIdentifiers=[apps[1]])


# ---- 4. rules stated in prose ------------------------------------------------------------------------

class ProseRules(RulesCase):
    def test_resolution_even_and_at_most_1080p_pixels(self):
        # Source: Resolution (width and height even; width x height at most 2,073,600).
        app, group = self.group_with_app(LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 4}])
        for (w, h), member in (((1281, 720), "displayConfiguration.resolution.width"),
                               ((1280, 721), "displayConfiguration.resolution.height"),
                               ((2560, 1440), "displayConfiguration.resolution")):
            self.assertValidation(self.start, member, group=group, app=app,
                                  DisplayConfiguration={"Resolution": {"Width": w, "Height": h}})
            self.assertValidation(self.gls.create_stream_url, member, Identifier=group, ApplicationIdentifier=app,
                                  Protocol="WebRTC", UrlExpiresAfterMinutes=60, Locations=[REGION],
                                  DisplayConfiguration={"Resolution": {"Width": w, "Height": h}})
        s = self.start(group, app, DisplayConfiguration={"Resolution": {"Width": 1920, "Height": 1080}})
        self.assertEqual(s["DisplayConfiguration"]["Resolution"], {"Width": 1920, "Height": 1080})

    def test_role_name_starts_with_gameliftstreams(self):
        # Source: StartStreamSessionInput.RoleArn ("The role name must start with GameLiftStreams-").
        app, group = self.group_with_app()
        for arn in ("arn:aws:iam::111122223333:role/MyRole", "arn:aws:iam::111122223333:role/GameLiftStreams/x"):
            self.assertValidation(self.start, "roleArn", group=group, app=app, RoleArn=arn)
        good = "arn:aws:iam::111122223333:role/service/GameLiftStreams-Game"
        self.assertEqual(self.start(group, app, RoleArn=good)["RoleArn"], good)

    def test_log_paths_need_an_output_uri(self):
        # Source: ApplicationLogPaths (logs are uploaded to ApplicationLogOutputUri).
        self.assertValidation(self.create_app, "applicationLogOutputUri", ApplicationLogPaths=["logs/"])
        app = self.create_app(ApplicationLogPaths=["logs/"], ApplicationLogOutputUri="s3://bucket/logs")["Id"]
        self.assertValidation(self.gls.update_application, "applicationLogOutputUri", Identifier=app,
                              ApplicationLogOutputUri="")
        bare = self.create_app()["Id"]
        self.assertValidation(self.gls.update_application, "applicationLogOutputUri", Identifier=bare,
                              ApplicationLogPaths=["logs/"])
        self.gls.update_application(Identifier=app, ApplicationLogPaths=[], ApplicationLogOutputUri="")
        self.assertEqual(self.gls.get_application(Identifier=app).get("ApplicationLogOutputUri"), None)

    def test_windows_executables_and_root_folder(self):
        # Source: CreateApplicationInput.ExecutablePath.
        for runtime in ({"Type": "WINDOWS", "Version": "2022"}, {"Type": "PROTON", "Version": "20241007"}):
            self.assertValidation(self.create_app, "executablePath", RuntimeEnvironment=runtime,
                                  ExecutablePath="bin/game")
            for ok in ("bin/game.exe", "run.CMD", "start.bat"):
                self.create_app(RuntimeEnvironment=runtime, ExecutablePath=ok)
        for outside in ("../game.exe", "bin/../../game.exe", "bin\\..\\..\\game.exe"):
            self.assertValidation(self.create_app, "executablePath", ExecutablePath=outside)
        self.create_app(ExecutablePath="bin/../game.exe")
        self.create_app(RuntimeEnvironment={"Type": "UBUNTU", "Version": "22_04_LTS"}, ExecutablePath="bin/game")

    def test_locations_from_the_documented_list(self):
        # Source: developer guide, "Supported locations by stream class" (stream-class-locations).
        self.assertValidation(self.create_group, "locationName", StreamClass="gen4n_ultra",
                              LocationConfigurations=[{"LocationName": "mars-1"}])
        group = self.active_group(StreamClass="gen6n_pro")
        self.assertValidation(self.gls.add_stream_group_locations, "locationName", Identifier=group,
                              LocationConfigurations=[{"LocationName": "xx-nowhere-9"}])
        # eu-west-1 offers gen4 and gen5 stream classes, not gen6.
        self.assertValidation(self.gls.add_stream_group_locations, "locationName", Identifier=group,
                              LocationConfigurations=[{"LocationName": "eu-west-1"}])
        self.gls.add_stream_group_locations(Identifier=group, LocationConfigurations=[{"LocationName": "eu-west-2"}])
        other = self.active_group(StreamClass="gen5n_high")
        self.gls.add_stream_group_locations(Identifier=other, LocationConfigurations=[{"LocationName": "eu-west-1"}])
        self.advance(LOCATION_ADDING + 0.5)
        self.assertEqual(self.location(other, "eu-west-1")["Status"], "ACTIVE")

    def test_connection_needs_a_new_offer(self):
        # Source: CreateStreamSessionConnectionInput.SignalRequest ("The offer must be newly generated").
        app, group = self.group_with_app()
        first = self.offer()
        sid = last(self.start(group, app, SignalRequest=first)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        reconnecting = TIMINGS["streamSession"]["reconnectingSeconds"]
        self.gls.create_stream_session_connection(Identifier=group, StreamSessionIdentifier=sid,
                                                  SignalRequest=self.offer())
        self.advance(reconnecting + 0.5)
        self.assertEqual(self.status(group, sid), ("ACTIVE", None))
        # The start's offer again: not newly generated.
        self.gls.create_stream_session_connection(Identifier=group, StreamSessionIdentifier=sid, SignalRequest=first)
        self.advance(reconnecting + 0.5)
        self.assertEqual(self.status(group, sid), ("ERROR", "invalidSignalRequest"))


# ---- 5. ClientToken returns the original response -----------------------------------------------

class OriginalResponse(RulesCase):
    def test_create_stream_url_retry_after_use(self):
        # Source: CreateStreamUrlInput.ClientToken ("returns the original response without performing the
        # operation again").
        app, group = self.group_with_app()
        args = dict(Identifier=group, ApplicationIdentifier=app, Protocol="WebRTC", UrlExpiresAfterMinutes=60,
                    Locations=[REGION], UsageLimit=1,
                    ClientToken="url-token-0000000000000000000001")
        first = self.gls.create_stream_url(**args)
        status, _, body = play(first["StreamUrl"])
        self.assertEqual(status, 200, body)
        self.assertEqual(self.gls.get_stream_url(Identifier=group, StreamUrlIdentifier=first["StreamUrlId"])
                         ["Status"], "LIMIT_REACHED")
        again = self.gls.create_stream_url(**args)
        for member in ("Arn", "StreamUrlId", "StreamUrl", "Status", "RemainingUses", "ExpiresAt", "CreatedAt"):
            self.assertEqual(again.get(member), first.get(member), member)
        self.assertEqual((again["Status"], again["RemainingUses"]), ("ACTIVE", 1))

    def test_start_stream_session_retry(self):
        # Source: StartStreamSessionInput.ClientToken.
        app, group = self.group_with_app()
        args = dict(ClientToken="start-token-000000000000000000001")
        first = self.start(group, app, **args)
        self.advance(SESSION_PLACEMENT + 0.5)
        self.assertEqual(self.status(group, last(first["Arn"]))[0], "ACTIVE")
        again = self.gls.start_stream_session(Identifier=group, ApplicationIdentifier=app, Protocol="WebRTC",
                                              SignalRequest=first["SignalRequest"], **args)
        again.pop("ResponseMetadata")
        first.pop("ResponseMetadata")
        self.assertEqual(again, first)
        self.assertEqual(again["Status"], "ACTIVATING")

    def test_connection_retry(self):
        # Source: CreateStreamSessionConnectionInput.ClientToken.
        app, group = self.group_with_app()
        sid = last(self.start(group, app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        args = dict(Identifier=group, StreamSessionIdentifier=sid, SignalRequest=self.offer(),
                    ClientToken="conn-token-0000000000000000000001")
        first = self.gls.create_stream_session_connection(**args)["SignalResponse"]
        self.advance(TIMINGS["streamSession"]["reconnectingSeconds"] + 0.5)
        self.gls.create_stream_session_connection(Identifier=group, StreamSessionIdentifier=sid,
                                                  SignalRequest=self.offer())
        self.assertNotEqual(self.session(group, sid)["SignalResponse"], first)
        self.assertEqual(self.gls.create_stream_session_connection(**args)["SignalResponse"], first)

    def test_token_is_new_again_after_a_day(self):
        # Decided: the model gives no period. SDKs send a new token with every call, so
        # keeping each for ever would grow the store with every start and connection.
        app, group = self.group_with_app()
        token = "day-token-00000000000000000000001"
        first = last(self.start(group, app, ClientToken=token, Description="one")["Arn"])
        self.advance(23 * 3600)
        with self.assertRaises(self.gls.exceptions.ConflictException):
            self.start(group, app, ClientToken=token, Description="two")
        self.advance(3600 + 1)
        again = last(self.start(group, app, ClientToken=token, Description="two")["Arn"])
        self.assertNotEqual(again, first)
        self.assertEqual(self.session(group, again)["Description"], "two")


# ---- 6. capacity while provisioning ---------------------------------------------------------------

class ProvisioningCapacity(RulesCase):
    def test_activating_location_has_no_capacity_yet(self):
        # Source: LocationState (ACTIVATING: "You cannot stream from ... this location yet"; AllocatedCapacity,
        # "it can take a few minutes for the allocated capacity count to reflect the change").
        r = self.create_group(StreamClass="gen4n_ultra",
                              LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 3}])
        self.assertEqual(self.figures(r["Id"]), (0, 0))
        self.advance(GROUP_ACTIVATING + 0.5)
        self.assertEqual(self.figures(r["Id"]), (3, 3))
        self.gls.add_stream_group_locations(Identifier=r["Id"], LocationConfigurations=[
            {"LocationName": REMOTE, "AlwaysOnCapacity": 2}])
        self.assertEqual(self.figures(r["Id"], REMOTE), (0, 0))
        self.advance(LOCATION_ADDING + 0.5)
        self.assertEqual(self.figures(r["Id"], REMOTE), (2, 2))

    def test_capacity_increase_after_provisioning(self):
        # Source: LocationState.AllocatedCapacity ("After making changes to capacity, it can take a few minutes
        # for the allocated capacity count to reflect the change").
        app, group = self.group_with_app(LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 1}])
        self.start(group, app, ConnectionTimeoutSeconds=3600)
        waiting = last(self.start(group, app)["Arn"])
        self.gls.update_stream_group(Identifier=group, LocationConfigurations=[
            {"LocationName": REGION, "AlwaysOnCapacity": 3}])
        self.assertEqual(self.location(group, REGION)["AlwaysOnCapacity"], 3)
        self.assertEqual(self.figures(group), (1, 0))
        self.advance(CAPACITY_PROVISIONING - 0.5)
        self.assertEqual(self.figures(group), (1, 0))
        self.assertEqual(self.status(group, waiting), ("ACTIVATING", None))
        self.advance(1)
        self.assertEqual(self.figures(group), (3, 1))  # the waiting session took one of the new units
        self.advance(SESSION_PLACEMENT)
        self.assertEqual(self.status(group, waiting), ("ACTIVE", None))

    def test_expired_group_has_no_idle_capacity(self):
        # Source: CreateStreamGroup ("Stream groups expire when they are 365 days old, at which point they can
        # no longer stream sessions").
        _, group = self.group_with_app(LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 2}])
        g = self.group(group)
        self.advance_to(g["ExpiresAt"].timestamp() + 1)
        g = self.group(group)
        self.assertEqual(g["Status"], "EXPIRED")
        self.assertEqual(self.figures(group)[1], 0)


# ---- 7. TerminateStreamSession on ERROR ----------------------------------------------------------

class TerminateOnError(RulesCase):
    def test_terminate_on_error_terminates(self):
        # Source: TerminateStreamSession ("You can terminate a stream session in any status except ACTIVATING";
        # "the stream session status changes to TERMINATING").
        app, group = self.group_with_app()
        sid = last(self.start(group, app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        self.admin_ok("POST", f"/sessions/{group}/{sid}/events", {"event": "fail", "reason": "assumeRoleFailed"})
        self.assertEqual(self.status(group, sid), ("ERROR", "assumeRoleFailed"))
        r = self.gls.terminate_stream_session(Identifier=group, StreamSessionIdentifier=sid)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.status(group, sid), ("TERMINATING", "apiTerminated"))
        self.advance(SESSION_TERMINATING + 0.5)
        self.assertEqual(self.status(group, sid), ("TERMINATED", "apiTerminated"))
        # The unit it held was given back at ERROR; terminating gives back nothing twice.
        self.assertEqual(self.figures(group), (1, 1))



# ---- 8. documented request rates, on demand ------------------------------------------------------

class AwsRateLimits(RulesCase):
    server_args = ("--clock", "manual", "--no-default-fixtures", "--rate-limits", "aws")

    def test_requests_beyond_the_documented_rate_are_throttled(self):
        # Source: developer guide, "Amazon GameLift Streams API rate limits" (CreateStreamGroup: 1 per second).
        client = self.server.client(retries=False)

        def create(i):
            try:
                return client.create_stream_group(Description=f"g{i}", StreamClass="gen4n_ultra")
            except botocore.exceptions.ClientError as e:
                return e

        # Sent together, they arrive within far less than the second a
        # token takes to come back, however long each waits for its answer
        # to be on disk (one after the other, a busy disk could space them
        # by more than that).
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(create, range(4)))
        refused = [r for r in results if isinstance(r, Exception)]
        self.assertGreaterEqual(len(refused), 2, results)
        for e in refused:
            self.assertEqual(e.response["Error"]["Code"], "ThrottlingException")
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 429)
        self.assertEqual(len(client.list_stream_groups()["Items"]), len(results) - len(refused),
                         "the throttled requests did nothing")


class NoRateLimitsByDefault(RulesCase):
    def test_no_throttling_by_default(self):
        client = self.server.client(retries=False)
        for i in range(3):
            client.create_stream_group(Description=f"g{i}", StreamClass="gen4n_ultra")
        self.assertEqual(len(client.list_stream_groups()["Items"]), 3)


if __name__ == "__main__":
    unittest.main()
