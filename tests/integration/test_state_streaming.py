"""GET /_gls/state of a large world is streamed: the answer goes out in
chunks while it is written, as fast as the client takes it, so that the
server holds a few pieces of it at a time; a client that goes away mid-dump
leaves nothing behind (SPEC section 7; server/admin/streamed_json.hpp)."""
import json
import os
import socket
import tempfile
import shutil
import time
import unittest

from gls_testlib import SDK_PROBLEM, GlsServer
from test_resource_state import large_world

SESSIONS = 100_000
# The answer is about 94 MiB: rendered whole it would take more than that
# again; streamed, the server holds a few 64 KiB pieces and what the socket takes.
BOUND_KIB = 40 * 1024
# Built with the sanitizers (scripts/sanitizer-env.sh), freed memory stays in
# quarantine, so resident memory says nothing of what is held: LeakSanitizer
# checks that instead, and the normal build checks the bound.
SANITIZED = os.environ.get("GLS_SANITIZED") == "1"


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(name + ":"))


def threads(pid):
    return status_field(pid, "Threads")


def anon_kib(pid):
    """The server's own memory: the resident set less the database file's
    pages, which the store maps and which a whole dump reads."""
    return status_field(pid, "RssAnon")


def open_dump(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    s.sendall(b"GET /_gls/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    return s


def read_head(s):
    data = b""
    while b"\r\n\r\n" not in data:
        more = s.recv(4096)
        if not more:
            raise AssertionError(f"the connection closed before the head ended: {data!r}")
        data += more
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1").lower(), rest


def read_to_end(s, first, pid, peak):
    """Reads the rest of an answer, watching the server's RssAnon: the bytes,
    and the highest RssAnon seen (or `peak`)."""
    chunks = [first]
    while True:
        more = s.recv(1 << 20)
        if not more:
            return b"".join(chunks), peak
        chunks.append(more)
        peak = max(peak, anon_kib(pid))


def dechunk(raw):
    body, at = [], 0
    while True:
        eol = raw.index(b"\r\n", at)
        size = int(raw[at:eol].split(b";")[0], 16)
        if size == 0:
            return b"".join(body)
        body.append(raw[eol + 2:eol + 2 + size])
        at = eol + 2 + size + 2


class StreamedDump(unittest.TestCase):
    """One world of 100k sessions, restored once into a file database and
    served by a fresh server on that file, whose memory the tests watch."""

    @classmethod
    def setUpClass(cls):
        if SDK_PROBLEM:
            raise unittest.SkipTest(SDK_PROBLEM)
        cls.tmp = tempfile.mkdtemp(prefix="gls-stream-state-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        db = os.path.join(cls.tmp, "state.db")
        args = ("--clock", "manual", "--no-default-fixtures", "--state-body-limit", "64M")
        cls.world = large_world(SESSIONS)
        loader = GlsServer(*args, db=db)
        try:
            status, _, cls.put_answer = loader.request("PUT", "/_gls/state", json.dumps(cls.world).encode(), timeout=600)
        finally:
            loader.stop()
        assert status == 200, str(cls.put_answer)[:500]
        cls.server = GlsServer(*args, db=db)
        cls.addClassCleanup(cls.server.stop)

    def test_a_slow_reader_gets_the_whole_document_while_the_server_holds_little(self):
        pid = self.server.proc.pid
        before = anon_kib(pid)
        with open_dump(self.server.port) as s:
            head, raw = read_head(s)
            # The client stops reading: the server waits for it rather than write on.
            time.sleep(1.5)
            paused = anon_kib(pid)
            if not SANITIZED:
                self.assertLess(paused - before, BOUND_KIB, f"RssAnon {before} -> {paused} KiB while the client paused")
            self.assertIn("transfer-encoding: chunked", head)
            self.assertIn("content-type: application/json", head)
            self.assertIn("connection: close", head, "what follows the body is not read")
            raw, peak = read_to_end(s, raw, pid, paused)
        if not SANITIZED:
            self.assertLess(peak - before, BOUND_KIB, f"RssAnon {before} -> {peak} KiB while the client read")
        body = dechunk(raw)
        self.assertGreater(len(body), 64 * 1024 * 1024, "the document is large enough to tell")
        doc = json.loads(body)
        # The same document as the restore answered, which the same world gave.
        put = dict(self.put_answer)
        self.assertEqual(doc.pop("clock").keys(), put.pop("clock").keys())
        self.assertEqual(doc, put)
        self.assertEqual([s["Arn"].rsplit("/", 1)[1] for s in doc["streamSessions"]],
                         [s["Id"] for s in self.world["streamSessions"]])
        self.assertEqual([(s["Status"], s["Description"]) for s in doc["streamSessions"][:3]],
                         [(s["Status"], s["Description"]) for s in self.world["streamSessions"][:3]])
        # An item in the middle: its Get shape, whole.
        gls = self.server.client()
        middle = doc["streamSessions"][SESSIONS // 2]
        got = gls.get_stream_session(Identifier="sg-LARGE0001", StreamSessionIdentifier=middle["Arn"])
        got.pop("ResponseMetadata")
        for key, value in got.items():
            if key != "CreatedAt" and key != "LastUpdatedAt":
                self.assertEqual(middle[key], value, key)

    def test_clients_that_go_away_mid_dump_leave_nothing_behind(self):
        pid = self.server.proc.pid
        gls = self.server.client()

        def hang_up_after(nbytes):
            with open_dump(self.server.port) as s:
                got = len(read_head(s)[1])
                while got < nbytes:
                    got += len(s.recv(65536))

        hang_up_after(1 << 20)
        time.sleep(0.5)
        base_threads, base_rss = threads(pid), anon_kib(pid)
        for _ in range(8):
            hang_up_after(1 << 20)
        # The producers noticed and stopped: the next dumps reuse their threads.
        deadline = time.monotonic() + 10
        while threads(pid) > base_threads and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertLessEqual(threads(pid), base_threads + 2, "a dump's worker is reused once its client has gone")
        if not SANITIZED:
            self.assertLess(anon_kib(pid) - base_rss, BOUND_KIB)
        # Nothing holds the store: a write goes through and a whole dump sees it.
        app = gls.create_application(Description="after the hang-ups", ExecutablePath="x.exe",
                                     ApplicationSourceUri="s3://b/x",
                                     RuntimeEnvironment={"Type": "WINDOWS", "Version": "2022"})
        try:
            status, _, doc = self.server.request("GET", "/_gls/state", timeout=120)
            self.assertEqual(status, 200)
            self.assertIn(app["Arn"], [a["Arn"] for a in doc["applications"]])
            self.assertEqual(len(doc["streamSessions"]), SESSIONS)
        finally:
            self.server.force_application_status(app["Id"], "READY", force=True)
            gls.delete_application(Identifier=app["Arn"])


if __name__ == "__main__":
    unittest.main()
