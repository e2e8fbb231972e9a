#include "media/session_streams.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "admin/admin_json.hpp"
#include "api/render.hpp"
#include "media/player_page.hpp"
#include "websdk/input_messages.hpp"

namespace gls {
namespace {

std::string emulator_time_text(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return std::string(text) + " UTC";
}

// Codec names are case-insensitive; the answer spells them as the offer did
// (GStreamer writes "OPUS" for the offer's "opus").
std::string spell_codecs_as_offered(std::string sdp, const SdpOffer& offer) {
  for (const SdpMedia& m : offer.media)
    for (const SdpCodec& c : m.codecs) {
      const std::string prefix = "a=rtpmap:" + std::to_string(c.payload_type) + " ";
      for (size_t at = sdp.find(prefix); at != std::string::npos; at = sdp.find(prefix, at + 1)) {
        const size_t name = at + prefix.size();
        if (sdp.size() >= name + c.name.size() &&
            std::equal(c.name.begin(), c.name.end(), sdp.begin() + static_cast<std::ptrdiff_t>(name),
                       [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                   std::tolower(static_cast<unsigned char>(b)); }))
          sdp.replace(name, c.name.size(), c.name);
      }
    }
  return sdp;
}

}  // namespace

// The emulator's seam: called inside the store's transaction, so nothing here
// calls back into the domain, and only answer() (called outside it) waits.
class SessionStreams::Peers final : public StreamPeers {
 public:
  explicit Peers(SessionStreams& streams) : streams_(streams) {}
  bool live() const override { return media::StreamMedia::built(); }
  // No one else awaits this answer: the collector does.
  void offer(const StreamPeerKey& key, const SdpOffer& offer) override {
    if (!streams_.offer(key.scope, key.group_id, key.session_id, offer.sdp)) return;
    {
      std::lock_guard lock(streams_.mu_);
      streams_.to_collect_.emplace_back(key.session_id, offer);
    }
    streams_.collect_wakeup_.notify_one();
  }
  // The caller awaits this answer (answer()) and stores it.
  void offer_awaited(const StreamPeerKey& key, const SdpOffer& offer) override {
    streams_.offer(key.scope, key.group_id, key.session_id, offer.sdp);
  }
  std::optional<std::string> answer(const StreamPeerKey& key, const SdpOffer& offer) override {
    return streams_.answer(key.session_id, offer);
  }
  std::optional<std::string> ready_answer(const StreamPeerKey& key, const SdpOffer& offer) override {
    return streams_.ready_answer(key.session_id, offer.sdp);
  }
  // The browser hears why (the protocol script's onServerDisconnect).
  void close(const StreamPeerKey& key) override {
    streams_.forget_answer(key.session_id);
    streams_.media_->close(key.session_id, websdk::disconnect_message("terminated"));
  }
  void close_all() override {
    for (const auto& p : streams_.media_->peers()) streams_.close(p.session_id);
    std::lock_guard lock(streams_.mu_);
    streams_.sessions_.clear();
  }

 private:
  SessionStreams& streams_;
};

SessionStreams::SessionStreams(Emulator& emu, media::MediaOptions options) : emu_(emu) {
  subscription_ = emu_.store().transitions().subscribe(
      [this](const std::vector<TransitionEvent>& events) { on_transitions(events); });
  media::MediaEvents events;
  events.connected = [this](const std::string& id) { on_connected(id); };
  events.disconnected = [this](const std::string& id, const std::string& why) { on_disconnected(id, why); };
  events.message = [this](const std::string& id, const std::string& text) { on_message(id, text); };
  events.caption = [this](const std::string& id) { return caption(id); };
  media_ = std::make_unique<media::StreamMedia>(std::move(options), std::move(events));
  collector_ = std::thread([this] { collect_answers(); });
  emu_.set_stream_peers(std::make_shared<Peers>(*this));
  routes_ = {
      {"POST", "/_gls/sessions/{group}/{session}/stream", [this](AdminCall& c) { return stream(c); }},
      {"GET", "/_gls/streams", [this](AdminCall& c) { return list(c); }},
      {"GET", "/_gls/watch/{group}/{session}", [this](AdminCall& c) { return watch(c); }, AdminBody::None,
       AdminAccess::Public},
      {"GET", "/_gls/play/{group}/{url}/sessions/{session}", [this](AdminCall& c) { return play_session(c); },
       AdminBody::None, AdminAccess::Public},
      {"POST", "/_gls/play/{group}/{url}/sessions/{session}/stream", [this](AdminCall& c) { return play_stream(c); },
       AdminBody::None, AdminAccess::Public},
  };
}

SessionStreams::~SessionStreams() {
  emu_.set_stream_peers(nullptr);
  emu_.store().transitions().unsubscribe(subscription_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  collect_wakeup_.notify_one();
  collector_.join();
  media_.reset();
}

bool SessionStreams::offer(const Scope& scope, const std::string& group_id, const std::string& session_id,
                           const std::string& offer_sdp) {
  {
    std::lock_guard lock(mu_);
    Known& k = sessions_[session_id];
    k.scope = scope;
    k.group_id = group_id;
    k.browser_connected = false;
    k.offer_sdp = offer_sdp;
    k.answer.reset();
  }
  return media_->offer(session_id, offer_sdp);
}

std::optional<std::string> SessionStreams::answer(const std::string& session_id, const SdpOffer& offer) {
  if (!media_->has_peer(session_id)) return std::nullopt;
  auto sdp = media_->answer(session_id);
  if (!sdp) return std::nullopt;
  *sdp = spell_codecs_as_offered(*sdp, offer);
  std::lock_guard lock(mu_);
  // Kept only while it answers the session's last offer (a newer offer
  // replaced the peer; a closed peer forgot it).
  if (auto it = sessions_.find(session_id); it != sessions_.end() && it->second.offer_sdp == offer.sdp)
    it->second.answer = sdp;
  return sdp;
}

std::optional<std::string> SessionStreams::ready_answer(const std::string& session_id, const std::string& offer_sdp) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end() || it->second.offer_sdp != offer_sdp) return std::nullopt;
  return it->second.answer;
}

void SessionStreams::forget_answer(const std::string& session_id) {
  std::lock_guard lock(mu_);
  if (auto it = sessions_.find(session_id); it != sessions_.end()) {
    it->second.offer_sdp.clear();
    it->second.answer.reset();
  }
}

void SessionStreams::collect_answers() {
  std::unique_lock lock(mu_);
  for (;;) {
    collect_wakeup_.wait(lock, [this] { return stopping_ || !to_collect_.empty(); });
    if (stopping_) return;
    auto [session_id, offer] = std::move(to_collect_.front());
    to_collect_.pop_front();
    lock.unlock();
    if (auto sdp = answer(session_id, offer)) {
      Known k;
      {
        std::lock_guard known(mu_);
        if (auto it = sessions_.find(session_id); it != sessions_.end()) k = it->second;
      }
      emu_.sessions().live_answer_came(k.scope, k.group_id, session_id, offer.sdp,
                                       signal_response_json(*sdp, emu_.signalling().protocol_url()));
    }
    lock.lock();
  }
}

void SessionStreams::close(const std::string& session_id) {
  forget_answer(session_id);
  media_->close(session_id);
}

// Under the store's lock: quick, and no store.
void SessionStreams::on_transitions(const std::vector<TransitionEvent>& events) {
  std::vector<std::string> to_close;
  std::vector<std::string> to_connect;
  {
    std::lock_guard lock(mu_);
    for (const TransitionEvent& e : events) {
      if (e.kind != "streamsession") continue;
      const size_t slash = e.resource.find('/');
      if (slash == std::string::npos) continue;
      const std::string id = e.resource.substr(slash + 1);
      // Only sessions that were offered a stream are followed: the others
      // have no peer, and the map stays as small as the live streams.
      auto known = sessions_.find(id);
      if (known == sessions_.end()) continue;
      Known& k = known->second;
      k.scope = e.scope;
      k.group_id = e.resource.substr(0, slash);
      k.status = e.to;
      if (e.to == "PENDING_CLIENT_RECONNECTION" || e.to == "TERMINATING" || e.to == "TERMINATED" || e.to == "ERROR") {
        k.browser_connected = false;
        k.offer_sdp.clear();
        k.answer.reset();
        to_close.push_back(id);
      } else if (e.to == "ACTIVE" && k.browser_connected) {
        to_connect.push_back(id);  // the browser connected while the session was reconnecting
      }
      if (e.to == "TERMINATED" || e.to == "ERROR") sessions_.erase(id);
    }
  }
  for (const auto& id : to_close) media_->close(id);
  // Not from inside the store's commit: on the media events' thread.
  for (const auto& id : to_connect) media_->repeat_connected(id);
}

void SessionStreams::on_connected(const std::string& session_id) {
  {
    std::lock_guard lock(mu_);
    sessions_[session_id].browser_connected = true;
  }
  if (apply(session_id, "clientConnect")) spdlog::info("stream {}: the browser connected", session_id);
}

void SessionStreams::on_disconnected(const std::string& session_id, const std::string& why) {
  bool was_connected = false;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    was_connected = it->second.status == "CONNECTED";
    it->second.browser_connected = false;
  }
  if (was_connected && apply(session_id, "clientDisconnect"))
    spdlog::info("stream {}: the browser left ({})", session_id, why);
}

void SessionStreams::on_message(const std::string& session_id, const std::string& text) {
  auto message = websdk::parse_input_message(text);
  if (!message || !message->is_user_input()) return;
  Known k;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    k = it->second;
  }
  if (!apply(session_id, "userInput")) return;  // only a CONNECTED session takes input
  if (input_listener_) {
    static constexpr const char* kKinds[] = {"keyboard", "mouse", "gamepad"};
    const std::string what = std::string(kKinds[static_cast<int>(message->kind)]) +
                             (message->action.empty() ? "" : " " + message->action);
    input_listener_(StreamPeerKey{k.scope, k.group_id, session_id}, what);
  }
}

bool SessionStreams::apply(const std::string& session_id, std::string_view event) {
  Known k;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return false;
    k = it->second;
  }
  auto result = emu_.sessions().event(k.scope, k.group_id, session_id, event, std::nullopt);
  return static_cast<bool>(result);
}

std::vector<std::string> SessionStreams::caption(const std::string& session_id) {
  std::string status;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session_id);
    if (it != sessions_.end()) status = it->second.status;
  }
  return {"GameLift Streams Local", "session " + session_id, "status " + (status.empty() ? "?" : status),
          "time " + emulator_time_text(emu_.clock().now_ms())};
}

HttpResponse SessionStreams::stream_for(const Scope& scope, const StreamSession& session, const std::string& body) {
  const SessionStatus status = session.status;
  if (status != SessionStatus::Activating && status != SessionStatus::Active && status != SessionStatus::Connected)
    return admin_error(409, "ConflictException",
                       "Stream session " + session.id + " is " + std::string(to_string(status)) +
                           "; a stream starts for an ACTIVATING, ACTIVE or CONNECTED session");
  {
    std::lock_guard lock(mu_);
    Known& k = sessions_[session.id];
    if (k.status.empty()) k.status = std::string(to_string(status));
  }
  const SignalRequest request = read_signal_request(body);
  if (!request.offer || !offer(scope, session.group_id, session.id, request.offer->sdp))
    return admin_error(409, "ConflictException",
                       "no stream for this offer: " + media::StreamMedia::describe() +
                           " (or the offer is not a valid SDP offer, receives neither VP8 video nor Opus audio, or "
                           "--max-streams streams are live)");
  auto sdp = answer(session.id, *request.offer);
  if (!sdp) return admin_error(500, "InternalServerException", "the stream could not answer the offer");
  return render_json([&](JsonWriter& w) {
    w.StartObject();
    write_string(w, "type", "answer");
    write_string(w, "sdp", *sdp);
    write_string(w, "webSdkProtocolUrl", emu_.signalling().protocol_url());
    write_string(w, "sessionId", session.id);
    w.EndObject();
  });
}

HttpResponse SessionStreams::stream(AdminCall& call) {
  const std::string& group = call.param("group");
  const Scope scope = admin_scope(emu_, call.request, group);
  auto session = emu_.sessions().get(scope, group, call.param("session"));
  if (!session) return domain_error(session.error());
  return stream_for(scope, *session, call.request.body);
}

Result<std::pair<Scope, StreamSession>> SessionStreams::url_session(AdminCall& call) {
  return emu_.sessions().of_stream_url(call.param("group"), call.param("url"), url_token(call.request),
                                       call.param("session"));
}

HttpResponse SessionStreams::play_session(AdminCall& call) {
  auto found = url_session(call);
  if (!found) return domain_error(found.error());
  return render_json([&](JsonWriter& w) {
    write_play_session(w, found->first, found->second, call.param("url"), url_token(call.request));
  });
}

HttpResponse SessionStreams::play_stream(AdminCall& call) {
  auto found = url_session(call);
  if (!found) return domain_error(found.error());
  return stream_for(found->first, found->second, call.request.body);
}

HttpResponse SessionStreams::watch(AdminCall& call) {
  const std::string& group = call.param("group");
  const std::string& id = call.param("session");
  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", "text/html; charset=utf-8");
  r.body = player_page(group, id, "/_gls/sessions/" + group + "/" + id + "/stream",
                       "<h1>Stream session <code>" + html_escape(id) + "</code></h1><p>Stream group <code>" +
                           html_escape(group) + "</code>: " + html_escape(media::StreamMedia::describe()) + "</p>");
  return r;
}

HttpResponse SessionStreams::list(AdminCall&) {
  auto peers = media_->peers();
  return render_json([&](JsonWriter& w) {
    w.StartObject();
    write_string(w, "stream", media::StreamMedia::describe());
    write_key(w, "peers");
    w.StartArray();
    for (const auto& p : peers) {
      w.StartObject();
      write_string(w, "sessionId", p.session_id);
      write_key(w, "connected");
      w.Bool(p.connected);
      write_key(w, "framesSent");
      w.Uint64(p.frames_sent);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace gls
