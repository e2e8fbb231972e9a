"""The users' Python helper (clients/python/gls_local.py) against the real binary."""
import importlib.util
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

import botocore.config
import botocore.exceptions

from gls_testlib import ROOT, SDK_PROBLEM, binary
from gls_local import GlsLocal, GlsLocalError, GlsLocalTestCase

SG, SESSION, APP = "sg-1AB2C3De4", "ABC123def4567", "a-9ZY8X7Wv6"
OFFER = "test-offer"


@unittest.skipIf(SDK_PROBLEM, SDK_PROBLEM)
class Helper(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gls = GlsLocal(binary=binary())
        cls.addClassCleanup(cls.gls.stop)
        cls.streams = cls.gls.client(config=botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}))

    def setUp(self):
        self.gls.reset()

    def start_session(self):
        return self.streams.start_stream_session(Identifier=SG, ApplicationIdentifier=APP, Protocol="WebRTC",
                                                 SignalRequest=OFFER)["Arn"].rsplit("/", 1)[1]

    def test_starts_with_the_manual_clock_the_fixtures_and_a_temporary_database(self):
        self.assertEqual(self.gls.clock()["mode"], "manual")
        self.assertEqual(self.gls.health()["counts"]["streamSessions"], 1)
        self.assertTrue(os.path.isfile(os.path.join(self.gls._tmpdir, "state.db")))
        self.assertEqual(self.gls.endpoint, self.gls.url)
        self.assertRegex(self.gls.url, r"^http://127\.0\.0\.1:\d+$")

    def test_advance_moves_emulator_time_and_applies_due_transitions(self):
        before = self.gls.clock()["now"]
        sid = self.start_session()
        self.gls.advance(2)
        self.assertAlmostEqual(self.gls.clock()["now"] - before, 2, places=3)
        self.assertEqual(self.streams.get_stream_session(Identifier=SG, StreamSessionIdentifier=sid)["Status"],
                         "ACTIVE")

    def test_session_events_forced_statuses_and_history(self):
        sid = self.start_session()
        self.gls.advance(2)
        self.gls.session_event(SG, sid, "clientConnect")
        self.assertEqual(self.streams.get_stream_session(Identifier=SG, StreamSessionIdentifier=sid)["Status"],
                         "CONNECTED")
        self.gls.force_session_status(SG, sid, "ERROR", "internalError", force=True)
        got = self.streams.get_stream_session(Identifier=SG, StreamSessionIdentifier=sid)
        self.assertEqual((got["Status"], got["StatusReason"]), ("ERROR", "internalError"))
        statuses = [t["to"] for t in self.gls.session_history(SG, sid)["history"]]
        self.assertEqual(statuses[-3:], ["ACTIVE", "CONNECTED", "ERROR"])
        self.assertEqual(self.gls.history("sessions", SG, sid), self.gls.session_history(SG, sid))

    def test_an_admin_request_that_fails_raises_with_the_status(self):
        with self.assertRaises(GlsLocalError) as ctx:
            self.gls.session_event(SG, "NoSuchSession1", "clientConnect")
        self.assertEqual(ctx.exception.status, 404)

    def test_fault_rules_are_added_listed_hit_and_cleared(self):
        rule = self.gls.add_fault(operation="GetStreamSession", error="ThrottlingException", times=1)
        self.assertIn("id", rule)
        self.assertEqual([r["id"] for r in self.gls.faults()["faults"]], [rule["id"]])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.streams.get_stream_session(Identifier=SG, StreamSessionIdentifier=SESSION)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ThrottlingException")
        self.gls.add_fault({"operation": "ListStreamSessions", "error": "ThrottlingException"})
        self.gls.clear_faults()
        self.assertEqual(self.gls.faults()["faults"], [])

    def test_the_journal_lists_requests_newest_first(self):
        self.streams.get_stream_session(Identifier=SG, StreamSessionIdentifier=SESSION)
        entries = self.gls.journal(operation="GetStreamSession", limit=5)["requests"]
        self.assertEqual([(e["operation"], e["status"]) for e in entries], [("GetStreamSession", 200)])

    def test_snapshot_and_restore(self):
        snapshot = self.gls.snapshot()
        self.streams.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=SESSION)
        self.gls.advance(5)
        self.gls.restore(snapshot)
        self.assertEqual(self.streams.get_stream_session(Identifier=SG, StreamSessionIdentifier=SESSION)["Status"],
                         "CONNECTED")

    def test_reset_without_fixtures_empties_the_state(self):
        self.assertEqual(self.gls.reset(fixtures=False)["counts"]["streamSessions"], 0)

    def test_attach_drives_a_running_emulator(self):
        self.assertEqual(GlsLocal.attach(self.gls.url + "/").health()["status"], "ok")


class Lifetime(unittest.TestCase):
    def test_stop_ends_the_process_and_removes_the_temporary_database(self):
        with GlsLocal(binary=binary(), clock="real") as gls:
            tmpdir = gls._tmpdir
            self.assertEqual(gls.clock()["mode"], "real")
        self.assertEqual(gls.proc.returncode, 0)
        self.assertFalse(os.path.exists(tmpdir))

    def test_an_admin_token_is_sent_with_every_admin_request(self):
        with GlsLocal(binary=binary(), admin_token="s3cret-token") as gls:
            self.assertEqual(gls.health()["status"], "ok")
            with self.assertRaises(urllib.error.HTTPError) as ctx:
                urllib.request.urlopen(gls.url + "/_gls/health", timeout=10)
            self.assertEqual(ctx.exception.code, 401)

    def test_a_gls_local_that_cannot_start_raises_with_its_output(self):
        with self.assertRaisesRegex(RuntimeError, "exited during start-up:\n.*unknown flag --no-such-flag"):
            GlsLocal("--no-such-flag", binary=binary())

    def test_a_missing_binary_is_named(self):
        with self.assertRaises(FileNotFoundError):
            GlsLocal(binary="/nonexistent/gls-local")

    @unittest.skipIf(SDK_PROBLEM, SDK_PROBLEM)
    def test_the_worked_example_and_the_unittest_fixture(self):
        spec = importlib.util.spec_from_file_location("example_test", ROOT / "clients" / "python" / "example_test.py")
        example = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(example)
        self.assertTrue(issubclass(example.ConnectionTimeout, GlsLocalTestCase))
        os.environ.setdefault("GLS_BINARY", binary())
        result = unittest.TestResult()
        unittest.defaultTestLoader.loadTestsFromModule(example).run(result)
        self.assertEqual((result.testsRun, result.errors, result.failures), (1, [], []))

    @unittest.skipUnless(importlib.util.find_spec("pytest"), "pytest is not installed")
    def test_the_pytest_fixtures(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "conftest.py"), "w") as f:
                f.write('pytest_plugins = ["gls_local"]\n')
            with open(os.path.join(d, "test_it.py"), "w") as f:
                f.write("def test_fixture(gls_local):\n    assert gls_local.health()['status'] == 'ok'\n"
                        "    assert gls_local.clock()['mode'] == 'manual'\n")
            env = dict(os.environ, GLS_BINARY=binary(),
                       PYTHONPATH=os.pathsep.join([str(ROOT / "clients" / "python"), os.environ.get("PYTHONPATH", "")]))
            r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", d], env=env,
                               capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("1 passed", r.stdout)


if __name__ == "__main__":
    unittest.main()
