// The admin API under /_gls/: what tests use to see and steer the emulator
// (health, reset, the clock, ...). JSON in, JSON out; every refusal is a 4xx
// JSON error that says why.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/http_types.hpp"
#include "state/emulator.hpp"

namespace gls {

class AdminApi {
 public:
  // `load_fixtures` re-loads the configured fixtures after a reset.
  AdminApi(Emulator& emu, std::function<Status()> load_fixtures);

  HttpResponse handle(const HttpRequest& request);

  // More admin routes, served by another module: answers the requests it
  // knows, nothing for the others. Set up before requests are served.
  using Routes = std::function<std::optional<HttpResponse>(const HttpRequest& request)>;
  void add_routes(Routes routes) { routes_.push_back(std::move(routes)); }
  // Called by POST /_gls/reset once the state is wiped, to clear what other
  // modules keep (fault rules, the journal, metrics).
  void on_reset(std::function<void()> clear) { on_reset_.push_back(std::move(clear)); }

 private:
  HttpResponse health();
  HttpResponse reset(const HttpRequest& request);
  HttpResponse clock_get();
  HttpResponse clock_post(const HttpRequest& request);
  // /_gls/sessions/{sg}/{session}/{events|status|history|timings}
  HttpResponse session(const HttpRequest& request, const std::vector<std::string>& parts);
  // /_gls/applications/{id}/{status|history}
  HttpResponse application(const HttpRequest& request, const std::vector<std::string>& parts);
  // /_gls/streamgroups/{id}/{status|history}, /_gls/streamgroups/{id}/locations/{name}/{status|history}
  HttpResponse stream_group(const HttpRequest& request, const std::vector<std::string>& parts);
  // /_gls/streamurls/{sg}/{su}/history
  HttpResponse stream_url(const HttpRequest& request, const std::vector<std::string>& parts);
  // /_gls/play/{sg}/{su}?token=...: a browser opening a stream URL
  HttpResponse play(const HttpRequest& request, const std::vector<std::string>& parts);
  // /_gls/state: export and import one account and Region's resources
  HttpResponse state_get(const HttpRequest& request);
  HttpResponse state_put(const HttpRequest& request);

  Emulator& emu_;
  std::function<Status()> load_fixtures_;
  std::vector<Routes> routes_;
  std::vector<std::function<void()>> on_reset_;
};

}  // namespace gls
