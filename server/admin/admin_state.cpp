// The whole state of one account and Region: exported as one JSON document
// (the Get shapes of every resource, and the clock), and imported from one,
// replacing the scope's resources all or nothing. Both answer the document,
// streamed (admin/streamed_json.hpp) from one snapshot of the store.
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

// The member `name`: every item of one kind, in the store's order, a page
// at a time, so that a large world is never all in memory, each written by
// `write` and offered to the client. `page(after)` lists up to kPage + 1
// items after `after` (the first page when it is null).
constexpr int kPage = 1000;

template <class Item, class Page, class Write>
void write_items(JsonPieces& out, const char* name, Page page, Write write) {
  write_key(out.writer(), name);
  out.writer().StartArray();
  std::optional<Item> last;
  for (bool more = true; more;) {
    std::vector<Item> items = page(last ? &*last : nullptr);
    more = items.size() > static_cast<size_t>(kPage);
    if (more) items.pop_back();
    for (Item& item : items) {
      write(item);
      out.next();
    }
    if (more) last = std::move(items.back());
  }
  out.writer().EndArray();
}

std::optional<PageKey> key_after(const auto* item) {
  if (!item) return std::nullopt;
  return PageKey{item->created_ms, std::to_string(item->seq)};
}

}  // namespace

HttpResponse AdminApi::state_get(AdminCall& call) {
  return state_answer(admin_scope(emu_, call.request, ""), endpoint_of(call.request));
}

HttpResponse AdminApi::state_answer(Scope scope, std::string endpoint) {
  return documents_.answer([this, scope = std::move(scope), endpoint = std::move(endpoint)](JsonPieces& out) {
    Store& store = emu_.store();
    if (!store.reads_apart()) {
      // One connection only: the document is read under the store's lock,
      // which the wait for a slow client must not hold (the I/O threads
      // that send the pieces may wait for that lock), so it is kept whole.
      out.keep(true);
      (void)emu_.transact([&](Store& db, int64_t now) {
        write_state(out, db, now, scope, endpoint);
        return ok();
      });
      out.keep(false);
      return;
    }
    // One read transaction for the whole document, as the client takes it,
    // once every deadline due by its `now` has fired (as Core::read does,
    // but never under the store's lock). While it lasts, checkpoints cannot
    // pass it and the WAL grows; a client that stops reading is dropped
    // after the write timeout, which ends it.
    int64_t now = emu_.clock().now_ms();
    for (int tries = 0; tries < 100 && !emu_.settled_version(); ++tries) {
      emu_.catch_up();
      now = emu_.clock().now_ms();
    }
    store.read([&](Store& db) {
      write_state(out, db, now, scope, endpoint);
      return 0;
    });
  });
}

void AdminApi::write_state(JsonPieces& out, Store& db, int64_t now, const Scope& scope, const std::string& endpoint) {
  JsonWriter& w = out.writer();
  w.StartObject();
  write_string(w, "account", scope.account);
  write_string(w, "region", scope.region);
  write_key(w, "clock");
  write_clock(w, emu_.clock().read());
  write_items<Application>(
      out, "applications",
      [&](const Application* after) { return repo::list_applications(db, scope, key_after(after), kPage); },
      [&](Application& a) {
        emu_.applications().describe(db, scope, a, now);
        write_application(w, scope, a, ResourceView::Full);
      });
  write_items<StreamGroup>(
      out, "streamGroups",
      [&](const StreamGroup* after) { return repo::list_stream_groups(db, scope, key_after(after), kPage); },
      [&](const StreamGroup& g) { write_stream_group(w, scope, g, ResourceView::Full); });
  // The Get shape, plus the stream URL that started each (not an API member).
  write_items<StreamSession>(
      out, "streamSessions",
      [&](const StreamSession* after) {
        repo::SessionQuery q;
        q.limit = kPage;
        if (after) q.after = repo::SessionKey{after->created_ms, after->group_id, after->id};
        return repo::list_sessions(db, scope, q);
      },
      [&](const StreamSession& s) { write_session(w, scope, s, SessionView::Document); });
  write_items<StreamUrl>(
      out, "streamUrls",
      [&](const StreamUrl* after) {
        repo::StreamUrlQuery q;
        q.limit = kPage;
        q.after = key_after(after);
        return repo::list_stream_urls(db, scope, q);
      },
      [&](StreamUrl& u) { write_stream_url(w, scope, u, ResourceView::Full, endpoint); });
  w.EndObject();
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
  return state_answer(std::move(scope), endpoint_of(request));
}

}  // namespace gls
