// The transport owns the safety of what it hands to other threads: once
// its I/O threads have stopped, run() ends the request bodies those threads
// read and waits for them to let go of the deferred answers they owe, and
// from then on an answer reaches nothing, whenever the rest is torn down.
// The whole shutdown, both waits, takes one grace period at most; an
// answer the transport no longer sends says so to its giver.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "http/http_server.hpp"

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// A handler that answers PUT /_gls/state later, from a thread of its own:
// it reads the body until it stops, works a little longer, then answers.
struct SlowRestorer {
  explicit SlowRestorer(std::chrono::milliseconds work) : work_after_body(work) {}
  std::chrono::milliseconds work_after_body;
  std::thread worker;
  std::atomic<bool> body_stopped{false};
  std::atomic<bool> answered{false};
  std::atomic<gls::Delivery> delivery{gls::Delivery::Sending};
  std::promise<void> started;

  gls::HttpResponse handle(gls::HttpRequest& request) {
    gls::HttpResponse placeholder;
    placeholder.deferred = std::make_shared<gls::DeferredResponse>();
    placeholder.deferred->start = [this, source = request.body_source](gls::DeferredResponse::Answer answer) {
      worker = std::thread([this, source, answer = std::move(answer)]() mutable {
        started.set_value();
        std::string bytes;
        gls::BodyRefusal why;
        while (source->read(bytes, why, std::chrono::milliseconds(100)) != gls::BodySource::Got::Stopped) {
        }
        body_stopped = true;
        std::this_thread::sleep_for(work_after_body);
        gls::HttpResponse r;
        r.status = 400;
        delivery = answer(std::move(r));
        answered = true;
        // What it held of the transport goes with the thread's closure.
      });
    };
    return placeholder;
  }
};

gls::HttpResponse status_only(int status, const std::string&, const std::string&) {
  gls::HttpResponse r;
  r.status = status;
  return r;
}

// A server whose handler keeps the answer it owes for the one request it
// gets (held past any grace, unless the test lets go of it), and the
// client that sent `request`.
struct KeptAnswer {
  KeptAnswer(std::chrono::milliseconds grace, const std::string& request) {
    gls::ServerOptions o;
    o.port = 0;
    o.shutdown_grace = grace;
    server.emplace(
        o,
        [this](gls::HttpRequest&) {
          gls::HttpResponse placeholder;
          placeholder.deferred = std::make_shared<gls::DeferredResponse>();
          placeholder.deferred->start = [this](gls::DeferredResponse::Answer answer) {
            handed.set_value(std::move(answer));
          };
          return placeholder;
        },
        status_only);
    REQUIRE(server->listen());
    io = std::thread([this] { server->run(); });
    client.connect({net::ip::make_address("127.0.0.1"), server->port()});
    net::write(client, net::buffer(request));
  }
  ~KeptAnswer() {
    if (io.joinable()) {
      server->shutdown();
      io.join();
    }
  }
  // The answer, once the handler has been handed it.
  gls::DeferredResponse::Answer take() {
    auto kept = handed.get_future();
    REQUIRE(kept.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return kept.get();
  }

  std::promise<gls::DeferredResponse::Answer> handed;
  std::optional<gls::HttpServer> server;
  std::thread io;
  net::io_context ioc;
  tcp::socket client{ioc};
};

}  // namespace

TEST_CASE("HTTP: run() waits, within the grace, for a deferred request's handler to let go once its client left") {
  SlowRestorer restorer(std::chrono::milliseconds(300));
  std::optional<gls::HttpServer> server;
  gls::ServerOptions o;
  o.port = 0;
  o.shutdown_grace = std::chrono::milliseconds(2'000);
  server.emplace(o, [&restorer](gls::HttpRequest& r) { return restorer.handle(r); }, status_only);
  REQUIRE(server->listen());
  std::promise<void> ran;
  std::thread io([&] {
    server->run();
    ran.set_value();
  });

  // Half a body, and then nothing: the handler waits for the rest.
  net::io_context ioc;
  tcp::socket client(ioc);
  client.connect({net::ip::make_address("127.0.0.1"), server->port()});
  net::write(client, net::buffer(std::string("PUT /_gls/state HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"a\"")));
  REQUIRE(restorer.started.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);

  const auto t0 = std::chrono::steady_clock::now();
  server->shutdown();
  // The client goes: its request's body stops, its connection closes, and
  // with no connection left the I/O threads stop before the grace is over.
  client.close();
  auto done = ran.get_future();
  REQUIRE(done.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  // run() returned only once the handler had given its answer and let go,
  // within the grace; the answer went nowhere, and its giver was told.
  CHECK(restorer.body_stopped);
  CHECK(restorer.answered);
  CHECK(restorer.delivery != gls::Delivery::Sending);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(2'000 + 500));
  io.join();
  server.reset();
  restorer.worker.join();
}

TEST_CASE("HTTP: the whole shutdown takes one grace period, however long a handler holds on") {
  // Half a body, and then nothing: the request is in flight until the grace ends.
  KeptAnswer kept(std::chrono::milliseconds(2'000), "PUT /_gls/state HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"a\"");
  auto answer = kept.take();

  const auto t0 = std::chrono::steady_clock::now();
  kept.server->shutdown();
  kept.server->shutdown();  // again: the deadline stays where the first call put it
  kept.io.join();
  const auto took = std::chrono::steady_clock::now() - t0;
  // In flight until the grace, then no more waiting for the handler: one
  // grace in all, not one for the requests and another for the handler.
  // (Two graces, 4 s, before; the margin is for a loaded or sanitized run.)
  CHECK(took >= std::chrono::milliseconds(1'900));
  CHECK(took < std::chrono::milliseconds(3'000));
  gls::HttpResponse late;
  late.status = 200;
  CHECK(answer(std::move(late)) == gls::Delivery::ServerStopping);
}

TEST_CASE("HTTP: an answer given after the server has stopped reaches nothing") {
  KeptAnswer kept(std::chrono::milliseconds(200), "PUT /_gls/state HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}");
  auto answer = kept.take();
  kept.server->shutdown();
  kept.io.join();
  kept.server.reset();
  gls::HttpResponse late;
  late.status = 200;
  // The server is gone: nothing happens (and nothing is touched), and the
  // giver is told that the answer was not sent.
  CHECK(answer(std::move(late)) == gls::Delivery::ServerStopping);
  answer = nullptr;
  // The client was never answered: its connection went with the server.
  timeval limit{10, 0};
  ::setsockopt(kept.client.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  char buf[256];
  boost::system::error_code ec;
  const size_t n = kept.client.read_some(net::buffer(buf), ec);
  CHECK(n == 0);
  CHECK(ec == net::error::eof);
}
