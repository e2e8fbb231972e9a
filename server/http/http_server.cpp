// The listener: binds, accepts (within --max-connections, backing off when
// out of descriptors), keeps the open connections for shutdown, and runs the
// I/O threads. One connection's loop is in http_connection.cpp.
#include "http/http_server.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "http/http_connection.hpp"

namespace gls {

void ThrottledLog::log(spdlog::level::level_enum level, const std::string& line) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (now - last_ < std::chrono::seconds(1)) {
    ++suppressed_;
    return;
  }
  last_ = now;
  if (suppressed_ > 0)
    spdlog::log(level, "{} ({} more like it in the last second)", line, suppressed_);
  else
    spdlog::log(level, "{}", line);
  suppressed_ = 0;
}

bool DurabilityGate::passed(uint64_t seq) {
  std::lock_guard lock(mu_);
  return !connected_ || seq <= durable_;
}

void DurabilityGate::wait(uint64_t seq, std::function<void(bool durable)> ready) {
  bool durable = true;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (connected_ && seq > durable_) {
      if (!failed_) {
        waiting_.emplace(seq, std::move(ready));
        return;
      }
      durable = false;
    }
  }
  ready(durable);
}

void DurabilityGate::advance(uint64_t durable, bool failed) {
  // The callbacks only post to the io_context: calling them under the lock
  // keeps close() from returning (and the io_context from going) meanwhile.
  std::lock_guard lock(mu_);
  if (closed_) return;
  connected_ = true;
  if (durable > durable_) {
    durable_ = durable;
    auto end = waiting_.upper_bound(durable);
    for (auto it = waiting_.begin(); it != end; ++it) it->second(true);
    waiting_.erase(waiting_.begin(), end);
  }
  if (failed && !failed_) {
    failed_ = true;
    for (auto& [seq, ready] : waiting_) ready(false);
    waiting_.clear();
  }
}

void DurabilityGate::close() {
  std::multimap<uint64_t, std::function<void(bool)>> dropped;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    dropped.swap(waiting_);
  }
}

namespace {
thread_local net::io_context* this_threads_context = nullptr;

std::vector<std::unique_ptr<net::io_context>> one_context_per_thread(int threads) {
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (int i = 0; i < std::max(threads, 1); ++i) contexts.push_back(std::make_unique<net::io_context>(1));
  return contexts;
}
}  // namespace

HttpServer::Impl::Impl(ServerOptions o, RequestHandler h, RejectHandler r)
    : options(std::move(o)),
      handler(std::move(h)),
      reject(std::move(r)),
      contexts(one_context_per_thread(options.threads)),
      ioc(*contexts.front()) {
  for (size_t i = 1; i < contexts.size(); ++i) keep_running.push_back(net::make_work_guard(*contexts[i]));
}

void HttpServer::Impl::accept() {
  // Connections are dealt to the I/O threads in turn.
  net::io_context& next = *contexts[next_context++ % contexts.size()];
  acceptor->async_accept(next, beast::bind_front_handler(&Impl::on_accept, this));
}

void HttpServer::Impl::on_accept(beast::error_code ec, TimedSocket::Socket socket) {
  if (stopping) return;
  if (ec == net::error::operation_aborted) return accept();
  if (ec) {
    // Out of file descriptors or memory: the connection waits in the
    // backlog, so try again a little later rather than at once (which would
    // spin), and say so at most once a second.
    throttled_log.warn("accept failed: " + ec.message() + "; retrying every 100 ms");
    accept_backoff.expires_after(std::chrono::milliseconds(100));
    accept_backoff.async_wait([this](beast::error_code wec) {
      if (!wec && !stopping) accept();
    });
    return;
  }
  if (open_connections() >= options.max_connections) {
    throttled_log.warn("refusing a connection: " + std::to_string(options.max_connections) +
                       " are open (--max-connections)");
    beast::error_code ignored;
    socket.set_option(net::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
    return accept();
  }
  socket.set_option(tcp::no_delay(true), ec);
  auto c = std::make_shared<HttpConnection>(std::move(socket), *this);
  track(c);
  c->start();
  accept();
}

size_t HttpServer::Impl::open_connections() {
  std::lock_guard lock(mu);
  return connections.size();
}

void HttpServer::Impl::track(const std::shared_ptr<HttpConnection>& c) {
  std::lock_guard lock(mu);
  connections.insert(c.get());
  registry.push_back(c);
  if (registry.size() > 2 * connections.size() + 64) {
    std::erase_if(registry, [](const std::weak_ptr<HttpConnection>& w) { return w.expired(); });
  }
}

void HttpServer::Impl::untrack(HttpConnection* c) {
  std::lock_guard lock(mu);
  connections.erase(c);
  if (stopping && connections.empty() && !destroying) stop_io();
}

void HttpServer::Impl::stop_io() {
  outside->stop_sending();
  for (auto& context : contexts) context->stop();
}

void HttpServer::Impl::begin_shutdown() {
  const auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  if (stopping.exchange(true)) return;
  shutdown_deadline = deadline;
  net::post(ioc, [this] {
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    accept_backoff.cancel();
    std::vector<std::shared_ptr<HttpConnection>> live;
    {
      std::lock_guard lock(mu);
      for (auto& w : registry)
        if (auto c = w.lock()) live.push_back(std::move(c));
      if (connections.empty()) {
        stop_io();
        return;
      }
    }
    for (auto& c : live) c->stop();
    grace_timer.emplace(ioc, shutdown_deadline.load());
    grace_timer->async_wait([this](beast::error_code) {
      spdlog::warn("connections still open after the shutdown grace period; stopping");
      stop_io();
    });
  });
}

void HttpServer::Impl::release_outside() {
  outside->stop_sending();
  {
    std::vector<std::shared_ptr<HttpConnection>> live;
    {
      std::lock_guard lock(mu);
      for (auto& w : registry)
        if (auto c = w.lock()) live.push_back(std::move(c));
    }
    for (auto& c : live) c->halt();
  }
  // What is left of the shutdown's grace (run() may also end without a
  // shutdown: then a whole grace).
  const auto deadline = std::min(shutdown_deadline.load(), std::chrono::steady_clock::now() + options.shutdown_grace);
  if (!outside->wait_released(deadline))
    spdlog::warn("work on other threads still held requests after the shutdown grace period; its answers are dropped");
  outside->fence();
}

HttpServer::HttpServer(ServerOptions options, RequestHandler handler, RejectHandler reject)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(reject))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::listen() {
  auto& o = impl_->options;
  beast::error_code ec;
  auto address = net::ip::make_address(o.host, ec);
  if (ec) return validation("invalid --host '" + o.host + "': " + ec.message());
  tcp::endpoint ep(address, o.port);
  auto& acc = impl_->acceptor.emplace(impl_->ioc);
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return validation("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  impl_->bound_port = acc.local_endpoint().port();
  impl_->accept();
  return ok();
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::run() {
  // Each I/O thread survives whatever one handler throws: that handler's
  // connection is gone with it, the others carry on.
  auto serve = [this](net::io_context& io) {
    this_threads_context = &io;
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        impl_->throttled_log.error(std::string("an I/O handler failed and its connection was dropped: ") + e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl_->contexts.size(); ++i) threads.emplace_back(serve, std::ref(*impl_->contexts[i]));
  serve(impl_->ioc);
  for (auto& t : threads) t.join();
  impl_->release_outside();
}

void HttpServer::shutdown() { impl_->begin_shutdown(); }

boost::asio::io_context& HttpServer::io_context() { return impl_->ioc; }

void HttpServer::post_here(std::function<void()> f) {
  net::post(this_threads_context ? *this_threads_context : impl_->ioc, std::move(f));
}

std::function<void(uint64_t, bool)> HttpServer::connect_durability(std::function<uint64_t()> latest_commit) {
  impl_->latest_commit = std::move(latest_commit);
  return [gate = std::weak_ptr<DurabilityGate>(impl_->gate)](uint64_t durable, bool sync_failed) {
    if (auto g = gate.lock()) g->advance(durable, sync_failed);
  };
}

}  // namespace gls
