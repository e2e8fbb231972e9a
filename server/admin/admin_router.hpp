// The admin API as data: every admin operation is one row (method, path
// pattern, handler, whether it takes a JSON body, whether it needs the admin
// token), and one router matches requests against all the rows, whichever
// module declared them (admin/admin_api.cpp, chaos/chaos_admin.cpp).
//
// A pattern is a path of segments; "{name}" stands for any non-empty
// segment, which the handler reads percent-decoded by that name. Literal
// segments match exactly (case and encoding included).
//
// Answers the router gives itself, all JSON errors:
//   - no row has the path: 404 UnknownOperationException;
//   - rows have the path but not the method: 404 UnknownOperationException
//     (as the AWS API answers a wrong method) with an Allow header naming
//     the methods that path takes;
//   - a named segment that is not valid percent-encoded UTF-8: 400;
//   - a body-taking row whose body is not a JSON object: 400 (an empty body
//     is {});
//   - a handler that throws: 500 InternalServerException.
#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_types.hpp"

namespace gls {

// A request matched to a row: the named segments and the parsed body.
struct AdminCall {
  const HttpRequest& request;
  std::vector<std::pair<std::string_view, std::string>> params;  // name -> percent-decoded segment
  rapidjson::Document body;  // the JSON object body of a row that takes one, else {}

  // The segment named `name` in the row's pattern (empty if there is none).
  const std::string& param(std::string_view name) const;
};

enum class AdminBody {
  None,        // the handler reads request.body itself, if at all
  JsonObject,  // parsed by the router into AdminCall::body
};

enum class AdminAccess {
  Token,   // needs the --admin-token, when one is set
  Public,  // a page a browser opens: the dashboard, a stream URL's player
};

struct AdminRoute {
  std::string_view method;   // "GET", "HEAD", "POST", "PUT" or "DELETE"
  std::string_view pattern;  // e.g. "/_gls/sessions/{group}/{session}/events"
  std::function<HttpResponse(AdminCall&)> handler;
  AdminBody body = AdminBody::None;
  AdminAccess access = AdminAccess::Token;
};

// How a path relates to a pattern.
enum class PathMatch { No, Yes, BadEncoding };

// Matches `path` (without the query) against `pattern`; on Yes, `params`
// holds the named segments. BadEncoding: the path has the pattern's shape
// but a named segment is not valid percent-encoded UTF-8.
PathMatch match_path(std::string_view pattern, std::string_view path,
                     std::vector<std::pair<std::string_view, std::string>>& params);

class AdminRouter {
 public:
  // Adds rows; a request goes to the first row whose method and pattern match.
  void add(std::span<const AdminRoute> routes);

  // The answer to an admin request: the matching row's handler, or one of
  // the router's own refusals (see above).
  HttpResponse dispatch(const HttpRequest& request) const;

  // The row a request reaches, or nullptr.
  const AdminRoute* find(std::string_view method, std::string_view path) const;
  // The methods the rows whose pattern matches `path` take ("GET, POST"),
  // empty if none does.
  std::string allowed_methods(std::string_view path) const;

  std::span<const AdminRoute> routes() const { return routes_; }

 private:
  std::vector<AdminRoute> routes_;
};

}  // namespace gls
