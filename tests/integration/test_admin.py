"""The admin API: /_gls/health, /_gls/reset and /_gls/clock (SPEC sections 5 and 6)."""
import subprocess
import time
import unittest

from gls_testlib import REQUEST_DEFAULTS, TIMINGS, ServerTestCase, binary

SESSION_PATH = "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567"
DEFAULT_COUNTS = {"applications": 1, "streamGroups": 1, "streamSessions": 1, "streamUrls": 0}
EMPTY_COUNTS = {"applications": 0, "streamGroups": 0, "streamSessions": 0, "streamUrls": 0}


class AdminCase(ServerTestCase):
    needs_sdk = False  # raw HTTP only

    def assertAdminError(self, status, headers, body, expected_status=400):
        self.assertEqual(status, expected_status, body)
        self.assertIsInstance(body, dict, f"a JSON error body, got {body!r}")
        self.assertIsInstance(body.get("message"), str)
        self.assertTrue(body["message"].strip())
        self.assertRegex(headers.get("Content-Type", ""), r"^application/json")
        self.assertTrue(headers.get("x-amzn-ErrorType"), headers)
        self.assertTrue(headers.get("x-amzn-RequestId"), headers)

    def post(self, path, body):
        return self.server.request("POST", "/_gls" + path, body, {"Content-Type": "application/json"})

    def clock(self):
        status, c = self.server.admin("GET", "/clock")
        self.assertEqual(status, 200, c)
        return c

    def counts(self):
        status, h = self.server.admin("GET", "/health")
        self.assertEqual(status, 200, h)
        return h["counts"]


class DefaultDurations(AdminCase):
    """tests/durations.json, which both test suites count on, says what the emulator does."""

    def test_timings_are_the_emulators_defaults(self):
        # Each resource's timings endpoint answers its durations, the defaults when nothing was set.
        reported = {}
        for path in ("/applications/a-9ZY8X7Wv6/timings", "/streamgroups/sg-1AB2C3De4/timings",
                     "/sessions/sg-1AB2C3De4/ABC123def4567/timings"):
            status, body = self.server.admin("POST", path, {})
            self.assertEqual(status, 200, body)
            reported.update(body)
        self.assertEqual(reported, TIMINGS)

    def test_request_defaults_are_the_emulators(self):
        status, _, session = self.server.request(
            "POST", "/streamgroups/sg-1AB2C3De4/streamsessions",
            {"ApplicationIdentifier": "a-9ZY8X7Wv6", "Protocol": "WebRTC", "SignalRequest": "offer"})
        self.assertEqual(status, 201, session)
        self.assertEqual({"ConnectionTimeoutSeconds": session["ConnectionTimeoutSeconds"],
                          "SessionLengthSeconds": session["SessionLengthSeconds"]}, REQUEST_DEFAULTS)


class Health(AdminCase):
    def assertHealthShape(self, h):
        self.assertEqual(set(h), {"status", "version", "clock", "counts"})
        self.assertEqual(h["status"], "ok")
        self.assertIsInstance(h["version"], str)
        self.assertRegex(h["version"], r"^\d+\.\d+\.\d+")
        self.assertEqual(set(h["clock"]), {"now", "mode", "scale"})
        self.assertIsInstance(h["clock"]["now"], (int, float))
        self.assertIn(h["clock"]["mode"], ("real", "manual"))
        self.assertIsInstance(h["clock"]["scale"], (int, float))
        self.assertEqual(set(h["counts"]), set(DEFAULT_COUNTS))
        for v in h["counts"].values():
            self.assertIsInstance(v, int)

    def test_shape(self):
        status, headers, h = self.server.request("GET", "/_gls/health")
        self.assertEqual(status, 200)
        self.assertRegex(headers.get("Content-Type", ""), r"^application/json")
        self.assertTrue(headers.get("x-amzn-RequestId"))
        self.assertHealthShape(h)
        self.assertEqual(h["counts"], DEFAULT_COUNTS)
        self.assertEqual(h["clock"]["mode"], "real")
        self.assertEqual(h["clock"]["scale"], 1)
        # Emulator time starts at wall time and runs at wall speed by default.
        self.assertAlmostEqual(h["clock"]["now"], time.time(), delta=60)

    def test_version_is_the_binarys(self):
        out = subprocess.run([binary(), "--version"], capture_output=True, text=True, timeout=15).stdout
        _, h = self.server.admin("GET", "/health")
        self.assertEqual(out.strip(), "gls-local " + h["version"])

    def test_reset_answers_health(self):
        status, h = self.server.admin("POST", "/reset")
        self.assertEqual(status, 200)
        self.assertHealthShape(h)


class Reset(AdminCase):
    def test_without_fixtures_leaves_it_empty(self):
        status, h = self.server.admin("POST", "/reset", {"fixtures": False})
        self.assertEqual(status, 200, h)
        self.assertEqual(h["counts"], EMPTY_COUNTS)
        self.assertEqual(self.counts(), EMPTY_COUNTS)
        status, headers, body = self.server.request("GET", SESSION_PATH)
        self.assertEqual(status, 404, body)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "ResourceNotFoundException")

    def test_reloads_fixtures(self):
        for body in (None, {}, {"fixtures": True}, b"  \n"):
            with self.subTest(body=body):
                self.assertEqual(self.server.admin("POST", "/reset", {"fixtures": False})[0], 200)
                status, h = self.server.admin("POST", "/reset", body)
                self.assertEqual(status, 200, h)
                self.assertEqual(h["counts"], DEFAULT_COUNTS)
                self.assertEqual(self.server.request("GET", SESSION_PATH)[0], 200)

    def test_wipes_before_reloading(self):
        # Reloading on top of the old state would define every fixture twice.
        _, _, first = self.server.request("GET", SESSION_PATH)
        time.sleep(0.05)
        for _ in range(3):
            status, h = self.server.admin("POST", "/reset")
            self.assertEqual(status, 200, h)
            self.assertEqual(h["counts"], DEFAULT_COUNTS)
        _, _, second = self.server.request("GET", SESSION_PATH)
        self.assertGreater(second["CreatedAt"], first["CreatedAt"], "the fixtures were loaded again, later")

    def test_bad_bodies(self):
        for body in (b"not json", b"{", b"[]", b"\"fixtures\"", b"null", {"fixtures": "yes"}, {"fixtures": 1},
                     {"fixtures": None}, {"bogus": True}, {"fixtures": True, "extra": 1}, b"{} trailing"):
            with self.subTest(body=body):
                self.assertEqual(self.server.admin("POST", "/reset", {"fixtures": False})[0], 200)
                status, headers, payload = self.post("/reset", body)
                self.assertAdminError(status, headers, payload)
                self.assertEqual(self.counts(), EMPTY_COUNTS, "a refused reset changes nothing")

    def test_wrong_method(self):
        status, headers, body = self.server.request("GET", "/_gls/reset")
        self.assertAdminError(status, headers, body, 404)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "UnknownOperationException")
        self.assertEqual(self.counts(), DEFAULT_COUNTS)


class RealClock(AdminCase):
    """A fresh server whose clock is left alone: it follows wall time."""

    def test_shape_and_speed(self):
        status, headers, c = self.server.request("GET", "/_gls/clock")
        self.assertEqual(status, 200)
        self.assertRegex(headers.get("Content-Type", ""), r"^application/json")
        self.assertEqual(set(c), {"now", "mode", "scale"})
        self.assertEqual((c["mode"], c["scale"]), ("real", 1))
        self.assertAlmostEqual(c["now"], time.time(), delta=60)
        time.sleep(0.3)
        later = self.clock()
        self.assertGreaterEqual(later["now"] - c["now"], 0.25)
        self.assertLess(later["now"] - c["now"], 5)


class Clock(AdminCase):
    def setUp(self):
        super().setUp()
        # Every test starts from a real clock at scale 1 (the mode outlives resets).
        status, c = self.server.admin("POST", "/clock", {"mode": "real", "scale": 1})
        self.assertEqual(status, 200, c)

    def manual(self):
        status, c = self.server.admin("POST", "/clock", {"mode": "manual"})
        self.assertEqual(status, 200, c)
        self.assertEqual(c["mode"], "manual")
        return c

    def test_manual_stands_still(self):
        c = self.manual()
        time.sleep(0.3)
        first = self.clock()
        time.sleep(0.3)
        second = self.clock()
        self.assertEqual(first, second)
        self.assertEqual(first["now"], c["now"])

    def test_mode_change_does_not_jump(self):
        before = self.clock()
        c = self.manual()
        self.assertGreaterEqual(c["now"], before["now"])
        self.assertLess(c["now"] - before["now"], 2)
        status, real = self.server.admin("POST", "/clock", {"mode": "real"})
        self.assertEqual(status, 200)
        self.assertEqual(real["mode"], "real")
        self.assertGreaterEqual(real["now"], c["now"])
        self.assertLess(real["now"] - c["now"], 2)

    def test_scale(self):
        status, c = self.server.admin("POST", "/clock", {"scale": 60})
        self.assertEqual(status, 200, c)
        self.assertEqual((c["mode"], c["scale"]), ("real", 60))
        time.sleep(0.5)
        later = self.clock()
        self.assertGreaterEqual(later["now"] - c["now"], 25)  # 0.5 s at 60x, with slack for scheduling
        self.assertLess(later["now"] - c["now"], 300)
        status, both = self.server.admin("POST", "/clock", {"mode": "manual", "scale": 2.5})
        self.assertEqual((status, both["mode"], both["scale"]), (200, "manual", 2.5))

    def test_advance(self):
        c = self.manual()
        status, after = self.server.admin("POST", "/clock", {"advanceSeconds": 90})
        self.assertEqual(status, 200, after)
        self.assertAlmostEqual(after["now"] - c["now"], 90, delta=0.002)
        self.assertEqual(self.clock(), after, "the answer is the new clock")
        status, frac = self.server.admin("POST", "/clock", {"advanceSeconds": 1.5})
        self.assertAlmostEqual(frac["now"] - after["now"], 1.5, delta=0.002)
        status, zero = self.server.admin("POST", "/clock", {"advanceSeconds": 0})
        self.assertEqual((status, zero["now"]), (200, frac["now"]))

    def test_advance_in_real_mode(self):
        before = self.clock()
        status, after = self.server.admin("POST", "/clock", {"advanceSeconds": 3600})
        self.assertEqual(status, 200)
        self.assertEqual(after["mode"], "real")
        self.assertGreaterEqual(after["now"] - before["now"], 3600)
        self.assertLess(after["now"] - before["now"], 3605)

    def test_set(self):
        c = self.manual()
        target = c["now"] + 1000.25
        status, after = self.server.admin("POST", "/clock", {"set": target})
        self.assertEqual(status, 200, after)
        self.assertAlmostEqual(after["now"], target, delta=0.002)
        status, same = self.server.admin("POST", "/clock", {"set": after["now"]})
        self.assertEqual(status, 200, "setting the current time is not going backwards")

    def test_set_refuses_going_backwards(self):
        c = self.manual()
        for target in (c["now"] - 1, c["now"] - 86400, 0):
            with self.subTest(target=target):
                status, headers, body = self.post("/clock", {"set": target})
                self.assertAdminError(status, headers, body)
                self.assertIn("backwards", body["message"])
                self.assertEqual(self.clock()["now"], c["now"])

    def test_bad_input(self):
        c = self.manual()
        cases = [{"advanceSeconds": "10"}, {"advanceSeconds": -5}, {"advanceSeconds": None},
                 {"advanceSeconds": 1e12}, {"set": "tomorrow"}, {"set": -1}, {"set": 1e15},
                 {"mode": "sideways"}, {"mode": 5}, {"mode": None}, {"scale": 0}, {"scale": -1},
                 {"scale": "fast"}, {"scale": 1e9}, {}, {"bogus": 1}, {"advanceSeconds": 1, "bogus": 1},
                 b"[]", b"not json", b"{\"advanceSeconds\": 1", b"7"]
        for body in cases:
            with self.subTest(body=body):
                status, headers, payload = self.post("/clock", body)
                self.assertAdminError(status, headers, payload)
                self.assertEqual(self.clock(), c, "a refused request leaves the clock alone")
    def test_no_member_is_silently_ignored(self):
        # POST /_gls/clock takes advanceSeconds, *or* set, *or* mode/scale.
        # When a body has two of them gls-local applies the first and drops
        # the rest without a word: {"advanceSeconds": 10, "mode": "real"}
        # answers 200 with the clock still manual. It should refuse the
        # combination (400) or apply all of it.
        c = self.manual()
        status, headers, body = self.post("/clock", {"advanceSeconds": 10, "mode": "real"})
        if status == 200:
            self.assertEqual(body["mode"], "real", "mode was ignored")
            self.assertGreaterEqual(body["now"] - c["now"], 10)
        else:
            self.assertAdminError(status, headers, body)
        status, headers, body = self.post("/clock", {"advanceSeconds": 10, "set": c["now"] + 5000})
        self.assertAdminError(status, headers, body)

    def test_reset_keeps_time_moving_forward(self):
        self.manual()
        status, advanced = self.server.admin("POST", "/clock", {"advanceSeconds": 86400 * 30})
        self.assertEqual(status, 200)
        status, h = self.server.admin("POST", "/reset")
        self.assertEqual(status, 200)
        self.assertGreaterEqual(h["clock"]["now"], advanced["now"])
        # The reloaded fixtures are stamped with emulator time, not wall time.
        _, _, session = self.server.request("GET", SESSION_PATH)
        self.assertAlmostEqual(session["CreatedAt"], advanced["now"], delta=0.002)
        self.assertAlmostEqual(session["LastUpdatedAt"], advanced["now"], delta=0.002)


class AdminBodies(AdminCase):
    """Every admin body is checked member by member: a null or a member of the
    wrong type is a 400 that names it, never a 500, and changes nothing."""

    S = "/sessions/sg-1AB2C3De4/ABC123def4567"
    CASES = [
        ("/reset", {"fixtures": None}, "fixtures"),
        ("/clock", {"advanceSeconds": None}, "advanceSeconds"),
        ("/clock", {"set": None}, "set"),
        ("/clock", {"mode": None}, "mode"),
        ("/clock", {"scale": None}, "scale"),
        (S + "/events", {"event": None}, "event"),
        (S + "/events", {"event": 7}, "event"),
        (S + "/events", {"event": "fail", "reason": None}, "reason"),
        (S + "/events", {"event": "fail", "reason": ["internalError"]}, "reason"),
        (S + "/status", {"status": None}, "status"),
        (S + "/status", {"status": "TERMINATED", "statusReason": None}, "statusReason"),
        (S + "/status", {"status": "TERMINATED", "force": None}, "force"),
        (S + "/status", {"status": "TERMINATED", "force": "yes"}, "force"),
        (S + "/timings", {"idleTimeoutSeconds": None}, "idleTimeoutSeconds"),
        (S + "/timings", {"idleTimeoutSeconds": "60"}, "idleTimeoutSeconds"),
        ("/applications/a-9ZY8X7Wv6/status", {"status": None}, "status"),
        ("/applications/a-9ZY8X7Wv6/status", {"status": "ERROR", "statusReason": None}, "statusReason"),
        ("/applications/a-9ZY8X7Wv6/timings", {"processingSeconds": None}, "processingSeconds"),
        ("/streamgroups/sg-1AB2C3De4/status", {"status": None}, "status"),
        ("/streamgroups/sg-1AB2C3De4/locations/us-west-2/status", {"status": 1}, "status"),
        ("/streamgroups/sg-1AB2C3De4/timings", {"activatingSeconds": None}, "activatingSeconds"),
        ("/faults", {"operation": None, "error": "ThrottlingException"}, "operation"),
        ("/faults", {"operation": "*", "error": None}, "error"),
        ("/faults", {"operation": "*", "latencyMs": None}, "latencyMs"),
        ("/faults", {"operation": "*", "latencyMs": {"min": None, "max": 1}}, "latencyMs.min"),
        ("/faults", {"operation": "*", "connection": None}, "connection"),
        ("/faults", {"lifecycle": None}, "lifecycle"),
        ("/faults", {"lifecycle": "applicationExit", "afterSeconds": None}, "afterSeconds"),
        ("/faults", {"operation": "GetStreamSession", "error": "ThrottlingException", "match": None}, "match"),
        ("/faults", {"operation": "GetStreamSession", "error": "ThrottlingException",
                     "match": {"Identifier": None}}, "Identifier"),
        ("/faults", {"operation": "*", "error": "ThrottlingException", "probability": None}, "probability"),
        ("/faults", {"operation": "*", "error": "ThrottlingException", "times": None}, "times"),
        ("/faults", {"operation": "*", "error": "ThrottlingException", "httpStatus": None}, "httpStatus"),
        ("/faults", {"operation": "*", "error": "ThrottlingException", "message": None}, "message"),
    ]

    def test_null_and_mistyped_members(self):
        before = self.server.admin("GET", "/state")[1]
        for path, body, member in self.CASES:
            with self.subTest(path=path, body=body):
                status, headers, payload = self.post(path, body)
                self.assertAdminError(status, headers, payload, 400)
                self.assertIn(member, payload["message"])
        self.assertEqual(self.server.admin("GET", "/faults")[1]["faults"], [])
        after = self.server.admin("GET", "/state")[1]
        after["clock"] = before["clock"]
        self.assertEqual(after, before)


class UnknownAdminPaths(AdminCase):
    def test_unknown_paths(self):
        for method, path in (("GET", "/_gls/nope"), ("GET", "/_gls/health/extra"), ("GET", "/_gls/clockwork"),
                             ("POST", "/_gls/health"), ("DELETE", "/_gls/clock"), ("PUT", "/_gls/reset"),
                             ("GET", "/_gls/HEALTH"), ("GET", "/_glsx/health")):
            with self.subTest(method=method, path=path):
                status, headers, body = self.server.request(method, path)
                self.assertAdminError(status, headers, body, 404)
                self.assertEqual(headers.get("x-amzn-ErrorType"), "UnknownOperationException")

    def test_query_string_does_not_change_the_route(self):
        status, _, body = self.server.request("GET", "/_gls/health?verbose=1")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "ok")


if __name__ == "__main__":
    unittest.main()
