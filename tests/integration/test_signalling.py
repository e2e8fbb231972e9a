"""Signalling as the Web SDK sees it: the SignalRequest forms accepted, the
SignalResponse JSON ({type, sdp, webSdkProtocolUrl}) of GetStreamSession and
CreateStreamSessionConnection, invalid offers, placeholders, the protocol
script served by the emulator, and --auto-connect counting from delivery."""

import json
import unittest
import urllib.request

from gls_testlib import OFFER
from test_lifecycle import FIXTURE_SESSION, PLACEMENT, RECONNECTING, SG, LifecycleCase, sid_of

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
