// The HTTP/1.1 transport (Boost.Beast), after Beast's advanced server.
//
// One Connection object owns its socket, buffer and parser and loops
// wait -> read -> handle -> write -> wait on its own I/O thread; the pipeline it
// calls is the only thing connections share. Requests on one connection are
// answered strictly in order, so pipelined requests are safe.
//
// Timeouts: a keep-alive connection may sit idle for `idle_timeout` before
// it is closed; once a request has started, all of it must arrive within
// `read_timeout`; a response must be taken within `write_timeout`. Bodies
// over `body_limit` get a 413, headers (with chunk extensions and trailers)
// over `header_limit` a 431 and malformed HTTP a 400, each as a JSON error,
// and the connection is closed (see http/request_reader.hpp). The body of
// PUT /_gls/state is handed to the handler as it arrives instead
// (HttpRequest::body_source, read ahead a few pieces at a time): the read
// timeout leaves out the time the handler takes to take them, and the
// handler answers later (DeferredResponse), a refusal of the body included.
//
// Bounded: at most `max_connections` are open (more are closed at once); a
// streamed body holds at most `stream_backlog` unsent bytes before its
// client is dropped; accept errors (out of descriptors) back off 100 ms and
// are logged at most once a second; an exception thrown while handling one
// connection ends that connection only.
//
// shutdown() stops accepting, closes idle connections, lets requests in
// flight finish and then stops the I/O threads. Before run() returns, the
// bodies that other threads read or write (a deferred answer's request
// body, a streamed body) are ended, and run() waits for those threads to
// let go of the request bodies and of the deferred answers they owe; from
// then on nothing they hold reaches the server (http/outside_holds.hpp),
// so they may outlive it. Both waits share one deadline, `shutdown_grace`
// after shutdown() was first called: run() returns by then (give or take
// the time the I/O threads take to notice), whatever the handlers do. A
// deferred answer given once the I/O threads have stopped is not sent,
// and its giver is told so (Delivery::ServerStopping).
//
// Durable writes: a response whose `durable_after` names a commit sequence
// (and each piece of a streamed body, with the sequence pending when it
// was written) is held, without blocking an I/O thread, until the durability listener
// has been told a sequence at or past it; meanwhile the other connections
// are served (and their commits join the next sync). Until the listener is
// first called, nothing is held. Once the listener is told that a sync
// failed, the durable sequence it was given is final: every response held
// for a later commit (and any such response from then on) is replaced by a
// 500 InternalServerException saying the change was made but may not be
// durable, and a streamed body whose bytes wait for such a commit is closed
// (rather than sent as if the change it tells of were on disk).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/http_types.hpp"
#include "state/result.hpp"

namespace boost::asio {
class io_context;
}

namespace gls {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8766;
  int threads = 1;
  size_t body_limit = 1024 * 1024;
  // PUT /_gls/state restores a whole world: its body has a bound of its own.
  size_t state_body_limit = size_t{1} << 30;
  size_t header_limit = 16 * 1024;
  size_t max_connections = 10'000;
  size_t stream_backlog = 1024 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{10'000};
};

// Answers one request; called on the connection's I/O thread, possibly from
// several I/O threads at once for different connections.
using RequestHandler = std::function<HttpResponse(HttpRequest&)>;
// Answers a request the transport refused before it was complete (too
// large, malformed): the status, the error's name and a message.
using RejectHandler = std::function<HttpResponse(int status, const std::string& code, const std::string& message)>;

class HttpServer {
 public:
  HttpServer(ServerOptions options, RequestHandler handler, RejectHandler reject);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; an error names the address and the reason.
  Status listen();
  // The port actually bound (useful with port 0).
  uint16_t port() const;
  // Runs the I/O threads; returns once the server has shut down, at the
  // latest `shutdown_grace` after shutdown() was first called.
  void run();
  // Starts a graceful shutdown (its deadline counts from the first call).
  // Safe to call from any thread, more than once.
  void shutdown();

  // The first I/O thread's io_context: the acceptor's and the server's
  // timers'.
  boost::asio::io_context& io_context();
  // Runs `f` once the work the calling I/O thread has queued is done, on
  // that thread (on the first I/O thread when called from any other).
  void post_here(std::function<void()> f);

  // Connects durable writes: `latest_commit()` is the sequence of the
  // latest commit (a streamed body's bytes wait for the one when they were
  // written, and go out in the order they were written), and the function
  // returned takes each durable commit sequence reached, and whether a sync
  // has failed (any thread; once the server is gone, calls do nothing).
  std::function<void(uint64_t durable, bool sync_failed)> connect_durability(
      std::function<uint64_t()> latest_commit);

  struct Impl;  // defined in http_server.cpp, with Beast

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gls
