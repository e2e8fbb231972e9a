#include "app.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "api/model.hpp"
#include "state/store/repository.hpp"

namespace gls {

Result<std::unique_ptr<App>> App::create(const Options& o) {
  std::unique_ptr<App> app(new App());

  // Everything the flags name is checked before the database is touched.
  if (o.default_fixtures) app->fixture_sources_.push_back(default_fixtures());
  for (const std::string& f : o.fixtures) {
    auto read = read_fixture_sources(f);
    if (!read) return std::move(read).take_error();
    for (auto& s : *read) app->fixture_sources_.push_back(std::move(s));
  }
  Timings timings;
  if (!o.timings.empty()) {
    std::ifstream in(o.timings);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || !std::filesystem::is_regular_file(o.timings))
      return validation("--timings: " + o.timings + " is not a readable file");
    if (auto s = timings.merge_json(text.str()); !s)
      return validation("--timings " + o.timings + ": " + s.error().message);
  }
  if (!o.export_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.export_dir, ec);
    if (ec || !std::filesystem::is_directory(o.export_dir))
      return validation("--export-dir: cannot use " + o.export_dir + " as a directory");
  }

  auto store = Store::open(o.db);
  if (!store) return std::move(store).take_error();

  EmulatorConfig config;
  config.default_scope = {o.account_id, o.region};
  config.clock_mode = o.clock;
  config.time_scale = o.time_scale;
  config.seed = o.seed ? *o.seed : std::random_device{}();
  config.export_dir = o.export_dir;
  config.timings = timings;
  if (o.auto_connect_seconds) config.auto_connect_ms = seconds_to_ms(*o.auto_connect_seconds);
  app->emu_ = std::make_unique<Emulator>(std::move(*store), config);
  Emulator& emu = *app->emu_;
  // Known before listening unless --port 0; main() sets the port it got.
  emu.signalling().set_origin(browser_origin(o.host, o.port));

  const bool empty = emu.store().transaction([](Store& db) {
    return repo::count(db, "applications") + repo::count(db, "stream_groups") + repo::count(db, "stream_sessions") +
               repo::count(db, "stream_urls") ==
           0;
  });
  if (empty) {
    if (auto s = app->load_fixtures(); !s) return std::move(s).take_error();
  } else if (!o.fixtures.empty()) {
    spdlog::warn("the database {} already holds resources: fixtures not loaded (POST /_gls/reset reloads them)", o.db);
  }

  // Chaos and watching: fault rules, the request journal, metrics and the
  // event stream.
  app->faults_ = std::make_unique<FaultRules>(emu.config().seed);
  app->lifecycle_faults_ = std::make_unique<LifecycleFaults>(emu, *app->faults_);
  app->journal_ = std::make_unique<RequestJournal>(o.journal_size);
  if (o.aws_rate_limits) app->rate_limits_ = std::make_unique<RateLimits>();
  app->metrics_ = std::make_unique<Metrics>();
  app->metrics_subscription_ = emu.store().transitions().subscribe(
      [metrics = app->metrics_.get()](const std::vector<TransitionEvent>& events) {
        metrics->observe_transitions(events);
      });
  app->events_ = std::make_unique<EventStream>(emu.store().transitions(), *app->journal_);
  app->chaos_ = std::make_unique<ChaosAdmin>(emu, *app->faults_, *app->journal_, *app->metrics_, *app->events_);

  App* self = app.get();
  app->admin_ = std::make_unique<AdminApi>(emu, [self] { return self->load_fixtures(); }, o.max_state_documents);
  app->admin_->add_routes(app->chaos_->routes());
  app->admin_->on_reset([chaos = app->chaos_.get()] { chaos->reset(); });
  app->streams_ = std::make_unique<SessionStreams>(
      emu, media::MediaOptions{.max_streams = o.max_streams,
                               .local_addresses = media::StreamMedia::local_addresses_for(o.host)});
  app->admin_->add_routes(app->streams_->routes());
  app->streams_->on_input([events = app->events_.get(), &emu](const StreamPeerKey& key, const std::string& what) {
    events->user_input(key.scope, key.group_id + "/" + key.session_id, what, emu.clock().now_ms());
  });
  app->access_ = std::make_unique<AccessPolicy>(AccessOptions{.loopback_bound = AccessPolicy::is_loopback_address(o.host),
                                                              .allowed_hosts = o.allowed_hosts,
                                                              .cors_origins = o.cors_origins,
                                                              .admin_token = o.admin_token});
  app->pipeline_ = std::make_unique<Pipeline>(
      emu, *app->admin_, PipelineOptions{.validate_responses = o.validate_responses,
                                       .json_log = o.log_format == "json",
                                       .render_cache = o.render_cache},
      PipelineSteps{.access = app->access_.get(),
                    .faults = app->faults_.get(),
                    .lifecycle_faults = app->lifecycle_faults_.get(),
                    .journal = app->journal_.get(),
                    .metrics = app->metrics_.get(),
                    .rate_limits = app->rate_limits_.get()});
  return app;
}

App::~App() {
  // The pipeline is destroyed before the admin API (member order); the
  // document workers that answer through it stop first.
  if (admin_) admin_->stop_documents();
  if (emu_) emu_->store().transitions().unsubscribe(metrics_subscription_);
}

bool App::last_request_was_faulted() const {
  JournalQuery q;
  q.limit = 1;
  auto newest = journal_->newest(q);
  return !newest.empty() && newest.front().fault_rule.has_value();
}

Status App::load_fixtures() {
  // All fixture files load in one transaction: a bad one loads nothing at all.
  return emu_->store().transaction([&](Store&) -> Status {
    for (const auto& source : fixture_sources_)
      if (auto s = gls::load_fixtures(*emu_, source); !s) return s;
    return ok();
  });
}

}  // namespace gls
