// The stream-URL operations.
#include "api/binding_json.hpp"
#include "api/operations/handler_kit.hpp"

namespace gls {

namespace {

using namespace input;

Status create_stream_url(Call& c) {
  CreateStreamUrlRequest r;
  r.group_identifier = str(c.input, "Identifier");
  r.application_identifier = str(c.input, "ApplicationIdentifier");
  read_members(c.input, r.draft, stream_url_fields(), binding::kInput);
  r.expires_after_minutes = *opt_int(c.input, "UrlExpiresAfterMinutes");
  r.locations = str_list(c.input, "Locations");
  r.client_token = opt_str(c.input, "ClientToken");
  r.fingerprint = fingerprint(c.input);
  return respond(c, c.emu.stream_urls().create(c.scope, r), [&](JsonWriter& w, const StreamUrl& u) {
    write_stream_url(w, c.scope, u, ResourceView::Full, c.endpoint);
  });
}

Status get_stream_url(Call& c) {
  return respond(c, c.emu.stream_urls().get(c.scope, str(c.input, "Identifier"), str(c.input, "StreamUrlIdentifier")),
                 [&](JsonWriter& w, const StreamUrlView& v) {
                   write_stream_url(w, c.scope, v.url, ResourceView::Full, c.endpoint, &v.sessions);
                 });
}

Status list_stream_urls(Call& c) {
  auto page = c.emu.stream_urls().list(c.scope, opt_str(c.input, "Status"), opt_str(c.input, "StreamGroupIdentifier"),
                                       opt_str(c.input, "NextToken"), max_results(c.input));
  return respond_page(c, std::move(page), [&](JsonWriter& w, const StreamUrl& u) {
    write_stream_url(w, c.scope, u, ResourceView::Summary, c.endpoint);
  });
}

Status revoke_stream_url(Call& c) {
  return c.emu.stream_urls().revoke(c.scope, str(c.input, "Identifier"), str(c.input, "StreamUrlIdentifier"),
                                    opt_str(c.input, "RevocationMode").value_or("REVOKE_URL"));
}

constexpr HandlerEntry kHandlers[] = {
    {"CreateStreamUrl", &create_stream_url},
    {"GetStreamUrl", &get_stream_url},
    {"ListStreamUrls", &list_stream_urls},
    {"RevokeStreamUrl", &revoke_stream_url},
};

}  // namespace

std::span<const HandlerEntry> stream_url_operations() { return kHandlers; }

}  // namespace gls
