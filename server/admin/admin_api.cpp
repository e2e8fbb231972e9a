#include "admin/admin_api.hpp"

#include "admin/admin_json.hpp"
#include "api/render.hpp"
#include "observe/dashboard.hpp"
#include "state/store/repository.hpp"
#include "websdk/protocol_script.hpp"

namespace gls {

AdminApi::AdminApi(Emulator& emu, std::function<Status()> load_fixtures, size_t max_state_documents)
    : emu_(emu), load_fixtures_(std::move(load_fixtures)), documents_(max_state_documents) {
  struct Row {
    std::string_view method;
    std::string_view pattern;
    HttpResponse (AdminApi::*handler)(AdminCall&);
    AdminBody body = AdminBody::None;
    AdminAccess access = AdminAccess::Token;
  };
  constexpr AdminBody json = AdminBody::JsonObject;
  constexpr AdminBody raw = AdminBody::None;
  constexpr AdminAccess open = AdminAccess::Public;
  static constexpr Row kRoutes[] = {
      {"GET", "/_gls", &AdminApi::dashboard, raw, open},
      {"HEAD", "/_gls", &AdminApi::dashboard, raw, open},
      {"GET", "/_gls/", &AdminApi::dashboard, raw, open},
      {"HEAD", "/_gls/", &AdminApi::dashboard, raw, open},
      {"GET", "/_gls/health", &AdminApi::health},
      {"POST", "/_gls/reset", &AdminApi::reset, json},
      {"GET", "/_gls/clock", &AdminApi::clock_get},
      {"POST", "/_gls/clock", &AdminApi::clock_post, json},
      {"GET", "/_gls/state", &AdminApi::state_get},
      {"PUT", "/_gls/state", &AdminApi::state_put, raw},  // read in pieces: it may be large

      {"POST", "/_gls/sessions/{group}/{session}/events", &AdminApi::session_event, json},
      {"POST", "/_gls/sessions/{group}/{session}/status", &AdminApi::session_status, json},
      {"POST", "/_gls/sessions/{group}/{session}/timings", &AdminApi::session_timings},
      {"GET", "/_gls/sessions/{group}/{session}/history", &AdminApi::session_history},
      {"POST", "/_gls/applications/{application}/status", &AdminApi::application_status, json},
      {"POST", "/_gls/applications/{application}/timings", &AdminApi::application_timings},
      {"GET", "/_gls/applications/{application}/history", &AdminApi::application_history},
      {"POST", "/_gls/streamgroups/{group}/status", &AdminApi::stream_group_status, json},
      {"POST", "/_gls/streamgroups/{group}/timings", &AdminApi::stream_group_timings},
      {"GET", "/_gls/streamgroups/{group}/history", &AdminApi::stream_group_history},
      {"POST", "/_gls/streamgroups/{group}/locations/{location}/status", &AdminApi::location_status, json},
      {"GET", "/_gls/streamgroups/{group}/locations/{location}/history", &AdminApi::location_history},
      {"GET", "/_gls/streamurls/{group}/{url}/history", &AdminApi::stream_url_history},

      // The stream URL itself: its token is its secret.
      {"GET", "/_gls/play/{group}/{url}", &AdminApi::play, raw, open},
      {"HEAD", "/_gls/play/{group}/{url}", &AdminApi::play, raw, open},
      // The protocol script of SignalResponses (server/websdk/protocol_script.hpp).
      {"GET", "/_gls/websdk/{version}/gamecast-input.js", &AdminApi::websdk_script, raw, open},
      {"HEAD", "/_gls/websdk/{version}/gamecast-input.js", &AdminApi::websdk_script, raw, open},
  };
  std::vector<AdminRoute> routes;
  for (const Row& row : kRoutes)
    routes.push_back({row.method, row.pattern,
                      [this, handler = row.handler](AdminCall& call) { return (this->*handler)(call); }, row.body,
                      row.access});
  router_.add(routes);
}

HttpResponse AdminApi::dashboard(AdminCall&) { return dashboard_page(); }

HttpResponse AdminApi::websdk_script(AdminCall&) { return protocol_script_response(); }

HttpResponse AdminApi::health(AdminCall&) {
  return render_json([&](JsonWriter& w) {
    w.StartObject();
    write_string(w, "status", "ok");
    write_string(w, "version", GLS_VERSION);
    write_key(w, "clock");
    write_clock(w, emu_.clock().read());
    write_key(w, "counts");
    w.StartObject();
    emu_.store().transaction([&](Store& db) {
      write_int(w, "applications", repo::count(db, "applications"));
      write_int(w, "streamGroups", repo::count(db, "stream_groups"));
      write_int(w, "streamSessions", repo::count(db, "stream_sessions"));
      write_int(w, "streamUrls", repo::count(db, "stream_urls"));
    });
    w.EndObject();
    w.EndObject();
  });
}

HttpResponse AdminApi::reset(AdminCall& call) {
  const rapidjson::Document& body = call.body;
  bool fixtures = true;
  if (auto it = body.FindMember("fixtures"); it != body.MemberEnd()) {
    if (!it->value.IsBool()) return bad_admin_request("'fixtures' must be true or false");
    fixtures = it->value.GetBool();
  }
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it)
    if (std::string_view(it->name.GetString()) != "fixtures")
      return bad_admin_request("unknown member '" + std::string(it->name.GetString()) + "'; reset takes 'fixtures'");
  emu_.wipe();
  for (const auto& clear : on_reset_) clear();
  if (fixtures && load_fixtures_) {
    Status s = load_fixtures_();
    if (!s) return admin_error(500, "InternalServerException", "fixtures failed to load: " + s.error().message);
  }
  return health(call);
}

}  // namespace gls
