// A response whose body is sent as it is produced (server-sent events, a
// large document): the head, then whatever the producer writes, chunked on
// HTTP/1.1, until the producer ends it, the client goes away or falls too
// far behind, or the server shuts down.
#include "http/http_connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>

namespace gls {

void StreamFlow::close() {
  {
    std::lock_guard lock(mu);
    closed = true;
  }
  changed.notify_all();
}

void StreamFlow::add_in_transit(size_t n, bool arrived) {
  std::lock_guard lock(mu);
  in_transit = arrived ? in_transit - n : in_transit + n;
}

void StreamFlow::set_queued(size_t n) {
  {
    std::lock_guard lock(mu);
    queued = n;
  }
  changed.notify_all();
}

bool StreamFlow::wait_for_room(std::chrono::milliseconds at_most) {
  std::unique_lock lock(mu);
  return changed.wait_for(lock, at_most, [&] { return closed || in_transit + queued < room; }) && !closed;
}

bool StreamSink::deliver(std::string bytes, Then then) {
  if (flow_->closed.load()) return false;
  return outside_->reach(connection_, [&](const std::shared_ptr<HttpConnection>& c) {
    // What the bytes tell of (a transition just committed) goes out once it
    // is durable, like any answer; the gate keeps the order they came in.
    auto& server = c->server();
    const uint64_t seq = server.latest_commit ? server.latest_commit() : 0;
    const size_t n = bytes.size();
    flow_->add_in_transit(n, false);
    server.gate->wait(seq, [c, flow = flow_, n, then, bytes = std::make_shared<std::string>(std::move(bytes))](
                               bool durable) {
      net::post(c->executor(), [c, flow, n, then, bytes, durable] {
        flow->add_in_transit(n, true);
        if (!durable || then == Then::Abort) return c->drop_stream();
        c->enqueue(std::move(*bytes));
        if (then != Then::End) return;
        flow->ended = true;
        c->end_stream();
      });
    });
  });
}

void HttpConnection::enqueue(std::string bytes) {
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
  stream_flow_->set_queued(pending_.size() + in_flight_);
}

// ---- streamed bodies: the head, then whatever the producer writes, until
// the client goes away or the server shuts down.
void HttpConnection::start_stream(HttpResponse out, unsigned version) {
  phase_ = Phase::Streaming;
  chunked_ = version >= 11;
  stream_flow_ = std::make_shared<StreamFlow>(server_.options.stream_backlog / 2, out.stream->ends);
  keepalive_bytes_ = out.stream->keepalive_bytes;
  keepalive_ = out.stream->keepalive;
  if (out.stream->start) out.stream->start(std::make_shared<StreamSink>(weak_from_this(), stream_flow_, server_.outside));

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
    if (out.stream->ends) head->res.keep_alive(false);  // what follows the body is not read
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

void HttpConnection::flush() {
  writing_ = true;
  auto bytes = std::make_shared<std::string>(std::move(pending_));
  pending_.clear();
  in_flight_ = bytes->size();
  stream_.expires_after(server_.options.write_timeout);
  net::async_write(stream_, net::buffer(*bytes), [self = shared_from_this(), bytes](beast::error_code ec, size_t) {
    self->writing_ = false;
    self->in_flight_ = 0;
    if (ec) return self->close_stream();
    self->stream_flow_->set_queued(self->pending_.size());
    self->stream_.expires_never();
    if (!self->pending_.empty()) return self->flush();
    if (self->ending_) self->close_stream();
  });
}

// Reads (and drops) whatever the client sends, to notice when it goes away.
void HttpConnection::watch_client() {
  stream_.async_read_some(buffer_.prepare(1024), [self = shared_from_this()](beast::error_code ec, size_t n) {
    if (ec) return self->close_stream();
    self->buffer_.commit(n);
    self->buffer_.consume(self->buffer_.size());
    self->watch_client();
  });
}

void HttpConnection::keep_alive_stream() {
  if (keepalive_.count() <= 0 || keepalive_bytes_.empty()) return;
  if (!timer_) timer_.emplace(stream_.get_executor());
  timer_->expires_after(keepalive_);
  timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->ending_ || self->phase_ != Phase::Streaming) return;
    self->enqueue(self->keepalive_bytes_);
    self->keep_alive_stream();
  });
}

// The producer's end, or shutdown: the last chunk, then close. A body the
// producer has not ended is cut short instead, so that no client takes half
// a document for the whole.
void HttpConnection::end_stream() {
  if (stream_flow_->ends && !stream_flow_->ended) return close_stream();
  if (ending_) return;
  ending_ = true;
  if (timer_) timer_->cancel();
  if (head_sent_) finish_stream();
}

void HttpConnection::finish_stream() {
  if (chunked_) pending_ += "0\r\n\r\n";
  if (writing_) return;  // the write in progress carries on with it
  if (pending_.empty()) return close_stream();
  flush();
}

void HttpConnection::drop_stream() {
  if (phase_ == Phase::Streaming) close_stream();
}

void HttpConnection::close_stream() {
  ending_ = true;
  if (stream_flow_) stream_flow_->close();
  if (timer_) timer_->cancel();
  close();
}
}  // namespace gls
