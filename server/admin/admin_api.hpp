// The admin API under /_gls/: what tests use to see and steer the emulator
// (health, reset, the clock, resources' histories and forced statuses, the
// whole state, a stream URL's player). JSON in, JSON out; every refusal is
// a 4xx JSON error that says why.
//
// Its routes are the table in admin_api.cpp; other modules add theirs (the
// chaos routes) to the same router before requests are served.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "admin/admin_router.hpp"
#include "admin/json_outline.hpp"
#include "admin/streamed_json.hpp"
#include "http/http_types.hpp"
#include "state/emulator.hpp"

namespace gls {

class AdminApi {
 public:
  // `load_fixtures` re-loads the configured fixtures after a reset;
  // `max_state_documents` state documents are served at once (StreamedJson).
  AdminApi(Emulator& emu, std::function<Status()> load_fixtures,
           size_t max_state_documents = StreamedJson::kDefaultMaxDocuments);
  AdminApi(const AdminApi&) = delete;
  AdminApi& operator=(const AdminApi&) = delete;

  HttpResponse handle(const HttpRequest& request) const { return router_.dispatch(request); }

  // More admin routes, declared by another module.
  void add_routes(std::span<const AdminRoute> routes) { router_.add(routes); }
  // Called by POST /_gls/reset once the state is wiped, to clear what other
  // modules keep (fault rules, the journal, metrics).
  void on_reset(std::function<void()> clear) { on_reset_.push_back(std::move(clear)); }

  const AdminRouter& router() const { return router_; }

  // The state documents in progress are cut short and their workers joined
  // (StreamedJson::stop): a restore's worker answers through the pipeline's
  // callback, so it must be done before the pipeline goes.
  void stop_documents() { documents_.stop(); }

 private:
  // The emulator as a whole (admin_api.cpp, admin_clock.cpp).
  HttpResponse dashboard(AdminCall& call);
  HttpResponse health(AdminCall& call);
  HttpResponse reset(AdminCall& call);
  HttpResponse clock_get(AdminCall& call);
  HttpResponse clock_post(AdminCall& call);
  // Export and import of one account and Region's resources (admin_state.cpp).
  HttpResponse state_get(AdminCall& call);
  HttpResponse state_put(AdminCall& call);
  HttpResponse restore(StreamedJson::Slot slot, const JsonOutline& document, Scope scope, std::string endpoint);
  HttpResponse state_answer(StreamedJson::Slot slot, Scope scope, std::string endpoint);
  void write_state(JsonPieces& out, Store& db, int64_t now, const Scope& scope, const std::string& endpoint);
  // One resource's history, forced status and timings (admin_resources.cpp).
  HttpResponse session_event(AdminCall& call);
  HttpResponse session_status(AdminCall& call);
  HttpResponse session_timings(AdminCall& call);
  HttpResponse session_history(AdminCall& call);
  HttpResponse application_status(AdminCall& call);
  HttpResponse application_timings(AdminCall& call);
  HttpResponse application_history(AdminCall& call);
  HttpResponse stream_group_status(AdminCall& call);
  HttpResponse stream_group_timings(AdminCall& call);
  HttpResponse stream_group_history(AdminCall& call);
  HttpResponse location_status(AdminCall& call);
  HttpResponse location_history(AdminCall& call);
  HttpResponse stream_url_history(AdminCall& call);
  // A browser opening a stream URL (play_page.cpp).
  HttpResponse play(AdminCall& call);
  HttpResponse websdk_script(AdminCall& call);

  Emulator& emu_;
  std::function<Status()> load_fixtures_;
  std::vector<std::function<void()>> on_reset_;
  AdminRouter router_;
  // Last: its workers, which use the members above, stop first.
  StreamedJson documents_;
};

}  // namespace gls
