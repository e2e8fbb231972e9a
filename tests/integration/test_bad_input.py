"""Malformed HTTP, JSON and parameters over raw sockets (SPEC sections 2, 3, 8):
every one gets a 4xx JSON error, nothing crashes or hangs, and the server
keeps serving other clients."""
import json
import signal
import socket
import threading
import time
import unittest
import urllib.parse

from gls_testlib import GlsServer, ServerTestCase, rss_kib

SESSION_PATH = "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567"
ONE_MIB = 1024 * 1024


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.status} {self.headers} {self.body[:300]!r}>"


def read_response(f, head=False):
    """Reads one HTTP/1.x response from a binary file object; None at EOF.
    The answer to a HEAD request ends with its headers (RFC 9112 section 6.3)."""
    line = f.readline()
    if not line:
        return None
    parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise AssertionError(f"not an HTTP status line: {line!r}")
    headers = {}
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(parts[1])
    body = b""
    if head or 100 <= status < 200 or status in (204, 304):
        return Response(status, headers, body)
    if "content-length" in headers:
        body = f.read(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int(f.readline().split(b";")[0], 16)
            chunk = f.read(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = f.read()
    return Response(status, headers, body)


def request_bytes(method, target, body=b"", headers=None, host=True):
    lines = [f"{method} {target} HTTP/1.1"]
    if host:
        lines.append("Host: 127.0.0.1")
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class RawHttpCase(ServerTestCase):
    needs_sdk = False  # raw sockets only

    def connect(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=timeout)
        self.addCleanup(s.close)
        return s, s.makefile("rb")

    def exchange(self, data, timeout=10):
        """Sends raw bytes on a new connection and reads one response."""
        s, f = self.connect(timeout)
        s.sendall(data)
        r = read_response(f, head=data.startswith(b"HEAD "))
        self.assertIsNotNone(r, f"the server closed the connection without answering {data[:80]!r}")
        return r

    def assertJsonError(self, r, status=None, code=None, message=None):
        if status is None:
            self.assertTrue(400 <= r.status < 500, r)
        else:
            self.assertEqual(r.status, status, r)
        self.assertRegex(r.headers.get("content-type", ""), r"^application/json", r)
        body = r.json()
        self.assertIsInstance(body.get("message"), str, r)
        self.assertTrue(body["message"], r)
        if code is not None:
            self.assertEqual(r.headers.get("x-amzn-errortype"), code, r)
        if message is not None:
            self.assertRegex(body["message"], message)
        return body

    def assertStillServing(self):
        status, headers, body = self.server.request("GET", SESSION_PATH, timeout=10)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Status"], "CONNECTED")


class MalformedHttp(RawHttpCase):
    def test_malformed_request_line(self):
        for data in (b"NOT A REQUEST LINE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.Z\r\nHost: 127.0.0.1\r\n\r\n",
                     b"GET /a b c HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"):
            with self.subTest(data=data):
                r = self.exchange(data)
                self.assertJsonError(r, 400)
                self.assertTrue(r.headers.get("x-amzn-errortype"), r)
        self.assertStillServing()

    def test_garbage_bytes(self):
        for data in (bytes(range(256)) * 4, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64):
            with self.subTest(data=data[:12]):
                r = self.exchange(data)
                self.assertJsonError(r, 400)
                self.assertTrue(r.headers.get("x-amzn-errortype"), r)
        self.assertStillServing()

    def test_bad_header_line(self):
        r = self.exchange(b"GET " + SESSION_PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n")
        self.assertJsonError(r, 400)
        self.assertStillServing()

    def test_bad_content_length(self):
        for value in ("abc", "-1", "1, 2"):
            with self.subTest(value=value):
                r = self.exchange(f"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {value}\r\n\r\n{{}}"
                                  .encode())
                self.assertJsonError(r, 400)
        self.assertStillServing()
    def test_http11_without_host(self):
        # RFC 9112 section 3.2: a server MUST answer 400 to an HTTP/1.1
        # request without Host. gls-local serves it (Beast does not check and
        # neither does the pipeline).
        r = self.exchange(request_bytes("GET", SESSION_PATH, host=False))
        self.assertJsonError(r, 400)

    def test_http11_without_host_does_not_break_the_server(self):
        r = self.exchange(request_bytes("GET", SESSION_PATH, host=False))
        self.assertLess(r.status, 500, r)
        self.assertStillServing()

    def test_http10_without_host_is_served(self):
        r = self.exchange(f"GET {SESSION_PATH} HTTP/1.0\r\n\r\n".encode())
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["Status"], "CONNECTED")
    def test_transport_errors_carry_a_request_id(self):
        # SPEC section 3: "Every response carries x-amzn-RequestId". The 400,
        # 413 and 431 answers that the transport writes itself
        # (Connection::reject in http_server.cpp) skip the pipeline, which is
        # where the id is added, so they have none.
        cases = [b"NOT A REQUEST LINE\r\n\r\n",
                 b"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n\r\n",
                 b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"]
        for data in cases:
            with self.subTest(data=data[:40]):
                r = self.exchange(data)
                self.assertTrue(400 <= r.status < 500, r)
                self.assertTrue(r.headers.get("x-amzn-requestid"), r)


class BadJson(RawHttpCase):
    def post(self, path, body):
        return self.exchange(request_bytes("POST", path, body, {"Content-Type": "application/json"}))

    def test_json_that_does_not_parse(self):
        for body in (b"{", b"{\"Description\": }", b"not json", b"{'Description': 'x'}", b"{\"a\":1,}"):
            with self.subTest(body=body):
                self.assertJsonError(self.post("/streamgroups", body), 400, "ValidationException", r"not valid JSON")
        self.assertStillServing()

    def test_json_with_trailing_garbage(self):
        body = b'{"Description":"Group","StreamClass":"gen4n_high"} trailing'
        self.assertJsonError(self.post("/streamgroups", body), 400, "ValidationException", r"after the value")
        self.assertJsonError(self.post("/streamgroups", b'{"Description":"G","StreamClass":"gen4n_high"}{}'), 400,
                             "ValidationException")

    def test_body_that_is_not_an_object(self):
        for body in (b"[1, 2]", b"[]", b"\"text\"", b"42", b"null", b"true"):
            with self.subTest(body=body):
                self.assertJsonError(self.post("/streamgroups", body), 400, "ValidationException", r"JSON object")

    def test_wrong_member_types(self):
        body = json.dumps({"Description": 5, "StreamClass": ["gen4n_high"],
                           "LocationConfigurations": {"LocationName": "us-west-2"}}).encode()
        e = self.assertJsonError(self.post("/streamgroups", body), 400, "ValidationException")
        self.assertRegex(e["message"], r"^3 validation errors detected")
        self.assertIn("'description' failed to satisfy constraint: Member must be a string", e["message"])
        self.assertIn("'streamClass' failed to satisfy constraint: Member must be a string", e["message"])
        self.assertIn("'locationConfigurations' failed to satisfy constraint: Member must be a list", e["message"])

    def test_integer_member_given_a_fraction_or_a_string(self):
        base = {"Protocol": "WebRTC", "SignalRequest": "offer", "ApplicationIdentifier": "a-9ZY8X7Wv6"}
        for value in (1.5, "60", True, 1e20):
            with self.subTest(value=value):
                body = json.dumps(dict(base, ConnectionTimeoutSeconds=value)).encode()
                r = self.post("/streamgroups/sg-1AB2C3De4/streamsessions", body)
                self.assertJsonError(r, 400, "ValidationException", r"'connectionTimeoutSeconds'")

    def test_invalid_utf8_in_body(self):
        for raw in (b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82"):
            with self.subTest(raw=raw):
                body = b'{"Description":"' + raw + b'","StreamClass":"gen4n_high"}'
                self.assertJsonError(self.post("/streamgroups", body), 400, "ValidationException")
        self.assertStillServing()



class DeepNesting(unittest.TestCase):
    """Deeply nested JSON, each case on its own server: a crash must not take
    other tests down with it."""

    def check(self, path, depth):
        server = GlsServer()
        self.addCleanup(server.proc.stdout.close)
        self.addCleanup(server.stop)
        body = b"[" * depth + b"]" * depth
        self.assertLessEqual(len(body), ONE_MIB)
        s = socket.create_connection(("127.0.0.1", server.port), timeout=20)
        self.addCleanup(s.close)
        s.sendall(request_bytes("POST", path, body, {"Content-Type": "application/json"}))
        try:
            r = read_response(s.makefile("rb"))
        except OSError as e:
            r = f"connection error: {e}"
        self.assertIsInstance(r, Response, f"no answer ({r}); server exit status {server.proc.poll()}")
        self.assertEqual(r.status, 400, r)
        self.assertRegex(r.json()["message"], "JSON")
        status, _, body = server.request("GET", SESSION_PATH, timeout=10)
        self.assertEqual(status, 200, body)
        self.assertEqual(server.stop(), 0, "\n".join(server.log[-20:]))

    def test_nested_json(self):
        self.check("/streamgroups", 10000)

    # JSON is parsed with RapidJSON's recursive parser and no depth limit
    # (api::parse_json in server/api/codec.cpp): about half a million nested
    # brackets, well within the 1 MiB body limit, overflow the I/O thread's
    # stack and the whole process dies with SIGSEGV.
    def test_very_deeply_nested_json_to_the_api(self):
        self.check("/streamgroups", 520000)
    def test_very_deeply_nested_json_to_the_admin_api(self):
        self.check("/_gls/clock", 520000)


class Limits(RawHttpCase):
    def send_while_reading(self, head, body_chunks):
        """Writes the request from a thread while this thread reads the answer,
        as a client that does not wait for the server would."""
        s, f = self.connect(timeout=20)

        def send():
            try:
                s.sendall(head)
                for chunk in body_chunks:
                    s.sendall(chunk)
            except OSError:
                pass  # the server may close the connection once it has answered

        t = threading.Thread(target=send, daemon=True)
        t.start()
        r = read_response(f)
        t.join(timeout=20)
        self.assertIsNotNone(r, "the connection was closed without an answer")
        return r

    def test_oversize_body(self):
        # The client still sending gets the 413, not a broken pipe, however much it sends.
        for size in (ONE_MIB + 10, 4 * ONE_MIB, 16 * ONE_MIB):
            with self.subTest(size=size):
                body = b'{"Description":"' + b"a" * size + b'","StreamClass":"gen4n_high"}'
                head = (f"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n").encode()
                r = self.send_while_reading(head, [body[i:i + 65536] for i in range(0, len(body), 65536)])
                self.assertJsonError(r, 413)
                self.assertTrue(r.headers.get("x-amzn-errortype"), r)
        self.assertStillServing()

    def test_oversize_chunked_body(self):
        head = (b"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        chunks = [b"10000\r\n" + b"a" * 0x10000 + b"\r\n"] * 20 + [b"0\r\n\r\n"]
        r = self.send_while_reading(head, chunks)
        self.assertJsonError(r, 413)
        self.assertStillServing()

    def test_body_at_the_limit_is_read(self):
        # Exactly 1 MiB is allowed: it is read and judged as JSON (too long a
        # description), not refused as too large.
        prefix, suffix = b'{"StreamClass":"gen4n_high","Description":"', b'"}'
        body = prefix + b"a" * (ONE_MIB - len(prefix) - len(suffix)) + suffix
        self.assertEqual(len(body), ONE_MIB)
        head = (f"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        r = self.send_while_reading(head, [body])
        self.assertJsonError(r, 400, "ValidationException", r"'description'.*less than or equal to 80")

    def test_content_length_over_the_limit_is_refused_early(self):
        # Only the headers are sent: the answer must come without the body.
        s, f = self.connect(timeout=5)
        s.sendall(b"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 5000000\r\n\r\n")
        r = read_response(f)
        self.assertIsNotNone(r)
        self.assertJsonError(r, 413, message=r"1048576")
        self.assertStillServing()

    def test_expect_continue_with_oversize_body_gets_413_not_100(self):
        s, f = self.connect(timeout=5)
        s.sendall(b"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                  b"Content-Length: 5000000\r\n\r\n")
        r = read_response(f)
        self.assertIsNotNone(r)
        self.assertJsonError(r, 413)

    def test_huge_header(self):
        data = f"GET {SESSION_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * 20000}\r\n\r\n".encode()
        self.assertJsonError(self.exchange(data), 431)
        self.assertStillServing()

    def test_many_headers(self):
        headers = "".join(f"X-H{i}: {'v' * 20}\r\n" for i in range(1000))
        data = f"GET {SESSION_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode()
        self.assertJsonError(self.exchange(data), 431)
        self.assertStillServing()

    def test_thousands_of_query_parameters(self):
        # About 12 KiB of parameters the operation does not know: ignored.
        query = "&".join(f"q{i % 10}=1" for i in range(2500))
        self.assertLess(len(query), 16 * 1024)
        r = self.exchange(request_bytes("GET", SESSION_PATH + "?" + query))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["Status"], "CONNECTED")

    def test_query_string_over_the_header_limit(self):
        query = "&".join(f"p{i}=1" for i in range(5000))
        self.assertJsonError(self.exchange(request_bytes("GET", SESSION_PATH + "?" + query)), 431)
        self.assertStillServing()

    def test_invalid_percent_escapes(self):
        for target in ("/streamgroups?MaxResults=%zz", "/streamgroups?MaxResults=%", "/streamgroups?x=%4",
                       "/streamgroups?NextToken=%ff%fe", "/streamgroups?NextToken=%E2%82",
                       "/streamgroups/sg-1AB2C3De4/streamsessions/ABC%zz", SESSION_PATH + "%"):
            with self.subTest(target=target):
                r = self.exchange(request_bytes("GET", target))
                self.assertJsonError(r, 400, "ValidationException", r"percent-encoded")
                self.assertTrue(r.headers.get("x-amzn-requestid"), r)
        self.assertStillServing()

    def test_max_results_not_a_number(self):
        for value in ("abc", "1.5", "", "99999999999999999999"):
            with self.subTest(value=value):
                r = self.exchange(request_bytes("GET", "/streamgroups?MaxResults=" + value))
                self.assertJsonError(r, 400, "ValidationException", r"'maxResults'")


class HeaderBudget(RawHttpCase):
    """The request line, headers, chunk extensions and trailers share one
    16 KiB budget, counted exactly; nothing in them can stop the server."""

    LIMIT = 16 * 1024

    def padded_get(self, total):
        """A GET /_gls/health of exactly `total` header bytes."""
        head = "GET /_gls/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
        tail = "\r\n\r\n"
        return (head + "a" * (total - len(head) - len(tail)) + tail).encode()

    def test_the_limit_is_exact(self):
        self.assertEqual(self.exchange(self.padded_get(self.LIMIT)).status, 200)
        self.assertJsonError(self.exchange(self.padded_get(self.LIMIT + 1)), 431)
        self.assertStillServing()

    def test_many_small_headers_count_together(self):
        # 2,000 headers of 12 bytes: no single read is over the limit, all of them are.
        headers = "".join(f"X-{i:04d}: vv\r\n" for i in range(2000))
        data = f"GET /_gls/health HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode()
        self.assertGreater(len(data), 23000)
        self.assertJsonError(self.exchange(data), 431)
        self.assertStillServing()

    def test_a_huge_trailer_field_does_not_stop_the_server(self):
        data = (b"GET /_gls/health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"0\r\nX-Trailer: " + b"t" * 65534 + b"\r\n\r\n")
        s, f = self.connect()
        try:
            s.sendall(data)
        except OSError:
            pass  # refused before it was all sent
        r = read_response(f)
        self.assertIsNotNone(r, "no answer: did the server stop?")
        self.assertJsonError(r, 431)
        self.assertIsNone(self.server.proc.poll(), "gls-local exited")
        self.assertStillServing()

    def test_trailers_within_the_budget_are_read(self):
        data = (b"GET /_gls/health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"0\r\nX-Trailer: " + b"t" * 4000 + b"\r\n\r\n")
        self.assertEqual(self.exchange(data).status, 200)

    def test_chunk_extensions_count_against_the_budget(self):
        head = (b"POST /_gls/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        # 200 one-byte chunks, each with a 100-byte extension: 20 KB of extensions.
        chunks = b"".join(b"1;ext=" + b"e" * 94 + b"\r\n \r\n" for _ in range(200)) + b"0\r\n\r\n"
        self.assertJsonError(self.exchange(head + chunks), 431)
        # The same with short extensions is an ordinary request.
        chunks = b"".join(b"1;e=1\r\n \r\n" for _ in range(20)) + b"0\r\n\r\n"
        self.assertEqual(self.exchange(head + chunks).status, 200)
        self.assertStillServing()

    def test_an_endless_chunk_extension_is_refused_not_buffered(self):
        before = rss_kib(self.server.proc.pid)
        s, f = self.connect(timeout=10)
        s.sendall(b"POST /_gls/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=")
        sent = 0
        try:
            while sent < 64 * ONE_MIB:  # the server must stop reading long before this
                s.sendall(b"x" * 65536)
                sent += 65536
        except OSError:
            pass
        r = read_response(f)
        self.assertIsNotNone(r)
        self.assertJsonError(r, 431)
        self.assertLess(rss_kib(self.server.proc.pid) - before, 16 * 1024, "the extension was buffered")
        self.assertStillServing()


class Routing(RawHttpCase):
    def test_unknown_path(self):
        for method, target in (("GET", "/"), ("GET", "/nope"), ("POST", "/streamgroups/x/y/z/w/v"),
                               ("GET", "/streamgroups/"), ("GET", "//streamgroups"), ("GET", "/STREAMGROUPS"),
                               ("OPTIONS", "*"), ("GET", "/index.html")):
            with self.subTest(method=method, target=target):
                r = self.exchange(request_bytes(method, target))
                self.assertJsonError(r, 404, "UnknownOperationException")
                self.assertTrue(r.headers.get("x-amzn-requestid"), r)

    def test_known_path_wrong_method(self):
        for method, target in (("PUT", SESSION_PATH), ("POST", SESSION_PATH), ("PATCH", SESSION_PATH),
                               ("DELETE", "/streamgroups"), ("GET", "/streamgroups/sg-1AB2C3De4/locations"),
                               ("HEAD", SESSION_PATH), ("BREW", "/applications")):
            with self.subTest(method=method, target=target):
                r = self.exchange(request_bytes(method, target))
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.headers.get("x-amzn-errortype"), "UnknownOperationException", r)
                if method != "HEAD":
                    self.assertJsonError(r, 404, "UnknownOperationException", method)


class Connections(RawHttpCase):
    def test_head_response_has_no_body(self):
        # RFC 9112 section 6.3: a response to HEAD ends after its header
        # section, whatever its Content-Length says. gls-local writes the JSON
        # error body after the 404 headers, so on a keep-alive connection the
        # client reads that body as the start of the next response.
        s, f = self.connect(timeout=5)
        s.sendall(request_bytes("HEAD", SESSION_PATH) + request_bytes("GET", SESSION_PATH))
        head = read_response(f, head=True)
        self.assertEqual(head.status, 404, head)
        following = f.readline()
        self.assertTrue(following.startswith(b"HTTP/1.1 200 "), f"after the HEAD answer came {following!r}")

    def test_keep_alive(self):
        s, f = self.connect()
        for i in range(5):
            s.sendall(request_bytes("GET", SESSION_PATH))
            r = read_response(f)
            self.assertIsNotNone(r, f"the connection was closed after {i} requests")
            self.assertEqual(r.status, 200, r)
            self.assertNotEqual(r.headers.get("connection", "").lower(), "close")
        # An error answer keeps the connection too.
        s.sendall(request_bytes("GET", "/nope"))
        self.assertEqual(read_response(f).status, 404)
        s.sendall(request_bytes("GET", SESSION_PATH))
        self.assertEqual(read_response(f).status, 200)

    def test_connection_close_is_honoured(self):
        s, f = self.connect()
        s.sendall(request_bytes("GET", SESSION_PATH, headers={"Connection": "close"}))
        self.assertEqual(read_response(f).status, 200)
        self.assertEqual(f.read(), b"", "the server closes after a Connection: close request")

    def test_pipelining(self):
        s, f = self.connect()
        other_arn = urllib.parse.quote(
            "arn:aws:gameliftstreams:us-west-2:111122223333:streamsession/sg-1AB2C3De4/ABC123def4567", safe="")
        s.sendall(request_bytes("GET", SESSION_PATH)
                  + request_bytes("GET", "/streamgroups/sg-1AB2C3De4/streamsessions/ZZZ123def4567")
                  + request_bytes("GET", "/streamgroups/sg-1AB2C3De4/streamsessions/" + other_arn))
        answers = [read_response(f) for _ in range(3)]
        self.assertTrue(all(answers), answers)
        self.assertEqual([a.status for a in answers], [200, 404, 200], answers)
        self.assertIn("ZZZ123def4567", answers[1].json()["message"])
        self.assertEqual(answers[0].json()["Arn"], answers[2].json()["Arn"])
        self.assertEqual(len({a.headers.get("x-amzn-requestid") for a in answers}), 3)

    def test_pipelined_garbage_after_good_requests(self):
        s, f = self.connect()
        s.sendall(request_bytes("GET", SESSION_PATH) + request_bytes("GET", "/_gls/health")
                  + b"\x00\x01garbage\r\n\r\n")
        first, second, third = read_response(f), read_response(f), read_response(f)
        self.assertEqual((first.status, second.status), (200, 200))
        self.assertEqual(second.json()["status"], "ok")
        self.assertJsonError(third, 400)
        self.assertStillServing()

    def test_chunked_request_body(self):
        body = b'{"Description":"' + b"x" * 81 + b'","StreamClass":"gen4n_high"}'
        data = (b"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % 10 + body[:10] + b"\r\n"
                + b"%x\r\n" % (len(body) - 10) + body[10:] + b"\r\n0\r\n\r\n")
        self.assertJsonError(self.exchange(data), 400, "ValidationException", r"'description'")

    def test_expect_100_continue(self):
        s, f = self.connect(timeout=5)
        body = json.dumps({"Description": "x" * 81, "StreamClass": "gen4n_high"}).encode()
        s.sendall(f"POST /streamgroups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        interim = read_response(f)
        self.assertIsNotNone(interim)
        self.assertEqual(interim.status, 100, interim)
        s.sendall(body)
        r = read_response(f)
        self.assertIsNotNone(r)
        self.assertJsonError(r, 400, "ValidationException", r"'description'")


class StalledClients(RawHttpCase):
    # One I/O thread: a stalled client must not hold it.
    server_args = ("--threads", "1")

    def test_silent_and_half_sent_clients_do_not_block_others(self):
        stalled = []
        for _ in range(10):
            stalled.append(self.connect()[0])  # connects and says nothing
        for i in range(10):
            s, _ = self.connect()
            s.sendall(b"GET /streamgroups/sg-1AB2C3De4/strea")  # half a request line
            stalled.append(s)
        half_body, half_f = self.connect()
        body = json.dumps({"Description": "x" * 81, "StreamClass": "gen4n_high"}).encode()
        half_body.sendall(request_bytes("POST", "/streamgroups", body)[:-20])  # all but the end of the body
        time.sleep(0.2)
        started = time.time()
        for _ in range(5):
            self.assertStillServing()
        self.assertLess(time.time() - started, 5, "other clients were kept waiting")
        # The stalled request is still alive and is answered once it completes.
        half_body.sendall(request_bytes("POST", "/streamgroups", body)[-20:])
        self.assertJsonError(read_response(half_f), 400, "ValidationException")

    def test_client_that_disconnects_mid_request(self):
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
            s.sendall(request_bytes("POST", "/streamgroups", b"{" * 1000)[:-500])
            s.close()
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.sendall(request_bytes("GET", SESSION_PATH))
            s.close()  # RST before reading the answer
        self.assertStillServing()


class GracefulShutdown(unittest.TestCase):
    """SIGTERM while a request is half received (SPEC section 2: finish in-flight requests, exit 0)."""

    def start_server(self):
        server = GlsServer()
        self.addCleanup(server.proc.stdout.close)
        self.addCleanup(server.stop)
        return server

    def start_slow_request(self):
        server = self.start_server()
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.addCleanup(s.close)
        f = s.makefile("rb")
        body = json.dumps({"advanceSeconds": 0}).encode()
        # Headers now, body after the signal: the request is in flight. The server's 100 Continue says
        # it has read the headers (the request is being received); its log line, that the shutdown has
        # begun.
        s.sendall(f"POST /_gls/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        self.assertEqual(f.readline(), b"HTTP/1.1 100 Continue\r\n")
        self.assertEqual(f.readline(), b"\r\n")
        server.proc.send_signal(signal.SIGTERM)
        deadline = time.time() + 20
        while not any("finishing requests in flight" in line for line in server.log) and time.time() < deadline:
            time.sleep(0.02)
        try:
            s.sendall(body)
        except OSError:
            pass
        return server, f

    def test_exits_zero_with_a_request_in_flight(self):
        server, f = self.start_slow_request()
        try:
            read_response(f)
        except OSError:
            pass
        self.assertEqual(server.proc.wait(timeout=20), 0, "\n".join(server.log))
    def test_in_flight_request_is_answered(self):
        # gls-local closes a connection whose request is still being read when
        # the shutdown starts (Connection::stop cancels phases Idle *and*
        # Reading), so the client gets EOF instead of its answer.
        server, f = self.start_slow_request()
        try:
            r = read_response(f)
        except OSError as e:
            r = None
            self.fail(f"connection error instead of an answer: {e}")
        self.assertIsNotNone(r, "the connection was closed without an answer")
        self.assertEqual(r.status, 200, r)
        self.assertIn("now", r.json())
        self.assertEqual(server.proc.wait(timeout=20), 0)

    def test_idle_keep_alive_connections_do_not_delay_the_exit(self):
        server = self.start_server()
        sockets = []
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            self.addCleanup(s.close)
            s.sendall(request_bytes("GET", SESSION_PATH))
            self.assertEqual(read_response(s.makefile("rb")).status, 200)
            sockets.append(s)
        started = time.time()
        server.proc.send_signal(signal.SIGTERM)
        self.assertEqual(server.proc.wait(timeout=20), 0)
        self.assertLess(time.time() - started, 5)
        for s in sockets:
            self.assertEqual(s.recv(10), b"", "idle connections are closed on shutdown")


if __name__ == "__main__":
    unittest.main()
