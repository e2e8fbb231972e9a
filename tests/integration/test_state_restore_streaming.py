"""PUT /_gls/state reads its body as it arrives: the server holds a few
pieces of it at a time, however large, and still restores all or nothing;
a body cut short, malformed, too large or that cannot be kept (503, the
cause named) leaves the state as it was, and is logged with the status its
client got. A dump
of a :memory: database is streamed from a copy, holding neither the store
nor the document; and the documents written or read at once are bounded,
one more being told 503 (server/admin/admin_state.cpp, streamed_json.hpp).
Neither writes anywhere the emulator was not told to write: a body is kept
beside a file database, else in memory, and a dump's copy is in memory;
each server runs with a TMPDIR of its own that must stay empty."""
import errno
import http.client
import json
import os
import resource
import select
import shutil
import signal
import socket
import tempfile
import time
import unittest

from gls_testlib import SDK_PROBLEM, GlsServer, ServerTestCase
from test_resource_state import large_world
from test_state_streaming import (BOUND_KIB, SANITIZED, anon_kib, dechunk, open_dump, read_head, read_to_end,
                                  threads)

MAX_DOCUMENTS = 4  # --max-state-documents by default


def status_kib(pid, name):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(name + ":"))


def peak_growth_kib(pid, action):
    """How far the resident set of a process rose above where it stood
    while `action` ran (its peak reset first, through /proc/PID/clear_refs);
    and what `action` gave."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")
    before = status_kib(pid, "VmRSS")
    result = action()
    return status_kib(pid, "VmHWM") - before, result


def database_kib(server):
    """The size of the server's database (gls_store_bytes), in KiB."""
    status, _, text = server.request("GET", "/_gls/metrics")
    return next(int(line.split()[1]) // 1024 for line in text.splitlines() if line.startswith("gls_store_bytes "))


def open_paths(pid):
    """The files a process has opened, by path (" (deleted)" after one that
    is unlinked); not its standard streams, devices, sockets or pipes."""
    paths = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        if int(fd) <= 2:
            continue
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:  # closed meanwhile
            continue
        if target.startswith("/") and not target.startswith("/dev/"):
            paths.append(target)
    return paths


def serve_file_database(cls, prefix, body_limit, **server_options):
    """Starts cls.server on a database file in a directory of its own
    (cls.db_dir), both gone after the class."""
    if SDK_PROBLEM:
        raise unittest.SkipTest(SDK_PROBLEM)
    cls.db_dir = tempfile.mkdtemp(prefix=prefix)
    cls.addClassCleanup(shutil.rmtree, cls.db_dir, True)
    cls.server = GlsServer("--clock", "manual", "--no-default-fixtures", "--state-body-limit", body_limit,
                           db=os.path.join(cls.db_dir, "state.db"), **server_options)
    cls.addClassCleanup(cls.server.stop)


def empty_tmpdir(cls):
    """A TMPDIR for a test class's server, removed after it (class cleanups
    run last registered first)."""
    d = tempfile.mkdtemp(prefix="gls-tmpdir-")
    cls.addClassCleanup(shutil.rmtree, d, True)
    return d


def put_in_halves(port, body, between):
    """PUTs `body` in two halves, calling `between()` once the first has
    been sent: the answer's status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall((f"PUT /_gls/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode())
        s.sendall(body[:len(body) // 2])
        between()
        s.sendall(body[len(body) // 2:])
        head, raw = read_head(s)
        chunks = [raw]
        while more := s.recv(1 << 20):
            chunks.append(more)
    raw = b"".join(chunks)
    return int(head.split()[1]), dechunk(raw) if "chunked" in head else raw


def padded_pieces(world, padding, piece=64 * 1024):
    """The world's JSON with `padding` blanks after each session (JSON all the
    same, and far larger than what it loads), in pieces as a client sends them."""
    head = dict(world)
    sessions = head.pop("streamSessions")
    text = json.dumps(head)
    yield text[:-1].encode() + b', "streamSessions": ['
    blanks = b" " * padding
    out = []
    for i, s in enumerate(sessions):
        out.append((b"," if i else b"") + json.dumps(s).encode() + blanks)
        if len(out) * padding >= piece:
            yield b"".join(out)
            out = []
    yield b"".join(out) + b"]}"


def start_put(port, body, timeout=60):
    """A socket whose PUT /_gls/state has sent its head and half of `body`,
    and then nothing: the restore is in progress, holding its document."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall((f"PUT /_gls/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body[:len(body) // 2])
    return s


def hold_the_only_place(test, server, body, seconds=10):
    """A PUT from start_put that holds the server's only document place
    (--max-state-documents 1), as a GET told 503 shows; and how many PUTs
    were refused on the way. The probing GET itself holds the place while
    it is answered: a PUT whose head the server reads then is refused, and
    is sent again."""
    deadline = time.monotonic() + seconds
    held, refused = start_put(server.port, body), 0
    while True:
        test.assertLess(time.monotonic(), deadline, "the restore never took the place; the log ends:\n"
                        + "\n".join(server.log[-20:]))
        answer = server.request("GET", "/_gls/state", timeout=30)
        # A PUT still in progress has no answer; one refused has, or soon.
        if select.select([held], [], [], 0.3 if answer[0] == 503 else 0)[0]:
            held.close()
            held, refused = start_put(server.port, body), refused + 1
        elif answer[0] == 503:
            return held, answer, refused
        else:
            test.assertEqual(answer[0], 200, str(answer[2])[:300])
            time.sleep(0.05)


def put_pieces(port, pieces, length, timeout=600):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.putrequest("PUT", "/_gls/state")
        c.putheader("Content-Type", "application/json")
        c.putheader("Content-Length", str(length))
        c.endheaders()
        for p in pieces:
            c.send(p)
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


class LargeRestore(unittest.TestCase):
    """A file database; a world much smaller than its body, which is padded
    (what loading a world holds, mostly SQLite's page cache, grows with the
    world: here the body is what must not count)."""
    SESSIONS = 5_000
    PADDING = 32 * 1024  # about 160 MiB of body in all
    DUMPED_SESSIONS = 20_000  # a document that clients who do not read hold in progress

    @classmethod
    def setUpClass(cls):
        cls.tmpdir = empty_tmpdir(cls)
        serve_file_database(cls, "gls-restore-stream-", "512M", env={"TMPDIR": cls.tmpdir})
        cls.world = large_world(cls.SESSIONS)

    def test_a_large_body_is_read_as_it_arrives(self):
        pid = self.server.proc.pid
        pieces = list(padded_pieces(self.world, self.PADDING))
        length = sum(len(p) for p in pieces)
        self.assertGreater(length, 128 * 1024 * 1024, "the body is large enough to tell")
        growth, (status, _, answer) = peak_growth_kib(pid, lambda: put_pieces(self.server.port, pieces, length))
        self.assertEqual(status, 200, answer[:500])
        answer = json.loads(answer)
        if not SANITIZED:
            self.assertLess(growth, BOUND_KIB, f"the resident set rose {growth} KiB during the restore")
        self.assertEqual([s["Arn"].rsplit("/", 1)[1] for s in answer["streamSessions"]],
                         [s["Id"] for s in self.world["streamSessions"]])
        status, _, doc = self.server.request("GET", "/_gls/state", timeout=120)
        self.assertEqual(status, 200)
        self.assertEqual(len(doc["streamSessions"]), self.SESSIONS)
        self.assertNothingLeftBehind()

    def assertNothingLeftBehind(self):
        self.assertEqual(os.listdir(self.tmpdir), [])
        self.assertLessEqual(set(os.listdir(self.db_dir)), {"state.db", "state.db-wal", "state.db-shm"})
        self.assertEqual([p for p in open_paths(self.server.proc.pid) if p.endswith(" (deleted)")], [])

    def test_a_body_is_kept_in_an_unlinked_file_beside_the_database(self):
        pid = self.server.proc.pid
        body = b"".join(padded_pieces(large_world(50), 64 * 1024))
        self.assertGreater(len(body), 2 * 1024 * 1024)

        def kept_beside_the_database():
            deadline = time.monotonic() + 20
            while not (kept := [p for p in open_paths(pid) if p.endswith(" (deleted)")]):
                self.assertLess(time.monotonic(), deadline, f"no unlinked file open: {open_paths(pid)}")
                time.sleep(0.05)
            self.assertEqual(len(kept), 1, kept)
            self.assertEqual({os.path.dirname(p) for p in open_paths(pid)}, {os.path.realpath(self.db_dir)})
            self.assertEqual(os.listdir(self.tmpdir), [])

        status, answer = put_in_halves(self.server.port, body, kept_beside_the_database)
        self.assertEqual(status, 200, answer[:500])
        self.assertEqual(len(json.loads(answer)["streamSessions"]), 50)
        self.assertNothingLeftBehind()

    def test_documents_in_progress_are_bounded(self):
        status, _, body = self.server.request("PUT", "/_gls/state",
                                              json.dumps(large_world(self.DUMPED_SESSIONS)).encode(), timeout=600)
        self.assertEqual(status, 200, str(body)[:300])
        pid = self.server.proc.pid
        workers_before = threads(pid)
        dumps = []
        try:
            # Clients that do not read: each holds its dump in progress.
            for _ in range(MAX_DOCUMENTS):
                s = open_dump(self.server.port)
                dumps.append(s)
                head, _ = read_head(s)
                self.assertIn("200 ok", head.splitlines()[0])
            time.sleep(0.5)
            status, headers, error = self.server.request("GET", "/_gls/state", timeout=30)
            self.assertEqual(status, 503, str(error)[:300])
            self.assertEqual(headers.get("x-amzn-ErrorType"), "ServiceUnavailableException")
            self.assertIn("try again", error["message"])
            self.assertEqual(headers.get("Retry-After"), "1")
            status, _, error = self.server.request("PUT", "/_gls/state", b'{"streamSessions": []}', timeout=30)
            self.assertEqual(status, 503, str(error)[:300])
            self.assertLessEqual(threads(pid), workers_before + MAX_DOCUMENTS)
        finally:
            for s in dumps:
                s.close()
        # Their producers notice, and a dump goes through again.
        deadline = time.monotonic() + 20
        while True:
            status, _, doc = self.server.request("GET", "/_gls/state", timeout=120)
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(status, 200, str(doc)[:300])
        self.assertEqual(len(doc["streamSessions"]), self.DUMPED_SESSIONS)


class OneDocumentAtATime(unittest.TestCase):
    """--max-state-documents 1: while a restore is in progress, any other
    document is told 503, and served again once it has ended."""

    @classmethod
    def setUpClass(cls):
        cls.server = GlsServer("--clock", "manual", "--no-default-fixtures", "--max-state-documents", "1")
        cls.addClassCleanup(cls.server.stop)

    def assertBusy(self, status, headers, error):
        self.assertEqual(status, 503, str(error)[:300])
        self.assertEqual(headers.get("x-amzn-ErrorType"), "ServiceUnavailableException")
        self.assertIn("reading a state document (GET and PUT /_gls/state)", error["message"])
        self.assertEqual(headers.get("Retry-After"), "1")

    def test_a_second_document_gets_a_503_until_the_first_ends(self):
        body = json.dumps(large_world(50)).encode()
        # The restore holds the only place from its head on.
        held, answer, _ = hold_the_only_place(self, self.server, body)
        try:
            self.assertBusy(*answer)
            self.assertBusy(*self.server.request("PUT", "/_gls/state", body, timeout=30))
        finally:
            held.close()
        # Its client gone, the restore ends, and its place is free again.
        deadline = time.monotonic() + 20
        while (answer := self.server.request("PUT", "/_gls/state", body, timeout=60))[0] == 503:
            self.assertLess(time.monotonic(), deadline, "the place was never freed")
            time.sleep(0.1)
        self.assertEqual(answer[0], 200, str(answer[2])[:300])
        self.assertEqual(len(answer[2]["streamSessions"]), 50)


class StalledRestoreAtShutdown(unittest.TestCase):
    """A restore whose client stalls half way is in flight when the server is
    told to stop: it has the shutdown grace to end (10 s), then its body is
    stopped; the answer computed then reaches no one, and its log line says so
    rather than tell of a status as if the client had got it."""

    def test_its_line_says_the_answer_was_not_delivered(self):
        server = GlsServer("--clock", "manual", "--no-default-fixtures", "--max-state-documents", "1")
        self.addCleanup(server.stop)
        body = json.dumps(large_world(50)).encode()
        # Being handled once it holds the only document place.
        held, _, refused = hold_the_only_place(self, server, body)
        with held as s:
            t0 = time.monotonic()
            server.proc.send_signal(signal.SIGTERM)
            self.assertEqual(server.proc.wait(timeout=40), 0, server.log)
            took = time.monotonic() - t0
            try:
                got = s.recv(65536)
            except ConnectionResetError:
                got = b""
            self.assertEqual(got, b"", "the client got no answer")
        server.stop()  # the whole log is in
        # One grace in all (10 s), the time to exit aside.
        self.assertGreater(took, 9, server.log)
        self.assertLess(took, 16, server.log)
        lines = [line for line in server.log if "admin PUT /_gls/state" in line]
        self.assertEqual(len(lines), refused + 1, server.log)
        for line in lines[:-1]:
            self.assertIn("admin PUT /_gls/state 503 ", line)
        self.assertRegex(lines[-1], r"admin PUT /_gls/state \d{3} [\d.]+ms \S+ \(not delivered: server stopping\)$")


def exported(test, server):
    """The state document of the default scope, without its clock reading."""
    status, _, doc = server.request("GET", "/_gls/state")
    test.assertEqual(status, 200, doc)
    doc.pop("clock")
    return doc


class BrokenRestores(ServerTestCase):
    """Bodies that must not restore anything: the state stays as it was."""
    server_args = ("--clock", "manual", "--state-body-limit", "1M")

    def export(self):
        return exported(self, self.server)

    def setUp(self):
        super().setUp()
        status, _, body = self.server.request("PUT", "/_gls/state", large_world(50))
        self.assertEqual(status, 200, body)
        self.before = self.export()
        self.text = json.dumps(large_world(500)).encode()

    def raw_put(self, head_lines, body_parts, read_answer=True):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        try:
            s.sendall(("PUT /_gls/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                       "".join(line + "\r\n" for line in head_lines) + "\r\n").encode())
            for part in body_parts:
                s.sendall(part)
                time.sleep(0.01)
            if not read_answer:
                return None
            data = b""
            while True:
                try:
                    more = s.recv(65536)
                except ConnectionResetError:
                    break
                if not more:
                    break
                data += more
            head, _, body = data.partition(b"\r\n\r\n")
            return head.decode("latin-1"), body
        finally:
            s.close()

    def assertUnchanged(self):
        self.assertEqual(self.export(), self.before)

    def test_malformed_or_cut_short_json_gets_a_400_naming_it(self):
        middle = len(self.text) // 2
        for name, body, says in [
                ("cut short", self.text[:middle], "not valid JSON"),
                ("a list closed twice half way", self.text[:self.text.index(b"}, {", middle) + 1] + b"]]" +
                 self.text[self.text.index(b"}, {", middle) + 1:], "not valid JSON"),
                ("text after the object", self.text + b" {}", "unexpected text after the value"),
                ("not UTF-8", self.text[:middle] + b"\xff" + self.text[middle:], "not valid JSON"),
                ("not an object", b"[" + self.text + b"]", "must be a JSON object"),
                ("the last session bad", json.dumps(large_world(500, bad_last={"Status": "NOPE"})).encode(),
                 "streamSessions[499]")]:
            with self.subTest(name):
                status, _, error = self.server.request("PUT", "/_gls/state", body)
                self.assertEqual(status, 400, str(error)[:300])
                self.assertIn(says, error.get("message", ""))
                self.assertUnchanged()

    def test_a_chunked_body_over_the_bound_gets_a_413_naming_it(self):
        piece = b" " * 65536
        chunks = [b"%x\r\n" % len(self.text) + self.text + b"\r\n"]
        chunks += [b"%x\r\n" % len(piece) + piece + b"\r\n"] * 20  # over 1 MiB in all
        chunks.append(b"0\r\n\r\n")
        head, body = self.raw_put(["Transfer-Encoding: chunked"], chunks)
        self.assertIn(" 413 ", head.splitlines()[0], head)
        error = json.loads(body)
        self.assertIn("--state-body-limit", error["message"])
        self.assertUnchanged()

    def test_malformed_chunking_half_way_gets_a_400(self):
        half = self.text[:len(self.text) // 2]
        head, body = self.raw_put(["Transfer-Encoding: chunked"],
                                  [b"%x\r\n" % len(half) + half + b"\r\n", b"zz\r\n"])
        self.assertIn(" 400 ", head.splitlines()[0], head)
        self.assertIn("Malformed HTTP request", json.loads(body)["message"])
        self.assertUnchanged()

    def test_a_client_that_hangs_up_half_way_changes_nothing(self):
        half = self.text[:len(self.text) // 2]
        self.raw_put([f"Content-Length: {len(self.text)}"], [half], read_answer=False)
        time.sleep(0.5)
        self.assertUnchanged()
        # The server goes on: a whole body restores.
        status, _, doc = self.server.request("PUT", "/_gls/state", self.text)
        self.assertEqual(status, 200, str(doc)[:300])
        self.assertEqual(len(doc["streamSessions"]), 500)

    def test_a_refused_restore_is_logged_with_the_status_it_got(self):
        for body, want in [(self.text[:len(self.text) // 2], 400), (self.text, 200)]:
            status, headers, answer = self.server.request("PUT", "/_gls/state", body)
            self.assertEqual(status, want, str(answer)[:300])
            request_id = headers["x-amzn-RequestId"]
            deadline = time.monotonic() + 10
            while not (lines := [line for line in self.server.log if request_id in line]):
                self.assertLess(time.monotonic(), deadline, f"no log line for {request_id}")
                time.sleep(0.05)
            self.assertEqual(len(lines), 1, lines)
            self.assertIn(f"admin PUT /_gls/state {want} ", lines[0])

    def test_a_body_sent_slowly_is_restored(self):
        parts = [self.text[i:i + 4096] for i in range(0, len(self.text), 4096)]
        head, body = self.raw_put([f"Content-Length: {len(self.text)}", "Connection: close"], parts)
        self.assertIn(" 200 ", head.splitlines()[0], head)
        self.assertEqual(len(json.loads(dechunk(body))["streamSessions"]), 500)


def file_size_limit(limit):
    """For preexec_fn: files the process writes may grow to `limit` bytes.
    (SIGXFSZ keeps its default action, which would kill the server: the
    server ignores it itself.)"""
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


class SpoolFailure(unittest.TestCase):
    """A body that cannot be kept beside the database (here: past the file
    size the server may write, RLIMIT_FSIZE; likewise a full disk) is refused
    with a 503 that says why; nothing is restored, and the server goes on."""
    LIMIT = 8 * 1024 * 1024

    @classmethod
    def setUpClass(cls):
        serve_file_database(cls, "gls-restore-spool-", "64M", preexec_fn=file_size_limit(cls.LIMIT))

    def export(self):
        return exported(self, self.server)

    def test_a_body_past_the_file_size_limit_gets_a_503_naming_the_cause(self):
        status, _, body = self.server.request("PUT", "/_gls/state", large_world(50))
        self.assertEqual(status, 200, body)
        before = self.export()
        pieces = list(padded_pieces(large_world(300, app="a-LARGE0002"), 64 * 1024))
        length = sum(len(p) for p in pieces)
        self.assertGreater(length, 2 * self.LIMIT)
        status, headers, answer = put_pieces(self.server.port, pieces, length, timeout=60)
        self.assertEqual(status, 503, answer[:500])
        self.assertEqual(headers.get("x-amzn-ErrorType"), "ServiceUnavailableException")
        message = json.loads(answer)["message"]
        self.assertIn("the restore's body could not be kept beside the database", message)
        self.assertIn(os.strerror(errno.EFBIG), message)
        self.assertIsNone(self.server.proc.poll(), "gls-local exited")
        self.assertEqual(self.export(), before)
        self.assertLessEqual(set(os.listdir(self.db_dir)), {"state.db", "state.db-wal", "state.db-shm"})
        # The server goes on: a body within the limit restores.
        status, _, doc = self.server.request("PUT", "/_gls/state", large_world(20))
        self.assertEqual(status, 200, str(doc)[:300])
        self.assertEqual(len(doc["streamSessions"]), 20)


class MemoryDump(unittest.TestCase):
    """GET /_gls/state with --db :memory: streams from a copy in memory (as
    large as the database): neither the document nor the store's lock is held
    while the client reads, and no file is written."""
    SESSIONS = 60_000

    @classmethod
    def setUpClass(cls):
        if SDK_PROBLEM:
            raise unittest.SkipTest(SDK_PROBLEM)
        cls.tmpdir = empty_tmpdir(cls)
        cls.server = GlsServer("--clock", "manual", "--no-default-fixtures", "--state-body-limit", "256M",
                               env={"TMPDIR": cls.tmpdir})
        cls.addClassCleanup(cls.server.stop)
        status, _, body = cls.server.request("PUT", "/_gls/state", json.dumps(large_world(cls.SESSIONS)).encode(),
                                             timeout=600)
        assert status == 200, str(body)[:500]

    def test_a_slow_reader_holds_neither_the_document_nor_the_store(self):
        pid = self.server.proc.pid
        gls = self.server.client()
        # The copy a dump reads is as large as the database, whatever the
        # document: what one costs at its peak for a scope with nothing in it.
        copy_kib, (status, _, empty) = peak_growth_kib(
            pid, lambda: self.server.request("GET", "/_gls/state?account=999988887777", timeout=120))
        self.assertEqual((status, empty["streamSessions"]), (200, []))
        # That peak may stay low, the copy's pages taking memory the server
        # had freed and still held; the next copy may not find it free. The
        # database's own size is the least a copy holds.
        copy_kib = max(copy_kib, database_kib(self.server))
        before = anon_kib(pid)
        with open_dump(self.server.port) as s:
            head, raw = read_head(s)
            self.assertIn("transfer-encoding: chunked", head)
            time.sleep(1.5)
            paused = anon_kib(pid)
            # The copy it reads is in memory: no file anywhere.
            self.assertEqual(open_paths(pid), [])
            self.assertEqual(os.listdir(self.tmpdir), [])
            # The store is free while the client does not read.
            t0 = time.monotonic()
            app = gls.create_application(Description="during the dump", ExecutablePath="x.exe",
                                         ApplicationSourceUri="s3://b/x",
                                         RuntimeEnvironment={"Type": "WINDOWS", "Version": "2022"})
            self.assertLess(time.monotonic() - t0, 5)
            raw, peak = read_to_end(s, raw, pid, paused)
        if not SANITIZED:
            bound = copy_kib + BOUND_KIB
            self.assertLess(paused - before, bound, f"RssAnon {before} -> {paused} KiB while the client paused "
                            f"(a copy: {copy_kib} KiB)")
            self.assertLess(peak - before, bound, f"RssAnon {before} -> {peak} KiB while the client read "
                            f"(a copy: {copy_kib} KiB)")
        body = dechunk(raw)
        self.assertGreater(len(body), 48 * 1024 * 1024, "the document is large enough to tell")
        doc = json.loads(body)
        self.assertEqual(len(doc["streamSessions"]), self.SESSIONS)
        # One snapshot, taken before the application was made.
        self.assertNotIn(app["Arn"], [a["Arn"] for a in doc["applications"]])
        status, _, now = self.server.request("GET", "/_gls/state", timeout=120)
        self.assertIn(app["Arn"], [a["Arn"] for a in now["applications"]])

    def test_a_body_is_kept_in_memory(self):
        world = large_world(2_000)
        world["account"] = "444455556666"  # another scope: the large world stays
        body = json.dumps(world).encode()

        def kept_in_memory():
            time.sleep(0.5)  # the body is being read meanwhile
            self.assertEqual(open_paths(self.server.proc.pid), [])
            self.assertEqual(os.listdir(self.tmpdir), [])

        status, answer = put_in_halves(self.server.port, body, kept_in_memory)
        self.assertEqual(status, 200, answer[:500])
        self.assertEqual(len(json.loads(answer)["streamSessions"]), 2_000)
        self.assertEqual(os.listdir(self.tmpdir), [])


if __name__ == "__main__":
    unittest.main()
