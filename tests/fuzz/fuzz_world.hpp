// What the fuzz targets share: one emulator built as gls-local builds it
// (in memory, manual clock, a fixed seed, the built-in fixtures), reset
// before every input so that a finding replays alone, and the rule every
// target enforces: input is never answered with a 5xx of the emulator's own
// making (an injected fault's error is not the emulator's own).
#pragma once

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "app.hpp"

namespace gls::fuzz {

inline HttpRequest request(std::string method, std::string target, std::string body = {},
                           std::string content_type = "application/json") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = {{"host", "127.0.0.1:8766"}};
  if (!body.empty()) r.headers.emplace_back("content-type", std::move(content_type));
  r.body = std::move(body);
  r.peer = "fuzz";
  return r;
}

class World {
 public:
  World() {
    spdlog::set_level(spdlog::level::off);
    Options o;
    o.db = ":memory:";
    o.clock = ClockMode::Manual;
    o.seed = 1;
    o.threads = 1;
    o.journal_size = 16;
    auto app = App::create(o);
    if (!app) {
      std::fprintf(stderr, "fuzz: the emulator did not start: %s\n", app.error().message.c_str());
      std::abort();
    }
    app_ = std::move(*app);
  }

  Pipeline& pipeline() { return app_->pipeline(); }
  App& app() { return *app_; }

  // Back to the fixtures, no fault rules, a manual clock.
  void reset() {
    HttpRequest clock = request("POST", "/_gls/clock", R"({"mode":"manual","scale":1})");
    check(clock, pipeline().handle(clock));
    HttpRequest r = request("POST", "/_gls/reset");
    check(r, pipeline().handle(r));
  }

  // Aborts (a finding) when the emulator answered input with a 5xx of its own.
  void check(const HttpRequest& r, const HttpResponse& response) {
    if (response.status < 500 || response.fault != ConnectionFault::None) return;
    const bool admin = r.target.rfind("/_gls", 0) == 0;
    if (!admin && app_->last_request_was_faulted()) return;
    std::fprintf(stderr, "fuzz: %s %s answered %d: %s\n", r.method.c_str(), r.target.substr(0, 200).c_str(),
                 response.status, response.body.substr(0, 400).c_str());
    std::abort();
  }

 private:
  std::unique_ptr<App> app_;
};

}  // namespace gls::fuzz
