// gls-local: wires the flags, the store, the domain, the pipeline and the
// HTTP server together, and shuts them down in order on SIGINT/SIGTERM.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <random>

#include "admin_api.hpp"
#include "api/errors.hpp"
#include "api/model.hpp"
#include "chaos_admin.hpp"
#include "cli.hpp"
#include "deadline_waker.hpp"
#include "event_stream.hpp"
#include "fault_rules.hpp"
#include "fixture_loader.hpp"
#include "http/access_policy.hpp"
#include "http_server.hpp"
#include "lifecycle_faults.hpp"
#include "metrics.hpp"
#include "pipeline.hpp"
#include "request_journal.hpp"
#include "state/repository.hpp"

namespace {

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

}  // namespace

int main(int argc, char** argv) {
  gls::CliResult cli = gls::parse_cli(argc, argv, [](const char* name) { return std::getenv(name); });
  if (!cli.run) {
    std::FILE* out = cli.exit_code == 0 ? stdout : stderr;
    std::fprintf(out, "%s\n", cli.output.c_str());
    return cli.exit_code;
  }
  const gls::Options& o = cli.options;
  setup_logging(o);

  // Everything the flags name is checked before the database is touched.
  std::vector<gls::FixtureSource> sources;
  if (o.default_fixtures) sources.push_back(gls::default_fixtures());
  for (const std::string& f : o.fixtures) {
    auto read = gls::read_fixture_sources(f);
    if (!read) return fail_start(read.error().message);
    for (auto& s : *read) sources.push_back(std::move(s));
  }
  gls::Timings timings;
  if (!o.timings.empty()) {
    std::ifstream in(o.timings);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || !std::filesystem::is_regular_file(o.timings))
      return fail_start("--timings: " + o.timings + " is not a readable file");
    if (auto s = timings.merge_json(text.str()); !s) return fail_start("--timings " + o.timings + ": " + s.error().message);
  }
  if (!o.export_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.export_dir, ec);
    if (ec || !std::filesystem::is_directory(o.export_dir))
      return fail_start("--export-dir: cannot use " + o.export_dir + " as a directory");
  }

  auto store = gls::Store::open(o.db);
  if (!store) return fail_start(store.error().message);

  gls::EmulatorConfig config;
  config.default_scope = {o.account_id, o.region};
  config.clock_mode = o.clock;
  config.time_scale = o.time_scale;
  config.seed = o.seed ? *o.seed : std::random_device{}();
  config.export_dir = o.export_dir;
  config.timings = timings;
  if (o.auto_connect_seconds) config.auto_connect_ms = gls::seconds_to_ms(*o.auto_connect_seconds);
  gls::Emulator emu(std::move(*store), config);

  // All fixture files load in one transaction: a bad one loads nothing at all.
  auto load_all = [&emu, &sources]() -> gls::Status {
    return emu.store().transaction([&](gls::Store&) -> gls::Status {
      for (const auto& source : sources)
        if (auto s = gls::load_fixtures(emu, source); !s) return s;
      return gls::ok();
    });
  };
  const bool empty = emu.store().transaction([](gls::Store& db) {
    return gls::repo::count(db, "applications") + gls::repo::count(db, "stream_groups") +
               gls::repo::count(db, "stream_sessions") + gls::repo::count(db, "stream_urls") ==
           0;
  });
  if (empty) {
    if (auto s = load_all(); !s) return fail_start(s.error().message);
  } else if (!o.fixtures.empty()) {
    spdlog::warn("the database {} already holds resources: fixtures not loaded (POST /_gls/reset reloads them)", o.db);
  }

  // Chaos and watching: fault rules, the request journal, metrics and the
  // event stream. They outlive the server, whose streams refer to them.
  gls::FaultRules faults(gls::api::service_model(), emu.config().seed);
  gls::LifecycleFaults lifecycle_faults(emu);
  gls::RequestJournal journal(o.journal_size);
  gls::Metrics metrics;
  const int metrics_handle = emu.store().transitions().subscribe(
      [&metrics](const std::vector<gls::TransitionEvent>& events) { metrics.observe_transitions(events); });
  gls::EventStream events(emu.store().transitions(), journal);
  gls::ChaosAdmin chaos(emu, faults, journal, metrics, events);

  gls::AdminApi admin(emu, load_all);
  admin.add_routes([&chaos](const gls::HttpRequest& r) { return chaos.handle(r); });
  admin.on_reset([&chaos] { chaos.reset(); });
  const gls::AccessPolicy access({.loopback_bound = gls::AccessPolicy::is_loopback_address(o.host),
                                  .allowed_hosts = o.allowed_hosts,
                                  .cors_origins = o.cors_origins,
                                  .admin_token = o.admin_token});
  gls::Pipeline pipeline(emu, admin, {.validate_responses = o.validate_responses, .json_log = o.log_format == "json"},
                         {.access = &access, .faults = &faults, .lifecycle_faults = &lifecycle_faults,
                          .journal = &journal, .metrics = &metrics});

  gls::ServerOptions server_options;
  server_options.host = o.host;
  server_options.port = o.port;
  server_options.threads = o.threads;
  server_options.max_connections = o.max_connections;
  gls::HttpServer server(
      server_options, [&pipeline](gls::HttpRequest& r) { return pipeline.handle(r); },
      [&pipeline](int status, const std::string& code, const std::string& message) {
        return pipeline.reject(status, code, message);
      });
  if (auto s = server.listen(); !s) return fail_start(s.error().message);

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

  server.run();
  emu.store().transitions().unsubscribe(metrics_handle);
  emu.persist_clock();
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}
