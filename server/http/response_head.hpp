// The bytes of an answer's head, as the connection writes them.
//
// A kept-alive HTTP/1.1 answer of the common kind is written with a head
// built by hand (plain_head), next to Beast, which writes every other; the
// two must give the same bytes for the same answer, which beast_bytes lets a
// test hold.
#pragma once

#include <string>

#include "http/http_types.hpp"

namespace gls {

// The head of `out` kept alive over HTTP/1.1, byte for byte as Beast writes
// it, into `head`; false (and `head` unspecified) for an answer it does not
// cover, which Beast then writes.
bool plain_head(const HttpResponse& out, std::string& head);

// What Beast writes for `out` (head, then body) over HTTP/1.`version`:
// the message the connection hands Beast when plain_head does not apply.
std::string beast_bytes(HttpResponse out, unsigned version, bool keep_alive);

}  // namespace gls
