// The admin routes of chaos testing and of watching the emulator work:
//
//   GET    /_gls/faults           the fault rules, with their hit counts
//   POST   /_gls/faults           adds a rule; answers it as stored, with its id (201)
//   GET    /_gls/faults/{id}      one rule
//   DELETE /_gls/faults/{id}      removes one rule (answers it)
//   DELETE /_gls/faults           removes every rule
//   GET    /_gls/requests         the request journal, newest first
//                                 (?limit=n&operation=X&status=429|4xx)
//   GET    /_gls/metrics          Prometheus text
//   GET    /_gls/events           server-sent events (see event_stream.hpp)
//
// POST /_gls/reset clears the rules, the journal and the metrics too.
#pragma once

#include <optional>

#include "observe/event_stream.hpp"
#include "chaos/fault_rules.hpp"
#include "http/http_types.hpp"
#include "observe/metrics.hpp"
#include "observe/request_journal.hpp"
#include "state/emulator.hpp"

namespace gls {

class ChaosAdmin {
 public:
  ChaosAdmin(Emulator& emu, FaultRules& faults, RequestJournal& journal, Metrics& metrics, EventStream& events)
      : emu_(emu),
        faults_(faults),
        journal_(journal),
        metrics_(metrics),
        events_(events) {}

  // The answer to a request on one of the routes above; nothing for others.
  std::optional<HttpResponse> handle(const HttpRequest& request);
  // Forgets the rules, the journal and the counters.
  void reset();

 private:
  HttpResponse faults(const HttpRequest& request);
  HttpResponse fault(const HttpRequest& request, std::string_view id);
  HttpResponse requests(const HttpRequest& request);
  HttpResponse metrics();

  Emulator& emu_;
  FaultRules& faults_;
  RequestJournal& journal_;
  Metrics& metrics_;
  EventStream& events_;
};

}  // namespace gls
