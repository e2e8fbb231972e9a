// Durability of acknowledged writes: the WAL syncer never counts a commit
// durable through a failed sync, and the HTTP transport never answers a
// held write with success once that has happened.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/http_server.hpp"
#include "state/store/wal_syncer.hpp"

namespace fs = std::filesystem;
using gls::WalSyncer;

namespace {

// A file standing in for the WAL, removed when the test is done.
struct TempWal {
  fs::path path = fs::temp_directory_path() / ("gls-unit-wal-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(reinterpret_cast<uintptr_t>(this)));
  TempWal() { std::ofstream(path) << "frames"; }
  ~TempWal() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// A sync that fails from the `fail_from`-th call on (1-based), with EIO.
struct ScriptedSync {
  std::atomic<int> calls{0};
  std::atomic<int> fail_from;
  explicit ScriptedSync(int fail_from_call) : fail_from(fail_from_call) {}
  WalSyncer::SyncCall call() {
    return [this](int fd) {
      if (++calls >= fail_from) {
        errno = EIO;
        return -1;
      }
      return ::fdatasync(fd);
    };
  }
};

// What a listener heard, in order. (The listener runs on the syncer's
// thread after wait() has returned: the test waits for it.)
struct Heard {
  std::mutex mu;
  std::condition_variable changed;
  std::vector<std::pair<uint64_t, bool>> told;
  gls::DurabilityListener listener() {
    return [this](uint64_t seq, bool failed) {
      {
        std::lock_guard lock(mu);
        told.emplace_back(seq, failed);
      }
      changed.notify_all();
    };
  }
  // The last thing heard, once it is `want` (or after 10 s, whatever it is).
  std::pair<uint64_t, bool> last_once(std::pair<uint64_t, bool> want) {
    std::unique_lock lock(mu);
    changed.wait_for(lock, std::chrono::seconds(10), [&] { return !told.empty() && told.back() == want; });
    return told.empty() ? std::pair<uint64_t, bool>{~uint64_t{0}, false} : told.back();
  }
};

}  // namespace

TEST_CASE("WAL syncer: a commit becomes durable once its sync succeeds") {
  TempWal wal;
  ScriptedSync sync(1000);
  WalSyncer syncer(wal.path.string(), {}, sync.call());
  syncer.committed(1);
  CHECK(syncer.wait(1));
  CHECK(syncer.durable() == 1);
  CHECK_FALSE(syncer.failed());
  CHECK(sync.calls == 1);
}

TEST_CASE("WAL syncer: a failed sync counts nothing durable, then or later, and says so") {
  TempWal wal;
  ScriptedSync sync(2);  // the first sync succeeds, every later one fails
  Heard heard;
  std::atomic<int> after_sync{0};
  WalSyncer syncer(wal.path.string(), [&] { ++after_sync; }, sync.call());
  syncer.on_durable(heard.listener());
  syncer.committed(1);
  REQUIRE(syncer.wait(1));
  CHECK(heard.last_once({1, false}) == std::pair<uint64_t, bool>{1, false});

  syncer.committed(2);
  CHECK_FALSE(syncer.wait(2));  // returns: the sync failed
  CHECK(syncer.durable() == 1);
  CHECK(syncer.failed());
  CHECK(heard.last_once({1, true}) == std::pair<uint64_t, bool>{1, true});

  // A later commit is not durable either, even if a sync could succeed now:
  // the syncer does not try again.
  sync.fail_from = 1000;
  syncer.committed(3);
  CHECK_FALSE(syncer.wait(3));
  CHECK(syncer.durable() == 1);
  CHECK(sync.calls == 2);
  CHECK(after_sync == 1);  // no checkpoint after the failure
  // A listener connected now is told at once.
  Heard late;
  syncer.on_durable(late.listener());
  CHECK(late.last_once({1, true}) == std::pair<uint64_t, bool>{1, true});
  syncer.on_durable({});
}

TEST_CASE("WAL syncer: a WAL that cannot be opened fails the sync") {
  const auto missing = fs::temp_directory_path() / ("gls-unit-no-such-dir-" + std::to_string(::getpid())) / "db-wal";
  WalSyncer syncer(missing.string());
  syncer.committed(1);
  CHECK_FALSE(syncer.wait(1));
  CHECK(syncer.durable() == 0);
  CHECK(syncer.failed());
}

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// A server on loopback whose every answer is held for commit `hold_for`
// (or that answers with `handler`, the latest commit being `latest`).
struct HeldServer {
  std::atomic<uint64_t> latest;
  gls::HttpServer server;
  std::function<void(uint64_t, bool)> durability;
  std::thread io;

  explicit HeldServer(uint64_t hold_for, gls::RequestHandler handler = {})
      : latest(hold_for),
        server(
            [] {
              gls::ServerOptions o;
              o.port = 0;
              return o;
            }(),
            handler ? handler : [hold_for](gls::HttpRequest&) {
              gls::HttpResponse r;
              r.set_header("Content-Type", "application/json");
              r.set_header("x-amzn-RequestId", "req-1");
              r.body = "{\"Arn\":\"written\"}";
              r.durable_after = hold_for;
              return r;
            },
            [](int status, const std::string&, const std::string&) {
              gls::HttpResponse r;
              r.status = status;
              return r;
            }) {
    REQUIRE(server.listen());
    durability = server.connect_durability([this] { return latest.load(); });
    io = std::thread([this] { server.run(); });
  }
  ~HeldServer() {
    server.shutdown();
    io.join();
  }
};

// Sends one request on a new connection and returns the whole answer
// (the server closes the connection after it).
struct Client {
  net::io_context ioc;
  tcp::socket socket{ioc};
  explicit Client(uint16_t port) {
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    // A read that waits 10 s fails the test rather than hanging it.
    timeval limit{10, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    const std::string request = "POST /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
    net::write(socket, net::buffer(request));
  }
  // What has come once `text` is among it (or the connection ended).
  std::string until(const std::string& text) {
    std::string got;
    boost::system::error_code ec;
    char chunk[4096];
    while (got.find(text) == std::string::npos) {
      const size_t n = socket.read_some(net::buffer(chunk), ec);
      got.append(chunk, n);
      if (ec) break;
    }
    return got;
  }
  // Everything until the server closes the connection.
  std::string answer() {
    std::string text;
    boost::system::error_code ec;
    char chunk[4096];
    while (true) {
      const size_t n = socket.read_some(net::buffer(chunk), ec);
      text.append(chunk, n);
      if (ec) {
        CHECK_MESSAGE(ec == net::error::eof, "the server did not close the connection: ", ec.message());
        return text;
      }
    }
  }
};

}  // namespace

TEST_CASE("HTTP: a write held for its sync is answered once durable, and never with success after a failed sync") {
  SUBCASE("durable") {
    HeldServer s(5);
    s.durability(4, false);
    Client c(s.server.port());
    s.durability(5, false);
    const std::string answer = c.answer();
    CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(answer.find("written") != std::string::npos);
  }
  SUBCASE("the sync fails while the answer is held, or before it is asked for") {
    HeldServer s(5);
    s.durability(4, false);
    Client held(s.server.port());
    s.durability(4, true);
    Client later(s.server.port());
    for (Client* c : {&held, &later}) {
      const std::string answer = c->answer();
      CHECK(answer.rfind("HTTP/1.1 500", 0) == 0);
      CHECK(answer.find("written") == std::string::npos);
      CHECK(answer.find("may not be durable") != std::string::npos);
      CHECK(answer.find("InternalServerException") != std::string::npos);
      CHECK(answer.find("req-1") != std::string::npos);
    }
  }
  SUBCASE("what was durable before the failure is still answered") {
    HeldServer s(3);
    s.durability(4, true);
    Client c(s.server.port());
    CHECK(c.answer().rfind("HTTP/1.1 200", 0) == 0);
  }
}

TEST_CASE("HTTP: a streamed body sends what is durable, and ends rather than send what a failed sync left unsure") {
  std::promise<std::shared_ptr<gls::BodyStream>> sink;
  HeldServer s(5, [&sink](gls::HttpRequest&) {
    gls::HttpResponse r;
    r.set_header("Content-Type", "text/event-stream");
    r.stream = std::make_shared<gls::StreamedBody>();
    r.stream->start = [&sink](std::shared_ptr<gls::BodyStream> stream) { sink.set_value(std::move(stream)); };
    return r;
  });
  s.durability(5, false);
  Client c(s.server.port());
  auto stream = sink.get_future().get();
  REQUIRE(stream->write("data: durable\n\n"));  // commit 5 is durable
  const std::string first = c.until("durable");
  CHECK(first.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(first.find("data: durable") != std::string::npos);
  s.latest = 6;
  stream->write("data: unsure\n\n");  // waits for commit 6, whose sync fails
  s.durability(5, true);
  const std::string rest = c.answer();  // the server closes the stream
  CHECK(rest.find("unsure") == std::string::npos);
}

TEST_CASE("HTTP: a body that ends holds its producer back while the client does not read, and ends only by it") {
  std::promise<std::shared_ptr<gls::BodyStream>> sink;
  std::optional<HeldServer> s;
  s.emplace(0, [&sink](gls::HttpRequest&) {
    gls::HttpResponse r;
    r.set_header("Content-Type", "application/json");
    r.stream = std::make_shared<gls::StreamedBody>();
    r.stream->ends = true;
    r.stream->start = [&sink](std::shared_ptr<gls::BodyStream> stream) { sink.set_value(std::move(stream)); };
    return r;
  });
  s->durability(0, false);
  Client c(s->server.port());
  auto stream = sink.get_future().get();
  const std::string piece(64 * 1024, 'x');
  // The client reads nothing: the producer is held back long before 64 MiB,
  // and the connection stays open.
  size_t written = 0;
  while (written < 1024 && stream->wait_for_room(std::chrono::milliseconds(500))) {
    REQUIRE(stream->write(piece));
    ++written;
  }
  CHECK(written < 1024);
  CHECK(stream->open());

  SUBCASE("the producer ends it: the last chunk, and the connection closes") {
    std::thread producer([&] {
      for (int i = 0; i < 16 && stream->wait_for_room(std::chrono::seconds(10)); ++i)
        if (stream->write(piece)) ++written;
      stream->end();
    });
    const std::string answer = c.answer();
    producer.join();
    CHECK(answer.find("Connection: close\r\n") != std::string::npos);
    CHECK(answer.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    CHECK(static_cast<size_t>(std::count(answer.begin(), answer.end(), 'x')) == written * piece.size());
    CHECK(answer.size() > 5);
    CHECK(answer.substr(answer.size() - 5) == "0\r\n\r\n");
  }
  SUBCASE("the server stops first: the body is cut short, not ended") {
    s.reset();
    const std::string answer = c.answer();
    CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(answer.substr(answer.size() - 5) != "0\r\n\r\n");
    CHECK_FALSE(stream->open());
  }
}
