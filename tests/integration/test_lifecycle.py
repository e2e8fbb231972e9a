"""The stream-session lifecycle through boto3, on a manual clock.

Every test drives emulator time only through POST /_gls/clock, so that each
deadline (placement, connection, reconnection, idle, session length,
TERMINATING) is checked at exact emulator seconds: one second before it the old
status, just after it the new status and StatusReason, stamped with the due
time (not the time of the read), in GetStreamSession and in the history.
"""
import json
import os
import threading
import time
import unittest
import zipfile

import botocore.exceptions

from gls_testlib import OFFER, REQUEST_DEFAULTS, TIMINGS, ServerTestCase

SG = "sg-1AB2C3De4"
APP = "a-9ZY8X7Wv6"
FIXTURE_SESSION = "ABC123def4567"

# Default durations (tests/durations.json).
PLACEMENT = TIMINGS["streamSession"]["placementSeconds"]
PLACEMENT_TIMEOUT = TIMINGS["streamSession"]["placementTimeoutSeconds"]
RECONNECTING = TIMINGS["streamSession"]["reconnectingSeconds"]
TERMINATING = TIMINGS["streamSession"]["terminatingSeconds"]
IDLE_TIMEOUT = TIMINGS["streamSession"]["idleTimeoutSeconds"]
CONNECTION_TIMEOUT = REQUEST_DEFAULTS["ConnectionTimeoutSeconds"]
SESSION_LENGTH = REQUEST_DEFAULTS["SessionLengthSeconds"]

def sid_of(r):
    """The session ID at the end of a session ARN."""
    return r["Arn"].rsplit("/", 1)[1]


class LifecycleCase(ServerTestCase):
    """Helpers shared by all lifecycle classes; the clock is manual."""

    server_args = ("--clock", "manual")
    group = SG
    app = APP

    _offers = 0

    def offer(self):
        LifecycleCase._offers += 1
        return OFFER + f"a=offer:{LifecycleCase._offers}\r\n"

    def start(self, **kw):
        args = dict(Identifier=self.group, ApplicationIdentifier=self.app, Protocol="WebRTC",
                    SignalRequest=self.offer())
        args.update(kw)
        return self.gls.start_stream_session(**args)

    def get(self, sid):
        return self.gls.get_stream_session(Identifier=self.group, StreamSessionIdentifier=sid)

    def now(self):
        status, body = self.server.admin("GET", "/clock")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["mode"], "manual")
        return body["now"]

    def advance(self, seconds):
        status, body = self.server.admin("POST", "/clock", {"advanceSeconds": seconds})
        self.assertEqual(status, 200, body)
        return body["now"]

    def advance_to(self, epoch):
        """Moves the clock to exactly `epoch` (emulator seconds)."""
        now = self.now()
        self.assertLessEqual(now, epoch + 1e-6, "a test must not move the clock backwards")
        status, body = self.server.admin("POST", "/clock", {"set": epoch})
        self.assertEqual(status, 200, body)
        self.assertAlmostEqual(body["now"], epoch, places=3)
        return body["now"]

    def history(self, sid, group=None):
        status, body = self.server.admin("GET", f"/sessions/{group or self.group}/{sid}/history")
        self.assertEqual(status, 200, body)
        return body["history"]

    def event(self, sid, event, reason=None, expect=200):
        body = {"event": event}
        if reason is not None:
            body["reason"] = reason
        status, payload = self.server.admin("POST", f"/sessions/{self.group}/{sid}/events", body)
        self.assertEqual(status, expect, payload)
        return payload

    def force(self, sid, body, expect=200):
        status, payload = self.server.admin("POST", f"/sessions/{self.group}/{sid}/status", body)
        self.assertEqual(status, expect, payload)
        return payload

    def ts(self, value):
        return value.timestamp()

    def assertStatus(self, sid, status, reason=None, updated=None):
        r = self.get(sid)
        self.assertEqual(r["Status"], status, r)
        self.assertEqual(r.get("StatusReason"), reason, r)
        if updated is not None:
            self.assertAlmostEqual(self.ts(r["LastUpdatedAt"]), updated, places=3, msg=r)
        return r

    def assertLastTransitions(self, sid, expected):
        """expected: [(from, to, reason, cause, time)], compared with the end of the history."""
        h = self.history(sid)
        self.assertGreaterEqual(len(h), len(expected), h)
        tail = h[-len(expected):]
        for got, (frm, to, reason, cause, at) in zip(tail, expected):
            self.assertEqual((got["from"], got["to"], got["reason"], got["cause"]), (frm, to, reason, cause), h)
            self.assertAlmostEqual(got["time"], at, places=3, msg=h)
        return h

    def active_session(self, **kw):
        """A session started now and ACTIVE once placed; returns (id, start time)."""
        r = self.start(**kw)
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.advance_to(t0 + PLACEMENT)
        self.assertStatus(sid, "ACTIVE", updated=t0 + PLACEMENT)
        return sid, t0

    def connected_session(self, **kw):
        sid, t0 = self.active_session(**kw)
        self.event(sid, "clientConnect")
        self.assertStatus(sid, "CONNECTED", updated=t0 + PLACEMENT)
        return sid, t0

    def check_termination_at(self, sid, old_status, deadline, reason):
        """One second before `deadline`: old_status; then TERMINATING with reason stamped at the
        deadline (read half a second later); then TERMINATED once TERMINATING has run its course."""
        self.advance_to(deadline - 1)
        self.assertStatus(sid, old_status)
        self.advance(1.5)
        self.assertStatus(sid, "TERMINATING", reason, updated=deadline)
        self.advance(TERMINATING)
        self.assertStatus(sid, "TERMINATED", reason, updated=deadline + TERMINATING)
        self.assertLastTransitions(sid, [(old_status, "TERMINATING", reason, "timer", deadline),
                                         ("TERMINATING", "TERMINATED", reason, "timer", deadline + TERMINATING)])


class StartAndWaiter(LifecycleCase):
    def test_start_defaults_then_active(self):
        t_before = self.now()
        r = self.start()
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(r["Status"], "ACTIVATING")
        self.assertNotIn("StatusReason", r)
        self.assertEqual(r["ConnectionTimeoutSeconds"], CONNECTION_TIMEOUT)
        self.assertEqual(r["SessionLengthSeconds"], SESSION_LENGTH)
        self.assertFalse(r.get("SignalResponse"), "no SignalResponse before ACTIVE")
        self.assertRegex(sid_of(r), r"^[A-Za-z0-9]{13}$")
        t0 = self.ts(r["CreatedAt"])
        self.assertAlmostEqual(t0, t_before, places=3, msg="the manual clock stands still")
        sid = sid_of(r)
        self.advance_to(t0 + PLACEMENT - 0.001)
        self.assertStatus(sid, "ACTIVATING", updated=t0)
        self.advance(0.5)
        g = self.assertStatus(sid, "ACTIVE", updated=t0 + PLACEMENT)
        self.assertEqual(json.loads(g["SignalResponse"])["type"], "answer", g)
        self.assertLastTransitions(sid, [(None, "ACTIVATING", None, "api", t0),
                                         ("ACTIVATING", "ACTIVE", None, "timer", t0 + PLACEMENT)])

    def test_waiter_succeeds_on_active(self):
        sid = sid_of(self.start())
        waiter = self.gls.get_waiter("stream_session_active")
        # Advance from another thread while the waiter polls.
        timer = threading.Timer(0.3, lambda: self.server.admin("POST", "/clock", {"advanceSeconds": PLACEMENT}))
        timer.start()
        try:
            waiter.wait(Identifier=SG, StreamSessionIdentifier=sid, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
        finally:
            timer.join()
        self.assertEqual(self.get(sid)["Status"], "ACTIVE")

    def test_waiter_fails_on_error(self):
        sid, _ = self.active_session()
        self.event(sid, "fail", "internalError")
        waiter = self.gls.get_waiter("stream_session_active")
        with self.assertRaises(botocore.exceptions.WaiterError) as ctx:
            waiter.wait(Identifier=SG, StreamSessionIdentifier=sid, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
        self.assertEqual(ctx.exception.last_response["Status"], "ERROR")
        self.assertIn("failure", str(ctx.exception).lower())


class Timeouts(LifecycleCase):
    def test_connection_timeout(self):
        sid, t0 = self.active_session()
        self.check_termination_at(sid, "ACTIVE", t0 + PLACEMENT + CONNECTION_TIMEOUT, "connectionTimeout")

    def test_connection_timeout_custom(self):
        sid, t0 = self.active_session(ConnectionTimeoutSeconds=30)
        self.check_termination_at(sid, "ACTIVE", t0 + PLACEMENT + 30, "connectionTimeout")

    def test_reconnection_timeout(self):
        sid, t0 = self.connected_session(ConnectionTimeoutSeconds=60)
        self.advance_to(t0 + 10)
        self.event(sid, "clientDisconnect")
        self.assertStatus(sid, "PENDING_CLIENT_RECONNECTION", updated=t0 + 10)
        self.check_termination_at(sid, "PENDING_CLIENT_RECONNECTION", t0 + 10 + 60, "reconnectionTimeout")
        h = self.history(sid)
        self.assertIn(("CONNECTED", "PENDING_CLIENT_RECONNECTION", "admin"),
                      [(e["from"], e["to"], e["cause"]) for e in h])

    def test_idle_timeout(self):
        sid, t0 = self.connected_session()
        tc = t0 + PLACEMENT
        self.check_termination_at(sid, "CONNECTED", tc + IDLE_TIMEOUT, "idleTimeout")

    def test_user_input_postpones_idle_timeout(self):
        sid, t0 = self.connected_session()
        tc = t0 + PLACEMENT
        self.advance_to(tc + IDLE_TIMEOUT / 2)
        self.event(sid, "userInput")
        self.advance_to(tc + IDLE_TIMEOUT + 1)
        self.assertStatus(sid, "CONNECTED", updated=tc)
        self.check_termination_at(sid, "CONNECTED", tc + IDLE_TIMEOUT / 2 + IDLE_TIMEOUT, "idleTimeout")

    def test_user_input_needs_connected(self):
        sid, _ = self.active_session()
        self.event(sid, "userInput", expect=409)

    def test_max_session_length(self):
        sid, t0 = self.connected_session(SessionLengthSeconds=300)
        self.check_termination_at(sid, "CONNECTED", t0 + 300, "maxSessionLengthTimeout")

    def test_max_session_length_counts_from_start_across_statuses(self):
        sid, t0 = self.connected_session(SessionLengthSeconds=300, ConnectionTimeoutSeconds=3600)
        self.advance_to(t0 + 100)
        self.event(sid, "clientDisconnect")
        self.check_termination_at(sid, "PENDING_CLIENT_RECONNECTION", t0 + 300, "maxSessionLengthTimeout")

    def _fill_capacity(self):
        """The fixture session holds one of 4 units: three more sessions fill the group."""
        ids = [sid_of(self.start()) for _ in range(3)]
        t0 = self.now()
        return ids, t0

    def test_placement_timeout(self):
        ids, t0 = self._fill_capacity()
        waiting = self.start()
        wid = sid_of(waiting)
        self.assertEqual(waiting["Status"], "ACTIVATING")
        self.advance_to(t0 + PLACEMENT)
        for sid in ids:
            self.assertStatus(sid, "ACTIVE")
        self.assertStatus(wid, "ACTIVATING")
        self.advance_to(t0 + PLACEMENT_TIMEOUT - 1)
        self.assertStatus(wid, "ACTIVATING", updated=t0)
        self.advance(1.5)
        r = self.assertStatus(wid, "ERROR", "placementTimeout", updated=t0 + PLACEMENT_TIMEOUT)
        self.assertFalse(r.get("SignalResponse"))
        self.assertLastTransitions(wid, [(None, "ACTIVATING", None, "api", t0),
                                         ("ACTIVATING", "ERROR", "placementTimeout", "timer", t0 + PLACEMENT_TIMEOUT)])

    def test_waiting_session_placed_when_unit_freed(self):
        ids, t0 = self._fill_capacity()
        wid = sid_of(self.start())
        self.advance_to(t0 + 10)
        self.assertStatus(wid, "ACTIVATING")
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=ids[0])
        # TERMINATING still holds the unit; it is free at TERMINATED, then placement runs.
        freed = t0 + 10 + TERMINATING
        placed = freed + PLACEMENT
        self.advance(0.5)
        self.assertStatus(ids[0], "TERMINATING", "apiTerminated", updated=t0 + 10)
        self.assertStatus(wid, "ACTIVATING")
        self.advance_to(placed - 0.1)
        self.assertStatus(ids[0], "TERMINATED", "apiTerminated", updated=freed)
        self.assertStatus(wid, "ACTIVATING")
        self.advance_to(placed + 0.5)
        self.assertStatus(wid, "ACTIVE", updated=placed)
        self.advance_to(t0 + PLACEMENT_TIMEOUT + 5)
        self.assertStatus(wid, "ACTIVE", updated=placed)
        self.assertNotIn("placementTimeout", [e["reason"] for e in self.history(wid)])

    def test_sixth_session_waits_while_fifth_waits(self):
        # Two waiting sessions; one freed unit places only the older one.
        ids, t0 = self._fill_capacity()
        w1 = sid_of(self.start())
        w2 = sid_of(self.start())
        self.advance_to(t0 + PLACEMENT)
        self.event(ids[0], "applicationExit")
        placed = t0 + PLACEMENT + TERMINATING + PLACEMENT
        self.advance_to(placed + 0.5)
        self.assertStatus(w1, "ACTIVE", updated=placed)
        self.assertStatus(w2, "ACTIVATING")
        self.advance_to(t0 + PLACEMENT_TIMEOUT + 1)
        self.assertStatus(w2, "ERROR", "placementTimeout", updated=t0 + PLACEMENT_TIMEOUT)

    def test_unit_freed_by_timer_within_one_advance(self):
        # A filler with a short connection timeout ends inside one big advance;
        # the waiting session is placed then, becomes ACTIVE, and times out in turn.
        ids = [sid_of(self.start(ConnectionTimeoutSeconds=20))] + [sid_of(self.start()) for _ in range(2)]
        t0 = self.now()
        wid = sid_of(self.start(ConnectionTimeoutSeconds=100))
        filler_ended = t0 + PLACEMENT + 20 + TERMINATING
        active = filler_ended + PLACEMENT
        self.advance(200)
        self.assertStatus(ids[0], "TERMINATED", "connectionTimeout", updated=filler_ended)
        h = self.history(wid)
        self.assertEqual([(e["to"], e["reason"], e["cause"]) for e in h], [
            ("ACTIVATING", None, "api"), ("ACTIVE", None, "timer"),
            ("TERMINATING", "connectionTimeout", "timer"), ("TERMINATED", "connectionTimeout", "timer")])
        for e, at in zip(h, [t0, active, active + 100, active + 100 + TERMINATING]):
            self.assertAlmostEqual(e["time"], at, places=3, msg=h)

    # An ACTIVATING session that was never placed holds no unit: when it reaches its
    # SessionLengthSeconds its TERMINATING must not count as allocated, nor may its
    # TERMINATED release a unit, or the group is over-allocated for a second and a
    # really free unit is withheld from the next waiting session.
    def test_unplaced_session_ending_holds_no_unit(self):
        # Group full (fixture + 3). w1 waits and reaches its SessionLengthSeconds (30 s) while
        # still unplaced: it goes TERMINATING at t0+30 but never held a unit. A filler terminated
        # at t0+29.5 frees its unit once TERMINATED, so w2 is placed then.
        ids, t0 = self._fill_capacity()
        w1 = sid_of(self.start(SessionLengthSeconds=30))
        w2 = sid_of(self.start())
        self.advance_to(t0 + 29.5)
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=ids[0])
        self.advance_to(t0 + 30.2)
        self.assertStatus(w1, "TERMINATING", "maxSessionLengthTimeout", updated=t0 + 30)
        self.advance_to(t0 + 35)
        self.assertStatus(w1, "TERMINATED", "maxSessionLengthTimeout", updated=t0 + 30 + TERMINATING)
        self.assertStatus(ids[0], "TERMINATED", "apiTerminated", updated=t0 + 29.5 + TERMINATING)
        self.assertStatus(w2, "ACTIVE", updated=t0 + 29.5 + TERMINATING + PLACEMENT)

    def test_no_client_connection_reconnection_timeout(self):
        r = self.start(SignalRequest="NO_CLIENT_CONNECTION", ConnectionTimeoutSeconds=40)
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.check_termination_at(sid, "PENDING_CLIENT_RECONNECTION", t0 + PLACEMENT + 40, "reconnectionTimeout")


class OwnTimingsOverTheEmulators(LifecycleCase):
    """A session's own durations replace only what they name; the rest stay those of --timings."""

    @classmethod
    def setUpClass(cls):
        path = os.path.join(cls.class_tmpdir("gls-timings-"), "timings.json")
        with open(path, "w") as f:
            json.dump({"streamSession": {"terminatingSeconds": 4}}, f)
        cls.server_args = ("--clock", "manual", "--timings", path)
        super().setUpClass()

    def test_setting_one_duration_keeps_the_others_of_the_emulator(self):
        sid, t0 = self.active_session()
        status, body = self.server.admin("POST", "/sessions/%s/%s/timings" % (SG, sid), {"idleTimeoutSeconds": 100})
        self.assertEqual(status, 200, body)
        own = body["streamSession"]
        self.assertEqual(own["idleTimeoutSeconds"], 100)
        self.assertEqual(own["terminatingSeconds"], 4)
        at = self.now()
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.advance(10)
        self.assertStatus(sid, "TERMINATED", "apiTerminated", updated=at + 4)


class AutoConnectChain(LifecycleCase):
    server_args = ("--clock", "manual", "--auto-connect", "5")

    def test_one_big_advance_replays_chain(self):
        r = self.start()
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.advance_to(t0 + PLACEMENT)
        self.get(sid)  # the answer is delivered as the session becomes ACTIVE
        self.advance(10000)
        h = self.history(sid)
        got = [(e["from"], e["to"], e["reason"], e["cause"]) for e in h]
        self.assertEqual(got, [
            (None, "ACTIVATING", None, "api"),
            ("ACTIVATING", "ACTIVE", None, "timer"),
            ("ACTIVE", "CONNECTED", None, "timer"),
            ("CONNECTED", "TERMINATING", "idleTimeout", "timer"),
            ("TERMINATING", "TERMINATED", "idleTimeout", "timer"),
        ])
        connected = t0 + PLACEMENT + 5
        for e, at in zip(h, [t0, t0 + PLACEMENT, connected, connected + IDLE_TIMEOUT,
                             connected + IDLE_TIMEOUT + TERMINATING]):
            self.assertAlmostEqual(e["time"], at, places=3, msg=h)
        self.assertStatus(sid, "TERMINATED", "idleTimeout", updated=connected + IDLE_TIMEOUT + TERMINATING)

    def test_auto_connect_at_exact_second(self):
        r = self.start()
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.advance_to(t0 + PLACEMENT)
        self.assertStatus(sid, "ACTIVE", updated=t0 + PLACEMENT)  # delivers the answer
        self.advance_to(t0 + PLACEMENT + 5 - 0.1)
        self.assertStatus(sid, "ACTIVE", updated=t0 + PLACEMENT)
        self.advance_to(t0 + PLACEMENT + 5)
        self.assertStatus(sid, "CONNECTED", updated=t0 + PLACEMENT + 5)


class ClockNeverShowsPassedDeadline(LifecycleCase):
    def test_next_request_sees_final_state(self):
        sids = [sid_of(self.start(SessionLengthSeconds=600)) for _ in range(3)]
        t0 = self.now()
        self.advance(86400 * 3)
        for sid in sids:
            # the connection timeout comes before the session length.
            self.assertStatus(sid, "TERMINATED", "connectionTimeout",
                              updated=t0 + PLACEMENT + CONNECTION_TIMEOUT + TERMINATING)
        fixture = self.get(FIXTURE_SESSION)
        self.assertEqual((fixture["Status"], fixture.get("StatusReason")), ("TERMINATED", "idleTimeout"))
        listed = self.gls.list_stream_sessions(Identifier=SG)["Items"]
        self.assertTrue(all(i["Status"] == "TERMINATED" for i in listed), listed)

    def test_set_clock_applies_due_transitions(self):
        r = self.start()
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.advance_to(t0 + 500)
        self.assertStatus(sid, "TERMINATED", "connectionTimeout",
                          updated=t0 + PLACEMENT + CONNECTION_TIMEOUT + TERMINATING)

    def test_clock_cannot_go_back(self):
        now = self.now()
        status, body = self.server.admin("POST", "/clock", {"set": now - 10})
        self.assertEqual(status, 400, body)
        status, body = self.server.admin("POST", "/clock", {"advanceSeconds": -1})
        self.assertEqual(status, 400, body)
        self.assertAlmostEqual(self.now(), now, places=3)


class StatusesAndReasons(LifecycleCase):
    def test_terminate_refused_while_activating(self):
        sid = sid_of(self.start())
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.assertApiError(ctx, "ValidationException", 400, "ACTIVATING")
        self.assertStatus(sid, "ACTIVATING")

    def test_api_terminated(self):
        sid, t0 = self.active_session()
        self.advance_to(t0 + 20)
        r = self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        ended = t0 + 20 + TERMINATING
        self.assertStatus(sid, "TERMINATING", "apiTerminated", updated=t0 + 20)
        self.advance_to(ended - 0.001)
        self.assertStatus(sid, "TERMINATING", "apiTerminated")
        self.advance_to(ended + 0.5)
        self.assertStatus(sid, "TERMINATED", "apiTerminated", updated=ended)
        self.assertLastTransitions(sid, [("ACTIVE", "TERMINATING", "apiTerminated", "api", t0 + 20),
                                         ("TERMINATING", "TERMINATED", "apiTerminated", "timer", ended)])
        n = len(self.history(sid))
        again = self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.assertEqual(again["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertStatus(sid, "TERMINATED", "apiTerminated", updated=ended)
        self.assertEqual(len(self.history(sid)), n, "a terminate on TERMINATED changes nothing")

    def test_api_terminated_from_every_running_status(self):
        for prepare in ("ACTIVE", "CONNECTED", "PENDING_CLIENT_RECONNECTION", "RECONNECTING"):
            with self.subTest(status=prepare):
                sid, _ = self.active_session()
                if prepare in ("CONNECTED", "PENDING_CLIENT_RECONNECTION"):
                    self.event(sid, "clientConnect")
                if prepare == "PENDING_CLIENT_RECONNECTION":
                    self.event(sid, "clientDisconnect")
                if prepare == "RECONNECTING":
                    self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid,
                                                              SignalRequest=self.offer())
                self.assertStatus(sid, prepare)
                self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
                self.assertStatus(sid, "TERMINATING", "apiTerminated")
                self.advance(TERMINATING)
                self.assertStatus(sid, "TERMINATED", "apiTerminated")

    def test_application_exit(self):
        sid, t0 = self.connected_session()
        self.advance_to(t0 + 30)
        payload = self.event(sid, "applicationExit")
        self.assertEqual(payload["Status"], "TERMINATING")
        self.assertEqual(payload["StatusReason"], "applicationExit")
        self.assertStatus(sid, "TERMINATING", "applicationExit", updated=t0 + 30)
        self.advance(5)
        self.assertStatus(sid, "TERMINATED", "applicationExit", updated=t0 + 30 + TERMINATING)
        self.assertLastTransitions(sid, [("CONNECTED", "TERMINATING", "applicationExit", "admin", t0 + 30),
                                         ("TERMINATING", "TERMINATED", "applicationExit", "timer",
                                          t0 + 30 + TERMINATING)])

    def test_fail_reasons(self):
        for reason in ("internalError", "applicationLogS3DestinationError", "assumeRoleFailed",
                       "invalidSignalRequest", "placementTimeout"):
            with self.subTest(reason=reason):
                sid, t0 = self.connected_session()
                now = self.now()
                self.event(sid, "fail", reason)
                self.assertStatus(sid, "ERROR", reason, updated=now)
                self.assertLastTransitions(sid, [("CONNECTED", "ERROR", reason, "admin", now)])
                self.advance(5000)
                self.assertStatus(sid, "ERROR", reason, updated=now)

    def test_fail_default_reason_and_bad_reason(self):
        sid, _ = self.active_session()
        self.event(sid, "fail", "idleTimeout", expect=400)
        self.event(sid, "fail", "nonsense", expect=400)
        self.event(sid, "clientConnect", reason="internalError", expect=400)
        self.event(sid, "explode", expect=400)
        self.assertStatus(sid, "ACTIVE")
        self.event(sid, "fail")
        self.assertStatus(sid, "ERROR", "internalError")
        self.event(sid, "fail", expect=409)

    def test_fail_while_activating(self):
        r = self.start()
        self.event(sid_of(r), "fail", "assumeRoleFailed")
        self.assertStatus(sid_of(r), "ERROR", "assumeRoleFailed", updated=self.ts(r["CreatedAt"]))
        self.advance(10)
        self.assertStatus(sid_of(r), "ERROR", "assumeRoleFailed")

    def test_reused_signal_request_is_invalid(self):
        offer = self.offer()
        sid, t0 = self.active_session(SignalRequest=offer)
        self.advance_to(t0 + 10)
        self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid, SignalRequest=offer)
        self.assertStatus(sid, "RECONNECTING", updated=t0 + 10)
        refused = t0 + 10 + RECONNECTING
        self.advance_to(refused - 0.1)
        self.assertStatus(sid, "RECONNECTING")
        self.advance_to(refused + 0.5)
        self.assertStatus(sid, "ERROR", "invalidSignalRequest", updated=refused)
        self.assertLastTransitions(sid, [("ACTIVE", "RECONNECTING", None, "api", t0 + 10),
                                         ("RECONNECTING", "ERROR", "invalidSignalRequest", "timer", refused)])

    def test_blank_signal_request_at_start(self):
        r = self.start(SignalRequest="   ")
        self.assertEqual(r["Status"], "ACTIVATING")
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.advance_to(t0 + PLACEMENT - 0.5)
        self.assertStatus(sid, "ACTIVATING")
        self.advance_to(t0 + PLACEMENT + 0.5)
        g = self.assertStatus(sid, "ERROR", "invalidSignalRequest", updated=t0 + PLACEMENT)
        self.assertFalse(g.get("SignalResponse"))

    def test_no_client_connection(self):
        r = self.start(SignalRequest="NO_CLIENT_CONNECTION", ConnectionTimeoutSeconds=50)
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.assertEqual(r["SignalRequest"], "NO_CLIENT_CONNECTION")
        self.advance_to(t0 + PLACEMENT + 0.5)
        g = self.assertStatus(sid, "PENDING_CLIENT_RECONNECTION", updated=t0 + PLACEMENT)
        self.assertFalse(g.get("SignalResponse"), "no SignalResponse until a connection is created")
        self.advance_to(t0 + 20)
        offer = self.offer()
        c = self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid, SignalRequest=offer)
        self.assertEqual(json.loads(c["SignalResponse"])["type"], "answer")
        g = self.assertStatus(sid, "RECONNECTING", updated=t0 + 20)
        self.assertEqual(g["SignalResponse"], c["SignalResponse"])
        self.assertEqual(g["SignalRequest"], offer, "the new offer replaces the first")
        active = t0 + 20 + RECONNECTING
        self.advance_to(active - 0.01)
        self.assertStatus(sid, "RECONNECTING")
        self.advance_to(active)
        g = self.assertStatus(sid, "ACTIVE", updated=active)
        self.assertEqual(g["SignalResponse"], c["SignalResponse"])
        # The reconnection timer is gone; the connection timeout now counts from ACTIVE.
        self.advance_to(active + 49)
        self.assertStatus(sid, "ACTIVE")
        self.advance_to(active + 50.5)
        self.assertStatus(sid, "TERMINATING", "connectionTimeout", updated=active + 50)

    def test_reconnect_after_disconnect(self):
        sid, t0 = self.connected_session()
        self.event(sid, "clientDisconnect")
        self.advance_to(t0 + 5)
        self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid,
                                                  SignalRequest=self.offer())
        self.assertStatus(sid, "RECONNECTING", updated=t0 + 5)
        self.advance_to(t0 + 5 + RECONNECTING)
        self.assertStatus(sid, "ACTIVE", updated=t0 + 5 + RECONNECTING)
        self.event(sid, "clientConnect")
        self.assertStatus(sid, "CONNECTED", updated=t0 + 5 + RECONNECTING)
        causes = [(e["to"], e["cause"]) for e in self.history(sid)]
        self.assertEqual(causes[-4:], [("PENDING_CLIENT_RECONNECTION", "admin"), ("RECONNECTING", "api"),
                                       ("ACTIVE", "timer"), ("CONNECTED", "admin")])

    def test_connection_refused_when_connected_or_terminated(self):
        sid, _ = self.connected_session()
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid,
                                                      SignalRequest=self.offer())
        self.assertApiError(ctx, "ConflictException", 409, "CONNECTED")
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.advance(TERMINATING)
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid,
                                                      SignalRequest=self.offer())
        self.assertApiError(ctx, "ConflictException", 409, "TERMINATED")

    def test_forced_status(self):
        sid, t0 = self.active_session()
        # ACTIVE -> CONNECTED is reachable.
        p = self.force(sid, {"status": "CONNECTED"})
        self.assertEqual(p["Status"], "CONNECTED")
        self.assertLastTransitions(sid, [("ACTIVE", "CONNECTED", None, "admin", t0 + PLACEMENT)])
        # CONNECTED -> ACTIVATING is not.
        self.force(sid, {"status": "ACTIVATING"}, expect=409)
        self.assertStatus(sid, "CONNECTED")
        # bad status, bad reasons
        self.force(sid, {"status": "SLEEPING"}, expect=400)
        self.force(sid, {"status": "ERROR", "statusReason": "idleTimeout"}, expect=400)
        self.force(sid, {"status": "TERMINATING", "statusReason": "internalError"}, expect=400)
        self.force(sid, {"status": "PENDING_CLIENT_RECONNECTION", "statusReason": "idleTimeout"}, expect=400)
        self.force(sid, {"status": "CONNECTED", "force": "yes"}, expect=400)
        self.assertStatus(sid, "CONNECTED")
        # reachable with a reason; the TERMINATING timer is armed.
        self.force(sid, {"status": "TERMINATING", "statusReason": "idleTimeout"})
        self.assertStatus(sid, "TERMINATING", "idleTimeout", updated=t0 + PLACEMENT)
        self.advance(TERMINATING)
        forced = t0 + PLACEMENT + TERMINATING
        self.assertStatus(sid, "TERMINATED", "idleTimeout", updated=forced)
        # TERMINATED -> ACTIVE only with force.
        self.force(sid, {"status": "ACTIVE"}, expect=409)
        self.force(sid, {"status": "ACTIVE", "force": True})
        self.assertStatus(sid, "ACTIVE", updated=forced)
        self.assertLastTransitions(sid, [("TERMINATED", "ACTIVE", None, "admin", forced)])
        # A forced ACTIVE is a real ACTIVE: its connection timeout runs.
        self.advance_to(forced + CONNECTION_TIMEOUT + 0.5)
        self.assertStatus(sid, "TERMINATING", "connectionTimeout", updated=forced + CONNECTION_TIMEOUT)

    def test_forced_error_default_reason(self):
        sid, _ = self.active_session()
        self.force(sid, {"status": "ERROR"})
        self.assertStatus(sid, "ERROR", "internalError")
        self.assertEqual(self.history(sid)[-1]["cause"], "admin")

    def test_every_status_and_reason_seen(self):
        """All 8 statuses and all 11 StatusReasons of the model are reachable without force."""
        statuses, reasons = set(), set()

        def note(sid):
            for e in self.history(sid):
                statuses.add(e["to"])
                if e["reason"]:
                    reasons.add(e["reason"])

        # placementTimeout first, while the fixture session still holds its unit
        ids = [sid_of(self.start()) for _ in range(3)]
        w = sid_of(self.start())
        self.advance(PLACEMENT_TIMEOUT + 5)
        note(w)
        for sid in ids:
            self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.advance(TERMINATING)
        # connectionTimeout, idle, reconnection, session length, api, app exit
        a, _ = self.active_session()
        self.advance(CONNECTION_TIMEOUT + 5)
        note(a)
        b, _ = self.connected_session()
        self.advance(IDLE_TIMEOUT + 5)
        note(b)
        c, _ = self.connected_session()
        self.event(c, "clientDisconnect")
        self.advance(CONNECTION_TIMEOUT + 5)
        note(c)
        d, _ = self.connected_session(SessionLengthSeconds=10)
        self.advance(12)
        note(d)
        e, _ = self.connected_session()
        self.event(e, "clientDisconnect")
        self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=e, SignalRequest=self.offer())
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=e)
        self.advance(TERMINATING)
        note(e)
        f, _ = self.active_session()
        self.event(f, "applicationExit")
        self.advance(TERMINATING)
        note(f)
        for reason in ("internalError", "applicationLogS3DestinationError", "assumeRoleFailed"):
            g, _ = self.active_session()
            self.event(g, "fail", reason)
            note(g)
        h = sid_of(self.start(SignalRequest=" "))
        self.advance(3)
        note(h)
        self.assertEqual(statuses, {"ACTIVATING", "ACTIVE", "CONNECTED", "PENDING_CLIENT_RECONNECTION",
                                    "RECONNECTING", "TERMINATING", "TERMINATED", "ERROR"})
        model = self.gls.meta.service_model.shape_for("StreamSessionStatusReason").enum
        self.assertEqual(reasons, set(model))


class ExportFiles(LifecycleCase):
    def export(self, sid, uri):
        return self.gls.export_stream_session_files(Identifier=SG, StreamSessionIdentifier=sid, OutputUri=uri)

    def test_refused_when_activating_or_terminated(self):
        r = self.start()
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.export(sid_of(r), "s3://bucket/out/")
        self.assertApiError(ctx, "ValidationException", 400, "ACTIVATING")
        self.advance(PLACEMENT)
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid_of(r))
        self.advance(TERMINATING)
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.export(sid_of(r), "s3://bucket/out/")
        self.assertApiError(ctx, "ValidationException", 400, "TERMINATED")
        self.assertNotIn("ExportFilesMetadata", self.get(sid_of(r)))

    def test_pending_then_succeeded(self):
        sid, t0 = self.active_session()
        self.advance_to(t0 + 10)
        self.export(sid, "s3://my-bucket/exports/")
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(t0 + 10))
        expected = f"s3://my-bucket/exports/{stamp}-{APP}-{SG}-{sid}.zip"
        meta = self.get(sid)["ExportFilesMetadata"]
        self.assertEqual(meta["Status"], "PENDING")
        self.assertEqual(meta["OutputUri"], expected)
        listed = {i["Arn"].rsplit("/", 1)[1]: i for i in self.gls.list_stream_sessions(Identifier=SG)["Items"]}
        self.assertEqual(listed[sid]["ExportFilesMetadata"]["OutputUri"], expected)
        by_account = {i["Arn"].rsplit("/", 1)[1]: i for i in self.gls.list_stream_sessions_by_account()["Items"]}
        self.assertEqual(by_account[sid]["ExportFilesMetadata"], {"Status": "PENDING"})
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.assertEqual(self.get(sid)["ExportFilesMetadata"]["Status"], "PENDING", "still running (TERMINATING)")
        self.advance(TERMINATING)
        meta = self.get(sid)["ExportFilesMetadata"]
        self.assertEqual(meta["Status"], "SUCCEEDED")
        self.assertEqual(meta["OutputUri"], expected)
        self.assertNotIn("StatusReason", meta)

    def test_accepted_in_every_running_status(self):
        for prepare in ("ACTIVE", "CONNECTED", "PENDING_CLIENT_RECONNECTION", "RECONNECTING"):
            with self.subTest(status=prepare):
                sid, _ = self.active_session()
                if prepare != "ACTIVE":
                    self.event(sid, "clientConnect")
                if prepare in ("PENDING_CLIENT_RECONNECTION", "RECONNECTING"):
                    self.event(sid, "clientDisconnect")
                if prepare == "RECONNECTING":
                    self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid,
                                                              SignalRequest=self.offer())
                self.assertStatus(sid, prepare)
                self.export(sid, "s3://b/k.zip")
                self.assertEqual(self.get(sid)["ExportFilesMetadata"],
                                 {"Status": "PENDING", "OutputUri": "s3://b/k.zip"})
                self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
                self.advance(TERMINATING)

    def test_refused_in_error(self):
        sid, _ = self.active_session()
        self.event(sid, "fail")
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.export(sid, "s3://b/k.zip")

    def test_connected_export_with_zip_name_kept(self):
        sid, _ = self.connected_session()
        self.export(sid, "s3://my-bucket/a/b/session.zip")
        self.assertEqual(self.get(sid)["ExportFilesMetadata"]["OutputUri"], "s3://my-bucket/a/b/session.zip")

    def test_failed_when_session_errors(self):
        sid, _ = self.connected_session()
        self.export(sid, "s3://my-bucket/exports/")
        self.event(sid, "fail", "internalError")
        meta = self.get(sid)["ExportFilesMetadata"]
        self.assertEqual(meta["Status"], "FAILED")
        self.assertTrue(meta.get("StatusReason"), meta)

    def test_export_status_filter(self):
        a, _ = self.active_session()
        b, _ = self.active_session()
        self.export(a, "s3://my-bucket/x/")
        self.export(b, "s3://my-bucket/y/")
        self.event(b, "fail")
        def ids(**kw):
            return {i["Arn"].rsplit("/", 1)[1] for i in self.gls.list_stream_sessions(Identifier=SG, **kw)["Items"]}
        self.assertEqual(ids(ExportFilesStatus="FAILED"), {b})
        self.assertEqual(ids(ExportFilesStatus="PENDING"), {a, FIXTURE_SESSION})
        self.assertEqual(ids(ExportFilesStatus="SUCCEEDED"), set())
        acc = {i["Arn"].rsplit("/", 1)[1] for i in
               self.gls.list_stream_sessions_by_account(ExportFilesStatus="FAILED")["Items"]}
        self.assertEqual(acc, {b})


class ExportToDisk(LifecycleCase):
    @classmethod
    def setUpClass(cls):
        cls.export_dir = cls.class_tmpdir("gls-export-")
        cls.server_args = ("--clock", "manual", "--export-dir", cls.export_dir)
        super().setUpClass()


    def test_real_zip_written(self):
        sid, t0 = self.connected_session(UserId="player-7")
        self.export(sid, "s3://zip-bucket/out/")
        uri = self.get(sid)["ExportFilesMetadata"]["OutputUri"]
        key = uri[len("s3://zip-bucket/"):]
        path = os.path.join(self.export_dir, "zip-bucket", key)
        self.assertFalse(os.path.exists(path), "nothing is written while PENDING")
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.advance(TERMINATING)
        self.assertEqual(self.get(sid)["ExportFilesMetadata"]["Status"], "SUCCEEDED")
        self.assertTrue(os.path.isfile(path), path)
        with zipfile.ZipFile(path) as z:
            self.assertIsNone(z.testzip())
            names = z.namelist()
            for folder in ("application/", "profile/", "temp/"):
                self.assertTrue(any(n.startswith(folder) for n in names), names)
            self.assertIn("manifest.json", names)
            manifest = json.loads(z.read("manifest.json"))
        self.assertIn(sid, json.dumps(manifest))

    def export(self, sid, uri):
        return self.gls.export_stream_session_files(Identifier=SG, StreamSessionIdentifier=sid, OutputUri=uri)

    def end_session(self, sid):
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.advance(TERMINATING)
        return self.get(sid)["ExportFilesMetadata"]

    def files_under(self, root):
        return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)

    def test_empty_key_segments_stay_inside(self):
        outside = self.class_tmpdir("gls-outside-")
        sid, _ = self.connected_session()
        # "//" once made the key absolute: path(bucket) / "/tmp/..." dropped the base.
        self.export(sid, f"s3://conf-bucket/{outside}/escape.zip")
        self.export(sid, f"s3://conf-bucket//{outside.lstrip('/')}/escape.zip")
        self.assertEqual(self.end_session(sid)["Status"], "SUCCEEDED")
        self.assertEqual(os.listdir(outside), [], "nothing was written outside the export directory")
        inside = os.path.join(self.export_dir, "conf-bucket", outside.lstrip("/"), "escape.zip")
        self.assertTrue(os.path.isfile(inside), self.files_under(self.export_dir))

    def test_keys_that_would_leave_are_refused_at_once(self):
        sid, _ = self.connected_session()
        for uri in ("s3://conf-bucket/../escape.zip", "s3://conf-bucket/a/../../escape.zip",
                    "s3://conf-bucket/a/%2e%2e/%2E%2E/escape.zip", "s3://conf-bucket/./x.zip",
                    "s3://conf-bucket/a/.%2e/x.zip", "s3://../escape.zip", "s3:///tmp/escape.zip",
                    "s3://conf-bucket/a\x01b.zip", "s3://%2e%2e/x.zip", "https://conf-bucket/x.zip"):
            with self.subTest(uri=uri):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.export(sid, uri)
                self.assertApiError(ctx, "ValidationException", 400)
        self.assertNotIn("ExportFilesMetadata", self.get(sid))

    def test_symbolic_links_inside_the_directory_are_not_followed(self):
        outside = self.class_tmpdir("gls-outside-")
        os.makedirs(os.path.join(self.export_dir, "link-bucket"), exist_ok=True)
        os.symlink(outside, os.path.join(self.export_dir, "link-bucket", "sub"))
        os.symlink(outside, os.path.join(self.export_dir, "linked-bucket"))
        for uri in ("s3://link-bucket/sub/x.zip", "s3://linked-bucket/x.zip"):
            with self.subTest(uri=uri):
                sid, _ = self.connected_session()
                self.export(sid, uri)
                meta = self.end_session(sid)
                self.assertEqual(meta["Status"], "FAILED", meta)
                self.assertIn("symbolic link", meta["StatusReason"])
        self.assertEqual(os.listdir(outside), [])


class AdminShell(LifecycleCase):
    def shell(self, sid):
        return self.gls.create_stream_session_admin_shell(Identifier=SG, StreamSessionIdentifier=sid)

    def test_admin_shell(self):
        r = self.start()
        with self.assertRaises(self.gls.exceptions.StreamSessionAccessNotReadyException) as ctx:
            self.shell(sid_of(r))
        self.assertApiError(ctx, "StreamSessionAccessNotReadyException")
        self.advance(PLACEMENT)
        creds = self.shell(sid_of(r))
        self.assertTrue(creds["SessionId"])
        self.assertTrue(creds["StreamUrl"].startswith("wss://"), creds)
        self.assertTrue(creds["TokenValue"])
        self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid_of(r))
        self.advance(TERMINATING)
        with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
            self.shell(sid_of(r))
        self.assertApiError(ctx, "ValidationException", 400)


class Idempotency(LifecycleCase):
    def test_client_token(self):
        offer = self.offer()
        token = "tok-" + "x" * 40
        a = self.start(ClientToken=token, SignalRequest=offer, Description="one")
        before = len(self.gls.list_stream_sessions(Identifier=SG)["Items"])
        b = self.start(ClientToken=token, SignalRequest=offer, Description="one")
        self.assertEqual(sid_of(a), sid_of(b))
        self.assertEqual(len(self.gls.list_stream_sessions(Identifier=SG)["Items"]), before)
        with self.assertRaises(self.gls.exceptions.ConflictException) as ctx:
            self.start(ClientToken=token, SignalRequest=offer, Description="two")
        self.assertApiError(ctx, "ConflictException", 409)
        self.assertEqual(len(self.gls.list_stream_sessions(Identifier=SG)["Items"]), before)


class Lists(LifecycleCase):
    def test_status_filter(self):
        a, _ = self.active_session()
        b, _ = self.connected_session()
        self.event(b, "fail")
        def ids(**kw):
            return {i["Arn"].rsplit("/", 1)[1] for i in self.gls.list_stream_sessions(Identifier=SG, **kw)["Items"]}
        self.assertEqual(ids(Status="ACTIVE"), {a})
        self.assertEqual(ids(Status="ERROR"), {b})
        self.assertEqual(ids(Status="CONNECTED"), {FIXTURE_SESSION})
        acc = {i["Arn"].rsplit("/", 1)[1] for i in self.gls.list_stream_sessions_by_account(Status="ERROR")["Items"]}
        self.assertEqual(acc, {b})


PAGINATION_FIXTURES = {
    "applications": [{"Id": "a-PAGE00001", "Description": "pages", "ExecutablePath": "x.exe",
                      "RuntimeEnvironment": {"Type": "PROTON", "Version": "20241007"},
                      "ApplicationSourceUri": "s3://bucket/app", "Status": "READY"}],
    "streamGroups": [{"Id": "sg-PAGE00001", "Description": "pages", "StreamClass": "gen4n_high",
                      "DefaultApplication": {"Id": "a-PAGE00001"},
                      "LocationStates": [{"LocationName": "us-west-2", "AlwaysOnCapacity": 100, "Status": "ACTIVE"}],
                      "Status": "ACTIVE"}],
}


class Pagination(LifecycleCase):
    group = "sg-PAGE00001"
    app = "a-PAGE00001"

    @classmethod
    def setUpClass(cls):
        cls.tmp = cls.class_tmpdir("gls-fixtures-")
        path = os.path.join(cls.tmp, "pages.json")
        with open(path, "w") as f:
            json.dump(PAGINATION_FIXTURES, f)
        cls.server_args = ("--clock", "manual", "--fixtures", path, "--no-default-fixtures")
        super().setUpClass()


    def make(self, n):
        return {sid_of(self.start()) for _ in range(n)}

    def test_pages_of_five(self):
        made = self.make(23)
        seen, token, pages = [], None, 0
        while True:
            kw = {"NextToken": token} if token else {}
            r = self.gls.list_stream_sessions(Identifier=self.group, MaxResults=5, **kw)
            pages += 1
            self.assertLessEqual(len(r["Items"]), 5)
            seen += [i["Arn"].rsplit("/", 1)[1] for i in r["Items"]]
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 5)
        self.assertEqual(len(seen), 23)
        self.assertEqual(set(seen), made)

    def test_paginator(self):
        made = self.make(23)
        self.advance(2)  # some mixture of ACTIVE / ACTIVATING does not matter for pages
        pages = list(self.gls.get_paginator("list_stream_sessions").paginate(
            Identifier=self.group, PaginationConfig={"PageSize": 5}))
        seen = [i["Arn"].rsplit("/", 1)[1] for p in pages for i in p["Items"]]
        self.assertEqual(len(pages), 5)
        self.assertEqual(sorted(seen), sorted(made))
        acc = list(self.gls.get_paginator("list_stream_sessions_by_account").paginate(
            PaginationConfig={"PageSize": 7}))
        seen = [i["Arn"].rsplit("/", 1)[1] for p in acc for i in p["Items"]]
        self.assertEqual(sorted(seen), sorted(made))

    def test_default_max_results(self):
        self.make(30)
        r = self.gls.list_stream_sessions(Identifier=self.group)
        self.assertEqual(len(r["Items"]), 25)
        self.assertTrue(r.get("NextToken"))
        rest = self.gls.list_stream_sessions(Identifier=self.group, NextToken=r["NextToken"])
        self.assertEqual(len(rest["Items"]), 5)
        self.assertFalse(rest.get("NextToken"))

    def test_bad_tokens(self):
        self.make(8)
        r = self.gls.list_stream_sessions(Identifier=self.group, MaxResults=3)
        token = r["NextToken"]
        for bad in ("forged-token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    token[:-1] + ("A" if token[-1] != "A" else "B"), token + "AA"):
            with self.subTest(token=bad):
                with self.assertRaises(self.gls.exceptions.ValidationException) as ctx:
                    self.gls.list_stream_sessions(Identifier=self.group, MaxResults=3, NextToken=bad)
                self.assertApiError(ctx, "ValidationException", 400, "NextToken")
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.gls.list_stream_sessions(Identifier=self.group, MaxResults=3, NextToken=token, Status="ACTIVE")
        with self.assertRaises(self.gls.exceptions.ValidationException):
            self.gls.list_stream_sessions_by_account(MaxResults=3, NextToken=token)
        # The genuine token still works.
        ok = self.gls.list_stream_sessions(Identifier=self.group, MaxResults=3, NextToken=token)
        self.assertEqual(len(ok["Items"]), 3)

    def test_status_filter_pages(self):
        made = sorted(self.make(12))
        self.advance(PLACEMENT)
        for sid in made[:7]:
            self.event(sid, "clientConnect")
        pages = list(self.gls.get_paginator("list_stream_sessions").paginate(
            Identifier=self.group, Status="CONNECTED", PaginationConfig={"PageSize": 3}))
        seen = [i["Arn"].rsplit("/", 1)[1] for p in pages for i in p["Items"]]
        self.assertEqual(sorted(seen), made[:7])
        self.assertTrue(all(i["Status"] == "CONNECTED" for p in pages for i in p["Items"]))


if __name__ == "__main__":
    unittest.main()
