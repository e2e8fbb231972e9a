#include "media/stream_media.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "media/offer_codecs.hpp"
#include "media/stream_peer.hpp"

namespace gls::media {

struct StreamMedia::Impl {
  struct Entry {
    uint64_t generation = 0;
    std::shared_ptr<StreamPeer> peer;
    std::shared_future<std::optional<std::string>> answer;
    bool connected = false;
  };

  MediaOptions options;
  MediaEvents events;
  boost::asio::io_context io;
  Strand strand{boost::asio::make_strand(io)};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  boost::asio::steady_timer caption_timer{strand};
  std::thread thread;
  // The events run on a thread of their own: they may wait for the store,
  // whose holder may be waiting for an answer from the strand.
  boost::asio::io_context events_io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> events_work{events_io.get_executor()};
  std::thread events_thread;
  mutable std::mutex mu;
  std::map<std::string, Entry> entries;  // guarded by mu
  uint64_t next_generation = 1;          // guarded by mu

  // The entry still holds this peer (not replaced, not closed)?
  bool current(const std::string& id, uint64_t generation) const {
    auto it = entries.find(id);
    return it != entries.end() && it->second.generation == generation;
  }

  void on_connected(const std::string& id, uint64_t generation) {
    {
      std::lock_guard lock(mu);
      if (!current(id, generation)) return;
      entries[id].connected = true;
    }
    if (events.connected) boost::asio::post(events_io, [this, id] { events.connected(id); });
  }

  void on_closed(const std::string& id, uint64_t generation, const std::string& why) {
    std::shared_ptr<StreamPeer> peer;
    {
      std::lock_guard lock(mu);
      if (!current(id, generation)) return;
      peer = entries[id].peer;
      entries.erase(id);
    }
    boost::asio::post(strand, [peer] { peer->stop(); });
    if (events.disconnected) boost::asio::post(events_io, [this, id, why] { events.disconnected(id, why); });
  }

  void on_message(const std::string& id, uint64_t generation, const std::string& text) {
    {
      std::lock_guard lock(mu);
      if (!current(id, generation)) return;
    }
    if (events.message) boost::asio::post(events_io, [this, id, text] { events.message(id, text); });
  }

  void refresh_captions() {
    std::vector<std::pair<std::string, std::shared_ptr<StreamPeer>>> live;
    {
      std::lock_guard lock(mu);
      for (auto& [id, e] : entries) live.emplace_back(id, e.peer);
    }
    if (events.caption)
      for (auto& [id, peer] : live) peer->set_caption(events.caption(id));
    caption_timer.expires_after(std::chrono::milliseconds(500));
    caption_timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) refresh_captions();
    });
  }
};

StreamMedia::StreamMedia(MediaOptions options, MediaEvents events) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->events = std::move(events);
  if (!built()) return;
  boost::asio::post(impl_->strand, [impl = impl_.get()] { impl->refresh_captions(); });
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
  impl_->events_thread = std::thread([impl = impl_.get()] { impl->events_io.run(); });
}

StreamMedia::~StreamMedia() {
  if (!impl_->thread.joinable()) return;
  std::vector<std::shared_ptr<StreamPeer>> peers;
  {
    std::lock_guard lock(impl_->mu);
    for (auto& [id, e] : impl_->entries) peers.push_back(e.peer);
    impl_->entries.clear();
  }
  std::promise<void> stopped;
  boost::asio::post(impl_->strand, [&] {
    for (auto& p : peers) p->stop();
    impl_->caption_timer.cancel();
    stopped.set_value();
  });
  stopped.get_future().wait();
  peers.clear();
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
  // Events still queued are dropped: their sessions are being shut down.
  impl_->events_work.reset();
  impl_->events_io.stop();
  impl_->events_thread.join();
}

bool StreamMedia::built() { return webrtc_built(); }

std::string StreamMedia::describe() {
  if (!built()) return "off (" + webrtc_description() + "): sessions get inert answers";
  const std::string missing = missing_elements();
  if (!missing.empty()) return "off (" + missing + ")";
  return "on (" + webrtc_description() + ", WebRTC VP8 + Opus test stream)";
}

std::vector<std::string> StreamMedia::local_addresses_for(const std::string& host) {
  std::vector<std::string> out{"127.0.0.1"};
  if (host == "127.0.0.1" || host == "localhost" || host == "::1") return out;
  if (host != "0.0.0.0" && host != "::" && !host.empty()) {
    out.push_back(host);
    return out;
  }
  // Bound to every interface: every IPv4 address of an interface that is up.
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || !(a->ifa_flags & IFF_UP) || (a->ifa_flags & IFF_LOOPBACK))
      continue;
    char text[INET_ADDRSTRLEN] = {};
    sockaddr_in in{};
    std::memcpy(&in, a->ifa_addr, sizeof in);
    if (inet_ntop(AF_INET, &in.sin_addr, text, sizeof text)) out.emplace_back(text);
  }
  freeifaddrs(list);
  return out;
}

bool StreamMedia::offer(const std::string& session_id, const std::string& offer_sdp) {
  if (!impl_->thread.joinable()) return false;
  std::string why;
  auto media = scan_offer(offer_sdp, &why);
  if (!media) {
    // The session's stream, if any, goes on: an offer that is not one
    // replaces nothing.
    spdlog::info("stream {}: no stream for this offer ({})", session_id, why);
    return false;
  }
  Impl& m = *impl_;
  std::shared_ptr<StreamPeer> previous;
  std::shared_ptr<StreamPeer> peer;
  {
    std::lock_guard lock(m.mu);
    auto existing = m.entries.find(session_id);
    const size_t others = m.entries.size() - (existing != m.entries.end() ? 1 : 0);
    if (others >= m.options.max_streams) {
      spdlog::info("stream {}: {} streams are live (--max-streams): this session gets no stream", session_id,
                   others);
      if (existing != m.entries.end()) {
        previous = existing->second.peer;
        m.entries.erase(existing);
      }
      if (previous) boost::asio::post(m.strand, [previous] { previous->stop(); });
      return false;
    }
    if (existing != m.entries.end()) previous = existing->second.peer;
    const uint64_t generation = m.next_generation++;
    auto answered = std::make_shared<std::promise<std::optional<std::string>>>();
    PeerCallbacks callbacks;
    callbacks.answered = [answered](std::optional<std::string> sdp) { answered->set_value(std::move(sdp)); };
    callbacks.connected = [&m, session_id, generation] { m.on_connected(session_id, generation); };
    callbacks.closed = [&m, session_id, generation](const std::string& w) { m.on_closed(session_id, generation, w); };
    callbacks.message = [&m, session_id, generation](const std::string& t) {
      m.on_message(session_id, generation, t);
    };
    PeerSetup setup{.session_id = session_id, .offer_sdp = offer_sdp, .media = *media,
                    .local_addresses = m.options.local_addresses};
    peer = make_stream_peer(m.strand, std::move(setup), std::move(callbacks));
    if (!peer) return false;
    Impl::Entry& e = m.entries[session_id];
    e = Impl::Entry{.generation = generation, .peer = peer, .answer = answered->get_future().share()};
  }
  boost::asio::post(m.strand, [previous, peer, caption = m.events.caption, session_id] {
    if (previous) previous->stop();
    if (caption) peer->set_caption(caption(session_id));
    peer->start();
  });
  return true;
}

std::optional<std::string> StreamMedia::answer(const std::string& session_id, std::chrono::milliseconds limit) {
  std::shared_future<std::optional<std::string>> answer;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->entries.find(session_id);
    if (it == impl_->entries.end()) return std::nullopt;
    answer = it->second.answer;
  }
  if (answer.wait_for(limit) != std::future_status::ready) {
    spdlog::warn("stream {}: no answer within {} ms", session_id, limit.count());
    close(session_id);
    return std::nullopt;
  }
  auto sdp = answer.get();
  if (!sdp) close(session_id);
  return sdp;
}

void StreamMedia::close(const std::string& session_id, const std::string& farewell) {
  std::shared_ptr<StreamPeer> peer;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->entries.find(session_id);
    if (it == impl_->entries.end()) return;
    peer = it->second.peer;
    impl_->entries.erase(it);
  }
  if (farewell.empty()) {
    boost::asio::post(impl_->strand, [peer] { peer->stop(); });
    return;
  }
  boost::asio::post(impl_->strand, [impl = impl_.get(), peer, farewell] {
    peer->send(farewell);
    auto timer = std::make_shared<boost::asio::steady_timer>(impl->strand, std::chrono::milliseconds(200));
    timer->async_wait([timer, peer](const boost::system::error_code&) { peer->stop(); });
  });
}

void StreamMedia::send(const std::string& session_id, const std::string& text) {
  std::shared_ptr<StreamPeer> peer;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->entries.find(session_id);
    if (it == impl_->entries.end()) return;
    peer = it->second.peer;
  }
  boost::asio::post(impl_->strand, [peer, text] { peer->send(text); });
}

void StreamMedia::repeat_connected(const std::string& session_id) {
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->entries.find(session_id);
    if (it == impl_->entries.end() || !it->second.connected) return;
  }
  if (impl_->events.connected)
    boost::asio::post(impl_->events_io, [impl = impl_.get(), session_id] { impl->events.connected(session_id); });
}

bool StreamMedia::has_peer(const std::string& session_id) const {
  std::lock_guard lock(impl_->mu);
  return impl_->entries.count(session_id) > 0;
}

std::vector<PeerInfo> StreamMedia::peers() const {
  std::lock_guard lock(impl_->mu);
  std::vector<PeerInfo> out;
  for (const auto& [id, e] : impl_->entries)
    out.push_back(PeerInfo{.session_id = id, .connected = e.connected, .frames_sent = e.peer->frames_sent()});
  return out;
}

}  // namespace gls::media
