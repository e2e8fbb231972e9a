"""Starting a real gls-local for the integration tests, and real clients for it.

Every test class gets its own server on a free loopback port, with an
in-memory database, the built-in fixtures and strict response checking
(--validate-responses), so that a response that does not match the API
model fails the test as a 500.

A server is the users' helper (clients/python/gls_local.py) started with
the tests' flags. Every server stops whatever becomes of its test:
ServerTestCase stops its server in a class cleanup (which runs even when
setUpClass fails half way), and the helper kills the servers still running
when the test process exits and, on Linux, has the kernel kill a server whose
test process died (PR_SET_PDEATHSIG), even by SIGKILL. Servers inherit GLS_TEST_RUN_ID, by which scripts/test.sh
finds any process that outlived the tests anyway.

The AWS clients use the API model in ../shared/aws-models when it is there
(AWS_DATA_PATH), else the model boto3 has installed; when neither knows the
GameLift Streams operations, the tests are skipped and say why.
"""
import json
import os
import pathlib
import shutil
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "clients" / "python"))
from gls_local import GlsLocal  # noqa: E402  (the helper users get, clients/python)

# The durations the tests count on, shared with the JavaScript suite: the
# emulator's default lifecycle timings (the --timings format; test_admin
# checks them against the emulator's own) and the API's request defaults.
_DURATIONS = json.loads((ROOT / "tests" / "durations.json").read_text())
TIMINGS = _DURATIONS["timings"]
REQUEST_DEFAULTS = _DURATIONS["requestDefaults"]

# The smallest valid SDP offer (one data channel section): a session started
# with it goes ACTIVE. Tests append "a=offer:<n>" lines to make offers fresh.
OFFER = ("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
         "a=ice-ufrag:gls1\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
         "a=fingerprint:sha-256 " + ":".join(["AB"] * 32) + "\r\na=setup:actpass\r\n"
         "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sctp-port:5000\r\n")


def model_dir():
    """The directory holding gameliftstreams/2018-05-10/service-2.json, or None."""
    for candidate in (os.environ.get("GLS_AWS_MODELS"), ROOT.parent / "shared" / "aws-models"):
        if candidate and (pathlib.Path(candidate) / "gameliftstreams" / "2018-05-10" / "service-2.json").is_file():
            return pathlib.Path(candidate).resolve()
    return None


MODELS = model_dir()
if MODELS:
    os.environ["AWS_DATA_PATH"] = str(MODELS)

try:
    import boto3
    import botocore.config
    import botocore.exceptions
    import botocore.session

    _ops = botocore.session.get_session().get_service_model("gameliftstreams").operation_names
    SDK_PROBLEM = None if "CreateStreamUrl" in _ops else (
        "the installed botocore has an older GameLift Streams model and ../shared/aws-models is absent")
except Exception as e:  # boto3 missing, or no model at all
    SDK_PROBLEM = f"boto3 with a GameLift Streams model is not available ({e})"


def rss_kib(pid):
    """The resident set of a process, in KiB (Linux)."""
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def binary():
    path = os.environ.get("GLS_BINARY") or str(ROOT / "build" / "gls-local")
    if not os.path.exists(path):
        raise unittest.SkipTest(f"gls-local binary not found at {path}; build it first")
    return path


class GlsServer(GlsLocal):
    """A gls-local process on 127.0.0.1 with a free port (the users' GlsLocal,
    started with the tests' flags)."""

    def __init__(self, *args, env=None, db=":memory:", strict=True, wait=True, **popen):
        super().__init__(start=False)
        cmd = [binary(), "--port", "0", "--db", db, "--threads", os.environ.get("GLS_TEST_THREADS", "2")]
        if strict:
            cmd.append("--validate-responses")
        cmd += list(args)
        full_env = dict(os.environ)
        full_env.update(env or {})
        self._start(cmd, full_env, wait, **popen)

    def _start(self, cmd, env, wait, **popen):
        self.launch(cmd, env, wait, **popen)

    def client(self, region="us-west-2", access_key="AKIDEXAMPLE", retries=True, **config):
        if SDK_PROBLEM:
            raise unittest.SkipTest(SDK_PROBLEM)
        cfg = botocore.config.Config(retries={"max_attempts": 1 if not retries else 3, "mode": "standard"},
                                     **config)
        return super().client(region, aws_access_key_id=access_key, aws_secret_access_key="secret", config=cfg)


class ServerTestCase(unittest.TestCase):
    """A test class with one server for all its tests; state is reset before each test."""

    server_args = ()
    server_env = None

    @classmethod
    def setUpClass(cls):
        if SDK_PROBLEM and getattr(cls, "needs_sdk", True):
            raise unittest.SkipTest(SDK_PROBLEM)
        cls.server = GlsServer(*cls.server_args, env=cls.server_env)
        cls.addClassCleanup(cls.server.stop)
        cls.gls = cls.server.client()

    @classmethod
    def class_tmpdir(cls, prefix="gls-test-"):
        """A directory for this class's files (fixtures, exports), removed once its server has stopped
        (class cleanups run last registered first, and the server's is registered after)."""
        d = tempfile.mkdtemp(prefix=prefix)
        cls.addClassCleanup(shutil.rmtree, d, True)
        return d

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        if code != 0:
            raise AssertionError(f"gls-local exited with {code}:\n" + "\n".join(cls.server.log[-50:]))

    def setUp(self):
        status, _ = self.server.admin("POST", "/reset")
        self.assertEqual(status, 200)

    def assertApiError(self, ctx, code, status=None, message=None):
        """Checks a botocore ClientError caught by assertRaises."""
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        if message is not None:
            self.assertRegex(err["Error"]["Message"], message)
        self.assertTrue(err["ResponseMetadata"].get("RequestId"), "every response carries x-amzn-RequestId")
