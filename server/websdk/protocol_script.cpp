#include "websdk/protocol_script.hpp"

#include <string_view>

namespace gls {

extern const std::string_view kGameCastInputJs;  // generated from server/websdk/gamecast-input.js

HttpResponse protocol_script_response() {
  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", "text/javascript; charset=utf-8");
  r.set_header("X-Content-Type-Options", "nosniff");
  // The script is part of the binary: a new build may bring a new script.
  r.set_header("Cache-Control", "no-cache");
  r.public_asset = true;
  r.body.assign(kGameCastInputJs);
  return r;
}

}  // namespace gls
