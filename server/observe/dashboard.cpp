#include "observe/dashboard.hpp"

#include <string_view>

namespace gls {

extern const std::string_view kDashboardHtml;  // generated from server/observe/dashboard.html

HttpResponse dashboard_page() {
  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", "text/html; charset=utf-8");
  r.set_header("Content-Security-Policy",
               "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'self'");
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Referrer-Policy", "no-referrer");
  // The page is part of the binary: a new build may bring a new page.
  r.set_header("Cache-Control", "no-cache");
  r.body.assign(kDashboardHtml);
  return r;
}

}  // namespace gls
