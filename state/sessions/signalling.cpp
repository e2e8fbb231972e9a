#include "state/sessions/signalling.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "state/small_json.hpp"
#include "state/store/json_text.hpp"

namespace gls {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(sep, start);
    const std::string_view part = s.substr(start, end == std::string_view::npos ? s.size() - start : end - start);
    if (!part.empty()) parts.push_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::optional<int> number(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The lines of SDP text: nullopt when the text is not SDP at all (its first
// line is not "v=0", a line is not "<letter>=<value>", or it is one line).
std::optional<std::vector<std::string_view>> sdp_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::string_view line : split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') return std::nullopt;
    lines.push_back(line);
  }
  if (lines.size() < 2 || lines.front() != "v=0") return std::nullopt;
  return lines;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The value of "a=<name>:<value>", or nullopt when `line` is another line.
std::optional<std::string_view> attribute(std::string_view line, std::string_view name) {
  if (line.size() < 3 + name.size() || !starts_with(line.substr(2), name) || line[2 + name.size()] != ':' ||
      line[0] != 'a')
    return std::nullopt;
  return trim(line.substr(3 + name.size()));
}

struct Credentials {
  bool ufrag = false, pwd = false, fingerprint = false;
};

bool fail(std::string* problem, std::string message) {
  if (problem) *problem = std::move(message);
  return false;
}

// Reads one "a=" line of a media section into `m` (codecs, mid, direction, ...).
bool read_media_attribute(std::string_view line, SdpMedia& m, Credentials& own, std::string* problem) {
  if (line == "a=sendrecv" || line == "a=sendonly" || line == "a=recvonly" || line == "a=inactive") {
    m.direction = std::string(line.substr(2));
  } else if (line == "a=rtcp-mux") {
    m.rtcp_mux = true;
  } else if (auto mid = attribute(line, "mid")) {
    m.mid = std::string(*mid);
  } else if (auto rtpmap = attribute(line, "rtpmap")) {
    const auto space = rtpmap->find(' ');
    auto pt = number(rtpmap->substr(0, space));
    if (!pt || space == std::string_view::npos || *pt < 0 || *pt > 127)
      return fail(problem, "a=rtpmap needs a payload type 0-127 and an encoding: " + std::string(line));
    if (std::find(m.formats.begin(), m.formats.end(), std::to_string(*pt)) == m.formats.end())
      return fail(problem, "payload type " + std::to_string(*pt) + " of an a=rtpmap is not on its m= line");
    auto parts = split(rtpmap->substr(space + 1), '/');
    if (parts.size() < 2) return fail(problem, "a=rtpmap needs <encoding>/<clock rate>: " + std::string(line));
    SdpCodec c;
    c.payload_type = *pt;
    c.name = std::string(parts[0]);
    c.clock_rate = std::string(parts[1]);
    if (parts.size() > 2) c.channels = std::string(parts[2]);
    m.codecs.push_back(std::move(c));
  } else if (auto fmtp = attribute(line, "fmtp")) {
    const auto space = fmtp->find(' ');
    auto pt = number(fmtp->substr(0, space));
    for (SdpCodec& c : m.codecs)
      if (pt && c.payload_type == *pt) c.fmtp = std::string(space == std::string_view::npos ? "" : fmtp->substr(space + 1));
  } else if (auto fb = attribute(line, "rtcp-fb")) {
    const auto space = fb->find(' ');
    auto pt = number(fb->substr(0, space));
    for (SdpCodec& c : m.codecs)
      if (pt && c.payload_type == *pt && space != std::string_view::npos) c.feedback.emplace_back(fb->substr(space + 1));
  } else if (auto port = attribute(line, "sctp-port")) {
    m.sctp_port = number(*port);
  } else if (attribute(line, "ice-ufrag")) {
    own.ufrag = true;
  } else if (attribute(line, "ice-pwd")) {
    own.pwd = true;
  } else if (attribute(line, "fingerprint")) {
    own.fingerprint = true;
  }
  return true;
}

bool read_media_line(std::string_view line, SdpMedia& m, std::string* problem) {
  auto parts = split(line.substr(2), ' ');
  if (parts.size() < 4) return fail(problem, "an m= line needs <media> <port> <proto> <fmt>: " + std::string(line));
  m.kind = std::string(parts[0]);
  auto port = number(parts[1].substr(0, parts[1].find('/')));
  if (!port || *port < 0 || *port > 65535) return fail(problem, "an m= line has no valid port: " + std::string(line));
  m.port = *port;
  m.protocol = std::string(parts[2]);
  for (size_t i = 3; i < parts.size(); ++i) m.formats.emplace_back(parts[i]);
  if (m.is_rtp())
    for (const std::string& f : m.formats)
      if (auto pt = number(f); !pt || *pt < 0 || *pt > 127)
        return fail(problem, "an RTP m= line lists '" + f + "', not a payload type 0-127");
  return true;
}

// The codec an inert answer picks for a section, if any.
const SdpCodec* pick_codec(const SdpMedia& m) {
  auto named = [&](std::string_view name) -> const SdpCodec* {
    for (const SdpCodec& c : m.codecs) {
      std::string upper = c.name;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
      if (upper == name) return &c;
    }
    return nullptr;
  };
  if (m.kind == "video") {
    if (const SdpCodec* vp8 = named("VP8")) return vp8;
    return named("H264");
  }
  if (m.kind == "audio") return named("OPUS");
  return nullptr;
}

bool answerable(const SdpMedia& m) {
  if (m.port == 0) return false;
  if (m.kind == "application")
    return m.protocol.find("SCTP") != std::string::npos &&
           std::find(m.formats.begin(), m.formats.end(), "webrtc-datachannel") != m.formats.end();
  return m.is_rtp() && pick_codec(m) != nullptr;
}

std::string answer_direction(const SdpMedia& m) {
  if (m.direction == "recvonly" || m.direction == "sendrecv") return "sendonly";
  if (m.direction == "sendonly") return "recvonly";
  return "inactive";
}

void session_lines(std::string& out, const AnswerCredentials& c) {
  out += "v=0\r\no=- " + c.session_id + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
}

void transport_lines(std::string& out, const AnswerCredentials& c, std::string_view setup) {
  out += "a=ice-ufrag:" + c.ice_ufrag + "\r\na=ice-pwd:" + c.ice_pwd + "\r\na=fingerprint:sha-256 " + c.fingerprint +
         "\r\na=setup:" + std::string(setup) + "\r\n";
}

}  // namespace

std::optional<SdpOffer> parse_sdp_offer(std::string_view sdp, std::string* problem) {
  auto lines = sdp_lines(sdp);
  if (!lines) {
    fail(problem, "the SDP does not start with v=0 or has a line that is not <letter>=<value>");
    return std::nullopt;
  }
  SdpOffer offer;
  offer.sdp = std::string(sdp);
  Credentials shared;
  std::vector<Credentials> own;
  for (std::string_view line : *lines) {
    if (line[0] == 'm') {
      offer.media.emplace_back();
      own.emplace_back();
      if (!read_media_line(line, offer.media.back(), problem)) return std::nullopt;
      continue;
    }
    if (line[0] != 'a') continue;
    if (!offer.media.empty()) {
      if (!read_media_attribute(line, offer.media.back(), own.back(), problem)) return std::nullopt;
    } else if (auto group = attribute(line, "group")) {
      auto parts = split(*group, ' ');
      if (!parts.empty() && parts[0] == "BUNDLE")
        for (size_t i = 1; i < parts.size(); ++i) offer.bundle.emplace_back(parts[i]);
    } else if (attribute(line, "ice-ufrag")) {
      shared.ufrag = true;
    } else if (attribute(line, "ice-pwd")) {
      shared.pwd = true;
    } else if (attribute(line, "fingerprint")) {
      shared.fingerprint = true;
    }
    if (auto setup = attribute(line, "setup")) offer.setup = std::string(*setup);
  }
  if (offer.media.empty()) {
    fail(problem, "the SDP offer has no media sections (m= lines)");
    return std::nullopt;
  }
  std::set<std::string> mids;
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const SdpMedia& m = offer.media[i];
    if (m.mid.empty() || !mids.insert(m.mid).second) {
      fail(problem, "media section " + std::to_string(i) + " has no a=mid of its own");
      return std::nullopt;
    }
    if (m.port != 0 && (!(shared.ufrag || own[i].ufrag) || !(shared.pwd || own[i].pwd))) {
      fail(problem, "media section " + m.mid + " has no ICE credentials (a=ice-ufrag, a=ice-pwd)");
      return std::nullopt;
    }
    if (m.port != 0 && !(shared.fingerprint || own[i].fingerprint)) {
      fail(problem, "media section " + m.mid + " has no DTLS fingerprint (a=fingerprint)");
      return std::nullopt;
    }
  }
  for (const std::string& mid : offer.bundle)
    if (!mids.count(mid)) {
      fail(problem, "a=group:BUNDLE names mid " + mid + ", which no media section has");
      return std::nullopt;
    }
  return offer;
}

SignalRequest read_signal_request(std::string_view text) {
  SignalRequest r;
  const std::string_view body = trim(text);
  if (body.empty()) {
    r.problem = "the SignalRequest is blank";
    return r;
  }
  if (body == kNoClientConnection) {
    r.kind = SignalKind::NoClient;
    return r;
  }
  std::string_view sdp = body;
  std::string version;
  if (body.front() == '{') {
    SmallJson d;
    d.Parse(body.data(), body.size());
    if (d.HasParseError() || !d.IsObject()) {
      r.problem = "the SignalRequest starts with '{' but is not a JSON object";
      return r;
    }
    auto type = d.FindMember("type");
    auto sdp_member = d.FindMember("sdp");
    if (type == d.MemberEnd() || !type->value.IsString() || std::string_view(type->value.GetString()) != "offer" ||
        sdp_member == d.MemberEnd() || !sdp_member->value.IsString()) {
      r.problem = "the SignalRequest's JSON needs \"type\": \"offer\" and a string \"sdp\"";
      return r;
    }
    if (auto v = d.FindMember("webSdkVersion"); v != d.MemberEnd() && v->value.IsString()) version = v->value.GetString();
    std::string problem;
    auto offer = parse_sdp_offer(std::string_view(sdp_member->value.GetString(), sdp_member->value.GetStringLength()),
                                 &problem);
    if (!offer) {
      r.problem = "the SignalRequest's sdp is not a valid offer: " + problem;
      return r;
    }
    offer->web_sdk_version = std::move(version);
    r.kind = SignalKind::Offer;
    r.offer = std::move(offer);
    return r;
  }
  if (!sdp_lines(sdp)) {
    r.kind = SignalKind::Placeholder;
    return r;
  }
  std::string problem;
  r.offer = parse_sdp_offer(text, &problem);
  if (!r.offer) {
    r.problem = "the SignalRequest is not a valid SDP offer: " + problem;
    return r;
  }
  r.kind = SignalKind::Offer;
  return r;
}

bool may_hold_offer(std::string_view json_body) {
  // An offer has media sections: its text holds "m=". JSON writes 'm' and
  // '=' as themselves or as \u escapes (at any level of JSON within JSON,
  // whose escapes are written as "\\u" in the outer text), so without an
  // escape a body without "m=" holds no offer.
  return json_body.find("m=") != std::string_view::npos || json_body.find("\\u") != std::string_view::npos;
}

AnswerCredentials make_answer_credentials(IdGenerator& ids) {
  AnswerCredentials c;
  const std::string session = ids.hex(15);
  uint64_t value = 0;
  std::from_chars(session.data(), session.data() + session.size(), value, 16);
  c.session_id = std::to_string(value + 1);
  c.ice_ufrag = ids.alphanumeric(8);
  c.ice_pwd = ids.alphanumeric(24);
  // What hex(64) draws, in upper case, written two digits at a time.
  const std::string digits = ids.draw(64, "0123456789ABCDEF");
  c.fingerprint.reserve(digits.size() * 3 / 2);
  for (size_t i = 0; i < digits.size(); i += 2) {
    if (i) c.fingerprint += ':';
    c.fingerprint.append(digits, i, 2);
  }
  return c;
}

std::string synthesize_answer(const SdpOffer& offer, const AnswerCredentials& c) {
  const std::string setup = offer.setup == "active" ? "passive" : "active";
  std::string out;
  session_lines(out, c);
  std::string bundle;
  for (const std::string& mid : offer.bundle)
    for (const SdpMedia& m : offer.media)
      if (m.mid == mid && answerable(m)) bundle += " " + mid;
  if (!bundle.empty()) out += "a=group:BUNDLE" + bundle + "\r\n";
  out += "a=msid-semantic: WMS\r\n";
  for (const SdpMedia& m : offer.media) {
    if (!answerable(m)) {
      std::string formats;
      for (const std::string& f : m.formats) formats += " " + f;
      out += "m=" + m.kind + " 0 " + m.protocol + formats + "\r\nc=IN IP4 0.0.0.0\r\na=mid:" + m.mid + "\r\n";
      continue;
    }
    if (m.kind == "application") {
      out += "m=application 9 " + m.protocol + " webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n";
      transport_lines(out, c, setup);
      out += "a=mid:" + m.mid + "\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n";
      continue;
    }
    const SdpCodec& codec = *pick_codec(m);
    const std::string pt = std::to_string(codec.payload_type);
    out += "m=" + m.kind + " 9 " + m.protocol + " " + pt + "\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n";
    transport_lines(out, c, setup);
    out += "a=mid:" + m.mid + "\r\na=" + answer_direction(m) + "\r\n";
    if (m.rtcp_mux) out += "a=rtcp-mux\r\n";
    out += "a=rtpmap:" + pt + " " + codec.name + "/" + codec.clock_rate +
           (codec.channels.empty() ? "" : "/" + codec.channels) + "\r\n";
    for (const std::string& fb : codec.feedback) out += "a=rtcp-fb:" + pt + " " + fb + "\r\n";
    if (codec.fmtp) out += "a=fmtp:" + pt + " " + *codec.fmtp + "\r\n";
  }
  return out;
}

std::string minimal_answer(const AnswerCredentials& c) {
  std::string out;
  session_lines(out, c);
  transport_lines(out, c, "active");
  return out;
}

std::string signal_response_json(std::string_view sdp, std::string_view protocol_url) {
  std::string out = R"({"type":"answer","sdp":)";
  append_json_string(out, sdp);
  out += R"(,"webSdkProtocolUrl":)";
  append_json_string(out, protocol_url);
  out += '}';
  return out;
}

std::string browser_origin(std::string_view host, unsigned port) {
  std::string name(host);
  if (name.empty() || name == "0.0.0.0") name = "127.0.0.1";
  else if (name == "::" || name == "[::]") name = "[::1]";
  else if (name.find(':') != std::string::npos && name.front() != '[') name = "[" + name + "]";
  return "http://" + name + ":" + std::to_string(port);
}

namespace {
std::string protocol_url_at(std::string_view origin) {
  return std::string(origin) + std::string(kWebSdkScriptPrefix) + std::string(kWebSdkScriptVersion) + "/" +
         std::string(kWebSdkScriptName);
}
}  // namespace

SessionSignalling::SessionSignalling()
    : peers_(std::make_shared<StreamPeers>()), protocol_url_(protocol_url_at("http://127.0.0.1:8766")) {}

void SessionSignalling::set_peers(std::shared_ptr<StreamPeers> peers) {
  std::lock_guard lock(mu_);
  peers_ = peers ? std::move(peers) : std::make_shared<StreamPeers>();
}

std::shared_ptr<StreamPeers> SessionSignalling::peers() const {
  std::lock_guard lock(mu_);
  return peers_;
}

void SessionSignalling::set_origin(std::string origin) {
  std::lock_guard lock(mu_);
  protocol_url_ = protocol_url_at(origin);
}

std::string SessionSignalling::protocol_url() const {
  std::lock_guard lock(mu_);
  return protocol_url_;
}

std::string SessionSignalling::respond(const StreamPeerKey& key, const SignalRequest& request, IdGenerator& ids,
                                       bool ask_peer) {
  std::optional<std::string> sdp;
  if (request.offer && ask_peer) sdp = peers()->ready_answer(key, *request.offer);
  if (!sdp) {
    const AnswerCredentials credentials = make_answer_credentials(ids);
    sdp = request.offer ? synthesize_answer(*request.offer, credentials) : minimal_answer(credentials);
  }
  return signal_response_json(*sdp, protocol_url());
}

namespace {
thread_local bool caller_awaits_answers = false;
}  // namespace

SessionSignalling::CallerAwaitsAnswers::CallerAwaitsAnswers() : outer_(caller_awaits_answers) {
  caller_awaits_answers = true;
}

SessionSignalling::CallerAwaitsAnswers::~CallerAwaitsAnswers() { caller_awaits_answers = outer_; }

void SessionSignalling::offer(const StreamPeerKey& key, const SdpOffer& offer) {
  if (caller_awaits_answers) return peers()->offer_awaited(key, offer);
  peers()->offer(key, offer);
}

std::optional<std::string> SessionSignalling::live_response(const StreamPeerKey& key, const SignalRequest& request) {
  if (!request.offer) return std::nullopt;
  auto sdp = peers()->answer(key, *request.offer);
  if (!sdp) return std::nullopt;
  return signal_response_json(*sdp, protocol_url());
}

}  // namespace gls
