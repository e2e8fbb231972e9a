"""Helpers shared by the resource tests (applications, stream groups, stream
URLs, tags, state): a test case on a manual clock with short-hands that create
resources and drive them to the status a test needs, and checks of the
response shapes against the API model."""
import datetime
import threading

from gls_testlib import OFFER, SDK_PROBLEM, TIMINGS, ServerTestCase

if not SDK_PROBLEM:
    import botocore.session

ACCOUNT = "111122223333"
REGION = "us-west-2"
PREFIX = f"arn:aws:gameliftstreams:{REGION}:{ACCOUNT}:"
FIXTURE_APP = "a-9ZY8X7Wv6"
FIXTURE_GROUP = "sg-1AB2C3De4"

# Default durations, in emulator seconds (tests/durations.json).
APP_INITIALIZED = TIMINGS["application"]["initializedSeconds"]        # INITIALIZED -> PROCESSING
APP_READY = APP_INITIALIZED + TIMINGS["application"]["processingSeconds"]  # ... -> READY, from CreateApplication
APP_DELETING = TIMINGS["application"]["deletingSeconds"]              # DELETING -> gone
REPLICATION = TIMINGS["application"]["replicationSeconds"]            # REPLICATING -> COMPLETED in one location
GROUP_ACTIVATING = TIMINGS["streamGroup"]["activatingSeconds"]        # ACTIVATING -> ACTIVE (group, first locations)
LOCATION_ADDING = TIMINGS["streamGroup"]["locationActivatingSeconds"]  # an added location ACTIVATING -> ACTIVE
LOCATION_REMOVING = TIMINGS["streamGroup"]["locationRemovingSeconds"]  # REMOVING -> gone
CAPACITY_PROVISIONING = TIMINGS["streamGroup"]["capacityProvisioningSeconds"]  # more AlwaysOnCapacity -> allocated
GROUP_DELETING = TIMINGS["streamGroup"]["deletingSeconds"]            # DELETING -> gone
GROUP_LIFETIME = TIMINGS["streamGroup"]["expirationSeconds"]          # CreatedAt -> ExpiresAt
SESSION_PLACEMENT = TIMINGS["streamSession"]["placementSeconds"]      # ACTIVATING -> ACTIVE for a placed session
SESSION_ON_DEMAND_PLACEMENT = TIMINGS["streamSession"]["onDemandPlacementSeconds"]  # ... on a unit allocated on demand
SESSION_TERMINATING = TIMINGS["streamSession"]["terminatingSeconds"]  # TERMINATING -> TERMINATED

TENANCY = {"gen4n_high": 2, "gen5n_high": 2, "gen6n_high": 2, "gen6n_medium": 4, "gen6n_small": 12,
           "gen4n_ultra": 1, "gen4n_win2022": 1, "gen5n_ultra": 1, "gen6n_pro": 1, "gen6e_pro": 1}


def app_arn(app_id, account=ACCOUNT, region=REGION):
    return f"arn:aws:gameliftstreams:{region}:{account}:application/{app_id}"


def group_arn(group_id, account=ACCOUNT, region=REGION):
    return f"arn:aws:gameliftstreams:{region}:{account}:streamgroup/{group_id}"


def url_arn(group_id, url_id):
    return f"{PREFIX}streamurl/{group_id}/{url_id}"


def last(arn):
    return arn.rsplit("/", 1)[1]


def ts(value):
    return value.timestamp()


def service_model():
    return botocore.session.get_session().get_service_model("gameliftstreams")


def output_members(operation):
    return list(service_model().operation_model(operation).output_shape.members)


def shape_members(name):
    return list(service_model().shape_for(name).members)


class ResourceCase(ServerTestCase):
    """A server on the manual clock with strict response checking; fixtures on or off per class."""

    server_args = ("--clock", "manual")
    _offers = 0
    _names = 0

    # --- the clock ---------------------------------------------------------------
    def now(self):
        status, body = self.server.admin("GET", "/clock")
        self.assertEqual(status, 200, body)
        return body["now"]

    def advance(self, seconds):
        status, body = self.server.admin("POST", "/clock", {"advanceSeconds": seconds})
        self.assertEqual(status, 200, body)
        return body["now"]

    def advance_to(self, epoch):
        now = self.now()
        self.assertLessEqual(now, epoch + 1e-6, "a test must not move the clock backwards")
        if epoch > now:
            status, body = self.server.admin("POST", "/clock", {"set": epoch})
            self.assertEqual(status, 200, body)
        return self.now()

    def advance_in_background(self, seconds, step=1, interval=0.25):
        """Advances the clock by `seconds`, `step` at a time, from another thread (for waiters)."""
        def run():
            moved = 0
            while moved < seconds and not stop.is_set():
                stop.wait(interval)
                self.server.admin("POST", "/clock", {"advanceSeconds": step})
                moved += step
        stop = threading.Event()
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 30)
        self.addCleanup(stop.set)
        return thread

    # --- names -------------------------------------------------------------------
    def name(self, prefix="res"):
        ResourceCase._names += 1
        return f"{prefix}-{ResourceCase._names}"

    def offer(self):
        ResourceCase._offers += 1
        return OFFER + f"a=offer:{ResourceCase._offers}\r\n"

    # --- applications ------------------------------------------------------------
    def create_app(self, **kw):
        args = dict(Description=self.name("app"), RuntimeEnvironment={"Type": "PROTON", "Version": "20241007"},
                    ExecutablePath="bin/game.exe", ApplicationSourceUri="s3://bucket/game")
        args.update(kw)
        return self.gls.create_application(**args)

    def ready_app(self, **kw):
        """A new application, READY; returns its ID."""
        r = self.create_app(**kw)
        self.advance(APP_READY + 0.5)
        self.assertEqual(self.gls.get_application(Identifier=r["Id"])["Status"], "READY")
        return r["Id"]

    def app_status(self, app):
        return self.gls.get_application(Identifier=app)["Status"]

    # --- stream groups -----------------------------------------------------------
    def create_group(self, **kw):
        args = dict(Description=self.name("group"), StreamClass="gen4n_high")
        args.update(kw)
        return self.gls.create_stream_group(**args)

    def active_group(self, **kw):
        """A new stream group, ACTIVE; returns its ID."""
        r = self.create_group(**kw)
        self.advance(GROUP_ACTIVATING + 0.5)
        g = self.gls.get_stream_group(Identifier=r["Id"])
        self.assertEqual(g["Status"], "ACTIVE", g)
        return r["Id"]

    def group(self, group):
        return self.gls.get_stream_group(Identifier=group)

    def location(self, group, name):
        states = {s["LocationName"]: s for s in self.group(group)["LocationStates"]}
        return states.get(name)

    def app_with_group(self, stream_class="gen4n_high", **group_kw):
        """A READY application that is the default of a new ACTIVE group: (app, group)."""
        app = self.ready_app()
        group = self.active_group(StreamClass=stream_class, DefaultApplicationIdentifier=app, **group_kw)
        return app, group

    # --- sessions ----------------------------------------------------------------
    def start(self, group, app, **kw):
        args = dict(Identifier=group, ApplicationIdentifier=app, Protocol="WebRTC", SignalRequest=self.offer())
        args.update(kw)
        return self.gls.start_stream_session(**args)

    def session(self, group, sid):
        return self.gls.get_stream_session(Identifier=group, StreamSessionIdentifier=sid)

    # --- admin -------------------------------------------------------------------
    def admin_ok(self, method, path, body=None, expect=200):
        status, payload = self.server.admin(method, path, body)
        self.assertEqual(status, expect, f"{method} /_gls{path} {body}: {payload}")
        return payload

    def history(self, path):
        body = self.admin_ok("GET", path)
        self.assertIsInstance(body, dict, body)
        self.assertIsInstance(body.get("history"), list, body)
        for e in body["history"]:
            self.assertEqual(set(e) >= {"from", "to", "reason", "cause", "time"}, True, e)
            self.assertIn(e["cause"], ("api", "timer", "admin", "fault"), e)
        return body["history"]

    # --- checks ------------------------------------------------------------------
    def assertTimestamp(self, value, expected, msg=None):
        self.assertIsInstance(value, datetime.datetime, msg)
        self.assertAlmostEqual(value.timestamp(), expected, places=3, msg=msg)

    def assertOnlyModelMembers(self, operation, response):
        extra = set(response) - set(output_members(operation)) - {"ResponseMetadata"}
        self.assertEqual(extra, set(), f"{operation}: members outside the model")

    def assertCode(self, ctx, code, status):
        self.assertApiError(ctx, code, status)
        return ctx.exception.response["Error"]["Message"]
