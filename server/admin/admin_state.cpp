// The whole state of one account and Region: exported as one JSON document
// (the Get shapes of every resource, and the clock), and imported from one,
// replacing the scope's resources all or nothing.
#include "admin/admin_api.hpp"

#include "admin/admin_json.hpp"
#include "admin/fixture_loader.hpp"
#include "admin/json_outline.hpp"
#include "api/codec.hpp"
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
      // The Get shape, plus the stream URL that started each (not an API
      // member); a page at a time, so that a large world is never all in memory.
      repo::SessionQuery q;
      q.limit = 1000;
      for (bool more = true; more;) {
        std::vector<StreamSession> page = repo::list_sessions(db, scope, q);
        more = page.size() > static_cast<size_t>(q.limit);
        if (more) page.pop_back();
        for (const StreamSession& s : page) write_session(w, scope, s, SessionView::Document);
        if (more) q.after = repo::SessionKey{page.back().created_ms, page.back().group_id, page.back().id};
      }
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
  // A whole world may be large: its text is checked in one pass, then each
  // resource is parsed and loaded on its own (admin/json_outline.hpp).
  JsonOutline document;
  document.is_object = true;  // an empty body is {}
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    std::string error;
    if (!outline_json(request.body, document, error)) return bad_admin_request("The request body is " + error);
    if (!document.is_object) return bad_admin_request("the request body must be a JSON object");
  }
  // The scope's resources are replaced by the document's, all or nothing.
  Scope scope = admin_scope(emu_, request, "");
  for (auto [name, field] : {std::pair{"account", &Scope::account}, std::pair{"region", &Scope::region}}) {
    rapidjson::Document value;
    std::string error;
    if (const JsonMember* m = document.find(name); m && api::parse_json(m->value, value, error) && value.IsString())
      scope.*field = value.GetString();
  }
  static constexpr std::string_view kNotResources[] = {"clock"};  // GET /_gls/state's reading, not restored
  Status s = emu_.replace_scope(scope, [&](Store&) {
    return load_fixtures(emu_, "PUT /_gls/state", document, kNotResources);
  });
  if (!s) return domain_error(s.error());
  return state_get(call);
}

}  // namespace gls
