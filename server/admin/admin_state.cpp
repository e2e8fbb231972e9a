// The whole state of one account and Region: exported as one JSON document
// (the Get shapes of every resource, and the clock), and imported from one,
// replacing the scope's resources all or nothing.
#include "admin/admin_api.hpp"

#include "admin/admin_json.hpp"
#include "admin/fixture_loader.hpp"
#include "api/render.hpp"
#include "state/store/repository.hpp"

namespace gls {

namespace {

// How the client reached the emulator, for URLs that point back at it.
std::string endpoint_of(const HttpRequest& request) {
  std::string_view host = request.header("host");
  return "http://" + std::string(host.empty() ? std::string_view("127.0.0.1") : host);
}

}  // namespace

HttpResponse AdminApi::state_get(AdminCall& call) {
  const HttpRequest& request = call.request;
  const Scope scope = admin_scope(emu_, request, "");
  const std::string endpoint = endpoint_of(request);
  return render_json([&](JsonWriter& w) {
    (void)emu_.transact([&](Store& db, int64_t now) {
      w.StartObject();
      write_string(w, "account", scope.account);
      write_string(w, "region", scope.region);
      write_key(w, "clock");
      write_clock(w, emu_.clock().read());
      write_key(w, "applications");
      w.StartArray();
      for (Application& a : repo::list_applications(db, scope, std::nullopt, 1 << 30)) {
        emu_.applications().describe(db, scope, a, now);
        write_application(w, scope, a, ResourceView::Full);
      }
      w.EndArray();
      write_key(w, "streamGroups");
      w.StartArray();
      for (const StreamGroup& g : repo::list_stream_groups(db, scope, std::nullopt, 1 << 30))
        write_stream_group(w, scope, g, ResourceView::Full);
      w.EndArray();
      write_key(w, "streamSessions");
      w.StartArray();
      repo::SessionQuery q;
      q.limit = 1 << 30;
      // The Get shape, plus the stream URL that started each (not an API member).
      for (const StreamSession& s : repo::list_sessions(db, scope, q)) write_session(w, scope, s, SessionView::Document);
      w.EndArray();
      write_key(w, "streamUrls");
      w.StartArray();
      repo::StreamUrlQuery uq;
      uq.limit = 1 << 30;
      for (StreamUrl& u : repo::list_stream_urls(db, scope, uq)) write_stream_url(w, scope, u, ResourceView::Full, endpoint);
      w.EndArray();
      w.EndObject();
      return ok();
    });
  });
}

HttpResponse AdminApi::state_put(AdminCall& call) {
  const HttpRequest& request = call.request;
  rapidjson::Document& body = call.body;
  // The scope's resources are replaced by the document's, all or nothing.
  Scope scope = admin_scope(emu_, request, "");
  if (body.HasMember("account") && body["account"].IsString()) scope.account = body["account"].GetString();
  if (body.HasMember("region") && body["region"].IsString()) scope.region = body["region"].GetString();
  body.RemoveMember("clock");
  rapidjson::StringBuffer text;
  JsonWriter w(text);
  body.Accept(w);
  Status s = emu_.replace_scope(scope, [&](Store&) {
    return load_fixtures(emu_, FixtureSource{"PUT /_gls/state", std::string(text.GetString(), text.GetSize())});
  });
  if (!s) return domain_error(s.error());
  return state_get(call);
}

}  // namespace gls
