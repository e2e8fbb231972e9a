// The protocol script served at /_gls/websdk/<version>/gamecast-input.js
// (the URL in every SignalResponse): server/websdk/gamecast-input.js,
// compiled into the binary. Any page may load it, also as
// <script crossorigin="anonymous"> from another origin (public_asset).
#pragma once

#include "http/http_types.hpp"

namespace gls {

HttpResponse protocol_script_response();

}  // namespace gls
