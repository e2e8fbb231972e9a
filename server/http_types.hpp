// Plain HTTP request and response values.
//
// The transport (http_server.cpp, the only user of Beast's templates) turns
// bytes into an HttpRequest and an HttpResponse back into bytes; everything
// else in the server works on these values and never sees Beast.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gls {

struct HttpRequest {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string peer;  // remote address, for logs

  // The first header named `name` (lower case), or empty.
  std::string_view header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
  std::string_view path() const {
    auto q = target.find('?');
    return std::string_view(target).substr(0, q);
  }
  std::string_view query() const {
    auto q = target.find('?');
    return q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
  }
};

// What the transport should do with the connection after the response.
enum class ConnectionFault {
  None,
  Reset,      // abort the connection (RST) without answering
  Close,      // close the connection without answering
  Malformed,  // answer bytes that are not valid HTTP, then close
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  ConnectionFault fault = ConnectionFault::None;
  bool close = false;  // close the connection after this response

  void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

}  // namespace gls
