// A request body handled as it arrives (PUT /_gls/state restores a whole
// world): the handler is called once the header is read, with the body as
// a BodySource, and answers with a DeferredResponse. Meanwhile the body is
// read ahead by a few pieces only: while the handler has not taken them,
// nothing more is read, and the client's sending waits. The time the
// handler takes to take them does not count against the read timeout.
#include <boost/asio/post.hpp>

#include "http/http_connection.hpp"

namespace gls {

namespace {
constexpr size_t kBodyRoom = 256 * 1024;  // read ahead of the handler
}

void BodyFlow::push(std::string piece) {
  {
    std::lock_guard lock(mu);
    if (ended != BodySource::Got::Nothing) return;  // the reader stopped: dropped
    bytes += piece.size();
    pieces.push_back(std::move(piece));
  }
  changed.notify_all();
}

void BodyFlow::finish(BodySource::Got how, BodyRefusal refusal) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu);
    if (ended != BodySource::Got::Nothing) return;
    ended = how;
    why = std::move(refusal);
    if (how == BodySource::Got::Stopped) {
      pieces.clear();
      bytes = 0;
      wake = std::exchange(resume, nullptr);
    }
  }
  changed.notify_all();
  if (wake) wake();
}

bool BodyFlow::full(std::function<void()> wake) {
  std::lock_guard lock(mu);
  if (ended != BodySource::Got::Nothing || bytes < room) return false;
  resume = std::move(wake);
  return true;
}

BodySource::Got BodyFlow::read(std::string& out, BodyRefusal& refusal, std::chrono::milliseconds at_most) {
  std::function<void()> wake;
  {
    std::unique_lock lock(mu);
    changed.wait_for(lock, at_most, [&] { return !pieces.empty() || ended != BodySource::Got::Nothing; });
    if (ended == BodySource::Got::Stopped) {
      refusal = why;
      return BodySource::Got::Stopped;
    }
    if (pieces.empty()) return ended == BodySource::Got::End ? BodySource::Got::End : BodySource::Got::Nothing;
    out = std::move(pieces.front());
    pieces.pop_front();
    bytes -= out.size();
    if (resume && bytes <= room / 2) wake = std::exchange(resume, nullptr);
  }
  if (wake) wake();
  return BodySource::Got::Bytes;
}

void HttpConnection::receive_streamed() {
  phase_ = Phase::Handling;
  body_flow_ = std::make_shared<BodyFlow>(kBodyRoom);
  receiving_ = true;
  body_deadline_ = std::chrono::steady_clock::now() + server_.options.read_timeout;
  deferred_version_ = reader_.version();
  HttpRequest req = reader_.head(peer_);
  req.body_source = std::make_shared<BodyTap>(body_flow_, server_.outside->take());
  HttpResponse out = handle(req);
  req.body_source.reset();  // a handler that reads it keeps its own
  if (!out.deferred) {
    // Answered at once (refused): the body is not read.
    receiving_ = false;
    body_flow_->finish(BodySource::Got::Stopped);
    return respond(std::move(out), false, deferred_version_, true);
  }
  respond(std::move(out), false, deferred_version_);
}

// The placeholder's turn to go out: the handler starts, the body flows.
void HttpConnection::start_deferred(HttpResponse placeholder) {
  // Until the answer, a timer that never fires keeps the connection (when
  // no read is in progress, nothing else does), and goes with the
  // io_context: the handler's threads hold it weakly only, and reach it
  // through the server's OutsideHolds, which counts what they hold.
  if (!timer_) timer_.emplace(stream_.get_executor());
  timer_->expires_at(net::steady_timer::time_point::max());
  timer_->async_wait([self = shared_from_this()](beast::error_code) {});
  auto deferred = std::move(placeholder.deferred);
  deferred->start([weak = weak_from_this(), outside = server_.outside, held = server_.outside->take(),
                   headers = std::move(placeholder.headers)](HttpResponse answer) {
    for (const auto& [name, value] : headers) {
      bool has = false;
      for (const auto& have : answer.headers) has = has || beast::iequals(have.first, name);
      if (!has) answer.headers.emplace_back(name, value);
    }
    if (!outside->sending()) return Delivery::ServerStopping;
    const bool reached = outside->reach(weak, [&answer](const std::shared_ptr<HttpConnection>& self) {
      net::post(self->executor(), [self, answer = std::move(answer)]() mutable { self->on_deferred(std::move(answer)); });
    });
    if (reached) return Delivery::Sending;
    return outside->sending() ? Delivery::ClientGone : Delivery::ServerStopping;
  });
  pump_body();
}

// Hands what has arrived to the flow, and reads on while it has room.
void HttpConnection::pump_body() {
  if (receiving_) {
    const auto data = buffer_.data();
    buffer_.consume(reader_.parse(std::string_view(static_cast<const char*>(data.data()), data.size())));
    if (std::string piece = reader_.take_body(); !piece.empty()) body_flow_->push(std::move(piece));
    if (reader_.state() == RequestReader::State::Done) {
      receiving_ = false;
      body_flow_->finish(BodySource::Got::End);
    } else if (reader_.state() == RequestReader::State::Refused) {
      receiving_ = false;
      const api::ApiError& e = reader_.refusal();
      body_flow_->finish(BodySource::Got::Stopped, {e.status, e.code, e.message});
    }
  }
  if (deferred_answer_) return answer_deferred();
  if (!receiving_) return;  // the answer is still to come
  auto resume = [weak = weak_from_this(), outside = server_.outside] {
    outside->reach(weak, [](const std::shared_ptr<HttpConnection>& self) {
      net::post(self->executor(), [self] {
        if (!self->receiving_) return;
        self->body_deadline_ += std::chrono::steady_clock::now() - self->paused_at_;
        self->pump_body();
      });
    });
  };
  if (body_flow_->full(std::move(resume))) {
    paused_at_ = std::chrono::steady_clock::now();
    return;
  }
  read_body();
}

void HttpConnection::read_body() {
  // Only unfinished chunk lines and trailers stay in the buffer.
  const size_t room = std::min<size_t>(buffer_.max_size() - buffer_.size(), 64 * 1024);
  if (room == 0) {
    receiving_ = false;
    const api::ApiError e = header_too_large(server_.options.header_limit);
    body_flow_->finish(BodySource::Got::Stopped, {e.status, e.code, e.message});
    if (deferred_answer_) answer_deferred();
    return;
  }
  body_reading_ = true;
  stream_.expires_at(body_deadline_);
  stream_.async_read_some(buffer_.prepare(room), [self = shared_from_this()](beast::error_code ec, size_t n) {
    self->body_reading_ = false;
    self->buffer_.commit(n);
    if (ec) {
      // The client went away, or took too long: no one to answer.
      self->receiving_ = false;
      self->body_flow_->finish(BodySource::Got::Stopped);
      self->deferred_answer_.reset();
      self->timer_->cancel();
      return self->close();
    }
    self->pump_body();
  });
}

void HttpConnection::on_deferred(HttpResponse answer) {
  deferred_answer_ = std::move(answer);
  if (body_reading_) return;  // pump_body() answers once the read in progress ends
  answer_deferred();
}

// The answer, once no read of the body is in progress. A body not read to
// its end is dropped (after the answer, as a refusal's is).
void HttpConnection::answer_deferred() {
  HttpResponse out = std::move(*deferred_answer_);
  deferred_answer_.reset();
  timer_->cancel();
  const bool whole = reader_.state() == RequestReader::State::Done;
  if (receiving_) {
    receiving_ = false;
    body_flow_->finish(BodySource::Got::Stopped);
  }
  const bool keep_alive = whole && reader_.keep_alive() && !out.close;
  respond(std::move(out), keep_alive, deferred_version_, !whole);
}

}  // namespace gls
