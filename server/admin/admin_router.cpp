#include "admin/admin_router.hpp"

#include "admin/admin_json.hpp"
#include "api/codec.hpp"

namespace gls {

namespace {

// The next segment of a path or pattern (after its leading '/'), advancing past it.
std::string_view next_segment(std::string_view& rest) {
  const size_t slash = rest.find('/');
  std::string_view segment = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  return segment;
}

bool is_named(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

const std::string& AdminCall::param(std::string_view name) const {
  static const std::string none;
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return none;
}

PathMatch match_path(std::string_view pattern, std::string_view path,
                     std::vector<std::pair<std::string_view, std::string>>& params) {
  params.clear();
  bool encoded_well = true;
  // Both start with '/': compare segment by segment until both run out.
  while (!pattern.empty() && !path.empty()) {
    if (pattern.front() != '/' || path.front() != '/') return PathMatch::No;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const std::string_view want = next_segment(pattern);
    const std::string_view have = next_segment(path);
    if (!is_named(want)) {
      if (want != have) return PathMatch::No;
      continue;
    }
    if (have.empty()) return PathMatch::No;
    std::string decoded;
    if (!api::percent_decode(have, decoded)) encoded_well = false;
    params.emplace_back(want.substr(1, want.size() - 2), std::move(decoded));
  }
  if (!pattern.empty() || !path.empty()) return PathMatch::No;
  return encoded_well ? PathMatch::Yes : PathMatch::BadEncoding;
}

void AdminRouter::add(std::span<const AdminRoute> routes) { routes_.insert(routes_.end(), routes.begin(), routes.end()); }

const AdminRoute* AdminRouter::find(std::string_view method, std::string_view path) const {
  std::vector<std::pair<std::string_view, std::string>> params;
  for (const AdminRoute& route : routes_)
    if (route.method == method && match_path(route.pattern, path, params) != PathMatch::No) return &route;
  return nullptr;
}

std::string AdminRouter::allowed_methods(std::string_view path) const {
  std::vector<std::pair<std::string_view, std::string>> params;
  std::string allowed;
  for (const AdminRoute& route : routes_) {
    if (match_path(route.pattern, path, params) == PathMatch::No) continue;
    if (allowed.find(route.method) != std::string::npos) continue;
    allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
  }
  return allowed;
}

HttpResponse AdminRouter::dispatch(const HttpRequest& request) const {
  const std::string_view path = request.path();
  AdminCall call{request, {}, {}};
  call.body.SetObject();
  const AdminRoute* route = nullptr;
  for (const AdminRoute& candidate : routes_) {
    if (candidate.method != request.method) continue;
    const PathMatch match = match_path(candidate.pattern, path, call.params);
    if (match == PathMatch::BadEncoding) return bad_admin_request("the path is not valid percent-encoded UTF-8");
    if (match == PathMatch::Yes) {
      route = &candidate;
      break;
    }
  }
  if (!route) {
    HttpResponse refusal = no_admin_operation(request);
    if (std::string allowed = allowed_methods(path); !allowed.empty()) refusal.set_header("Allow", allowed);
    return refusal;
  }
  if (route->body == AdminBody::JsonObject)
    if (auto refusal = parse_object_body(request.body, call.body)) return std::move(*refusal);
  try {
    return route->handler(call);
  } catch (const std::exception& e) {
    return admin_error(500, "InternalServerException", std::string("admin request failed: ") + e.what());
  }
}

}  // namespace gls
