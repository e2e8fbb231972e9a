// The dashboard at GET /_gls/: one self-contained HTML page
// (server/observe/dashboard.html) compiled into the binary, so that gls-local serves
// it from wherever it runs, with no build step and nothing fetched from the
// network. The page reads the admin API and the AWS API of the same origin.
#pragma once

#include "http/http_types.hpp"

namespace gls {

// The page (for GET and HEAD), with a Content-Security-Policy that lets it
// load and connect to nothing but this origin and its own inline script and
// style.
HttpResponse dashboard_page();

}  // namespace gls
