"""Starting a real gls-local for the integration tests, and real clients for it.

Every test class gets its own server on a free loopback port, with an
in-memory database, the built-in fixtures and strict response checking
(--validate-responses), so that a response that does not match the API
model fails the test as a 500.

Every server stops whatever becomes of its test: ServerTestCase stops its
server in a class cleanup (which runs even when setUpClass fails half way),
the servers still running when the test process exits are killed then, and
on Linux the kernel kills a server whose test process died (PR_SET_PDEATHSIG),
even by SIGKILL. Servers inherit GLS_TEST_RUN_ID, by which scripts/test.sh
finds any process that outlived the tests anyway.

The AWS clients use the API model in ../shared/aws-models when it is there
(AWS_DATA_PATH), else the model boto3 has installed; when neither knows the
GameLift Streams operations, the tests are skipped and say why.
"""
import atexit
import ctypes
import json
import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]

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


_PR_SET_PDEATHSIG = 1
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None

# The servers started and not yet seen to stop, killed when this process exits.
_running = set()


@atexit.register
def _kill_running():
    for proc in list(_running):
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _running.clear()


def _dying_with_this_process(then=None):
    """A preexec_fn: the child gets SIGKILL when the thread that started it ends,
    so servers must be started from the main thread. `then` runs after."""
    parent = os.getpid()

    def preexec():
        if _prctl:
            _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the parent died before the request took effect
                os.kill(os.getpid(), signal.SIGKILL)
        if then:
            then()
    return preexec


def binary():
    path = os.environ.get("GLS_BINARY") or str(ROOT / "build" / "gls-local")
    if not os.path.exists(path):
        raise unittest.SkipTest(f"gls-local binary not found at {path}; build it first")
    return path


class GlsServer:
    """A gls-local process on 127.0.0.1 with a free port."""

    def __init__(self, *args, env=None, db=":memory:", strict=True, wait=True, **popen):
        cmd = [binary(), "--port", "0", "--db", db, "--threads", "2"]
        if strict:
            cmd.append("--validate-responses")
        cmd += list(args)
        full_env = dict(os.environ)
        full_env.update(env or {})
        self._start(cmd, full_env, wait, **popen)

    def _start(self, cmd, env, wait, preexec_fn=None, **popen):
        self.lines = queue.Queue()
        self.log = []
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
                                     preexec_fn=_dying_with_this_process(preexec_fn), **popen)
        _running.add(self.proc)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = None
        if wait:
            try:
                self.wait_ready()
            except BaseException:
                self.stop(signal.SIGKILL)
                raise

    def _read(self):
        for line in self.proc.stdout:
            self.log.append(line.rstrip("\n"))
            self.lines.put(line)
        self.lines.put(None)

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if line is None:
                raise RuntimeError("gls-local exited during start-up:\n" + "\n".join(self.log))
            m = re.search(r"listening on (http://[^ ]+)", line)
            if m:
                self.url = m.group(1)
                self.port = int(self.url.rsplit(":", 1)[1])
                return
        raise RuntimeError("gls-local did not start in time:\n" + "\n".join(self.log))

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        _running.discard(self.proc)
        self._reader.join(timeout=5)
        self.proc.stdout.close()
        return self.proc.returncode

    def request(self, method, path, body=None, headers=None, timeout=30):
        """A raw HTTP request; returns (status, headers, parsed JSON or text)."""
        data = None
        headers = dict(headers or {})
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            data = data.encode() if isinstance(data, str) else data
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, hdrs, raw = r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, raw = e.code, dict(e.headers), e.read()
        text = raw.decode("utf-8", "replace")
        try:
            return status, hdrs, json.loads(text) if text else None
        except ValueError:
            return status, hdrs, text

    def admin(self, method, path, body=None):
        status, _, payload = self.request(method, "/_gls" + path, body)
        return status, payload

    def client(self, region="us-west-2", access_key="AKIDEXAMPLE", retries=True, **config):
        if SDK_PROBLEM:
            raise unittest.SkipTest(SDK_PROBLEM)
        cfg = botocore.config.Config(retries={"max_attempts": 1 if not retries else 3, "mode": "standard"},
                                     **config)
        return boto3.client("gameliftstreams", endpoint_url=self.url, region_name=region,
                            aws_access_key_id=access_key, aws_secret_access_key="secret", config=cfg)


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
