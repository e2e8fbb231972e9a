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

#include <span>
#include <vector>

#include "admin/admin_router.hpp"
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
        events_(events),
        routes_(make_routes()) {}
  ChaosAdmin(const ChaosAdmin&) = delete;
  ChaosAdmin& operator=(const ChaosAdmin&) = delete;

  // The rows of the routes above, for the admin router.
  std::span<const AdminRoute> routes() const { return routes_; }
  // Forgets the rules, the journal and the counters.
  void reset();

 private:
  std::vector<AdminRoute> make_routes();
  HttpResponse list_faults(AdminCall& call);
  HttpResponse add_fault(AdminCall& call);
  HttpResponse remove_faults(AdminCall& call);
  HttpResponse get_fault(AdminCall& call);
  HttpResponse remove_fault(AdminCall& call);
  HttpResponse requests(AdminCall& call);
  HttpResponse metrics(AdminCall& call);
  HttpResponse events(AdminCall& call);

  Emulator& emu_;
  FaultRules& faults_;
  RequestJournal& journal_;
  Metrics& metrics_;
  EventStream& events_;
  std::vector<AdminRoute> routes_;
};

}  // namespace gls
