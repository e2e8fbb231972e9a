// TimedSocket keeps beast::tcp_stream's deadline rules while checking them
// lazily: a read in progress when the deadline passes fails and the socket
// closes; a deadline that passes with nothing in progress fails the next
// read at once unless a new one is set; a deadline that keeps moving ahead
// of a busy connection never fires, however long it runs; and a deadline
// nearer than the timer's period is met all the same. Over loopback.
#include "http/timed_socket.hpp"

#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <optional>

namespace net = boost::asio;
using tcp = net::ip::tcp;
using gls::TimedSocket;
using namespace std::chrono_literals;

namespace {

// A connected pair on loopback: `client` is a plain socket, `server` the
// TimedSocket under test.
struct Pair {
  explicit Pair(TimedSocket::Clock::duration period) {
    tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
    client.connect(acceptor.local_endpoint());
    server.emplace(acceptor.accept(ioc), period);
  }

  // Starts a read of one byte, runs the io_context until it completes (or
  // `at_most` passes), and says how it ended and how long it took.
  struct Read {
    std::optional<boost::system::error_code> ec;
    std::chrono::steady_clock::duration took{};
  };
  Read read(std::chrono::milliseconds at_most) {
    Read r;
    const auto start = std::chrono::steady_clock::now();
    server->async_read_some(net::buffer(&byte, 1), [&](const boost::system::error_code& ec, std::size_t) {
      r.ec = ec;
      r.took = std::chrono::steady_clock::now() - start;
    });
    ioc.restart();
    while (!r.ec && std::chrono::steady_clock::now() - start < at_most) ioc.run_one_for(10ms);
    return r;
  }

  void send_byte() { net::write(client, net::buffer("x", 1)); }

  net::io_context ioc;
  tcp::socket client{ioc};
  std::optional<TimedSocket> server;
  char byte = 0;
};

// A read of what is never sent fails within a second, the socket closed;
// returns how long it took.
std::chrono::steady_clock::duration read_times_out(Pair& p) {
  const auto r = p.read(3s);
  REQUIRE(r.ec.has_value());
  CHECK(*r.ec);
  CHECK(r.took < 1s);
  CHECK_FALSE(p.server->socket().is_open());
  return r.took;
}

}  // namespace

TEST_CASE("TimedSocket: a read in progress when the deadline passes fails, and the socket closes") {
  Pair p(10s);
  p.server->expires_after(80ms);
  CHECK(read_times_out(p) >= 70ms);
}

TEST_CASE("TimedSocket: a deadline that passes with nothing in progress fails the next read, until set again") {
  Pair p(10s);
  p.server->expires_after(30ms);
  // Nothing in progress while the deadline passes: the timer wakes, finds
  // it passed, and leaves nothing more to run.
  p.ioc.run();
  p.send_byte();
  auto r = p.read(1s);
  REQUIRE(r.ec.has_value());
  CHECK(*r.ec == boost::beast::error::timeout);
  CHECK(p.server->socket().is_open());  // nothing was in progress to cut short

  p.server->expires_after(5s);
  r = p.read(1s);
  REQUIRE(r.ec.has_value());
  CHECK_FALSE(*r.ec);
  CHECK(p.byte == 'x');
}

TEST_CASE("TimedSocket: a deadline kept ahead of a busy connection never fires") {
  // Each read gets 300 ms, twelve times the period, and is started 40 ms
  // later; the reads go on for longer than the first deadline.
  Pair p(25ms);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 12; ++i) {
    p.server->expires_after(300ms);
    const auto quiet = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - quiet < 40ms) {
      p.ioc.restart();
      p.ioc.run_for(5ms);
    }
    p.send_byte();
    const auto r = p.read(1s);
    REQUIRE(r.ec.has_value());
    CHECK_FALSE(*r.ec);
  }
  CHECK(std::chrono::steady_clock::now() - start > 400ms);
  // And once the connection goes quiet, the deadline holds.
  p.server->expires_after(100ms);
  read_times_out(p);
}

TEST_CASE("TimedSocket: a deadline nearer than the period, or than the one armed for, is met") {
  Pair p(10s);
  p.server->expires_after(10s);
  p.server->expires_after(60ms);
  read_times_out(p);

  Pair q(10s);
  q.server->expires_at(TimedSocket::Clock::now() + 60ms);
  read_times_out(q);
}

TEST_CASE("TimedSocket: no deadline, no timeout; cancel ends the read in progress") {
  Pair p(20ms);
  p.server->expires_after(30ms);
  p.server->expires_never();
  bool done = false;
  boost::system::error_code got;
  p.server->async_read_some(net::buffer(&p.byte, 1), [&](const boost::system::error_code& ec, std::size_t) {
    done = true;
    got = ec;
  });
  // The timer wakes (after 30 ms), finds no deadline, and the read waits on.
  p.ioc.run_for(200ms);
  CHECK_FALSE(done);
  p.server->cancel();
  const auto cancelled = std::chrono::steady_clock::now();
  while (!done && std::chrono::steady_clock::now() - cancelled < 3s) {
    p.ioc.restart();
    p.ioc.run_for(10ms);
  }
  CHECK(done);
  CHECK(got == net::error::operation_aborted);
  CHECK(p.server->socket().is_open());
}
