"""GetStreamSession and GetStreamGroup answered again and again never lag
behind a change: not one made by the clock (on the manual clock and on the
real one), nor by another API call on another connection, nor by the admin
API. The server answers an unchanged resource from the body it rendered last;
these tests read the same resource many times around each change."""
import threading
import time
import unittest

from gls_resources import (CAPACITY_PROVISIONING, FIXTURE_APP, FIXTURE_GROUP, REGION, SESSION_PLACEMENT,
                           SESSION_TERMINATING, ResourceCase, last)
from gls_testlib import OFFER, SDK_PROBLEM, GlsServer


class ReadAfterChange(ResourceCase):
    server_args = ("--clock", "manual")

    def session_status(self, client, gid, sid):
        return client.get_stream_session(Identifier=gid, StreamSessionIdentifier=sid)["Status"]

    def test_the_clock_moves_a_session_read_many_times(self):
        app, gid = self.app_with_group()
        sid = last(self.start(gid, app)["Arn"])
        for _ in range(5):
            self.assertEqual(self.session_status(self.gls, gid, sid), "ACTIVATING")
        self.advance(SESSION_PLACEMENT + 0.5)
        for _ in range(5):
            self.assertEqual(self.session_status(self.gls, gid, sid), "ACTIVE")

    def test_a_write_on_another_connection_shows_at_once(self):
        app, gid = self.app_with_group()
        writer = self.server.client()
        for _ in range(10):
            sid = last(self.start(gid, app)["Arn"])
            self.advance(SESSION_PLACEMENT + 0.5)
            for _ in range(3):
                self.assertEqual(self.session_status(self.gls, gid, sid), "ACTIVE")
            writer.terminate_stream_session(Identifier=gid, StreamSessionIdentifier=sid)
            self.assertEqual(self.session_status(self.gls, gid, sid), "TERMINATING")
            self.advance(SESSION_TERMINATING + 0.5)
            self.assertEqual(self.session_status(self.gls, gid, sid), "TERMINATED")

    def test_reads_racing_a_writer_never_go_back(self):
        app, gid = self.app_with_group(LocationConfigurations=[{"LocationName": REGION, "AlwaysOnCapacity": 4}])
        sids = [last(self.start(gid, app)["Arn"]) for _ in range(4)]
        self.advance(SESSION_PLACEMENT + 0.5)
        for sid in sids:
            self.assertEqual(self.session_status(self.gls, gid, sid), "ACTIVE")
        terminated = set()
        lock = threading.Lock()

        def terminate_all():
            writer = self.server.client()
            for sid in sids:
                writer.terminate_stream_session(Identifier=gid, StreamSessionIdentifier=sid)
                with lock:
                    terminated.add(sid)

        thread = threading.Thread(target=terminate_all)
        thread.start()
        try:
            while thread.is_alive():
                for sid in sids:
                    with lock:
                        done = sid in terminated
                    status = self.session_status(self.gls, gid, sid)
                    if done:
                        self.assertEqual(status, "TERMINATING", sid)
                    else:
                        self.assertIn(status, ("ACTIVE", "TERMINATING"), sid)
        finally:
            thread.join(30)
        for sid in sids:
            self.assertEqual(self.session_status(self.gls, gid, sid), "TERMINATING")

    def test_a_stream_group_read_many_times_shows_writes_and_the_clock(self):
        app, gid = self.app_with_group()
        writer = self.server.client()

        def figures():
            g = self.gls.get_stream_group(Identifier=gid)
            here = {s["LocationName"]: s for s in g["LocationStates"]}[REGION]
            return g.get("Description"), here["RequestedCapacity"], here["AllocatedCapacity"]

        before = figures()
        for _ in range(3):
            self.assertEqual(figures(), before)
        writer.update_stream_group(Identifier=gid, Description="renamed")
        self.assertEqual(figures()[0], "renamed")
        writer.update_stream_group(Identifier=gid, LocationConfigurations=[
            {"LocationName": REGION, "AlwaysOnCapacity": before[1] + 2}])
        for _ in range(3):
            self.assertEqual(figures(), ("renamed", before[1] + 2, before[2]))
        # The new units are allocated by a deadline, which no call makes.
        self.advance(CAPACITY_PROVISIONING + 0.5)
        for _ in range(3):
            self.assertEqual(figures(), ("renamed", before[1] + 2, before[2] + 2))

    def test_an_admin_reset_and_restore_show_at_once(self):
        app, gid = self.app_with_group()
        sid = last(self.start(gid, app)["Arn"])
        self.advance(SESSION_PLACEMENT + 0.5)
        state = self.admin_ok("GET", "/state")
        self.assertEqual(self.session_status(self.gls, gid, sid), "ACTIVE")
        self.gls.terminate_stream_session(Identifier=gid, StreamSessionIdentifier=sid)
        self.assertEqual(self.session_status(self.gls, gid, sid), "TERMINATING")
        self.admin_ok("PUT", "/state", state)
        self.assertEqual(self.session_status(self.gls, gid, sid), "ACTIVE")
        self.admin_ok("POST", "/reset")
        with self.assertRaises(self.gls.exceptions.ResourceNotFoundException):
            self.session_status(self.gls, gid, sid)


@unittest.skipIf(SDK_PROBLEM, SDK_PROBLEM or "")
class ReadAfterChangeRealClock(unittest.TestCase):
    """On the real clock, the change comes by time alone: no call makes it."""

    SCALE = 20  # emulator seconds per wall second

    def test_a_session_read_in_a_loop_is_active_once_its_placement_is_due(self):
        server = GlsServer("--clock", "real", "--time-scale", str(self.SCALE))
        self.addCleanup(server.stop)
        gls = server.client()
        gid = FIXTURE_GROUP
        started = gls.start_stream_session(Identifier=gid, ApplicationIdentifier=FIXTURE_APP, Protocol="WebRTC",
                                           SignalRequest=OFFER)
        sid = last(started["Arn"])
        due = started["CreatedAt"].timestamp() + SESSION_PLACEMENT
        seen_active = False
        deadline = time.monotonic() + 2 * SESSION_PLACEMENT / self.SCALE + 10
        while not seen_active and time.monotonic() < deadline:
            _, clock = server.admin("GET", "/clock")
            status = gls.get_stream_session(Identifier=gid, StreamSessionIdentifier=sid)["Status"]
            if clock["now"] >= due + 0.001:
                self.assertEqual(status, "ACTIVE", f"placement was due at {due}, the clock read {clock['now']}")
            seen_active = status == "ACTIVE"
        self.assertTrue(seen_active, "the session never became ACTIVE")


if __name__ == "__main__":
    unittest.main()
