// One connection: read a request, hand it to the pipeline, write the
// answer (held for a fault's delay, or replaced by a connection fault), and
// wait for the next; refusals of the transport close the connection.
#include "http/http_connection.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "http/response_head.hpp"

namespace gls {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// The message Beast writes for `out`; a HEAD answer keeps the GET answer's
// Content-Length and has no body.
std::shared_ptr<http::response<http::string_body>> beast_response(HttpResponse out, unsigned version, bool keep_alive,
                                                                 bool head) {
  auto res = std::make_shared<http::response<http::string_body>>();
  res->version(version);
  res->result(static_cast<unsigned>(out.status));
  for (auto& [k, v] : out.headers) res->set(k, v);
  res->body() = std::move(out.body);
  res->keep_alive(keep_alive);
  res->prepare_payload();
  if (head) res->body().clear();
  return res;
}

}  // namespace

// The head of an HTTP/1.1 response that stays open, byte for byte as Beast
// writes it (status line, the headers in order, Content-Length last), for
// the common case: distinct header names, none that Beast manages itself
// (Connection, Content-Length, Transfer-Encoding), no value it would trim.
// False for any other response, which Beast then writes.
bool plain_head(const HttpResponse& out, std::string& head) {
  if (out.status < 200 || out.status > 999) return false;
  for (size_t i = 0; i < out.headers.size(); ++i) {
    const auto& [name, value] = out.headers[i];
    if (beast::iequals(name, "connection") || beast::iequals(name, "content-length") ||
        beast::iequals(name, "transfer-encoding"))
      return false;
    if (!value.empty() && (blank(value.front()) || blank(value.back()))) return false;
    for (size_t j = 0; j < i; ++j)
      if (beast::iequals(name, out.headers[j].first)) return false;
  }
  const auto status = static_cast<unsigned>(out.status);
  head.clear();
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  const auto reason = http::obsolete_reason(http::int_to_status(status));
  head.append(reason.data(), reason.size());
  head += "\r\n";
  for (const auto& [name, value] : out.headers) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += "Content-Length: ";
  head += std::to_string(out.body.size());
  head += "\r\n\r\n";
  return true;
}

std::string beast_bytes(HttpResponse out, unsigned version, bool keep_alive) {
  std::ostringstream bytes;
  bytes << *beast_response(std::move(out), version, keep_alive, false);
  return std::move(bytes).str();
}

HttpConnection::HttpConnection(TimedSocket::Socket&& socket, HttpServer::Impl& server)
    : stream_(std::move(socket), std::min({server.options.idle_timeout, server.options.read_timeout,
                                           server.options.write_timeout})),
      server_(server),
      // Room for a whole header and one read of body bytes: what the
      // reader has not consumed never grows past it.
      buffer_(server.options.header_limit + 64 * 1024),
      reader_({server.options.header_limit, server.options.body_limit, server.options.state_body_limit, "/_gls/state"}) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
}

HttpConnection::~HttpConnection() {
  if (stream_flow_) stream_flow_->close();
  if (body_flow_) body_flow_->finish(BodySource::Got::Stopped);
  server_.untrack(this);
}

void HttpConnection::start() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpConnection::wait_for_request, shared_from_this()));
}

void HttpConnection::stop() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == Phase::Idle) self->stream_.cancel();
    // A held response goes out now; a stream ends.
    if (self->phase_ == Phase::Delaying && self->timer_) self->timer_->cancel();
    if (self->phase_ == Phase::Streaming) self->end_stream();
  });
}

void HttpConnection::halt() {
  if (body_flow_) body_flow_->finish(BodySource::Got::Stopped);
  if (stream_flow_) stream_flow_->close();
}

void HttpConnection::wait_for_request() {
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

void HttpConnection::read_header() {
  phase_ = Phase::Reading;
  reader_.reset();
  stream_.expires_after(server_.options.read_timeout);
  parse_buffered();
}

// Feeds what has arrived to the reader; reads more while it needs more.
void HttpConnection::parse_buffered() {
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

void HttpConnection::on_header() {
  head_ = reader_.is_head();
  if (reader_.expects_continue()) {
    continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    http::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code wec, size_t) {
      if (wec) return self->close();
      if (self->reader_.streams_body()) return self->receive_streamed();
      self->parse_buffered();
    });
    return;
  }
  if (reader_.streams_body()) return receive_streamed();
  parse_buffered();
}

void HttpConnection::on_read() {
  phase_ = Phase::Handling;
  head_ = reader_.is_head();
  const bool keep_alive = reader_.keep_alive();
  const unsigned version = reader_.version();
  deferred_version_ = version;  // should the handler answer later
  HttpRequest req = reader_.take(peer_);
  HttpResponse out = handle(req);
  const bool keep = keep_alive && !out.close;
  respond(std::move(out), keep, version);
}

HttpResponse HttpConnection::handle(HttpRequest& request) {
  try {
    return server_.handler(request);
  } catch (const std::exception& e) {
    spdlog::error("request handler failed: {}", e.what());
    return api::error_response({"InternalServerException", 500, "internal error"});
  }
}

void HttpConnection::respond(HttpResponse out, bool keep_alive, unsigned version, bool linger) {
  if (out.durable_after > 0 && !server_.gate->passed(out.durable_after))
    return await_durable(std::move(out), keep_alive, version, linger);
  if (out.delay.count() > 0) return hold(std::move(out), keep_alive, version);
  switch (out.fault) {
    case ConnectionFault::Reset: return reset();
    case ConnectionFault::Close: return close();
    case ConnectionFault::Malformed: return write_malformed();
    case ConnectionFault::None: break;
  }
  if (out.deferred) return start_deferred(std::move(out));
  if (out.stream && !head_) return start_stream(std::move(out), version);
  phase_ = Phase::Writing;
  stream_.expires_after(server_.options.write_timeout);
  if (keep_alive && version == 11 && plain_head(out, head_bytes_)) {
    // Head and body in one gather write, from buffers the connection keeps.
    body_bytes_ = std::move(out.body);
    if (head_) body_bytes_.clear();
    const std::array<net::const_buffer, 2> bytes{net::buffer(head_bytes_), net::buffer(body_bytes_)};
    net::async_write(stream_, bytes, [self = shared_from_this(), linger](beast::error_code ec, size_t) {
      if (self->body_bytes_.capacity() > 64 * 1024) self->body_bytes_ = std::string();
      if (!ec && linger) return self->drain();
      if (ec) return self->close();
      self->wait_for_request();
    });
    return;
  }
  auto res = beast_response(std::move(out), version, keep_alive, head_);
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
void HttpConnection::drain() {
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

void HttpConnection::drain_more() {
  stream_.async_read_some(buffer_.prepare(64 * 1024), [self = shared_from_this()](beast::error_code rec, size_t) {
    if (rec) return self->close();
    self->buffer_.consume(self->buffer_.size());
    self->drain_more();
  });
}

// A request that cannot be served: answer the JSON error and close.
void HttpConnection::reject(const api::ApiError& e) {
  HttpResponse r = server_.reject(e.status, e.code, e.message);
  r.set_header("Connection", "close");
  respond(std::move(r), false, 11, true);
}

void HttpConnection::write_malformed() {
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
void HttpConnection::hold(HttpResponse out, bool keep_alive, unsigned version) {
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

// The answer to a request whose change was made, but cannot be known to be
// on disk: the change is not acknowledged.
static HttpResponse not_durable(const HttpResponse& held) {
  HttpResponse r = api::error_response(
      {"InternalServerException", 500,
       "the change was made but may not be durable: syncing the database to disk failed (see the server log); "
       "restart gls-local and check the state before relying on it"});
  for (const auto& [name, value] : held.headers)
    if (beast::iequals(name, "x-amzn-RequestId")) r.set_header(name, value);
  return r;
}

// Sends the response once the writes it depends on are durable, or the
// not_durable() error once they cannot be; the I/O thread serves other
// connections meanwhile.
void HttpConnection::await_durable(HttpResponse out, bool keep_alive, unsigned version, bool linger) {
  phase_ = Phase::Syncing;
  const uint64_t seq = out.durable_after;
  out.durable_after = 0;
  held_.emplace(Held{std::move(out), keep_alive, version, linger});
  server_.gate->wait(seq, [self = shared_from_this()](bool durable) {
    net::post(self->stream_.get_executor(), [self, durable] {
      Held h = std::move(*self->held_);
      self->held_.reset();
      if (!durable) h.out = not_durable(h.out);
      self->respond(std::move(h.out), h.keep_alive, h.version, h.linger);
    });
  });
}

void HttpConnection::reset() {
  beast::error_code ec;
  stream_.socket().set_option(net::socket_base::linger(true, 0), ec);
  stream_.socket().close(ec);
}

void HttpConnection::close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}
}  // namespace gls
