"""scripts/leftover-processes.py, which fails scripts/test.sh when a test leaves a process running."""
import os
import pathlib
import subprocess
import sys
import time
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHECKER = ROOT / "scripts" / "leftover-processes.py"


def run_id(label):
    return f"checker-{label}-{os.getpid()}-{time.monotonic_ns()}"


class LeftoverProcesses(unittest.TestCase):
    def sleeper(self, rid):
        """A process carrying the run id, as one a test forgot would."""
        proc = subprocess.Popen(["sleep", "300"], env=dict(os.environ, GLS_TEST_RUN_ID=rid))
        self.addCleanup(proc.wait)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def check(self, rid, *command, env_id=None):
        env = dict(os.environ)
        env.pop("GLS_TEST_RUN_ID", None)
        if env_id:
            env["GLS_TEST_RUN_ID"] = env_id
        return subprocess.run([*command, sys.executable, str(CHECKER), rid, "--grace", "0.3"], env=env,
                              capture_output=True, text=True, timeout=60)

    def test_a_process_left_running_is_named_killed_and_fails_the_run(self):
        rid = run_id("left")
        proc = self.sleeper(rid)
        r = self.check(rid)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"{proc.pid}  sleep 300", r.stderr)
        self.assertIn("1 process(es) outlived the test run " + rid, r.stderr)
        self.assertEqual(proc.wait(timeout=10), -9, "the leftover is killed")

    def test_nothing_left_passes(self):
        r = self.check(run_id("clean"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_a_process_of_another_run_is_left_alone(self):
        proc = self.sleeper(run_id("other"))
        r = self.check(run_id("mine"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNone(proc.poll(), "another run's process keeps running")

    def test_the_checker_and_the_script_running_it_are_not_leftovers(self):
        rid = run_id("self")
        r = self.check(rid, "bash", "-c", '"$@"; exit $?', "bash", env_id=rid)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_a_process_that_ends_within_the_grace_period_is_not_a_leftover(self):
        rid = run_id("ending")
        proc = subprocess.Popen(["sleep", "0.1"], env=dict(os.environ, GLS_TEST_RUN_ID=rid))
        self.addCleanup(proc.wait)
        r = self.check(rid)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_an_empty_run_id_is_refused(self):
        r = self.check("")
        self.assertEqual(r.returncode, 2, r.stderr)


if __name__ == "__main__":
    unittest.main()
