// The whole state of one account and Region: exported as one JSON document
// (the Get shapes of every resource, and the clock), and imported from one,
// replacing the scope's resources all or nothing. Both answer the document,
// streamed (admin/streamed_json.hpp) from one snapshot of the store.
//
// A restore's body is read as it arrives (http/http_types.hpp, BodySource)
// on a worker: checked in the same pass (admin/json_outline.hpp) and kept
// meanwhile in an unlinked file beside a file database, so that the server
// holds a few pieces of it at a time (with ":memory:", in memory: the
// emulator writes nowhere it was not told to). Nothing is loaded before
// all of it has arrived and proved to be JSON: loading takes the store's
// lock, which waiting for a client's bytes must not hold (every writer
// would wait for the slowest client, and the I/O threads that read those
// bytes may be among them).
// The load then reads the body back, one item at a time.
#include "admin/admin_api.hpp"
#include "admin/admin_json.hpp"
#include "admin/body_spool.hpp"
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

// Where the store's order of each kind resumes after an item.
PageKey page_key(const auto& item) { return PageKey{item.created_ms, std::to_string(item.seq)}; }
repo::SessionKey page_key(const StreamSession& s) { return {s.created_ms, s.group_id, s.id}; }

std::optional<PageKey> key_after(const auto* item) {
  if (!item) return std::nullopt;
  return page_key(*item);
}

// The pages of a kind listed through a query with a limit and an `after`.
template <class Query, class Item>
auto query_pages(Store& db, const Scope& scope, std::vector<Item> (*list)(Store&, const Scope&, const Query&)) {
  return [&db, &scope, list](const Item* after) {
    Query q;
    q.limit = kPage;
    if (after) q.after = page_key(*after);
    return list(db, scope, q);
  };
}

// The spool could not keep the body (a full disk, a file-size limit, an
// I/O error): the server cannot take the restore now; nothing was restored.
HttpResponse spool_failed(const BodySpool& spool) {
  return admin_error(503, "ServiceUnavailableException",
                     "the restore's body could not be kept beside the database: " + spool.error() +
                         "; nothing was restored");
}

bool all_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// Checks a request body that came whole; an empty one is {}.
std::optional<HttpResponse> outline_body(std::string_view text, JsonOutline& document) {
  document.text = text;
  document.is_object = true;
  if (all_blank(text)) return std::nullopt;
  std::string error;
  if (!outline_json(text, document, error)) return bad_admin_request("The request body is " + error);
  if (!document.is_object) return bad_admin_request("the request body must be a JSON object");
  return std::nullopt;
}

// Reads and checks a body as it arrives, into `spool`, which the outline
// then points into; the refusal, if any: the transport's (413), the
// body's (400), or a body that stopped half way (the client went away,
// or the server stops).
std::optional<HttpResponse> receive_body(BodySource& source, const std::atomic<bool>& stopping, BodySpool& spool,
                                         JsonOutline& document) {
  std::string piece;
  BodyRefusal refusal;
  bool cut = false, written = true, blank = true;
  const std::function<std::string_view()> next = [&]() -> std::string_view {
    for (;;) {
      piece.clear();
      switch (source.read(piece, refusal, std::chrono::milliseconds(200))) {
        case BodySource::Got::Bytes:
          if (!(written = spool.append(piece))) return {};
          blank = blank && all_blank(piece);
          return piece;
        case BodySource::Got::Nothing:
          if (!stopping.load()) continue;
          cut = true;
          return {};
        case BodySource::Got::End: return {};
        case BodySource::Got::Stopped: cut = true; return {};
      }
    }
  };
  std::string error;
  const bool outlined = outline_json(next, document, error);
  if (cut && refusal.status > 0) return admin_error(refusal.status, refusal.code, refusal.message);
  if (cut) return bad_admin_request("the request body stopped before its end");
  if (!written) return spool_failed(spool);
  spool.show(document);
  if (!outlined && blank) {
    document.is_object = true;  // an empty body is {}
    document.members.clear();
    return std::nullopt;
  }
  if (!outlined) return bad_admin_request("The request body is " + error);
  if (!document.is_object) return bad_admin_request("the request body must be a JSON object");
  return std::nullopt;
}

}  // namespace

HttpResponse AdminApi::state_get(AdminCall& call) {
  StreamedJson::Slot slot = documents_.reserve();
  if (!slot) return documents_.busy();
  return state_answer(std::move(slot), admin_scope(emu_, call.request, ""), endpoint_of(call.request));
}

HttpResponse AdminApi::state_answer(StreamedJson::Slot slot, Scope scope, std::string endpoint) {
  auto produce = [this, scope = std::move(scope), endpoint = std::move(endpoint)](JsonPieces& out) {
    // One snapshot for the whole document, as the client takes it (a
    // client that stops reading is dropped after the write timeout, which
    // ends it), once every deadline due by its `now` has fired.
    emu_.read(
        [&](Store& db, int64_t now) {
          write_state(out, db, now, scope, endpoint);
          return 0;
        },
        Core::ReadHold::Dump);
  };
  return documents_.answer(std::move(slot), std::move(produce));
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
  write_items<StreamSession>(out, "streamSessions", query_pages(db, scope, &repo::list_sessions),
                             [&](const StreamSession& s) { write_session(w, scope, s, SessionView::Document); });
  write_items<StreamUrl>(out, "streamUrls", query_pages(db, scope, &repo::list_stream_urls),
                         [&](StreamUrl& u) { write_stream_url(w, scope, u, ResourceView::Full, endpoint); });
  w.EndObject();
}

HttpResponse AdminApi::state_put(AdminCall& call) {
  StreamedJson::Slot slot = documents_.reserve();
  if (!slot) return documents_.busy();
  const HttpRequest& request = call.request;
  Scope scope = admin_scope(emu_, request, "");
  std::string endpoint = endpoint_of(request);
  if (!request.body_source) {  // it came whole (it is short)
    JsonOutline document;
    if (auto refusal = outline_body(request.body, document)) return std::move(*refusal);
    return restore(std::move(slot), document, std::move(scope), std::move(endpoint));
  }
  return documents_.later(std::move(slot), [this, source = request.body_source, scope, endpoint](
                                               StreamedJson::Slot held, const std::atomic<bool>& stopping) {
    BodySpool spool(emu_.store());
    if (!spool.error().empty()) return spool_failed(spool);
    JsonOutline document;
    if (auto refusal = receive_body(*source, stopping, spool, document)) return std::move(*refusal);
    return restore(std::move(held), document, scope, endpoint);
  });
}

HttpResponse AdminApi::restore(StreamedJson::Slot slot, const JsonOutline& document, Scope scope,
                               std::string endpoint) {
  // The scope's resources are replaced by the document's, all or nothing.
  for (auto [name, field] : {std::pair{"account", &Scope::account}, std::pair{"region", &Scope::region}}) {
    rapidjson::Document value;
    std::string error;
    const JsonMember* m = document.find(name);
    const std::optional<std::string> text = m ? document.value(*m, 4096) : std::nullopt;
    if (text && api::parse_json(*text, value, error) && value.IsString()) scope.*field = value.GetString();
  }
  static constexpr std::string_view kNotResources[] = {"clock"};  // GET /_gls/state's reading, not restored
  Status s = emu_.replace_scope(scope, [&](Store&) {
    return load_fixtures(emu_, "PUT /_gls/state", document, kNotResources);
  });
  if (!s) return domain_error(s.error());
  return state_answer(std::move(slot), std::move(scope), std::move(endpoint));
}

}  // namespace gls
