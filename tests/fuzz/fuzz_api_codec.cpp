// The router, REST-JSON codec and validator of every operation. An input is
// "METHOD TARGET\n" followed by the body, as the seed corpus's requests of
// all 30 operations are written; the router picks the operation.
#include <rapidjson/document.h>

#include <string_view>
#include <vector>

#include "api/codec.hpp"
#include "api/model.hpp"
#include "api/router.hpp"
#include "api/validate.hpp"
#include "http/http_types.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gls::api::Model& model = gls::api::service_model();
  static const gls::api::Router router(model);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t space = text.find(' '), newline = text.find('\n');
  if (space == std::string_view::npos || newline == std::string_view::npos || space > newline) return 0;
  gls::HttpRequest request;
  request.method = std::string(text.substr(0, space));
  request.target = std::string(text.substr(space + 1, newline - space - 1));
  request.headers = {{"host", "127.0.0.1"}, {"content-type", "application/json"}};
  request.body = std::string(text.substr(newline + 1));

  gls::api::RouteMatch route = router.match(request.method, request.path());
  if (!route.operation) return 0;
  rapidjson::Document input;
  if (auto error = gls::api::decode_input(model, route, request, input)) {
    if (error->status >= 500) __builtin_trap();
    return 0;
  }
  // A decoded input validates against its shape (decode_input promises it).
  std::vector<gls::api::Violation> violations;
  gls::api::validate(model, model.shape_or_die(route.operation->input), input, "", violations);
  if (!violations.empty()) __builtin_trap();
  return 0;
}
