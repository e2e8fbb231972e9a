"""Only the developer drives it (SPEC section 8): Host names other than
loopback ones are refused (DNS rebinding); bound beyond loopback (a
container), addresses and single-label service names are also served, dotted
names still refused unless --allowed-host lists them; state-changing requests from
foreign origins are refused unless --cors-origin names them (which then get
CORS answers), admin bodies must be JSON, and --admin-token guards the admin
API. The browser's side of the same rules is tests/js/access.test.mjs."""
import unittest

from gls_testlib import GlsServer, ServerTestCase

SESSION_PATH = "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567"


class AccessCase(ServerTestCase):
    needs_sdk = False

    def call(self, method, path, body=None, **headers):
        return self.server.request(method, path, body, headers)

    def own_origin(self):
        return f"http://127.0.0.1:{self.server.port}"

    def assertRefused(self, answer, status, code):
        got, headers, body = answer
        self.assertEqual(got, status, body)
        self.assertEqual(headers.get("x-amzn-ErrorType"), code)
        self.assertTrue(body["message"])
        return body["message"]

    def session_count(self):
        return self.server.admin("GET", "/health")[1]["counts"]["streamSessions"]


class Hosts(AccessCase):
    def test_loopback_names_are_served(self):
        port = self.server.port
        for host in (f"127.0.0.1:{port}", "127.0.0.1", f"localhost:{port}", "LOCALHOST", f"[::1]:{port}", "[::1]",
                     "127.0.0.2:80", f"app.localhost:{port}", "localhost."):
            with self.subTest(host=host):
                status, _, body = self.call("GET", SESSION_PATH, Host=host)
                self.assertEqual(status, 200, body)

    def test_other_names_are_refused_on_both_apis(self):
        for host in ("evil.example", f"evil.example:{self.server.port}", "192.168.1.10", "localhost.evil.example",
                     "127.0.0.1.nip.io", "[::2]", "0.0.0.0"):
            for method, path in (("GET", SESSION_PATH), ("GET", "/_gls/state"), ("POST", "/_gls/reset")):
                with self.subTest(host=host, path=path):
                    message = self.assertRefused(self.call(method, path, {} if method == "POST" else None, Host=host),
                                                 403, "AccessDeniedException")
                    self.assertIn("--allowed-host", message)
        self.assertEqual(self.session_count(), 1)


class AllowedHosts(AccessCase):
    server_args = ("--allowed-host", "gls-local", "--allowed-host", "dev.example.com")

    def test_named_hosts_are_served(self):
        for host in ("gls-local", "gls-local:8766", "DEV.example.com:443"):
            with self.subTest(host=host):
                self.assertEqual(self.call("GET", "/_gls/health", Host=host)[0], 200)
        self.assertRefused(self.call("GET", "/_gls/health", Host="other.example"), 403, "AccessDeniedException")


class AnyHost(AccessCase):
    server_args = ("--allowed-host", "*")

    def test_star_accepts_every_name(self):
        for host in ("attacker.example", "other.example:8766"):
            with self.subTest(host=host):
                self.assertEqual(self.call("GET", "/_gls/health", Host=host)[0], 200)


class BeyondLoopback(AccessCase):
    server_args = ("--host", "0.0.0.0")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Listening on every interface; the test itself talks over loopback.
        cls.server.url = f"http://127.0.0.1:{cls.server.port}"


class PublishedPort(BeyondLoopback):
    """Bound beyond loopback, as in a container whose port is published: its
    neighbours' names (service names, addresses) are served, while a dotted
    name, what a page rebinding its own name to the published port is served
    from, is refused."""
    needs_sdk = True

    def client_sending_host(self, host):
        client = self.server.client(retries=False)

        def forge_host(request, **_):
            request.headers["Host"] = host

        client.meta.events.register("before-send.gameliftstreams.*", forge_host)
        return client

    def test_service_names_and_addresses_are_served(self):
        for host in ("gls-local:8766", "gls-local", "db_1", "172.18.0.3:8766", "[fd00::3]:8766", "0.0.0.0:8766",
                     f"localhost:{self.server.port}"):
            with self.subTest(host=host):
                status, _, body = self.call("GET", SESSION_PATH, Host=host)
                self.assertEqual(status, 200, body)
        session = self.client_sending_host("gls-local:8766").get_stream_session(
            Identifier="sg-1AB2C3De4", StreamSessionIdentifier="ABC123def4567")
        self.assertEqual(session["Status"], "CONNECTED")

    def test_dotted_names_are_refused_naming_the_host_and_the_flag(self):
        for host in ("attacker.example", "attacker.example:8766", "gls-local.attacker.example", "127.0.0.1.nip.io"):
            for method, path in (("GET", SESSION_PATH), ("GET", "/_gls/state"), ("POST", "/_gls/reset")):
                with self.subTest(host=host, path=path):
                    message = self.assertRefused(self.call(method, path, {} if method == "POST" else None, Host=host),
                                                 403, "AccessDeniedException")
                    self.assertIn(host, message)
                    self.assertIn("--allowed-host", message)
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as refused:
            self.client_sending_host("attacker.example:8766").start_stream_session(
                Identifier="sg-1AB2C3De4", ApplicationIdentifier="a-9ZY8X7Wv6", Protocol="WebRTC",
                SignalRequest="offer")
        self.assertEqual(refused.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertEqual(refused.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(self.session_count(), 1)


class PublishedPortAllowingNames(BeyondLoopback):
    server_env = {"GLS_ALLOWED_HOST": "gls.dev.example,other.example"}

    def test_the_listed_names_are_served(self):
        for host in ("gls.dev.example:8766", "OTHER.example"):
            with self.subTest(host=host):
                self.assertEqual(self.call("GET", "/_gls/health", Host=host)[0], 200)
        self.assertRefused(self.call("GET", "/_gls/health", Host="third.example"), 403, "AccessDeniedException")


class Origins(AccessCase):
    def test_foreign_origins_cannot_change_state(self):
        for origin in ("http://evil.example", "null", f"http://localhost:{self.server.port}", "https://127.0.0.1"):
            for method, path, body in (("POST", "/_gls/reset", {}), ("POST", "/_gls/faults", {"operation": "*",
                                                                                                 "latencyMs": 1}),
                                       ("POST", SESSION_PATH + "/terminate", None), ("DELETE", "/_gls/faults", None),
                                       ("PUT", "/_gls/state", {})):
                with self.subTest(origin=origin, path=path, method=method):
                    message = self.assertRefused(self.call(method, path, body, Origin=origin), 403,
                                                 "AccessDeniedException")
                    self.assertIn("--cors-origin", message)
        self.assertEqual(self.session_count(), 1)
        self.assertEqual(self.server.admin("GET", "/faults")[1]["faults"], [])

    def test_own_origin_and_no_origin_are_the_developer(self):
        status, _, body = self.call("POST", "/_gls/faults", {"operation": "*", "latencyMs": 1},
                                    Origin=self.own_origin())
        self.assertEqual(status, 201, body)
        self.assertEqual(self.call("POST", "/_gls/reset", {})[0], 200)

    def test_foreign_reads_get_no_cors_headers(self):
        status, headers, _ = self.call("GET", SESSION_PATH, Origin="http://evil.example")
        self.assertEqual(status, 200)
        self.assertNotIn("Access-Control-Allow-Origin", headers)

    def test_preflights_of_foreign_origins_are_refused(self):
        self.assertRefused(self.call("OPTIONS", "/_gls/reset", Origin="http://evil.example",
                                     **{"Access-Control-Request-Method": "POST"}), 403, "AccessDeniedException")


class CorsOrigins(AccessCase):
    server_args = ("--cors-origin", "http://localhost:3000")

    def test_preflight(self):
        status, headers, body = self.call("OPTIONS", "/streamgroups/sg-1AB2C3De4/streamsessions",
                                          Origin="http://localhost:3000",
                                          **{"Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type,x-amz-user-agent"})
        self.assertEqual(status, 204, body)
        self.assertEqual(headers["Access-Control-Allow-Origin"], "http://localhost:3000")
        self.assertIn("POST", headers["Access-Control-Allow-Methods"])
        self.assertIn("x-amz-user-agent", headers["Access-Control-Allow-Headers"])
        self.assertEqual(headers["Vary"], "Origin")

    def test_named_origin_calls_both_apis_and_reads_the_answers(self):
        status, headers, body = self.call("POST", "/_gls/faults", {"operation": "*", "latencyMs": 1},
                                          Origin="http://localhost:3000")
        self.assertEqual(status, 201, body)
        self.assertEqual(headers["Access-Control-Allow-Origin"], "http://localhost:3000")
        status, headers, body = self.call("GET", "/streamgroups/sg-1AB2C3De4/streamsessions/nope",
                                          Origin="http://localhost:3000")
        self.assertEqual(status, 404)
        self.assertIn("x-amzn-ErrorType", headers["Access-Control-Expose-Headers"])
        self.assertIn("x-amzn-RequestId", headers["Access-Control-Expose-Headers"])

    def test_other_origins_are_still_refused(self):
        self.assertRefused(self.call("POST", "/_gls/reset", {}, Origin="http://localhost:3001"), 403,
                           "AccessDeniedException")


class AnyOrigin(AccessCase):
    server_args = ("--cors-origin", "*")

    def test_star_names_every_origin(self):
        status, headers, _ = self.call("POST", "/_gls/reset", {}, Origin="http://anything.example:9999")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Access-Control-Allow-Origin"], "http://anything.example:9999")


class AdminMediaType(AccessCase):
    def test_admin_bodies_must_be_json(self):
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                             "", "application/jsonx"):
            with self.subTest(content_type=content_type):
                answer = self.call("POST", "/_gls/reset", b'{"fixtures": false}', **{"Content-Type": content_type})
                self.assertRefused(answer, 415, "UnsupportedMediaTypeException")
        self.assertEqual(self.session_count(), 1)
        for content_type in ("application/json", "application/json; charset=utf-8", "Application/JSON"):
            status, _, body = self.call("POST", "/_gls/reset", b'{"fixtures": true}',
                                        **{"Content-Type": content_type})
            self.assertEqual(status, 200, body)
        # Without a body there is nothing to label.
        status, _, _ = self.server.request("POST", "/_gls/reset")
        self.assertEqual(status, 200)


class AdminToken(unittest.TestCase):
    TOKEN = "s3cret-token-1234"

    @classmethod
    def setUpClass(cls):
        cls.server = GlsServer("--admin-token", cls.TOKEN)
        cls.addClassCleanup(cls.server.stop)

    def test_admin_calls_need_the_token(self):
        for auth in (None, "Bearer wrong-token-1234", f"Basic {self.TOKEN}", f"Bearer {self.TOKEN}x", "Bearer "):
            with self.subTest(auth=auth):
                headers = {"Authorization": auth} if auth else {}
                status, h, body = self.server.request("GET", "/_gls/state", headers=headers)
                self.assertEqual(status, 401, body)
                self.assertEqual(h.get("x-amzn-ErrorType"), "UnauthorizedException")
                self.assertIn("Bearer", h.get("WWW-Authenticate", ""))
        status, _, body = self.server.request("GET", "/_gls/state", headers={"Authorization": f"Bearer {self.TOKEN}"})
        self.assertEqual(status, 200, body)
        status, _, body = self.server.request("POST", "/_gls/reset", {}, {"Authorization": f"bearer {self.TOKEN}"})
        self.assertEqual(status, 200, body)

    def test_the_aws_api_and_the_dashboard_page_do_not(self):
        self.assertEqual(self.server.request("GET", SESSION_PATH)[0], 200)
        status, headers, _ = self.server.request("GET", "/_gls/")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))


if __name__ == "__main__":
    unittest.main()
