"""Signalling as the Web SDK sees it: the SignalRequest forms accepted, the
SignalResponse JSON ({type, sdp, webSdkProtocolUrl}) of GetStreamSession and
CreateStreamSessionConnection, invalid offers, placeholders, the protocol
script served by the emulator, a stream URL's session as its page reaches it
(with the URL's token alone), and --auto-connect counting from delivery."""

import http.client
import json
import threading
import time
import unittest
import urllib.error
import urllib.request

from gls_testlib import OFFER
from test_lifecycle import APP, FIXTURE_SESSION, PLACEMENT, RECONNECTING, SG, LifecycleCase, sid_of

FINGERPRINT = ":".join(["0F"] * 32)


def browser_offer(sections=("video", "audio", "application"), version=1):
    """An offer as a browser makes it for video + audio receive and a data channel."""
    mids = [str(i) for i in range(len(sections))]
    lines = ["v=0", f"o=- 4611731400430051336 {version} IN IP4 127.0.0.1", "s=-", "t=0 0",
             "a=group:BUNDLE " + " ".join(mids), "a=msid-semantic: WMS"]
    transport = ["c=IN IP4 0.0.0.0", "a=ice-ufrag:Xy12", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
                 "a=ice-options:trickle", f"a=fingerprint:sha-256 {FINGERPRINT}", "a=setup:actpass"]
    for mid, kind in zip(mids, sections):
        if kind == "video":
            lines += ["m=video 9 UDP/TLS/RTP/SAVPF 96 97 102", *transport, f"a=mid:{mid}", "a=recvonly",
                      "a=rtcp-mux", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack pli", "a=rtpmap:97 rtx/90000",
                      "a=fmtp:97 apt=96", "a=rtpmap:102 H264/90000",
                      "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"]
        elif kind == "audio":
            lines += ["m=audio 9 UDP/TLS/RTP/SAVPF 111 0", *transport, f"a=mid:{mid}", "a=recvonly", "a=rtcp-mux",
                      "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:0 PCMU/8000"]
        else:
            lines += ["m=application 9 UDP/DTLS/SCTP webrtc-datachannel", *transport, f"a=mid:{mid}",
                      "a=sctp-port:5000", "a=max-message-size:262144"]
    return "\r\n".join(lines) + "\r\n"


def web_sdk_request(sdp):
    return json.dumps({"type": "offer", "sdp": sdp, "webSdkVersion": "1.1.0", "extras": {"features": ["input"]}})


def lines(sdp, prefix):
    return [line for line in sdp.split("\r\n") if line.startswith(prefix)]


class Signalling(LifecycleCase):

    def assertAnswers(self, signal_response, offer_sdp):
        """The Web SDK's JSON, with an answer that mirrors the offer; returns the parsed JSON."""
        answer = json.loads(signal_response)
        self.assertEqual(set(answer), {"type", "sdp", "webSdkProtocolUrl"}, answer)
        self.assertEqual(answer["type"], "answer")
        self.assertEqual(answer["webSdkProtocolUrl"], self.server.url + "/_gls/websdk/v1/gamecast-input.js")
        sdp = answer["sdp"]
        self.assertTrue(sdp.startswith("v=0\r\n"), sdp)
        self.assertEqual([m.split()[0] for m in lines(sdp, "m=")], [m.split()[0] for m in lines(offer_sdp, "m=")])
        self.assertEqual(lines(sdp, "a=mid:"), lines(offer_sdp, "a=mid:"))
        self.assertEqual(lines(sdp, "a=group:BUNDLE"), lines(offer_sdp, "a=group:BUNDLE"))
        sections = len(lines(offer_sdp, "m="))
        self.assertEqual(len(lines(sdp, "a=setup:active")), sections)
        self.assertEqual(len(lines(sdp, "a=ice-ufrag:")), sections)
        for fp in lines(sdp, "a=fingerprint:"):
            self.assertRegex(fp, r"^a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$")
        if "m=video" in offer_sdp:
            self.assertIn("a=rtpmap:96 VP8/90000", lines(sdp, "a=rtpmap:"))
            self.assertIn("a=sendonly", sdp)
        if "m=audio" in offer_sdp:
            self.assertIn("a=rtpmap:111 opus/48000/2", lines(sdp, "a=rtpmap:"))
        if "m=application" in offer_sdp:
            self.assertEqual(lines(sdp, "a=sctp-port:"), ["a=sctp-port:5000"])
        return answer

    def test_bare_sdp_and_web_sdk_json_offers_get_the_json_answer(self):
        offer = browser_offer()
        for request in (offer, web_sdk_request(offer)):
            with self.subTest(json=request.startswith("{")):
                sid, _ = self.active_session(SignalRequest=request)
                g = self.get(sid)
                answer = self.assertAnswers(g["SignalResponse"], offer)
                self.assertEqual(g["WebSdkProtocolUrl"], answer["webSdkProtocolUrl"])
                self.assertEqual(g["SignalRequest"], request, "the request is kept as sent")

    def test_create_connection_answers_the_new_offer(self):
        sid, _ = self.active_session(SignalRequest=browser_offer())
        offer = browser_offer(("audio", "video"), version=2)
        c = self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid,
                                                      SignalRequest=web_sdk_request(offer))
        self.assertAnswers(c["SignalResponse"], offer)
        self.assertEqual(self.get(sid)["SignalResponse"], c["SignalResponse"])
        self.advance(RECONNECTING)
        self.assertStatus(sid, "ACTIVE")

    def test_what_is_not_an_offer_ends_in_error(self):
        no_media = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        for request in (" ", no_media, json.dumps({"type": "offer"}), json.dumps({"type": "answer", "sdp": OFFER}),
                        web_sdk_request(no_media), "{not json", browser_offer().replace("a=mid:1\r\n", "")):
            with self.subTest(request=request[:40]):
                r = self.start(SignalRequest=request)
                sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
                self.advance_to(t0 + PLACEMENT)
                g = self.assertStatus(sid, "ERROR", "invalidSignalRequest", updated=t0 + PLACEMENT)
                self.assertFalse(g.get("SignalResponse"))

    def test_an_invalid_new_offer_ends_the_reconnection_in_error(self):
        sid, _ = self.active_session()
        c = self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid,
                                                      SignalRequest=json.dumps({"type": "offer", "sdp": ""}))
        self.assertEqual(json.loads(c["SignalResponse"])["type"], "answer")
        self.advance(RECONNECTING)
        self.assertStatus(sid, "ERROR", "invalidSignalRequest")

    def test_placeholders_go_active_with_an_inert_answer(self):
        fixture_one_liner = "v=0 o=- 4611731400430051336 2 IN IP4 127.0.0.1 s=- t=0 0 a=group:BUNDLE 0 1"
        for request in ("test-offer", "v=0", fixture_one_liner):
            with self.subTest(request=request):
                sid, _ = self.active_session(SignalRequest=request)
                answer = json.loads(self.get(sid)["SignalResponse"])
                self.assertEqual(answer["type"], "answer")
                self.assertTrue(answer["sdp"].startswith("v=0\r\n"))
                self.assertEqual(lines(answer["sdp"], "m="), [], "no media sections to answer")
                self.assertEqual(len(lines(answer["sdp"], "a=fingerprint:sha-256 ")), 1)
        fixture = self.get(FIXTURE_SESSION)
        self.assertEqual(json.loads(fixture["SignalResponse"])["type"], "answer")

    def test_the_protocol_script_is_served_to_any_origin(self):
        sid, _ = self.active_session(SignalRequest=browser_offer())
        url = json.loads(self.get(sid)["SignalResponse"])["webSdkProtocolUrl"]
        req = urllib.request.Request(url, headers={"Origin": "http://localhost:3000"})
        with urllib.request.urlopen(req, timeout=10) as r:
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers["Access-Control-Allow-Origin"], "*")
            self.assertIn("javascript", r.headers["Content-Type"])
            body = r.read().decode()
        self.assertIn("GameCastInputModule", body)
        self.assertIn("gls-input", body)
        status, _, _ = self.server.request("GET", "/_gls/websdk/v1/other.js")
        self.assertEqual(status, 404)


class StreamUrlSession(LifecycleCase):
    """A stream URL's session as the page the URL opens reaches it: with the URL's token alone, even
    when gls-local needs an --admin-token. Its JSON carries the Web SDK's SignalResponse once the
    session has one; its offer route answers the page's own offer."""

    ADMIN_TOKEN = "admin-secret-5678"
    server_args = ("--clock", "manual", "--admin-token", ADMIN_TOKEN)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.admin_token = cls.ADMIN_TOKEN  # the tests' own admin calls (reset, clock)

    def anonymous(self, method, path, body=None, accept="application/json"):
        """A request as a page makes it: no admin token; returns (status, x-amzn-ErrorType, parsed JSON)."""
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.server.url + path, data=body.encode() if body else None, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, None, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("x-amzn-ErrorType"), json.loads(e.read())

    def open_url(self):
        url = self.gls.create_stream_url(Identifier=SG, ApplicationIdentifier=APP, Protocol="WebRTC",
                                         UrlExpiresAfterMinutes=30, UsageLimit=1, Locations=["us-west-2"])
        status, _, opened = self.anonymous("GET", url["StreamUrl"][len(self.server.url):])
        self.assertEqual(status, 200, opened)
        return opened

    def test_the_session_json_carries_the_web_sdk_answer_once_there_is_one(self):
        opened = self.open_url()
        self.assertEqual(opened["Status"], "ACTIVATING")
        self.assertNotIn("SignalResponse", opened)
        status, _, polled = self.anonymous("GET", opened["SessionPath"])
        self.assertEqual(status, 200, polled)
        self.assertEqual((polled["StreamSessionId"], polled["Status"]), (opened["StreamSessionId"], "ACTIVATING"))
        self.assertNotIn("SignalResponse", polled)

        self.advance(PLACEMENT)
        status, _, polled = self.anonymous("GET", opened["SessionPath"])
        self.assertEqual(status, 200, polled)
        self.assertEqual(polled["Status"], "ACTIVE")
        answer = json.loads(polled["SignalResponse"])
        self.assertEqual(answer["type"], "answer")
        self.assertTrue(answer["sdp"].startswith("v=0\r\n"), answer)
        self.assertEqual(answer["webSdkProtocolUrl"], self.server.url + "/_gls/websdk/v1/gamecast-input.js")
        self.assertEqual(polled["WebSdkProtocolUrl"], answer["webSdkProtocolUrl"])
        self.assertEqual(polled["SignalResponse"], self.get(opened["StreamSessionId"])["SignalResponse"])

    def test_the_offer_route_answers_with_the_url_token_alone(self):
        opened = self.open_url()  # its only use: the URL is LIMIT_REACHED, its session still streams
        sid = opened["StreamSessionId"]
        status, error, answer = self.anonymous("POST", opened["OfferPath"], web_sdk_request(browser_offer()))
        _, streams = self.server.admin("GET", "/streams")
        if streams["stream"].startswith("off"):
            self.assertEqual((status, error), (409, "ConflictException"), answer)
        else:
            self.assertEqual(status, 200, answer)
            self.assertEqual((answer["type"], answer["sessionId"]), ("answer", sid))
            self.assertEqual(answer["webSdkProtocolUrl"], self.server.url + "/_gls/websdk/v1/gamecast-input.js")
            self.assertRegex(answer["sdp"], r"a=candidate:.* 127\.0\.0\.1 \d+ typ host")
        # The watch page's route is the admin API's: it needs the admin token.
        status, error, _ = self.anonymous("POST", f"/_gls/sessions/{SG}/{sid}/stream",
                                          web_sdk_request(browser_offer(version=2)))
        self.assertEqual((status, error), (401, "UnauthorizedException"))

    def test_a_missing_or_wrong_url_token_is_refused(self):
        opened = self.open_url()
        other = self.open_url()
        base = opened["SessionPath"].split("?")[0]
        other_token = other["SessionPath"].split("?")[1]
        offer = web_sdk_request(browser_offer())
        for method, path, body, code, error in (
                ("GET", base, None, 403, "AccessDeniedException"),
                ("POST", base + "/stream", offer, 403, "AccessDeniedException"),
                ("GET", base + "?token=wrong", None, 404, "ResourceNotFoundException"),
                ("POST", base + "/stream?token=wrong", offer, 404, "ResourceNotFoundException"),
                ("GET", base + "?" + other_token, None, 404, "ResourceNotFoundException")):
            with self.subTest(method=method, path=path):
                status, got, body = self.anonymous(method, path, body)
                self.assertEqual((status, got), (code, error), body)
                self.assertTrue(body["message"], body)
        _, streams = self.server.admin("GET", "/streams")
        self.assertEqual(streams["peers"], [], "no refused offer started a peer")


class PeerWaitsHoldNoOne(LifecycleCase):
    """A live peer's answer is awaited with no transaction open and off the I/O thread: while
    StartStreamSession or CreateStreamSessionConnection waits for one session's answer, the other
    sessions answer at once, even with one I/O thread. The timed request's peer is the server's first
    (it loads GStreamer's elements: 0.1 to 0.7 s here), so each class has a server of its own, and
    its timed test runs first."""

    server_args = ("--clock", "manual", "--threads", "1")

    def setUp(self):
        super().setUp()
        _, streams = self.server.admin("GET", "/streams")
        if streams["stream"].startswith("off"):
            self.skipTest("gls-local has no stream: " + streams["stream"])

    def assertOthersAnswerDuring(self, waits, other, until_waiting):
        """Runs `waits()` (which returns its live answer's SDP) on a thread of its own; once
        `until_waiting()`, reads `other` over and over until it returns."""
        took = {}

        def run():
            t0 = time.monotonic()
            took["answer"] = waits()
            took["call"] = time.monotonic() - t0

        def timed(call):
            t0 = time.monotonic()
            result = call()
            reads.append(time.monotonic() - t0)
            return result

        reads = []  # how long each read took, the polls until the call waits included
        thread = threading.Thread(target=run)
        thread.start()
        while thread.is_alive() and not timed(until_waiting):
            pass
        gets = []
        while thread.is_alive():
            timed(lambda: self.get(other))
            gets.append(reads[-1])
        thread.join()
        self.assertRegex(took["answer"], r"a=candidate:", "the live peer's answer")
        self.assertGreater(took["call"], 0.1, "the call waited for ICE gathering")
        self.assertTrue(gets, "a GetStreamSession ran during the call")
        print(f"\ncall {took['call'] * 1000:.0f} ms; reads meanwhile: "
              f"max {max(reads) * 1000:.0f} ms over {len(reads)} calls")
        # A read held up by the call would take about as long as the call (its gathering); one
        # that is not takes a fraction of it, however loaded the machine.
        self.assertLess(max(reads), took["call"] / 2, reads)


class ConnectionsWaitForNoOne(PeerWaitsHoldNoOne):

    def test_get_stream_session_answers_while_a_connection_is_created(self):
        busy, _ = self.active_session(SignalRequest="test-offer")  # placeholders: no peer yet
        other, _ = self.active_session(SignalRequest="test-offer-2")
        connecting = self.server.client()

        def connect():
            r = connecting.create_stream_session_connection(
                Identifier=SG, StreamSessionIdentifier=busy, SignalRequest=web_sdk_request(browser_offer(version=3)))
            return json.loads(r["SignalResponse"])["sdp"]

        # The connection's first transaction is done once the session is RECONNECTING; its peer is
        # gathering then.
        self.assertOthersAnswerDuring(connect, other, lambda: self.get(busy)["Status"] == "RECONNECTING")


class StartsWaitForNoOne(PeerWaitsHoldNoOne):

    def test_get_stream_session_answers_while_a_session_starts(self):
        other, _ = self.active_session(SignalRequest="test-offer")
        starting = self.server.client()
        before = len(self.gls.list_stream_sessions(Identifier=SG)["Items"])

        def start():
            r = starting.start_stream_session(Identifier=SG, ApplicationIdentifier=APP, Protocol="WebRTC",
                                              SignalRequest=web_sdk_request(browser_offer()))
            # Placed at once, its peer's answer is ready once the placement delay has passed.
            self.advance(PLACEMENT)
            answer = self.get(r["Arn"].rsplit("/", 1)[1])["SignalResponse"]
            return json.loads(answer)["sdp"]

        # Its transaction is done once the session is listed; its peer is gathering then.
        self.assertOthersAnswerDuring(
            start, other, lambda: len(self.gls.list_stream_sessions(Identifier=SG)["Items"]) > before)

    def test_the_connection_stays_open_after_an_answer_given_apart(self):
        c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        self.addCleanup(c.close)
        body = json.dumps({"ApplicationIdentifier": APP, "Protocol": "WebRTC",
                           "SignalRequest": web_sdk_request(browser_offer())})
        c.request("POST", f"/streamgroups/{SG}/streamsessions", body, {"Content-Type": "application/json"})
        r = c.getresponse()
        started = json.loads(r.read())
        self.assertEqual(r.status, 201, started)
        self.assertFalse(r.will_close, r.getheaders())
        first = c.sock
        c.request("GET", f"/streamgroups/{SG}/streamsessions/{started['Arn'].rsplit('/', 1)[1]}")
        r = c.getresponse()
        self.assertEqual((r.status, json.loads(r.read())["Status"]), (200, "ACTIVATING"))
        self.assertIs(c.sock, first, "the same connection")


class RepeatsWhileAnswering(LifecycleCase):
    """A request repeated with its ClientToken (a client's retry) while the first one still waits
    for its live peer's answer is the same request: it answers what the first answers (the model's
    ClientToken: "returns the original response without performing the operation again"), rather
    than a ConflictException because the session is RECONNECTING meanwhile. The window is the live
    peer's ICE gathering (10 ms to 0.7 s): an attempt whose repeat came after the first had answered
    proves nothing, and is made again with a new offer. Each attempt's session is ended, so that
    every attempt has a live peer to wait for (--max-streams)."""

    def setUp(self):
        _, streams = self.server.admin("GET", "/streams")
        if streams["stream"].startswith("off"):
            self.skipTest("gls-local has no stream: " + streams["stream"])

    def repeat_while_answering(self, first_call, repeat_call, committed):
        """Runs first_call on a thread, waits until committed() says its first transaction is in,
        then runs repeat_call: (first's result, repeat's result, whether the repeat was sent
        before the first answered)."""
        first = {}

        def run_first():
            try:
                first["result"] = first_call()
            except Exception as e:  # reported below, on the test's thread
                first["error"] = e
            first["done"] = time.monotonic()

        thread = threading.Thread(target=run_first)
        thread.start()
        deadline = time.monotonic() + 30
        while thread.is_alive() and not committed() and time.monotonic() < deadline:
            time.sleep(0.005)
        sent = time.monotonic()
        again = repeat_call()
        thread.join()
        if "error" in first:
            raise first["error"]
        return first["result"], again, first["done"] > sent

    def test_a_repeated_connection_waits_for_the_same_answer(self):
        sid, _ = self.active_session(SignalRequest="test-offer")
        in_window = 0
        for attempt in range(15):
            args = dict(Identifier=SG, StreamSessionIdentifier=sid,
                        SignalRequest=web_sdk_request(browser_offer(version=10 + attempt)),
                        ClientToken=f"repeat-connection-{attempt}-" + "x" * 24)
            client = self.server.client()
            first, again, window = self.repeat_while_answering(
                lambda: client.create_stream_session_connection(**args)["SignalResponse"],
                lambda: self.gls.create_stream_session_connection(**args)["SignalResponse"],
                lambda: self.get(sid)["Status"] == "RECONNECTING")
            self.assertRegex(json.loads(first)["sdp"], r"a=candidate:", "the live peer's answer")
            self.assertEqual(again, first)
            self.assertEqual(self.get(sid)["SignalResponse"], first)
            in_window += window
            self.advance(RECONNECTING + 1)  # ACTIVE again, ready for the next connection
            self.assertStatus(sid, "ACTIVE")
            if in_window:
                break
        self.assertTrue(in_window, "no repeat came while the first waited for its answer")
        # Once answered, the token still answers the same.
        self.assertEqual(self.gls.create_stream_session_connection(**args)["SignalResponse"], first)

    def test_a_repeated_start_returns_the_same_session(self):
        in_window = 0
        for attempt in range(15):
            args = dict(Identifier=SG, ApplicationIdentifier=APP, Protocol="WebRTC",
                        SignalRequest=web_sdk_request(browser_offer(version=20 + attempt)),
                        ClientToken=f"repeat-start-{attempt}-" + "x" * 24)
            before = len(self.gls.list_stream_sessions(Identifier=SG)["Items"])
            client = self.server.client()
            first, again, window = self.repeat_while_answering(
                lambda: client.start_stream_session(**args),
                lambda: self.gls.start_stream_session(**args),
                lambda: len(self.gls.list_stream_sessions(Identifier=SG)["Items"]) > before)
            self.assertEqual(sid_of(again), sid_of(first))
            self.assertEqual(len(self.gls.list_stream_sessions(Identifier=SG)["Items"]), before + 1)
            in_window += window
            if in_window:
                break
            # Its peer closes, so that every attempt gets a live one (--max-streams).
            self.advance(PLACEMENT + 1)
            self.gls.terminate_stream_session(Identifier=SG, StreamSessionIdentifier=sid_of(first))
        self.assertTrue(in_window, "no repeat came while the first waited for its answer")


class AutoConnectFromDelivery(LifecycleCase):
    server_args = ("--clock", "manual", "--auto-connect", "5")

    def test_counts_from_the_first_get_that_delivers_the_answer(self):
        r = self.start()
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.advance_to(t0 + PLACEMENT + 30)  # ACTIVE, but no one has read the answer yet
        delivered = t0 + PLACEMENT + 30
        self.assertStatus(sid, "ACTIVE", updated=t0 + PLACEMENT)
        self.advance_to(delivered + 3)
        self.assertStatus(sid, "ACTIVE")  # a second read does not restart the count
        self.advance_to(delivered + 5 - 0.01)
        self.assertStatus(sid, "ACTIVE")
        self.advance_to(delivered + 5)
        self.assertStatus(sid, "CONNECTED", updated=delivered + 5)

    def test_a_reconnection_counts_from_active_its_answer_delivered_before(self):
        r = self.start(SignalRequest="NO_CLIENT_CONNECTION")
        sid, t0 = sid_of(r), self.ts(r["CreatedAt"])
        self.advance_to(t0 + PLACEMENT + 1)
        self.gls.create_stream_session_connection(Identifier=SG, StreamSessionIdentifier=sid,
                                                  SignalRequest=browser_offer())
        active = t0 + PLACEMENT + 1 + RECONNECTING
        self.advance_to(active + 5)
        h = self.history(sid)
        self.assertEqual([(e["to"], e["cause"]) for e in h[-2:]], [("ACTIVE", "timer"), ("CONNECTED", "timer")], h)
        self.assertAlmostEqual(h[-1]["time"], active + 5, places=3)


if __name__ == "__main__":
    unittest.main()
