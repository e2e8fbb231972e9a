// gls-local: wires the flags, the store, the domain, the pipeline and the
// HTTP server together, and shuts them down in order on SIGINT/SIGTERM.
#include <malloc.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <random>

#include "api/errors.hpp"
#include "app.hpp"
#include "cli.hpp"
#include "http/deadline_waker.hpp"
#include "http/http_server.hpp"

namespace {

// Requests waiting for their live peer's answer at once, each on a thread
// of its own; more wait for one to be free.
constexpr size_t kPeerWaitWorkers = 4;

int fail_start(const std::string& message) {
  std::fprintf(stderr, "gls-local: %s\n", message.c_str());
  return 2;
}

// --log-format json: one JSON object per line, the message properly escaped.
// A line of the "requests" logger is already a JSON object (the journal's
// fields, its own time among them): its members become the line's.
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const std::string level = gls::api::json_quote(std::string_view(spdlog::level::to_string_view(msg.level).data(),
                                                                    spdlog::level::to_string_view(msg.level).size()));
    std::string line;
    if (std::string_view(msg.logger_name.data(), msg.logger_name.size()) == "requests" && payload.size() > 2 &&
        payload.front() == '{' && payload.back() == '}') {
      line = "{\"level\":" + level + "," + std::string(payload.substr(1)) + "\n";
    } else {
      const auto since_epoch = msg.time.time_since_epoch();
      const double seconds = std::chrono::duration<double>(since_epoch).count();
      line = "{\"time\":" + std::to_string(seconds) + ",\"level\":" + level +
             ",\"message\":" + gls::api::json_quote(payload) + "}\n";
    }
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLineFormatter>(); }
};

void setup_logging(const gls::Options& o) {
  auto logger = spdlog::stdout_logger_mt("gls");
  if (o.log_format == "json")
    logger->set_formatter(std::make_unique<JsonLineFormatter>());
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(spdlog::level::from_str(o.log_level));
  spdlog::set_default_logger(logger);
  // The per-request lines: the same sink, their own name.
  spdlog::register_logger(logger->clone("requests"));
}

// glibc gives each thread that allocates an arena of its own, up to eight
// per core, and a stream's GStreamer threads come and go with their peer:
// what each arena keeps (fragments pinned by a few live blocks) made the
// resident memory grow with every connection, not a leak but never given
// back. Two arenas keep it flat; MALLOC_ARENA_MAX, when set, decides instead.
void limit_malloc_arenas() {
#ifdef M_ARENA_MAX
  if (!std::getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 2);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  limit_malloc_arenas();
  // A write past a file-size limit (RLIMIT_FSIZE) fails with EFBIG, which
  // its writer reports (a restore's body: 503; the database: an error),
  // instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  gls::CliResult cli = gls::parse_cli(argc, argv, [](const char* name) { return std::getenv(name); });
  if (!cli.run) {
    std::FILE* out = cli.exit_code == 0 ? stdout : stderr;
    std::fprintf(out, "%s\n", cli.output.c_str());
    return cli.exit_code;
  }
  const gls::Options& o = cli.options;
  setup_logging(o);

  auto app = gls::App::create(o);
  if (!app) return fail_start(app.error().message);
  gls::Emulator& emu = (*app)->emulator();
  gls::Pipeline& pipeline = (*app)->pipeline();

  gls::ServerOptions server_options;
  server_options.host = o.host;
  server_options.port = o.port;
  server_options.threads = o.threads;
  server_options.max_connections = o.max_connections;
  server_options.state_body_limit = o.state_body_limit;
  gls::HttpServer server(
      server_options,
      [&pipeline](gls::HttpRequest& r) { return pipeline.handle(r); },
      [&pipeline](int status, const std::string& code, const std::string& message) {
        return pipeline.reject(status, code, message);
      });
  pipeline.batch_commits([&server, &store = emu.store()] { server.post_here([&store] { store.flush_soon(); }); });
  pipeline.answer_peer_waits_apart(kPeerWaitWorkers);
  if (auto s = server.listen(); !s) return fail_start(s.error().message);
  emu.store().on_durable(server.connect_durability([&emu] { return emu.store().commit_sequence(); }));
  emu.signalling().set_origin(gls::browser_origin(o.host, server.port()));

  gls::DeadlineWaker waker(server.io_context(), emu);
  waker.start();

  boost::asio::signal_set signals(server.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("signal {}: finishing requests in flight, then stopping", signo);
    waker.stop();
    server.shutdown();
  });

  std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  std::printf("gls-local %s listening on http://%s:%u (db %s, account %s, region %s, clock %s)\n", GLS_VERSION,
              host.c_str(), server.port(), o.db.c_str(), o.account_id.c_str(), o.region.c_str(),
              std::string(gls::to_string(o.clock)).c_str());
  std::fflush(stdout);

  // run() returns once the state documents' workers have let go of the
  // requests they held (the transport stops their bodies and waits for
  // them), or the shutdown grace is over.
  server.run();
  // A restore answered past the grace logs its line (not delivered) now,
  // not once logging is gone.
  (*app)->stop_documents();
  emu.persist_clock();
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}
