// Signalling: what a session's SignalRequest is, the SignalResponse it gets,
// and the seam through which a live WebRTC peer answers instead of the
// emulator's inert one.
//
// SignalRequest. A client sends either the Web SDK's JSON
// ({"type":"offer","sdp":...,"webSdkVersion":...,"extras":...}) or bare SDP.
// read_signal_request() sorts any text into one of:
//   - Offer: an SDP offer that a WebRTC peer can answer: "v=0" first, every
//     line "<letter>=...", at least one media section, a mid per section
//     (unique, and every BUNDLE mid names one), ICE credentials and a DTLS
//     fingerprint (session- or media-level), payload types that are numbers
//     0-127 listed on their m-line.
//   - NoClient: "NO_CLIENT_CONNECTION" (the session starts without a client).
//   - Placeholder: text that is neither JSON nor SDP ("test-offer", "v=0" on
//     its own, one-line "v=0 o=- ..."): tests that do not stream send these;
//     the session goes on as with an offer and gets an inert answer without
//     media sections.
//   - Invalid: blank text, JSON that is not an offer carrying a valid SDP
//     offer, or SDP that is not a valid offer (e.g. no media sections). The
//     session ends in ERROR invalidSignalRequest.
//
// SignalResponse. Always the Web SDK's JSON:
//   {"type":"answer","sdp":"<answer SDP>","webSdkProtocolUrl":"<script URL>"}
// The inert answer to an Offer has the offer's media sections in the same
// order with the same mids and BUNDLE group, a direction that fits
// (recvonly -> sendonly, sendonly -> recvonly, sendrecv -> sendonly for
// audio/video, inactive -> inactive), one codec per section taken from the
// offer's rtpmap (VP8, else H264, for video; opus for audio; with the
// offer's fmtp and rtcp-fb lines), an SCTP data channel section answered
// with a=sctp-port, fresh ICE credentials, a sha-256 fingerprint and
// a=setup:active. A section it cannot answer (no such codec, another kind)
// is rejected with port 0 and left out of BUNDLE. Browsers accept it as a
// remote description; no media flows (it has no candidates).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/ids.hpp"

namespace gls {

// ---- offers ----------------------------------------------------------------------

struct SdpCodec {
  int payload_type = 0;
  std::string name;  // as in the rtpmap: "VP8", "H264", "opus", ...
  std::string clock_rate;
  std::string channels;               // empty when the rtpmap names none
  std::optional<std::string> fmtp;    // the parameters of a=fmtp:<pt>
  std::vector<std::string> feedback;  // the values of a=rtcp-fb:<pt>
};

struct SdpMedia {
  std::string kind;      // "video", "audio", "application", ...
  int port = 0;          // 0: the offerer rejected this section
  std::string protocol;  // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", ...
  std::vector<std::string> formats;  // the m-line's payload types (or "webrtc-datachannel")
  std::string mid;
  std::string direction = "sendrecv";
  std::vector<SdpCodec> codecs;  // the rtpmap lines, in the offer's order
  std::optional<int> sctp_port;
  bool rtcp_mux = false;
  bool is_rtp() const { return protocol.find("RTP") != std::string::npos; }
};

struct SdpOffer {
  std::string sdp;                     // the offer as sent
  std::vector<SdpMedia> media;         // in the offer's order
  std::vector<std::string> bundle;     // the mids of a=group:BUNDLE, in order
  std::string setup = "actpass";       // the offerer's DTLS role
  std::string web_sdk_version;         // from the Web SDK's JSON; empty for bare SDP
};

// Parses `sdp` as an offer; nullopt with `problem` set when it is not a valid one.
std::optional<SdpOffer> parse_sdp_offer(std::string_view sdp, std::string* problem = nullptr);

enum class SignalKind { Offer, NoClient, Placeholder, Invalid };

struct SignalRequest {
  SignalKind kind = SignalKind::Invalid;
  std::optional<SdpOffer> offer;  // for Offer
  std::string problem;            // for Invalid: why
};

SignalRequest read_signal_request(std::string_view text);

// False only when a request's JSON body cannot hold an SDP offer in any
// string, at any level of JSON within JSON: a check of the raw bytes, for a
// caller that would otherwise parse the body only to find out.
bool may_hold_offer(std::string_view json_body);

inline constexpr std::string_view kNoClientConnection = "NO_CLIENT_CONNECTION";

// ---- answers ---------------------------------------------------------------------

struct AnswerCredentials {
  std::string session_id;   // o= line
  std::string ice_ufrag;
  std::string ice_pwd;
  std::string fingerprint;  // sha-256: 32 bytes as colon-separated upper-case hex
};
AnswerCredentials make_answer_credentials(IdGenerator& ids);

// The inert answer to `offer` (see the header comment).
std::string synthesize_answer(const SdpOffer& offer, const AnswerCredentials& credentials);
// An answer without media sections, for a Placeholder.
std::string minimal_answer(const AnswerCredentials& credentials);
// {"type":"answer","sdp":sdp,"webSdkProtocolUrl":protocol_url}
std::string signal_response_json(std::string_view sdp, std::string_view protocol_url);

// The path under which the emulator serves the protocol script.
inline constexpr std::string_view kWebSdkScriptPrefix = "/_gls/websdk/";
inline constexpr std::string_view kWebSdkScriptVersion = "v1";
inline constexpr std::string_view kWebSdkScriptName = "gamecast-input.js";

// The origin browsers use for an emulator listening on `host`:`port`: the
// address itself, 127.0.0.1 for 0.0.0.0 (any IPv4 address), [::1] for ::,
// brackets around other IPv6 addresses.
std::string browser_origin(std::string_view host, unsigned port);

// ---- the seam for a live peer ----------------------------------------------------

// Which session a peer belongs to.
struct StreamPeerKey {
  Scope scope;
  std::string group_id;
  std::string session_id;
};

// What answers a session's offer with a live WebRTC peer. The default (no
// live peer) answers nothing, so every session gets the inert answer.
// Install one with Emulator::set_stream_peers() before serving.
// Every call but answer() is made inside the store's transaction, on the
// thread that runs it (an HTTP thread, or the deadline waker's for timers),
// while every other request waits: those must be quick and must not call
// into the emulator's domain. answer() is made with no transaction open.
// Report what the peer sees (a client connected or gone, user input) later,
// from another thread, through the domain (StreamSessions::event with the
// key's scope, group and session: clientConnect, clientDisconnect,
// userInput).
class StreamPeers {
 public:
  virtual ~StreamPeers() = default;
  // Whether an offer may start a live peer (a stream runs): a request that
  // makes one may then wait for its answer.
  virtual bool live() const { return false; }
  // A session with a valid offer has been placed (capacity found; it will
  // be ACTIVE once the placement delay has passed), or has received a new
  // offer through CreateStreamSessionConnection (it is RECONNECTING): start
  // (or replace) its peer, which starts gathering ICE candidates.
  // Through offer(), no caller waits for the answer: the peers collect it
  // themselves and hand it to StreamSessions::live_answer_came.
  virtual void offer(const StreamPeerKey&, const SdpOffer&) {}
  // The same, but the request that made the offer waits for the answer
  // itself (answer(), after its transaction) and stores it: the peers must
  // not collect it too. Each offer's answer is collected exactly once.
  virtual void offer_awaited(const StreamPeerKey& key, const SdpOffer& offer) { this->offer(key, offer); }
  // The answer SDP to that offer, waiting for the peer to have it (ICE
  // gathering, about 200 ms); nullopt: there is no live peer, and the inert
  // answer is used. Never called inside the store's transaction:
  // StartStreamSession asks after placing its session (so that ACTIVE finds
  // the answer ready), CreateStreamSessionConnection between recording the
  // connection and storing its answer.
  virtual std::optional<std::string> answer(const StreamPeerKey&, const SdpOffer&) { return std::nullopt; }
  // The same answer if the peer has it already, without waiting: what a
  // session gets on becoming ACTIVE, inside the transaction. nullopt: the
  // inert answer is used.
  virtual std::optional<std::string> ready_answer(const StreamPeerKey&, const SdpOffer&) { return std::nullopt; }
  // The session's stream is over (TERMINATING, TERMINATED or ERROR, through
  // the API, a timeout, a fault or an admin action): close its peer. Called
  // for sessions without a peer too, and possibly more than once.
  virtual void close(const StreamPeerKey&) {}
  // Every session is gone (the admin API's reset): close every peer.
  virtual void close_all() {}
};

// What the session code uses to answer offers: the peers (the inert default
// unless set) and where browsers find the protocol script. Thread-safe.
class SessionSignalling {
 public:
  SessionSignalling();

  void set_peers(std::shared_ptr<StreamPeers> peers);  // null: the inert default
  std::shared_ptr<StreamPeers> peers() const;

  // Where browsers reach the emulator, e.g. "http://127.0.0.1:8766".
  void set_origin(std::string origin);
  // The URL of the protocol script: <origin>/_gls/websdk/v1/gamecast-input.js
  std::string protocol_url() const;

  // Hands a placed session's offer to the peers: offer_awaited() within a
  // CallerAwaitsAnswers on this thread, else offer().
  void offer(const StreamPeerKey& key, const SdpOffer& offer);
  // While one lives, offers made on this thread are awaited by its caller
  // (StartStreamSession, for the session it places in its transaction).
  class CallerAwaitsAnswers {
   public:
    CallerAwaitsAnswers();
    ~CallerAwaitsAnswers();
    CallerAwaitsAnswers(const CallerAwaitsAnswers&) = delete;
    CallerAwaitsAnswers& operator=(const CallerAwaitsAnswers&) = delete;

   private:
    bool outer_;
  };

  // The SignalResponse to a request that is not Invalid: the live peer's
  // answer when `ask_peer` and the peer has it ready (never waits), else
  // the inert answer.
  std::string respond(const StreamPeerKey& key, const SignalRequest& request, IdGenerator& ids, bool ask_peer);
  // The SignalResponse carrying the live peer's answer to an Offer, waiting
  // for it (StreamPeers::answer): call with no transaction open. nullopt
  // when there is no live peer.
  std::optional<std::string> live_response(const StreamPeerKey& key, const SignalRequest& request);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<StreamPeers> peers_;
  std::string protocol_url_;  // made once an origin is set: every start and answer names it
};

}  // namespace gls
