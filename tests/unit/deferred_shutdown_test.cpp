// The transport owns the safety of what it hands to other threads: once
// its I/O threads have stopped, run() ends the request bodies those threads
// read and waits for them to let go of the deferred answers they owe, and
// from then on an answer reaches nothing, whenever the rest is torn down.
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
  std::promise<void> started;

  gls::HttpResponse handle(gls::HttpRequest& request) {
    gls::HttpResponse placeholder;
    placeholder.deferred = std::make_shared<gls::DeferredResponse>();
    placeholder.deferred->start = [this, source = request.body_source](std::function<void(gls::HttpResponse)> answer) {
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
        answer(std::move(r));
        answered = true;
        // What it held of the transport goes with the thread's closure.
      });
    };
    return placeholder;
  }
};

}  // namespace

TEST_CASE("HTTP: run() ends a deferred request's body and waits for its handler's thread to let go") {
  SlowRestorer restorer(std::chrono::milliseconds(300));
  std::optional<gls::HttpServer> server;
  gls::ServerOptions o;
  o.port = 0;
  o.shutdown_grace = std::chrono::milliseconds(2'000);
  server.emplace(
      o, [&restorer](gls::HttpRequest& r) { return restorer.handle(r); },
      [](int status, const std::string&, const std::string&) {
        gls::HttpResponse r;
        r.status = status;
        return r;
      });
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
  auto done = ran.get_future();
  REQUIRE(done.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  // The body stopped once the I/O threads had, and run() returned only
  // once the handler had given its answer and let go, well within the grace.
  CHECK(restorer.body_stopped);
  CHECK(restorer.answered);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(2 * 2'000 + 1'500));
  io.join();
  server.reset();
  restorer.worker.join();
}

TEST_CASE("HTTP: an answer given after the server has stopped reaches nothing") {
  std::promise<std::function<void(gls::HttpResponse)>> handed;
  std::optional<gls::HttpServer> server;
  gls::ServerOptions o;
  o.port = 0;
  o.shutdown_grace = std::chrono::milliseconds(200);
  server.emplace(
      o,
      [&handed](gls::HttpRequest&) {
        gls::HttpResponse placeholder;
        placeholder.deferred = std::make_shared<gls::DeferredResponse>();
        placeholder.deferred->start = [&handed](std::function<void(gls::HttpResponse)> answer) {
          handed.set_value(std::move(answer));  // kept past the grace: run() gives up waiting
        };
        return placeholder;
      },
      [](int status, const std::string&, const std::string&) {
        gls::HttpResponse r;
        r.status = status;
        return r;
      });
  REQUIRE(server->listen());
  std::thread io([&] { server->run(); });
  net::io_context ioc;
  tcp::socket client(ioc);
  client.connect({net::ip::make_address("127.0.0.1"), server->port()});
  net::write(client, net::buffer(std::string("PUT /_gls/state HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}")));
  auto kept = handed.get_future();
  REQUIRE(kept.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto answer = kept.get();
  server->shutdown();
  io.join();
  server.reset();
  gls::HttpResponse late;
  late.status = 200;
  answer(std::move(late));  // the server is gone: nothing happens (and nothing is touched)
  answer = nullptr;
  // The client was never answered: its connection went with the server.
  timeval limit{10, 0};
  ::setsockopt(client.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  char buf[256];
  boost::system::error_code ec;
  const size_t n = client.read_some(net::buffer(buf), ec);
  CHECK(n == 0);
  CHECK(ec == net::error::eof);
}
