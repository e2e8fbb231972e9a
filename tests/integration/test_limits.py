"""Bounded resources (SPEC section 8): out of file descriptors, too many
connections, event-stream clients that never read and clocks that are too slow
or too fast neither spin a core nor grow memory without bound."""
import os
import resource
import socket
import threading
import time
import unittest

from gls_testlib import GlsServer, rss_kib

TICKS = os.sysconf("SC_CLK_TCK")
# Built with the sanitizers (scripts/sanitizer-env.sh): freed memory stays in
# quarantine, and the runtime opens descriptors of its own to check types.
SANITIZED = os.environ.get("GLS_SANITIZED") == "1"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def busy_fraction(pid, seconds):
    """The share of one core the process used over `seconds` of wall time."""
    before, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.monotonic() - start)


def event_streams(server):
    """The server's gls_event_streams gauge: the event-stream clients it serves."""
    _, _, metrics = server.request("GET", "/_gls/metrics")
    return int(next(line for line in metrics.splitlines() if line.startswith("gls_event_streams ")).split()[1])


def open_connections(port, n):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(s)
    return socks


class ServerCase(unittest.TestCase):
    def start(self, *args, **kw):
        server = GlsServer(*args, **kw)
        self.addCleanup(server.stop)
        return server

    def assertServes(self, server):
        status, _, body = server.request("GET", "/_gls/health", timeout=10)
        self.assertEqual(status, 200, body)

    def assertServesSoon(self, server, seconds=10):
        """A new connection is served within `seconds` (trying again every 0.1 s until then)."""
        deadline = time.time() + seconds
        while True:
            try:
                return self.assertServes(server)
            except (AssertionError, OSError):
                if time.time() > deadline:
                    raise
                time.sleep(0.1)


class FileDescriptors(ServerCase):
    @unittest.skipIf(SANITIZED, "the sanitizer runtime needs descriptors of its own; the normal build runs this")
    def test_running_out_backs_off_instead_of_spinning(self):
        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

        server = GlsServer("--log-level", "warn", preexec_fn=low_limit)
        self.addCleanup(server.stop)
        socks = open_connections(server.port, 100)  # well past 64 descriptors
        try:
            busy = busy_fraction(server.proc.pid, 2.0)
            self.assertLess(busy, 0.2, f"the server used {busy:.0%} of a core while out of descriptors")
            lines = [line for line in server.log if "accept failed" in line]
            self.assertTrue(lines, "running out of descriptors is logged")
            self.assertLessEqual(len(lines), 4, "at most one line a second:\n" + "\n".join(lines))
        finally:
            for s in socks:
                s.close()
        self.assertServesSoon(server)  # the connections that waited are served and closed; new ones get through


class MaxConnections(ServerCase):
    def test_connections_beyond_the_limit_are_closed_at_once(self):
        server = self.start("--max-connections", "5", "--log-level", "warn")
        socks = open_connections(server.port, 5)
        self.addCleanup(lambda: [s.close() for s in socks])
        for s in socks:  # an answer on each: the server has accepted them, and keeps them open
            s.sendall(b"GET /_gls/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = b""
            while b"\r\n" not in head:
                chunk = s.recv(4096)
                self.assertTrue(chunk, "the connection was closed before its answer")
                head += chunk
            self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as extra:
                extra.sendall(b"GET /_gls/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                data = extra.recv(100)
        except (ConnectionResetError, BrokenPipeError):
            data = b""  # reset at once: as closed as it gets
        self.assertEqual(data, b"", "a sixth connection is closed without an answer")
        deadline = time.time() + 5
        while not any("--max-connections" in line for line in server.log) and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(any("--max-connections" in line for line in server.log), server.log)
        for s in socks:
            s.close()
        self.assertServesSoon(server)  # once it has noticed the closes

    def test_bad_values(self):
        for value in ("0", "-1", "many"):
            server = GlsServer("--max-connections", value, wait=False)
            self.assertEqual(server.proc.wait(timeout=10), 2)
            server.stop()


class EventStreamClients(ServerCase):
    def flood(self, port, requests, path_length=15000):
        """Pipelines requests with long unknown paths (each one a ~15 KB request
        event for every event-stream client), reading the answers as they come."""
        path = "/" + "x" * path_length
        one = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        done = threading.Event()

        def drain():
            while not done.is_set():
                try:
                    if not s.recv(1 << 20):
                        return
                except OSError:
                    return

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        for _ in range(requests):
            s.sendall(one)
        s.sendall(b"GET /_gls/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        reader.join(timeout=60)
        done.set()
        s.close()

    def test_clients_that_never_read_are_dropped_with_bounded_memory(self):
        server = self.start("--clock", "manual", "--log-level", "warn")
        clients = []
        for _ in range(50):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"GET /_gls/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            clients.append(s)
        self.addCleanup(lambda: [s.close() for s in clients])
        deadline = time.time() + 10
        while event_streams(server) < 50 and time.time() < deadline:  # every client is subscribed
            time.sleep(0.05)
        self.assertEqual(event_streams(server), 50)
        before = rss_kib(server.proc.pid)
        self.flood(server.port, 600)  # ~9 MB of events for each client
        grown = rss_kib(server.proc.pid) - before
        if not SANITIZED:  # (AddressSanitizer keeps freed memory in quarantine)
            self.assertLess(grown, 100 * 1024, f"RSS grew by {grown} KiB for 50 clients that never read")
        self.assertEqual(event_streams(server), 0, "the clients that fell behind were dropped")
        self.assertTrue(any("does not keep up" in line for line in server.log))
        self.assertServes(server)


class ClockSpeed(ServerCase):
    def test_scale_bounds_of_the_admin_api(self):
        server = self.start("--clock", "manual")
        for scale in (1e-300, 0.0009, 1e6 + 1, 1e300):
            status, payload = server.admin("POST", "/clock", {"scale": scale})
            self.assertEqual(status, 400, (scale, payload))
            self.assertIn("0.001 to 1000000", payload["message"])
        for scale in (0.001, 1e6):
            status, payload = server.admin("POST", "/clock", {"mode": "real", "scale": scale})
            self.assertEqual((status, payload["scale"]), (200, scale))

    def test_time_scale_flag_bounds(self):
        for value in ("1e-300", "0.0009", "1000001"):
            server = GlsServer("--time-scale", value, wait=False)
            self.assertEqual(server.proc.wait(timeout=10), 2, value)
            server.stop()
            self.assertIn("--time-scale", "\n".join(server.log))

    def test_slowest_clock_with_deadlines_does_not_spin(self):
        server = self.start("--time-scale", "0.001", "--log-level", "warn")
        gls = server.client()
        gls.start_stream_session(Identifier="sg-1AB2C3De4", ApplicationIdentifier="a-9ZY8X7Wv6",
                                 Protocol="WebRTC", SignalRequest="offer")
        busy = busy_fraction(server.proc.pid, 1.5)
        self.assertLess(busy, 0.1, f"the server used {busy:.0%} of a core waiting for a far deadline")

    def test_huge_advance_saturates(self):
        server = self.start("--clock", "manual")
        status, payload = server.admin("POST", "/clock", {"advanceSeconds": 1e10})
        self.assertEqual(status, 200, payload)
        status, payload = server.admin("POST", "/clock", {"advanceSeconds": 1e300})
        self.assertEqual(status, 400, payload)
        self.assertServes(server)


if __name__ == "__main__":
    unittest.main()
