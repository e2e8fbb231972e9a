// Lifecycle faults: what a fired lifecycle rule does to the session that
// StartStreamSession starts. Each is a deadline of the session (a timer of
// the session lifecycle, so it survives a restart) fired with cause "fault";
// `afterSeconds` counts from the session's start.
//
//   placementTimeout      the session is never placed: ACTIVATING -> ERROR
//                         placementTimeout at afterSeconds (default: the
//                         placement timeout)
//   invalidSignalRequest  the stream rejects the client's offer: ACTIVATING ->
//                         ERROR invalidSignalRequest instead of ACTIVE, at
//                         afterSeconds (default: when it would be placed)
//   internalError         ERROR internalError at afterSeconds (default 0), from
//                         whichever running status the session is in
//   applicationExit       the application exits: TERMINATING/TERMINATED
//                         applicationExit at afterSeconds (default: as soon as
//                         it is ACTIVE); ignored while still ACTIVATING
//   exportFailed          its pending export ends FAILED (with a StatusReason)
//                         instead of SUCCEEDED: when the session ends, or at
//                         afterSeconds if the session has ended before then
//
// A fault that falls due after the session has ended does nothing. The rule
// is applied inside the transaction that starts the session (through the
// session domain's SessionStartHook), so the session never exists without it.
#pragma once

#include <rapidjson/document.h>

#include "chaos/fault_rules.hpp"
#include "observe/request_journal.hpp"
#include "state/emulator.hpp"

namespace gls {

class Metrics;

class LifecycleFaults {
 public:
  LifecycleFaults(Emulator& emu, FaultRules& rules) : emu_(emu), rules_(rules) {}
  LifecycleFaults(const LifecycleFaults&) = delete;
  LifecycleFaults& operator=(const LifecycleFaults&) = delete;

  // Applies a fired lifecycle rule to a session that is starting, before it is stored.
  void apply(Store& db, const Scope& scope, StreamSession& s, const FaultHit& hit);

  // The lifecycle rules, for the sessions one request starts: the first rule
  // that fires for the request's input is applied, and noted in the
  // request's journal record and the metrics.
  class RequestHook : public SessionStartHook {
   public:
    RequestHook(LifecycleFaults& faults, const rapidjson::Value& input, RequestRecord& record, Metrics* metrics)
        : faults_(faults), input_(input), record_(record), metrics_(metrics) {}
    void started(Store& db, const Scope& scope, StreamSession& s) override;

   private:
    LifecycleFaults& faults_;
    const rapidjson::Value& input_;
    RequestRecord& record_;
    Metrics* metrics_;
  };

 private:
  Emulator& emu_;
  FaultRules& rules_;
};

}  // namespace gls
