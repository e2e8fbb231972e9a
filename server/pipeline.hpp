// The request pipeline: every request passes the same steps, in order.
//
//   1. request id      every response carries x-amzn-RequestId
//   2. admin routes    /_gls/... goes to the admin API
//   3. routing         method + path -> operation (404 UnknownOperation)
//   4. scope           account and region from the SigV4 credential
//   5. decoding        labels, query, body -> validated input (400)
//   6. dispatch        the operation's handler (501 while not built)
//   7. encoding        output document or restJson1 error
//   8. logging         one line per request
//
// Cross-cutting concerns are steps here, never lines inside handlers.
#pragma once

#include <memory>
#include <string>

#include "api/router.hpp"
#include "http_types.hpp"
#include "state/emulator.hpp"

namespace gls {

class AdminApi;

struct PipelineOptions {
  // Check every response body against the operation's output shape and turn
  // a mismatch into a 500 (used by the test suite).
  bool validate_responses = false;
};

// What one request was and how it ended, for logs (and later the journal).
struct RequestRecord {
  std::string request_id;
  std::string method;
  std::string path;
  std::string operation;  // empty when no operation matched
  int status = 0;
  std::string error;  // error code, empty on success
  double latency_ms = 0;
};

class Pipeline {
 public:
  Pipeline(Emulator& emu, AdminApi& admin, PipelineOptions options);

  HttpResponse handle(HttpRequest& request);
  // A request the transport refused before it was complete.
  HttpResponse reject(int status, const std::string& code, const std::string& message);

  // The account and region a request acts in: from the SigV4 credential
  // scope when present (a 12-digit access key id is the account), else the
  // configured defaults.
  Scope scope_of(const HttpRequest& request) const;

 private:
  HttpResponse dispatch_api(HttpRequest& request, RequestRecord& record);

  Emulator& emu_;
  AdminApi& admin_;
  PipelineOptions options_;
  api::Router router_;
};

}  // namespace gls
