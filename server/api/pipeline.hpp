// The request pipeline: every request passes the same steps, in order.
//
//   1. request id      every response carries x-amzn-RequestId
//   2. access          Host, Origin, admin token and media type (http/access_policy.hpp);
//                      CORS headers on the answer
//   3. admin routes    /_gls/... goes to the admin API
//   4. routing         method + path -> operation (404 UnknownOperation)
//   5. scope           account and region from the SigV4 credential
//   6. decoding        labels, query, body -> validated input (400)
//   7. rate limits     with --rate-limits aws, a request beyond its operation's
//                      documented rate is a ThrottlingException (api/rate_limits.hpp)
//      faults          the first fault rule that fires: an error, latency or
//                      a transport fault instead of (or around) the operation
//   8. dispatch        the operation's handler (501 while not built); a session
//                      it starts meets the lifecycle rules in its transaction
//                      (the Call's SessionStartHook)
//   9. encoding        output document or restJson1 error; a read whose
//                      answer depends on the store alone is answered with
//                      the body it rendered last while no commit happened
//                      since (api/render_cache.hpp)
//  10. journal, metrics and logging: one entry, one line per request
//  11. durability      the answer waits (in the transport) until every write
//                      it depends on or shows is on disk (group commit)
//
// Once batch_commits() is called, an API request's transactions join the
// store's open batch (state/store/store.hpp); admin requests commit their
// own. After each request that leaves a batch open, the pipeline asks the
// transport to flush it once the requests at hand are handled, so that
// those join it too.
//
// A request whose operation may wait for a live stream peer's answer (a
// StartStreamSession or CreateStreamSessionConnection with an offer, while
// a stream runs) passes the same steps on a worker thread, once
// answer_peer_waits_apart() is called: the transport holds its connection
// (a DeferredResponse) and the I/O thread serves its other connections
// while ICE gathers.
//
// Cross-cutting concerns are steps here, never lines inside handlers.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/render_cache.hpp"
#include "api/router.hpp"
#include "http/http_types.hpp"
#include "observe/request_journal.hpp"
#include "state/emulator.hpp"

namespace boost::asio {
class thread_pool;
}

namespace gls {

class AccessPolicy;
class AdminApi;
class FaultRules;
class LifecycleFaults;
class Metrics;
class RateLimits;

struct PipelineOptions {
  // Check every response body against the operation's output shape and turn
  // a mismatch into a 500 (used by the test suite).
  bool validate_responses = false;
  // Log each request as one JSON object (the journal's fields) on the
  // "requests" logger, rather than a line of text.
  bool json_log = false;
  // Keep the bodies of reads whose answer follows the store (api::Operation::
  // answer_follows_store) while the store has not changed (api/render_cache.hpp).
  bool render_cache = true;
};

// What the cross-cutting steps keep; each may be left out.
struct PipelineSteps {
  const AccessPolicy* access = nullptr;
  FaultRules* faults = nullptr;
  LifecycleFaults* lifecycle_faults = nullptr;
  RequestJournal* journal = nullptr;
  Metrics* metrics = nullptr;
  RateLimits* rate_limits = nullptr;
};

class Pipeline {
 public:
  Pipeline(Emulator& emu, AdminApi& admin, PipelineOptions options, PipelineSteps steps = {});
  ~Pipeline();

  HttpResponse handle(HttpRequest& request);
  // A request the transport refused before it was complete.
  HttpResponse reject(int status, const std::string& code, const std::string& message);

  // The account and region a request acts in: from the SigV4 credential
  // scope when present (a 12-digit access key id is the account), else the
  // configured defaults.
  Scope scope_of(const HttpRequest& request) const;

  // API requests join batched commits from now on; `flush_soon` must see that
  // Store::flush_soon() runs after the work at hand (e.g. posted to the I/O
  // context).
  void batch_commits(std::function<void()> flush_soon) { flush_soon_ = std::move(flush_soon); }

  // Requests that may wait for a live peer are answered from now on by
  // `workers` threads (joined when the pipeline goes), not where they
  // arrive.
  void answer_peer_waits_apart(size_t workers);

  // How many rendered answers are kept (api/render_cache.hpp).
  size_t kept_answers() { return rendered_.size(); }

 private:
  // Every step, on the calling thread; `batched`: its transactions join
  // the store's open batch.
  HttpResponse handle_here(HttpRequest& request, bool batched);
  // Whether the request may wait for a live peer's answer (see above).
  bool awaits_peer(const HttpRequest& request) const;
  // A placeholder the transport holds until a worker has answered.
  HttpResponse answer_apart(HttpRequest& request);
  HttpResponse dispatch_api(HttpRequest& request, RequestRecord& record);
  // Step 8: the handler, and what it answers.
  HttpResponse run_operation(const HttpRequest& request, RequestRecord& record, const api::Operation& op,
                             const Scope& scope, const rapidjson::Value& input);
  // The success answer of `op` with `body`.
  static HttpResponse success(const api::Operation& op, std::string body);
  // The record's status, latency and error, from the answer.
  static void finish_record(RequestRecord& record, const HttpResponse& response,
                            std::chrono::steady_clock::time_point start);
  // Logs the record once the deferred answer is given (on the thread that
  // gives it), saying so when the transport dropped it.
  void log_when_answered(DeferredResponse& deferred, RequestRecord record, std::chrono::steady_clock::time_point start);
  void log(const RequestRecord& record, Delivery delivery = Delivery::Sending) const;

  Emulator& emu_;
  AdminApi& admin_;
  PipelineOptions options_;
  PipelineSteps steps_;
  api::Router router_;
  // Bodies of reads that depend on the store alone, while it is unchanged.
  api::RenderCache rendered_;
  std::function<void()> flush_soon_;  // empty: every transaction commits alone
  // Declared last, so joined first: its jobs use all of the above.
  std::unique_ptr<boost::asio::thread_pool> apart_;  // null: every request answered where it arrives
};

}  // namespace gls
