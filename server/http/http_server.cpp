// The only translation unit that instantiates Beast's templates.
#include "http/http_server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include "api/errors.hpp"
#include "http/request_reader.hpp"

namespace gls {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Connection;

// Log lines about a condition that may repeat thousands of times a second
// (out of file descriptors, too many connections): at most one a second,
// with the number left out.
class ThrottledLog {
 public:
  void warn(const std::string& line) { log(spdlog::level::warn, line); }
  void error(const std::string& line) { log(spdlog::level::err, line); }

 private:
  void log(spdlog::level::level_enum level, const std::string& line) {
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
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_{};
  uint64_t suppressed_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, RequestHandler h, RejectHandler r)
      : options(std::move(o)), handler(std::move(h)), reject(std::move(r)), ioc(options.threads) {}
  ~Impl() { destroying = true; }

  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  size_t open_connections();
  void track(const std::shared_ptr<Connection>& c);
  void untrack(Connection* c);
  void begin_shutdown();

  ServerOptions options;
  RequestHandler handler;
  RejectHandler reject;
  // Declared before the io_context: connections still queued in it when it is
  // destroyed untrack themselves from here.
  std::mutex mu;  // guards `connections` and `registry`
  std::unordered_set<Connection*> connections;
  std::vector<std::weak_ptr<Connection>> registry;  // the same, for shutdown
  std::atomic<bool> stopping{false};
  std::atomic<bool> destroying{false};

  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  net::steady_timer accept_backoff{ioc};
  ThrottledLog throttled_log;
  uint16_t bound_port = 0;
  std::optional<net::steady_timer> grace_timer;
};

namespace {

// What a connection is doing, so that shutdown knows whom it may interrupt.
enum class Phase { Idle, Reading, Handling, Delaying, Writing, Streaming };

// The producer's end of a streamed body: hands bytes to the connection's
// strand, and says when the connection is gone.
class StreamSink final : public BodyStream {
 public:
  StreamSink(std::weak_ptr<Connection> connection, std::shared_ptr<std::atomic<bool>> closed)
      : connection_(std::move(connection)), closed_(std::move(closed)) {}
  bool write(std::string bytes) override;
  bool open() const override { return !closed_->load(); }

 private:
  std::weak_ptr<Connection> connection_;
  std::shared_ptr<std::atomic<bool>> closed_;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket&& socket, HttpServer::Impl& server)
      : stream_(std::move(socket)),
        server_(server),
        // Room for a whole header and one read of body bytes: what the
        // reader has not consumed never grows past it.
        buffer_(server.options.header_limit + 64 * 1024),
        reader_({server.options.header_limit, server.options.body_limit}) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  auto executor() { return stream_.get_executor(); }

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Connection::wait_for_request, shared_from_this()));
  }

  // Called by shutdown, on any thread: close the connection now if it is
  // waiting for a request; a request being received or handled is answered
  // first (within the read timeout and the shutdown grace period).
  void stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ == Phase::Idle) self->stream_.cancel();
      // A held response goes out now; a stream ends.
      if (self->phase_ == Phase::Delaying && self->timer_) self->timer_->cancel();
      if (self->phase_ == Phase::Streaming) self->end_stream();
    });
  }

  ~Connection() {
    if (stream_closed_) *stream_closed_ = true;
    server_.untrack(this);
  }

  // On the strand: bytes a StreamSink was given.
  void enqueue(std::string bytes) {
    // (An empty chunk would end a chunked body.)
    if (phase_ != Phase::Streaming || ending_ || bytes.empty()) return;
    if (chunked_) {
      char size[20];
      std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
      pending_ += size;
      pending_ += bytes;
      pending_ += "\r\n";
    } else {
      pending_ += bytes;
    }
    // A client that does not read what it asked for is not kept forever.
    if (pending_.size() + in_flight_ > server_.options.stream_backlog) {
      spdlog::warn("dropping a streaming client that does not keep up ({})", peer_);
      return close_stream();
    }
    if (head_sent_ && !writing_) flush();
  }

 private:
  void wait_for_request() {
    if (server_.stopping) return close();
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    phase_ = Phase::Idle;
    stream_.expires_after(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->buffer_.commit(n);
      if (ec) return self->close();
      self->read_header();
    });
  }

  void read_header() {
    phase_ = Phase::Reading;
    reader_.reset();
    stream_.expires_after(server_.options.read_timeout);
    parse_buffered();
  }

  // Feeds what has arrived to the reader; reads more while it needs more.
  void parse_buffered() {
    const auto data = buffer_.data();
    const size_t used = reader_.parse(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(used);
    switch (reader_.state()) {
      case RequestReader::State::Refused: return reject(reader_.refusal());
      case RequestReader::State::HeaderReady: return on_header();
      case RequestReader::State::Done: return on_read();
      case RequestReader::State::NeedMore: break;
    }
    // Only unfinished header, chunk-line or trailer bytes stay in the buffer
    // (the parser takes body bytes as they come): a full buffer is too much of them.
    const size_t room = std::min<size_t>(buffer_.max_size() - buffer_.size(), 64 * 1024);
    if (room == 0) return reject(header_too_large(server_.options.header_limit));
    stream_.async_read_some(buffer_.prepare(room), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->buffer_.commit(n);
      if (ec) return self->close();  // the client went away, or the read timed out
      self->parse_buffered();
    });
  }

  void on_header() {
    head_ = reader_.is_head();
    if (reader_.expects_continue()) {
      continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code wec, size_t) {
        if (wec) return self->close();
        self->parse_buffered();
      });
      return;
    }
    parse_buffered();
  }

  void on_read() {
    phase_ = Phase::Handling;
    head_ = reader_.is_head();
    const bool keep_alive = reader_.keep_alive();
    const unsigned version = reader_.version();
    HttpRequest req = reader_.take(peer_);

    HttpResponse out;
    try {
      out = server_.handler(req);
    } catch (const std::exception& e) {
      spdlog::error("request handler failed: {}", e.what());
      out = api::error_response({"InternalServerException", 500, "internal error"});
    }
    const bool keep = keep_alive && !out.close;
    respond(std::move(out), keep, version);
  }

  void respond(HttpResponse out, bool keep_alive, unsigned version, bool linger = false) {
    if (out.delay.count() > 0) return hold(std::move(out), keep_alive, version);
    switch (out.fault) {
      case ConnectionFault::Reset: return reset();
      case ConnectionFault::Close: return close();
      case ConnectionFault::Malformed: return write_malformed();
      case ConnectionFault::None: break;
    }
    if (out.stream && !head_) return start_stream(std::move(out), version);
    phase_ = Phase::Writing;
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version);
    res->result(static_cast<unsigned>(out.status));
    for (auto& [k, v] : out.headers) res->set(k, v);
    res->body() = std::move(out.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    // A HEAD answer has the headers of the GET answer and no body.
    if (head_) res->body().clear();
    stream_.expires_after(server_.options.write_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive, linger](beast::error_code ec, size_t) {
                        if (!ec && linger) return self->drain();
                        if (ec || !keep_alive) return self->close();
                        self->wait_for_request();
                      });
  }

  // After refusing a request whose body may still be arriving: stop sending,
  // then read and drop what comes until the client closes or 5 s pass, so
  // that the client reads the answer instead of a connection reset.
  void drain() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    phase_ = Phase::Idle;
    stream_.expires_after(std::chrono::seconds(5));
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(64 * 1024), [self = shared_from_this()](beast::error_code rec, size_t) {
      if (rec) return self->close();
      self->buffer_.consume(self->buffer_.size());
      self->drain_more();
    });
  }
  void drain_more() {
    stream_.async_read_some(buffer_.prepare(64 * 1024), [self = shared_from_this()](beast::error_code rec, size_t) {
      if (rec) return self->close();
      self->buffer_.consume(self->buffer_.size());
      self->drain_more();
    });
  }

  // A request that cannot be served: answer the JSON error and close.
  void reject(const api::ApiError& e) {
    HttpResponse r = server_.reject(e.status, e.code, e.message);
    r.set_header("Connection", "close");
    respond(std::move(r), false, 11, true);
  }

  void write_malformed() {
    phase_ = Phase::Writing;
    // A status line no client can read, then half a JSON body: every HTTP
    // client fails on the first line rather than guessing at the rest.
    auto bytes = std::make_shared<std::string>(
        "HTTP/1.1 2x0 OK\r\nContent-Type: application/json\r\nContent-Length: 42x\r\n\r\n{\"Arn\": tru");
    stream_.expires_after(server_.options.write_timeout);
    net::async_write(stream_.socket(), net::buffer(*bytes),
                     [self = shared_from_this(), bytes](beast::error_code, size_t) { self->close(); });
  }

  // Sends the response once its delay has passed (or at once on shutdown).
  void hold(HttpResponse out, bool keep_alive, unsigned version) {
    phase_ = Phase::Delaying;
    const auto delay = out.delay;
    out.delay = std::chrono::milliseconds(0);
    if (!timer_) timer_.emplace(stream_.get_executor());
    timer_->expires_after(delay);
    timer_->async_wait(
        [self = shared_from_this(), out = std::move(out), keep_alive, version](beast::error_code) mutable {
          self->respond(std::move(out), keep_alive, version);
        });
  }

  // ---- streamed bodies: the head, then whatever the producer writes, until
  // the client goes away or the server shuts down.
  void start_stream(HttpResponse out, unsigned version) {
    phase_ = Phase::Streaming;
    chunked_ = version >= 11;
    stream_closed_ = std::make_shared<std::atomic<bool>>(false);
    keepalive_bytes_ = out.stream->keepalive_bytes;
    keepalive_ = out.stream->keepalive;
    if (out.stream->start) out.stream->start(std::make_shared<StreamSink>(weak_from_this(), stream_closed_));

    struct Head {
      http::response<http::empty_body> res;
      std::optional<http::response_serializer<http::empty_body>> serializer;
    };
    auto head = std::make_shared<Head>();
    head->res.version(version);
    head->res.result(static_cast<unsigned>(out.status));
    for (auto& [k, v] : out.headers) head->res.set(k, v);
    if (chunked_) {
      head->res.chunked(true);
    } else {
      head->res.keep_alive(false);  // the body ends when the connection closes
    }
    head->serializer.emplace(head->res);
    stream_.expires_after(server_.options.write_timeout);
    auto on_head = [self = shared_from_this(), head](beast::error_code ec, size_t) {
      if (ec) return self->close_stream();
      self->stream_.expires_never();
      self->head_sent_ = true;
      self->watch_client();
      self->keep_alive_stream();
      if (self->ending_) return self->finish_stream();
      if (!self->pending_.empty()) self->flush();
    };
    http::async_write_header(stream_, *head->serializer, std::move(on_head));
  }

  void flush() {
    writing_ = true;
    auto bytes = std::make_shared<std::string>(std::move(pending_));
    pending_.clear();
    in_flight_ = bytes->size();
    stream_.expires_after(server_.options.write_timeout);
    net::async_write(stream_, net::buffer(*bytes), [self = shared_from_this(), bytes](beast::error_code ec, size_t) {
      self->writing_ = false;
      self->in_flight_ = 0;
      if (ec) return self->close_stream();
      self->stream_.expires_never();
      if (!self->pending_.empty()) return self->flush();
      if (self->ending_) self->close_stream();
    });
  }

  // Reads (and drops) whatever the client sends, to notice when it goes away.
  void watch_client() {
    stream_.async_read_some(buffer_.prepare(1024), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->close_stream();
      self->buffer_.commit(n);
      self->buffer_.consume(self->buffer_.size());
      self->watch_client();
    });
  }

  void keep_alive_stream() {
    if (keepalive_.count() <= 0 || keepalive_bytes_.empty()) return;
    if (!timer_) timer_.emplace(stream_.get_executor());
    timer_->expires_after(keepalive_);
    timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->ending_ || self->phase_ != Phase::Streaming) return;
      self->enqueue(self->keepalive_bytes_);
      self->keep_alive_stream();
    });
  }

  // Shutdown: the last chunk, then close.
  void end_stream() {
    if (ending_) return;
    ending_ = true;
    if (timer_) timer_->cancel();
    if (head_sent_) finish_stream();
  }
  void finish_stream() {
    if (chunked_) pending_ += "0\r\n\r\n";
    if (writing_) return;  // the write in progress carries on with it
    if (pending_.empty()) return close_stream();
    flush();
  }

  void close_stream() {
    ending_ = true;
    if (stream_closed_) *stream_closed_ = true;
    if (timer_) timer_->cancel();
    close();
  }

  void reset() {
    beast::error_code ec;
    stream_.socket().set_option(net::socket_base::linger(true, 0), ec);
    stream_.socket().close(ec);
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  RequestReader reader_;
  std::shared_ptr<http::response<http::empty_body>> continue_;
  std::string peer_;
  Phase phase_ = Phase::Idle;
  bool head_ = false;  // the request being answered is a HEAD
  std::optional<net::steady_timer> timer_;  // a held response's delay, or a stream's keep-alive

  // A streamed body.
  std::shared_ptr<std::atomic<bool>> stream_closed_;
  std::string pending_;  // framed bytes not yet written
  size_t in_flight_ = 0;  // bytes of the write in progress
  std::string keepalive_bytes_;
  std::chrono::milliseconds keepalive_{0};
  bool chunked_ = false;
  bool head_sent_ = false;
  bool writing_ = false;
  bool ending_ = false;
};

bool StreamSink::write(std::string bytes) {
  if (closed_->load()) return false;
  auto c = connection_.lock();
  if (!c) return false;
  net::post(c->executor(), [c, bytes = std::move(bytes)]() mutable { c->enqueue(std::move(bytes)); });
  return true;
}

}  // namespace

void HttpServer::Impl::accept() {
  acceptor->async_accept(net::make_strand(ioc), beast::bind_front_handler(&Impl::on_accept, this));
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
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
  auto c = std::make_shared<Connection>(std::move(socket), *this);
  track(c);
  c->start();
  accept();
}

size_t HttpServer::Impl::open_connections() {
  std::lock_guard lock(mu);
  return connections.size();
}

void HttpServer::Impl::track(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu);
  connections.insert(c.get());
  registry.push_back(c);
  if (registry.size() > 2 * connections.size() + 64) {
    std::erase_if(registry, [](const std::weak_ptr<Connection>& w) { return w.expired(); });
  }
}

void HttpServer::Impl::untrack(Connection* c) {
  std::lock_guard lock(mu);
  connections.erase(c);
  if (stopping && connections.empty() && !destroying) ioc.stop();
}

void HttpServer::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  net::post(ioc, [this] {
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    accept_backoff.cancel();
    std::vector<std::shared_ptr<Connection>> live;
    {
      std::lock_guard lock(mu);
      for (auto& w : registry)
        if (auto c = w.lock()) live.push_back(std::move(c));
      if (connections.empty()) {
        ioc.stop();
        return;
      }
    }
    for (auto& c : live) c->stop();
    grace_timer.emplace(ioc, options.shutdown_grace);
    grace_timer->async_wait([this](beast::error_code) {
      spdlog::warn("connections still open after the shutdown grace period; stopping");
      ioc.stop();
    });
  });
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
  auto serve = [this] {
    for (;;) {
      try {
        impl_->ioc.run();
        return;
      } catch (const std::exception& e) {
        impl_->throttled_log.error(std::string("an I/O handler failed and its connection was dropped: ") + e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) threads.emplace_back(serve);
  serve();
  for (auto& t : threads) t.join();
}

void HttpServer::shutdown() { impl_->begin_shutdown(); }

boost::asio::io_context& HttpServer::io_context() { return impl_->ioc; }

}  // namespace gls
