// Lifecycle faults: what a fired lifecycle rule does to the session that
// StartStreamSession has just started. Each is a deadline of the session (a
// scheduler row, so it survives a restart), fired by the session lifecycle
// with cause "fault"; `afterSeconds` counts from the session's start.
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
// A fault that falls due after the session has ended does nothing.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "chaos/fault_rules.hpp"
#include "state/emulator.hpp"

namespace gls {

class LifecycleFaults {
 public:
  explicit LifecycleFaults(Emulator& emu);
  LifecycleFaults(const LifecycleFaults&) = delete;
  LifecycleFaults& operator=(const LifecycleFaults&) = delete;

  // Applies a fired lifecycle rule to a session that has just started.
  Status apply(const Scope& scope, const std::string& group_id, const std::string& session_id, const FaultHit& hit);

 private:
  Emulator& emu_;
};

}  // namespace gls
