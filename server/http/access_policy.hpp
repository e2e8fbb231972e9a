// Who may drive the emulator: the first step of the request pipeline.
//
// gls-local runs next to the developer's browser. A web page must not be
// able to drive it, neither by sending requests to it from another origin
// nor by pointing a name it controls at 127.0.0.1 (DNS rebinding):
//
// - Host. A request whose Host (any port) is not accepted is refused with
//   403, naming the Host and --allowed-host. Accepted: loopback names and
//   addresses (127.0.0.0/8, [::1], localhost, *.localhost); names that
//   --allowed-host lists ("*": every name); and, when bound to another
//   address than loopback (a container, whose neighbours call it by service
//   name or address), every IP address and every single-label name. A name
//   with a dot, what a rebinding page is served from, needs --allowed-host.
// - Origin. A request that changes state (any method but GET, HEAD and
//   OPTIONS), on the AWS API and the admin API alike, that carries an Origin
//   other than the emulator's own (http://<Host>) is refused with 403,
//   unless --cors-origin names that origin (or is "*"). Named origins get
//   CORS answers: preflights (OPTIONS) are answered, and responses carry
//   Access-Control-Allow-Origin and expose the headers SDKs read. Other
//   origins get no CORS headers, so the browser keeps their pages from
//   reading answers. A response marked `public_asset` (a script any page
//   may load) carries Access-Control-Allow-Origin: * for everyone.
// - Admin requests with a body must say Content-Type: application/json
//   (415 otherwise), which no HTML form or simple cross-site request can.
// - With --admin-token, admin requests need "Authorization: Bearer <token>"
//   (401 otherwise), except the dashboard's page itself, the Web SDK
//   protocol script (/_gls/websdk/..., public), a session's watch page (not
//   its offer route) and stream URLs' play pages and their sessions' routes
//   (/_gls/play/...), which carry the stream URL's token instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.hpp"

namespace gls {

struct AccessOptions {
  bool loopback_bound = true;              // the listening address is a loopback one
  std::vector<std::string> allowed_hosts;  // --allowed-host; "*" is any name
  std::vector<std::string> cors_origins;   // --cors-origin; "*" is any origin
  std::string admin_token;                 // --admin-token; empty: none needed
};

class AccessPolicy {
 public:
  explicit AccessPolicy(AccessOptions options);

  // The answer to a request that stops here: a refusal (401, 403, 415) or a
  // CORS preflight answer. Nothing for a request that may go on.
  std::optional<HttpResponse> check(const HttpRequest& request) const;

  // Adds the CORS headers an answer to this request needs (none for an
  // origin that is not named).
  void decorate(const HttpRequest& request, HttpResponse& response) const;

  // Whether `host` (a Host header's value, port included) names this machine.
  static bool is_loopback_host(std::string_view host);
  // Whether a listening address (--host) is a loopback one.
  static bool is_loopback_address(std::string_view address);

 private:
  bool host_allowed(std::string_view host) const;
  bool origin_named(std::string_view origin) const;
  bool is_own_origin(const HttpRequest& request, std::string_view origin) const;

  AccessOptions options_;
};

}  // namespace gls
