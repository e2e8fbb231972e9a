#include "http/access_policy.hpp"

#include <boost/asio/ip/address.hpp>
#include <algorithm>
#include <cctype>
#include <optional>

#include "api/errors.hpp"
#include "state/secrets.hpp"

namespace gls {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequal(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// The host part of a Host header: without the port, without brackets around
// an IPv6 address, lower case, without a trailing dot.
std::string host_name(std::string_view host) {
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {
    auto close = name.find(']');
    name = close == std::string_view::npos ? std::string_view() : name.substr(1, close - 1);
  } else if (auto colon = name.find(':'); colon != std::string_view::npos) {
    if (name.find(':', colon + 1) == std::string_view::npos) name = name.substr(0, colon);  // host:port
  }
  std::string out = lower(name);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// Whether `text` is a 127.x.y.z address, when it is a dotted quad in the
// strict form inet_pton reads (no leading zeros, each part at most 255);
// nullopt for any other text. Most local clients send such a Host, and this
// costs a fraction of make_address.
std::optional<bool> dotted_quad_loopback(std::string_view text) {
  size_t i = 0;
  unsigned first = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && (i >= text.size() || text[i++] != '.')) return std::nullopt;
    const size_t start = i;
    unsigned value = 0;
    while (i < text.size() && i - start < 3 && text[i] >= '0' && text[i] <= '9') value = value * 10 + (text[i++] - '0');
    if (i == start || value > 255 || (i - start > 1 && text[start] == '0')) return std::nullopt;
    if (part == 0) first = value;
  }
  if (i != text.size()) return std::nullopt;
  return first == 127;
}

bool is_loopback_ip(const std::string& text) {
  if (auto loopback = dotted_quad_loopback(text)) return *loopback;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(text, ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).is_loopback();
  return address.is_loopback();
}

// A name a neighbour container uses for the emulator: a service name has a
// single label, which no page on the web can be served from.
bool is_single_label(const std::string& name) {
  return !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
}

bool is_ip_literal(const std::string& name) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(name, ec);
  return !ec;
}

bool changes_state(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

bool is_admin_path(std::string_view path) { return path == "/_gls" || path.rfind("/_gls/", 0) == 0; }

// Admin paths that hold no state of their own or carry their own secret: the
// dashboard's page (its requests carry the token), the Web SDK protocol
// script (a <script> tag sends no token), a session's watch page (its offer
// goes to the admin API, with the token) and everything under a stream
// URL's play path: the page, its session and its offer route, which the
// URL's own token authorises (media/session_streams.hpp).
bool needs_no_token(std::string_view method, std::string_view path) {
  const bool read = method == "GET" || method == "HEAD";
  if ((path == "/_gls" || path == "/_gls/") && read) return true;
  if (path.rfind("/_gls/websdk/", 0) == 0 && read) return true;
  if (path.rfind("/_gls/watch/", 0) == 0 && method == "GET") return true;
  return path.rfind("/_gls/play/", 0) == 0;
}

HttpResponse refuse(int status, const char* code, std::string message) {
  return api::error_response({code, status, std::move(message)});
}

}  // namespace

AccessPolicy::AccessPolicy(AccessOptions options) : options_(std::move(options)) {}

bool AccessPolicy::is_loopback_host(std::string_view host) {
  const std::string name = host_name(host);
  if (name == "localhost" || (name.size() > 10 && name.ends_with(".localhost"))) return true;
  return is_loopback_ip(name);
}

bool AccessPolicy::is_loopback_address(std::string_view address) {
  return address == "localhost" || is_loopback_ip(std::string(address));
}

bool AccessPolicy::host_allowed(std::string_view host) const {
  if (is_loopback_host(host)) return true;
  const std::string name = host_name(host);
  const auto& allowed = options_.allowed_hosts;
  if (std::any_of(allowed.begin(), allowed.end(),
                  [&](const std::string& a) { return a == "*" || iequal(a, name) || iequal(a, host); }))
    return true;
  // A rebinding page is served from a name with a dot (attacker.example); an
  // address or a service name is what a neighbour container types.
  return !options_.loopback_bound && (is_ip_literal(name) || is_single_label(name));
}

bool AccessPolicy::origin_named(std::string_view origin) const {
  return std::any_of(options_.cors_origins.begin(), options_.cors_origins.end(),
                     [&](const std::string& o) { return o == "*" || iequal(o, origin); });
}

bool AccessPolicy::is_own_origin(const HttpRequest& request, std::string_view origin) const {
  const std::string_view host = request.header("host");
  return !host.empty() && iequal(origin, "http://" + std::string(host));
}

std::optional<HttpResponse> AccessPolicy::check(const HttpRequest& request) const {
  const std::string_view host = request.header("host");
  if (!host.empty() && !host_allowed(host)) {
    const std::string accepted = options_.loopback_bound
                                     ? "gls-local answers only loopback names"
                                     : "gls-local, listening beyond loopback, answers only IP addresses, localhost "
                                       "and single-label (service) names";
    return refuse(403, "AccessDeniedException",
                  "Host '" + std::string(host) + "' is not accepted: " + accepted +
                      ", so that no web page can reach it through DNS rebinding. Start it with --allowed-host " +
                      host_name(host) + " (or GLS_ALLOWED_HOST; * accepts any name) to accept this name");
  }

  const std::string_view origin = request.header("origin");
  const bool foreign = !origin.empty() && !is_own_origin(request, origin);
  if (request.method == "OPTIONS" && foreign && !request.header("access-control-request-method").empty()) {
    if (!origin_named(origin))
      return refuse(403, "AccessDeniedException",
                    "Origin '" + std::string(origin) + "' may not call gls-local; start it with --cors-origin " +
                        std::string(origin) + " to let its pages do so");
    HttpResponse preflight;
    preflight.status = 204;
    preflight.set_header("Access-Control-Allow-Origin", std::string(origin));
    preflight.set_header("Vary", "Origin");
    preflight.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE");
    const std::string_view asked = request.header("access-control-request-headers");
    preflight.set_header("Access-Control-Allow-Headers",
                         asked.empty() ? std::string("content-type, authorization") : std::string(asked));
    preflight.set_header("Access-Control-Max-Age", "600");
    return preflight;
  }
  if (foreign && changes_state(request.method) && !origin_named(origin))
    return refuse(403, "AccessDeniedException",
                  "Origin '" + std::string(origin) + "' may not change gls-local's state; start it with "
                  "--cors-origin " + std::string(origin) + " to let its pages do so");

  const std::string_view path = request.path();
  if (!is_admin_path(path)) return std::nullopt;
  if (!options_.admin_token.empty() && !needs_no_token(request.method, path)) {
    const std::string_view auth = request.header("authorization");
    constexpr std::string_view bearer = "Bearer ";
    if (auth.size() <= bearer.size() || !iequal(auth.substr(0, bearer.size()), bearer) ||
        !same_secret(auth.substr(bearer.size()), options_.admin_token)) {
      HttpResponse r = refuse(401, "UnauthorizedException",
                              "The admin API needs 'Authorization: Bearer <token>' with the --admin-token gls-local "
                              "was started with");
      r.set_header("WWW-Authenticate", "Bearer realm=\"gls-local admin\"");
      return r;
    }
  }
  if (!request.body.empty()) {
    std::string_view type = request.header("content-type");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    if (!iequal(type, "application/json"))
      return refuse(415, "UnsupportedMediaTypeException",
                    "Admin requests with a body must be sent as Content-Type: application/json" +
                        (type.empty() ? std::string() : ", not " + std::string(type)));
  }
  return std::nullopt;
}

void AccessPolicy::decorate(const HttpRequest& request, HttpResponse& response) const {
  if (response.public_asset) {
    response.set_header("Access-Control-Allow-Origin", "*");
    return;
  }
  const std::string_view origin = request.header("origin");
  if (origin.empty() || is_own_origin(request, origin) || !origin_named(origin)) return;
  response.set_header("Access-Control-Allow-Origin", std::string(origin));
  response.set_header("Vary", "Origin");
  response.set_header("Access-Control-Expose-Headers",
                      "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date, Content-Length");
}

}  // namespace gls
