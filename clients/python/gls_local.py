"""gls-local in your test suite: start the emulator, drive it, stop it.

Standard library only (boto3 is imported when you ask for a client).

    from gls_local import GlsLocal

    with GlsLocal() as gls:                  # a free port, a temporary database, the manual clock
        streams = gls.client()               # a boto3 "gameliftstreams" client for it
        gls.advance(120)                     # move emulator time; due transitions happen first
        gls.session_history("sg-1AB2C3De4", "ABC123def4567")

unittest: subclass GlsLocalTestCase (one emulator per class, reset before each
test: self.gls_local, self.client). pytest: `pytest_plugins = ["gls_local"]` in
conftest.py gives the fixtures `gls_local` (reset before each test) and
`gls_local_server` (one per session).

The binary is `binary=`, else $GLS_BINARY, else `gls-local` on PATH. An
emulator stops with its `with` block, at stop(), when this process exits, and
on Linux when the thread that started it ends (the kernel kills it), so none
outlives the tests. GlsLocal.attach(url) drives one that runs elsewhere (a
container) through the same methods.
"""
import atexit
import ctypes
import json
import os
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
import urllib.parse
import urllib.request

__all__ = ["GlsLocal", "GlsLocalError", "GlsLocalTestCase", "find_binary"]


class GlsLocalError(Exception):
    """An admin request that was not answered with 2xx; .status and .payload say why."""

    def __init__(self, method, path, status, payload):
        super().__init__(f"{method} {path}: {status} {payload}")
        self.status, self.payload = status, payload


def find_binary(binary=None):
    path = binary or os.environ.get("GLS_BINARY") or shutil.which("gls-local")
    if not path or not os.path.exists(path):
        raise FileNotFoundError("gls-local not found: pass binary=, set GLS_BINARY or put gls-local on PATH")
    return path


_PR_SET_PDEATHSIG = 1
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None

# Emulators started and not yet seen to stop, killed when this process exits.
_running = set()


@atexit.register
def _kill_running():
    for proc in list(_running):
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _running.clear()


def _dying_with_this_thread(then=None):
    """A preexec_fn: the child gets SIGKILL when the thread that started it
    ends (PR_SET_PDEATHSIG). `then` runs after."""
    parent = os.getpid()

    def preexec():
        if _prctl:
            _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the parent died before the request took effect
                os.kill(os.getpid(), signal.SIGKILL)
        if then:
            then()
    return preexec


def _quote(identifier):
    return urllib.parse.quote(str(identifier), safe="")


class GlsLocal:
    """One gls-local process (or, from attach(), one running elsewhere) and its admin API."""

    # Class defaults, so that a subclass may start its own command with launch().
    url = None
    proc = None
    admin_token = None
    _tmpdir = None

    def __init__(self, *args, binary=None, db=None, clock="manual", env=None, admin_token=None, start=True):
        """`args` are extra flags. db=None: a file in a temporary directory,
        removed at stop(); or a path, or ":memory:". clock: "manual" (time
        moves only through advance()), "real", or None to leave it to the
        flags and environment."""
        self.url = None
        self.proc = None
        self.log = []
        self.admin_token = admin_token
        self._tmpdir = None
        self._args, self._binary, self._db, self._clock, self._env = list(args), binary, db, clock, env
        if start:
            self.start()

    @classmethod
    def attach(cls, url, admin_token=None):
        """Drives an emulator that is already running at `url`."""
        gls = cls(start=False, admin_token=admin_token)
        gls.url = url.rstrip("/")
        return gls

    # -- the process ---------------------------------------------------------

    @property
    def endpoint(self):
        return self.url

    def start(self):
        binary = find_binary(self._binary)
        db = self._db
        if db is None:
            self._tmpdir = tempfile.mkdtemp(prefix="gls-local-")
            db = os.path.join(self._tmpdir, "state.db")
        cmd = [binary, "--port", "0", "--host", "127.0.0.1", "--db", db]
        if self._clock:
            cmd += ["--clock", self._clock]
        if self.admin_token:
            cmd += ["--admin-token", self.admin_token]
        self.launch(cmd + self._args, dict(os.environ, **(self._env or {})))
        return self

    def launch(self, cmd, env, wait=True, preexec_fn=None, **popen):
        """Starts exactly `cmd` and, with `wait`, waits for its "listening on" line."""
        self.lines = queue.Queue()
        self.log = []
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
                                     preexec_fn=_dying_with_this_thread(preexec_fn), **popen)
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
        """Stops the process (SIGTERM, SIGKILL after `timeout`); returns its exit code."""
        if self.proc is None:
            return None
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
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- clients -------------------------------------------------------------

    def client(self, region="us-west-2", **kwargs):
        """A boto3 client for the GameLift Streams API of this emulator."""
        import boto3
        kwargs.setdefault("aws_access_key_id", "test")
        kwargs.setdefault("aws_secret_access_key", "test")
        return boto3.client("gameliftstreams", endpoint_url=self.url, region_name=region, **kwargs)

    def request(self, method, path, body=None, headers=None, timeout=30):
        """A raw HTTP request; returns (status, headers, parsed JSON or text)."""
        data = None
        headers = dict(headers or {})
        if self.admin_token and path.startswith("/_gls") and "Authorization" not in headers:
            headers["Authorization"] = "Bearer " + self.admin_token
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
        """An admin request to /_gls + path; returns (status, payload) whatever the status."""
        status, _, payload = self.request(method, "/_gls" + path, body)
        return status, payload

    def _call(self, method, path, body=None, query=None):
        given = {k: v for k, v in (query or {}).items() if v is not None}
        if given:
            path += "?" + urllib.parse.urlencode(given)
        status, payload = self.admin(method, path, body)
        if not 200 <= status < 300:
            raise GlsLocalError(method, "/_gls" + path, status, payload)
        return payload

    # -- the admin API: each raises GlsLocalError unless answered with 2xx ---

    def health(self):
        return self._call("GET", "/health")

    def reset(self, fixtures=True):
        """Wipes every resource, fault rule and journal entry; reloads the fixtures unless told not to."""
        return self._call("POST", "/reset", {"fixtures": fixtures})

    def clock(self):
        return self._call("GET", "/clock")

    def advance(self, seconds):
        """Moves emulator time on; answers once every transition then due has happened."""
        return self._call("POST", "/clock", {"advanceSeconds": seconds})

    def set_clock(self, epoch_seconds=None, mode=None, scale=None):
        body = {k: v for k, v in (("set", epoch_seconds), ("mode", mode), ("scale", scale)) if v is not None}
        return self._call("POST", "/clock", body)

    def session_event(self, group, session, event, reason=None):
        """event: clientConnect, clientDisconnect, userInput, applicationExit or fail."""
        body = {"event": event} if reason is None else {"event": event, "reason": reason}
        return self._call("POST", f"/sessions/{_quote(group)}/{_quote(session)}/events", body)

    def force_session_status(self, group, session, status, reason=None, force=False):
        return self._call("POST", f"/sessions/{_quote(group)}/{_quote(session)}/status",
                          self._status_body(status, reason, force))

    def force_application_status(self, application, status, reason=None, force=False):
        return self._call("POST", f"/applications/{_quote(application)}/status",
                          self._status_body(status, reason, force))

    def force_stream_group_status(self, group, status, reason=None, force=False):
        return self._call("POST", f"/streamgroups/{_quote(group)}/status", self._status_body(status, reason, force))

    def force_location_status(self, group, location, status, reason=None, force=False):
        return self._call("POST", f"/streamgroups/{_quote(group)}/locations/{_quote(location)}/status",
                          self._status_body(status, reason, force))

    @staticmethod
    def _status_body(status, reason, force):
        body = {"status": status}
        if reason is not None:
            body["statusReason"] = reason
        if force:
            body["force"] = True
        return body

    def set_session_timings(self, group, session, **timings):
        """This session's own durations, e.g. idleTimeoutSeconds=30."""
        return self._call("POST", f"/sessions/{_quote(group)}/{_quote(session)}/timings", timings)

    def session_history(self, group, session):
        return self._call("GET", f"/sessions/{_quote(group)}/{_quote(session)}/history")

    def history(self, kind, *identifiers):
        """Any resource's transitions: kind is applications, streamgroups, locations (group, location),
        streamurls (group, url) or sessions (group, session)."""
        if kind == "locations":
            group, location = identifiers
            return self._call("GET", f"/streamgroups/{_quote(group)}/locations/{_quote(location)}/history")
        return self._call("GET", f"/{kind}/" + "/".join(map(_quote, identifiers)) + "/history")

    def add_fault(self, rule=None, **members):
        """Adds a fault rule, e.g. add_fault(operation="GetStreamSession", error="ThrottlingException",
        times=2); returns it as stored, with its id."""
        return self._call("POST", "/faults", dict(rule or {}, **members))

    def faults(self):
        return self._call("GET", "/faults")

    def remove_fault(self, rule_id):
        return self._call("DELETE", f"/faults/{_quote(rule_id)}")

    def clear_faults(self):
        return self._call("DELETE", "/faults")

    def journal(self, limit=None, operation=None, status=None):
        """The requests answered, newest first (status: a code, or e.g. "4xx")."""
        return self._call("GET", "/requests", query={"limit": limit, "operation": operation, "status": status})

    def snapshot(self, account=None, region=None):
        """The whole state of one account and Region, as a fixtures document."""
        return self._call("GET", "/state", query={"account": account, "region": region})

    def restore(self, document, account=None, region=None):
        """Replaces that account and Region's state with a snapshot(), all or nothing."""
        return self._call("PUT", "/state", document, query={"account": account, "region": region})


class GlsLocalTestCase(unittest.TestCase):
    """One emulator for the test class (self.gls_local, with a boto3 client as
    self.client), reset before each test. Class attributes gls_local_args and
    gls_local_options (keywords of GlsLocal) configure it."""

    gls_local_args = ()
    gls_local_options = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gls_local = GlsLocal(*cls.gls_local_args, **cls.gls_local_options)
        cls.addClassCleanup(cls.gls_local.stop)
        cls.client = cls.gls_local.client()

    def setUp(self):
        super().setUp()
        self.gls_local.reset()


try:
    import pytest
except ImportError:
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="session")
    def gls_local_server():
        """One gls-local for the whole test session."""
        with GlsLocal() as gls:
            yield gls

    @pytest.fixture
    def gls_local(gls_local_server):
        """The session's gls-local, reset (fixtures reloaded, clock kept) before the test."""
        gls_local_server.reset()
        return gls_local_server
