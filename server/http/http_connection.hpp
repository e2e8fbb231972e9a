// The transport's insides, shared by its four files only: the server's
// state (http_server.cpp: accepting, counting and shutting down
// connections) and one connection (http_connection.cpp: read a request,
// answer it, wait for the next; streamed_response.cpp: a body that is sent
// as it is produced; streamed_request.cpp: a request body handled as it
// arrives). Nothing outside server/http/ includes this header.
//
// A connection owns its socket, buffer and reader and loops
// wait -> read -> handle -> write -> wait on its I/O thread: each I/O
// thread runs an io_context of its own, which no other thread runs, and a
// connection stays on the one it was accepted on. Its members are touched
// on that thread only; other threads post to its executor.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "api/errors.hpp"
#include "http/http_server.hpp"
#include "http/outside_holds.hpp"
#include "http/request_reader.hpp"
#include "http/timed_socket.hpp"

namespace gls {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class HttpConnection;

// The responses held until the writes they depend on are durable.
class DurabilityGate {
 public:
  // Whether writes up to `seq` are known durable (or no source of
  // durability is connected yet).
  bool passed(uint64_t seq);
  // Calls `ready(true)` once `seq` has passed, or `ready(false)` once a
  // failed sync means it never will: at once when that is known already,
  // else on the thread that calls advance().
  void wait(uint64_t seq, std::function<void(bool durable)> ready);
  // `failed`: a sync failed, and `durable` is final.
  void advance(uint64_t durable, bool failed);
  // Drops what waits; later calls do nothing.
  void close();

 private:
  std::mutex mu_;
  bool connected_ = false;
  bool closed_ = false;
  bool failed_ = false;
  uint64_t durable_ = 0;
  std::multimap<uint64_t, std::function<void(bool)>> waiting_;
};

// Log lines about a condition that may repeat thousands of times a second
// (out of file descriptors, too many connections): at most one a second,
// with the number left out.
class ThrottledLog {
 public:
  void warn(const std::string& line) { log(spdlog::level::warn, line); }
  void error(const std::string& line) { log(spdlog::level::err, line); }

 private:
  void log(spdlog::level::level_enum level, const std::string& line);

  std::mutex mu_;
  std::chrono::steady_clock::time_point last_{};
  uint64_t suppressed_ = 0;
};

struct HttpServer::Impl {
  Impl(ServerOptions o, RequestHandler h, RejectHandler r);
  ~Impl() {
    destroying = true;
    // Nothing reaches a connection from another thread from now on, and the
    // connections the gate holds go, while the io_context still exists.
    outside->fence();
    gate->close();
  }

  void accept();
  void on_accept(beast::error_code ec, TimedSocket::Socket socket);
  size_t open_connections();
  void track(const std::shared_ptr<HttpConnection>& c);
  void untrack(HttpConnection* c);
  void begin_shutdown();
  // Ends the I/O threads' work: from now on the transport sends nothing.
  void stop_io();
  // Once the I/O threads have stopped: ends the bodies other threads read or
  // write, waits (until the shutdown's deadline) for those threads to let go
  // of what they hold, and fences them off.
  void release_outside();

  ServerOptions options;
  RequestHandler handler;
  RejectHandler reject;
  // Declared before the io_context: connections still queued in it when it is
  // destroyed untrack themselves from here.
  std::mutex mu;  // guards `connections` and `registry`
  std::unordered_set<HttpConnection*> connections;
  std::vector<std::weak_ptr<HttpConnection>> registry;  // the same, for shutdown
  std::atomic<bool> stopping{false};
  std::atomic<bool> destroying{false};
  std::shared_ptr<DurabilityGate> gate = std::make_shared<DurabilityGate>();
  std::shared_ptr<OutsideHolds> outside = std::make_shared<OutsideHolds>();
  std::function<uint64_t()> latest_commit;  // set before the I/O threads run

  // One per I/O thread, run by that thread alone (so a connection needs no
  // strand: its handlers run in turn). The first also runs the acceptor,
  // the server's timers and what is posted to the server (io_context()).
  std::vector<std::unique_ptr<net::io_context>> contexts;
  net::io_context& ioc;
  // The other threads run while their context has no connection.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  size_t next_context = 0;  // where the next connection goes, in turn (on ioc)
  std::optional<tcp::acceptor> acceptor;
  net::steady_timer accept_backoff{ioc};
  ThrottledLog throttled_log;
  uint16_t bound_port = 0;
  std::optional<net::steady_timer> grace_timer;
  // When the shutdown must be over, both its waits included (set by the
  // first begin_shutdown()).
  std::atomic<std::chrono::steady_clock::time_point> shutdown_deadline{std::chrono::steady_clock::time_point::max()};
};

// What a streamed body's producer and its connection share (the
// definitions are in streamed_response.cpp): whether the connection is
// gone, and how many written bytes it has not sent yet.
struct StreamFlow {
  StreamFlow(size_t room_bytes, bool body_ends) : room(room_bytes), ends(body_ends) {}
  void close();
  void add_in_transit(size_t n, bool arrived);
  void set_queued(size_t n);
  bool wait_for_room(std::chrono::milliseconds at_most);

  std::atomic<bool> closed{false};
  const size_t room;  // a producer that waits writes while fewer bytes are unsent
  const bool ends;    // StreamedBody::ends
  bool ended = false;  // the producer ended it (on the connection's thread)
  std::mutex mu;
  std::condition_variable changed;
  size_t in_transit = 0;  // written, not yet on the connection's thread
  size_t queued = 0;      // on that thread, framed, not yet sent
};

// The producer's end of a streamed body: hands bytes to the connection's
// thread, and says when the connection is gone.
class StreamSink final : public BodyStream {
 public:
  // The connection is reached through `outside`, and not once the server has stopped.
  StreamSink(std::weak_ptr<HttpConnection> connection, std::shared_ptr<StreamFlow> flow,
             std::shared_ptr<OutsideHolds> outside)
      : connection_(std::move(connection)), flow_(std::move(flow)), outside_(std::move(outside)) {}
  bool write(std::string bytes) override { return deliver(std::move(bytes), Then::More); }
  bool open() const override { return !flow_->closed.load(); }
  void end() override { deliver({}, Then::End); }
  void abort() override { deliver({}, Then::Abort); }
  bool wait_for_room(std::chrono::milliseconds at_most) override { return flow_->wait_for_room(at_most); }

 private:
  enum class Then { More, End, Abort };
  bool deliver(std::string bytes, Then then);

  std::weak_ptr<HttpConnection> connection_;
  std::shared_ptr<StreamFlow> flow_;
  std::shared_ptr<OutsideHolds> outside_;
};

// A request body on its way from a connection to the handler that reads it
// (streamed_request.cpp): the pieces read ahead, at most about `room`
// bytes, and how the body ended.
struct BodyFlow {
  explicit BodyFlow(size_t room_bytes) : room(room_bytes) {}
  // The connection's side.
  void push(std::string piece);
  void finish(BodySource::Got how, BodyRefusal refusal = {});
  // Whether the pieces fill the room: then `resume` is kept, and called
  // (on the reader's thread) once the reader has taken them.
  bool full(std::function<void()> resume);
  // The reader's side.
  BodySource::Got read(std::string& out, BodyRefusal& refusal, std::chrono::milliseconds at_most);

  const size_t room;
  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::string> pieces;
  size_t bytes = 0;
  BodySource::Got ended = BodySource::Got::Nothing;  // End or Stopped once it has
  BodyRefusal why;
  std::function<void()> resume;
};

class BodyTap final : public BodySource {
 public:
  BodyTap(std::shared_ptr<BodyFlow> flow, OutsideHolds::Token held) : flow_(std::move(flow)), held_(std::move(held)) {}
  ~BodyTap() override { flow_->finish(Got::Stopped); }  // the handler is done with it
  Got read(std::string& bytes, BodyRefusal& why, std::chrono::milliseconds at_most) override {
    return flow_->read(bytes, why, at_most);
  }

 private:
  std::shared_ptr<BodyFlow> flow_;
  OutsideHolds::Token held_;
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(TimedSocket::Socket&& socket, HttpServer::Impl& server);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  auto executor() { return stream_.get_executor(); }
  HttpServer::Impl& server() { return server_; }

  void start();
  // Called by shutdown, on any thread: close the connection now if it is
  // waiting for a request; a request being received or handled is answered
  // first (within the read timeout and the shutdown grace period).
  void stop();
  // Once the I/O threads have stopped: the request body being read and the
  // body being streamed end, so that the threads that read or write them
  // let go.
  void halt();
  // On the connection's thread: bytes a StreamSink was given.
  void enqueue(std::string bytes);
  // On the connection's thread: a streamed body's bytes tell of a change
  // that cannot be made durable; the stream ends without them.
  void drop_stream();
  // On the connection's thread: the last chunk, then close (a body that
  // ends, or shutdown).
  void end_stream();

 private:
  // What the connection is doing, so that shutdown knows whom it may interrupt.
  enum class Phase { Idle, Reading, Handling, Syncing, Delaying, Writing, Streaming };

  // ---- one request, one answer (http_connection.cpp)
  void wait_for_request();
  void read_header();
  void parse_buffered();
  void on_header();
  void on_read();
  // The handler's answer (a 500 when it throws).
  HttpResponse handle(HttpRequest& request);
  void respond(HttpResponse out, bool keep_alive, unsigned version, bool linger = false);
  void drain();
  void drain_more();
  void reject(const api::ApiError& e);
  void write_malformed();
  void hold(HttpResponse out, bool keep_alive, unsigned version);
  void await_durable(HttpResponse out, bool keep_alive, unsigned version, bool linger);
  void reset();
  void close();

  // ---- a request body handled as it arrives (streamed_request.cpp)
  void receive_streamed();
  void start_deferred(HttpResponse placeholder);
  void pump_body();
  void read_body();
  void on_deferred(HttpResponse answer);
  void answer_deferred();

  // ---- a streamed body (streamed_response.cpp)
  void start_stream(HttpResponse out, unsigned version);
  void flush();
  void watch_client();
  void keep_alive_stream();
  void finish_stream();
  void close_stream();

  TimedSocket stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  RequestReader reader_;
  std::shared_ptr<http::response<http::empty_body>> continue_;
  std::string peer_;
  Phase phase_ = Phase::Idle;
  bool head_ = false;  // the request being answered is a HEAD
  // The answer being written, when written without Beast (plain_head).
  std::string head_bytes_;
  std::string body_bytes_;
  std::optional<net::steady_timer> timer_;  // a held response's delay, or a stream's keep-alive
  // A response waiting for the writes it depends on to be durable.
  struct Held {
    HttpResponse out;
    bool keep_alive;
    unsigned version;
    bool linger;
  };
  std::optional<Held> held_;

  // A request body handled as it arrives.
  std::shared_ptr<BodyFlow> body_flow_;
  bool receiving_ = false;     // the body has not ended
  bool body_reading_ = false;  // a read of it is in progress
  std::chrono::steady_clock::time_point body_deadline_{};  // not counting the handler's pauses
  std::chrono::steady_clock::time_point paused_at_{};
  std::optional<HttpResponse> deferred_answer_;  // given before the body ended
  unsigned deferred_version_ = 11;

  // A streamed body.
  std::shared_ptr<StreamFlow> stream_flow_;
  std::string pending_;  // framed bytes not yet written
  size_t in_flight_ = 0;  // bytes of the write in progress
  std::string keepalive_bytes_;
  std::chrono::milliseconds keepalive_{0};
  bool chunked_ = false;
  bool head_sent_ = false;
  bool writing_ = false;
  bool ending_ = false;
};

}  // namespace gls
