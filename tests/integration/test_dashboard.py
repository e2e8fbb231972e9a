"""The dashboard page at /_gls/ as HTTP sees it (SPEC section 6); the page's
behaviour in a browser is tests/js/dashboard.test.mjs."""
import http.client
import re
import unittest

from gls_testlib import ServerTestCase


class DashboardPage(ServerTestCase):
    needs_sdk = False  # raw HTTP only

    def fetch(self, method, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request(method, path)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def test_get_serves_the_page_with_a_strict_policy(self):
        for path in ("/_gls/", "/_gls", "/_gls/?tab=sessions"):
            with self.subTest(path=path):
                status, headers, body = self.fetch("GET", path)
                self.assertEqual(status, 200)
                self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
                self.assertEqual(int(headers["content-length"]), len(body))
                self.assertTrue(headers.get("x-amzn-requestid"))
                self.assertEqual(headers.get("x-content-type-options"), "nosniff")
                csp = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"].split(";"))
                self.assertEqual(csp["default-src"], "'none'")
                for directive in ("script-src", "style-src", "connect-src"):
                    sources = set(csp[directive].split())
                    self.assertLessEqual(sources, {"'self'", "'unsafe-inline'"}, directive)
                text = body.decode("utf-8")
                self.assertTrue(text.startswith("<!doctype html>"))
                self.assertIn("<title>GameLift Streams Local</title>", text)

    def test_the_page_is_self_contained(self):
        _, _, body = self.fetch("GET", "/_gls/")
        text = body.decode("utf-8")
        # Nothing loaded from elsewhere: no external scripts, styles, fonts or images.
        self.assertNotRegex(text, r"""(src|href)\s*=\s*["']?(https?:)?//""")
        self.assertNotRegex(text, r"@import|url\(\s*['\"]?(https?:)?//")
        self.assertNotRegex(text, r"<script[^>]*\ssrc=")
        self.assertNotIn("<link rel=\"stylesheet\"", text)
        # What the browser test and users look for.
        for table in ("sessions", "stream-groups", "applications", "transitions", "requests"):
            self.assertRegex(text, rf'<table id="{table}"')
        self.assertGreater(len(re.findall(r"<th scope=\"col\">", text)), 20, "tables with column headings")

    def test_head_has_the_headers_and_no_body(self):
        status, get_headers, body = self.fetch("GET", "/_gls/")
        status, headers, head_body = self.fetch("HEAD", "/_gls/")
        self.assertEqual(status, 200)
        self.assertEqual(head_body, b"")
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        self.assertEqual(int(headers["content-length"]), len(body))
        self.assertEqual(headers["content-security-policy"], get_headers["content-security-policy"])

    def test_other_methods_are_json_errors(self):
        status, headers, body = self.fetch("POST", "/_gls/")
        self.assertEqual(status, 404)
        self.assertRegex(headers["content-type"], r"^application/json")
        self.assertEqual(headers["x-amzn-errortype"], "UnknownOperationException")


if __name__ == "__main__":
    unittest.main()
