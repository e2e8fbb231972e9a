// Status machines as tables.
//
// Every resource with a lifecycle (stream sessions, applications, stream
// groups, their locations, stream URLs) describes it as one table of rows
// (from, event, to): a status change that is not a row is refused. The rows
// are the whole truth about what can happen to a resource; the code around
// them only decides which event happened and when.
#pragma once

#include <algorithm>
#include <span>

namespace gls {

template <class Status, class Event>
struct Transition {
  Status from;
  Event event;
  Status to;
};

// The row for (from, event), if any.
template <class Row, class Status, class Event>
const Row* find_transition(std::span<const Row> rows, Status from, Event event) {
  for (const Row& r : rows)
    if (r.from == from && r.event == event) return &r;
  return nullptr;
}

// Whether some row leads from `from` to `to` in one step.
template <class Row, class Status>
bool reachable_in_one_step(std::span<const Row> rows, Status from, Status to) {
  return std::any_of(rows.begin(), rows.end(), [&](const Row& r) { return r.from == from && r.to == to; });
}

}  // namespace gls
