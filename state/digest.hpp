// A short stand-in for a long text, where only equality matters: a
// session's used offers, a ClientToken's request. FNV-1a, 64 bits, as 16
// lower-case hexadecimal digits (text that needs no escaping in JSON or SQL).
// Values are stored: they must not change.
#pragma once

#include <string>
#include <string_view>

namespace gls {

std::string text_digest(std::string_view text);

}  // namespace gls
