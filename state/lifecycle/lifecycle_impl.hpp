// The lifecycle engine's definitions. Included only by the file that defines
// a Spec's tables, which instantiates Lifecycle<Spec> explicitly.
#pragma once

#include <spdlog/spdlog.h>

#include <vector>

#include "state/core.hpp"
#include "state/lifecycle/lifecycle.hpp"
#include "state/store/repository.hpp"
#include "state/time/scheduler.hpp"

namespace gls {

template <class Spec>
const typename Lifecycle<Spec>::Row* Lifecycle<Spec>::find(State from, Event event) {
  for (const Row& r : Spec::kTables.rows)
    if (r.from == from && r.event == event) return &r;
  return nullptr;
}

template <class Spec>
bool Lifecycle<Spec>::reachable(State from, State to) {
  for (const Row& r : Spec::kTables.rows)
    if (r.from == from && r.to == to) return true;
  return false;
}

template <class Spec>
std::string_view Lifecycle<Spec>::timer_name(TimerEvent t) {
  for (const TimerEventRow<Spec>& e : Spec::kTables.timer_events)
    if (e.timer == t) return e.name;
  return {};
}

template <class Spec>
std::optional<typename Spec::TimerEvent> Lifecycle<Spec>::parse_timer(std::string_view name) {
  for (const TimerEventRow<Spec>& e : Spec::kTables.timer_events)
    if (e.name == name) return e.timer;
  return std::nullopt;
}

template <class Spec>
const StatusEntry<Spec>* Lifecycle<Spec>::entry(State s) {
  for (const StatusEntry<Spec>& e : Spec::kTables.entries)
    if (e.status == s) return &e;
  return nullptr;
}

template <class Spec>
void Lifecycle<Spec>::arm(Store& db, const Scope& scope, const Resource& r, TimerEvent t, int64_t due,
                          std::string_view detail) {
  const std::string key = Spec::key(r);
  core_.scheduler().arm(db, scope, Spec::kKind, key, timer_name(t), due, detail);
  keep_lifetime_timers(db, scope, r, key, due, false);
}

template <class Spec>
void Lifecycle<Spec>::cancel(Store& db, const Scope& scope, const Resource& r, TimerEvent t) {
  const std::string key = Spec::key(r);
  core_.scheduler().cancel(db, scope, Spec::kKind, key, timer_name(t));
  // The timer that fell due first may be gone.
  keep_lifetime_timers(db, scope, r, key, std::nullopt, false);
}

template <class Spec>
void Lifecycle<Spec>::keep_lifetime_timers(Store& db, const Scope& scope, const Resource& r, const std::string& key,
                                           std::optional<int64_t> earliest, bool fresh) {
  // A status that ends every timer has no lifetime left.
  if (const StatusEntry<Spec>* e = entry(Spec::status(r)); e && e->ends_timers) return;
  for (const LifetimeTimer<Spec>& t : Spec::kTables.lifetime_timers) {
    if (t.armed_if && !t.armed_if(r)) continue;
    const std::optional<int64_t> due_ms = t.due(r);
    if (!due_ms || (earliest && *due_ms > *earliest)) continue;  // a status timer falls due first
    const std::string_view name = timer_name(t.timer);
    if (!fresh && core_.scheduler().due(db, scope, Spec::kKind, key, name)) continue;
    core_.scheduler().arm(db, scope, Spec::kKind, key, name, *due_ms);
  }
}

template <class Spec>
std::optional<int64_t> Lifecycle<Spec>::due(Store& db, const Scope& scope, const Resource& r, TimerEvent t) {
  return core_.scheduler().due(db, scope, Spec::kKind, Spec::key(r), timer_name(t));
}

template <class Spec>
void Lifecycle<Spec>::leave(Store& db, const Scope& scope, const std::string& key, State from) {
  // The old status's timers, in one statement when there are at most two.
  std::string_view names[2];
  size_t n = 0;
  bool more = false;
  for (const StatusTimer<Spec>& t : Spec::kTables.timers) {
    if (t.status != from) continue;
    const std::string_view name = timer_name(t.timer);
    if (n > 0 && names[0] == name) continue;
    if (n == 2) {
      more = true;
      break;
    }
    names[n++] = name;
  }
  if (n == 0) return;
  if (more) {
    for (const StatusTimer<Spec>& t : Spec::kTables.timers)
      if (t.status == from) core_.scheduler().cancel(db, scope, Spec::kKind, key, timer_name(t.timer));
    return;
  }
  core_.scheduler().cancel_events(db, scope, Spec::kKind, key, names[0], n == 2 ? names[1] : names[0]);
}

template <class Spec>
std::optional<int64_t> Lifecycle<Spec>::arm_status_timers(const Step& step, const std::string& key,
                                                          const TimerEvent* only) {
  const State now = Spec::status(step.resource);
  std::optional<int64_t> earliest;
  for (const StatusTimer<Spec>& t : Spec::kTables.timers) {
    if (t.status != now || (only && t.timer != *only)) continue;
    if (t.armed_if && !t.armed_if(step)) continue;
    const int64_t due = step.at + Spec::duration_ms(step.core, step.db, step.scope, step.resource, t.duration);
    core_.scheduler().arm(step.db, step.scope, Spec::kKind, key, timer_name(t.timer), due);
    if (!earliest || due < *earliest) earliest = due;
  }
  return earliest;
}

template <class Spec>
void Lifecycle<Spec>::enter(Step& step, bool fresh, const std::string& key) {
  const StatusEntry<Spec>* e = entry(Spec::status(step.resource));
  if (e && e->ends_timers && !fresh) core_.scheduler().cancel(step.db, step.scope, Spec::kKind, key);
  if (e && e->on_enter) e->on_enter(step);
  keep_lifetime_timers(step.db, step.scope, step.resource, key, arm_status_timers(step, key), fresh);
}

template <class Spec>
void Lifecycle<Spec>::start(Store& db, const Scope& scope, Resource& r, State initial, int64_t at, Cause cause) {
  Spec::status(r) = initial;
  if (auto* reason = Spec::reason(r)) reason->reset();
  Spec::touch(r, at);
  Step step{core_, owner_, cascades_, db, scope, r, initial, at, cause};
  const std::string key = Spec::key(r);
  enter(step, true, key);
  repo::record_transition(db, scope, Spec::kKind, key, std::nullopt, to_string(initial), std::nullopt,
                          to_string(cause), at);
}

template <class Spec>
void Lifecycle<Spec>::adopt(Store& db, const Scope& scope, Resource& r) {
  const State s = Spec::status(r);
  if (Spec::is_final(s)) return;
  Step step{core_, owner_, cascades_, db, scope, r, s, Spec::entered_at(r), Cause::Admin};
  enter(step, true, Spec::key(r));
}

template <class Spec>
void Lifecycle<Spec>::change(Store& db, const Scope& scope, Resource& r, State to, std::optional<std::string> reason,
                             int64_t at, Cause cause) {
  const State from = Spec::status(r);
  const StatusEntry<Spec>* e = entry(to);
  const std::string key = Spec::key(r);
  // Entering a status that ends every timer cancels the old status's too.
  if (!e || !e->ends_timers) leave(db, scope, key, from);
  Spec::status(r) = to;
  if (auto* own = Spec::reason(r)) *own = std::move(reason);
  Spec::touch(r, at);
  Step step{core_, owner_, cascades_, db, scope, r, from, at, cause};
  enter(step, false, key);
  Spec::save(db, scope, r, at);
  const auto* own = Spec::reason(r);
  repo::record_transition(db, scope, Spec::kKind, key, to_string(from), to_string(to),
                          own && *own ? std::optional<std::string_view>(**own) : std::nullopt, to_string(cause), at);
  if (e && e->after_write) e->after_write(step);
}

template <class Spec>
Status Lifecycle<Spec>::apply(Store& db, const Scope& scope, Resource& r, Event event, int64_t at, Cause cause,
                              std::optional<std::string> reason) {
  const State from = Spec::status(r);
  const Row* row = find(from, event);
  if (!row) {
    for (const Answer<State, Event>& a : Spec::kTables.answers) {
      if (a.status != from || a.event != event) continue;
      if (!a.refusal) return ok();
      return validation(Spec::describe(r) + " is " + std::string(to_string(from)) + " and " + a.refusal);
    }
    return conflict(Spec::describe(r) + " is " + std::string(to_string(from)) + "; " +
                    std::string(Spec::event_name(event)) + " is not possible in that status");
  }
  std::optional<std::string> next;
  switch (row->rule) {
    case ReasonRule::Clear: break;
    case ReasonRule::Keep:
      if (const auto* own = Spec::reason(r)) next = *own;
      break;
    case ReasonRule::Set: next = row->reason; break;
    case ReasonRule::FromEvent: next = std::move(reason); break;
  }
  change(db, scope, r, row->to, std::move(next), at, cause);
  return ok();
}

template <class Spec>
Status Lifecycle<Spec>::force(Store& db, const Scope& scope, Resource& r, State to, std::optional<std::string> reason,
                              bool force, int64_t at, Cause cause) {
  const State from = Spec::status(r);
  if (!force && !reachable(from, to))
    return conflict(Spec::describe(r) + " cannot go from " + std::string(to_string(from)) + " to " +
                    std::string(to_string(to)) + " in one transition; send \"force\": true to set it anyway");
  change(db, scope, r, to, std::move(reason), at, cause);
  return ok();
}

template <class Spec>
void Lifecycle<Spec>::end(Store& db, const Scope& scope, Resource& r, int64_t at, Cause cause) {
  // Erasing may destroy the resource `r` refers to: read what the history needs first.
  const std::string key = Spec::key(r);
  const State last = Spec::status(r);
  core_.scheduler().cancel(db, scope, Spec::kKind, key);
  Spec::erase(core_, db, scope, r);
  repo::record_transition(db, scope, Spec::kKind, key, to_string(last), Spec::kGone, std::nullopt, to_string(cause), at);
}

template <class Spec>
void Lifecycle<Spec>::rearm(Store& db, const Scope& scope, Resource& r, int64_t at) {
  const std::string key = Spec::key(r);
  leave(db, scope, key, Spec::status(r));
  Step step{core_, owner_, cascades_, db, scope, r, Spec::status(r), at, Cause::Timer};
  keep_lifetime_timers(db, scope, r, key, arm_status_timers(step, key), false);
}

template <class Spec>
void Lifecycle<Spec>::rearm(Store& db, const Scope& scope, Resource& r, TimerEvent t, int64_t at) {
  const std::string key = Spec::key(r);
  core_.scheduler().cancel(db, scope, Spec::kKind, key, timer_name(t));
  Step step{core_, owner_, cascades_, db, scope, r, Spec::status(r), at, Cause::Timer};
  // The status's other timers may fall due first; this one's due time is enough to decide by.
  keep_lifetime_timers(db, scope, r, key, arm_status_timers(step, key, &t), false);
}

template <class Spec>
void Lifecycle<Spec>::on_timer(Store& db, const Timer& t) {
  const auto timer = parse_timer(t.event);
  if (!timer) {
    spdlog::warn("unknown {} timer event {}", Spec::kKind, t.event);
    return;
  }
  const TimerEventRow<Spec>* row = nullptr;
  for (const TimerEventRow<Spec>& e : Spec::kTables.timer_events)
    if (e.timer == *timer) row = &e;
  Spec::visit(core_, db, t.scope, t.resource, [&](Resource& r) {
    TimerFiring<Spec> firing{core_, owner_, cascades_, db, t.scope, r, t, row->event, row->cause, std::nullopt};
    // (One that handled the timer itself may have ended the resource: `r` is not touched again.)
    if (row->interpret && !row->interpret(firing)) return;
    if (!find(Spec::status(r), firing.event)) {
      // Timers are cancelled when their status is left, so this only happens
      // for a deadline that no longer applies (e.g. a fault timer on an ending resource).
      spdlog::debug("timer {} for {} ignored in status {}", t.event, t.resource, to_string(Spec::status(r)));
      // It may have been the one that fell due before the resource's lifetime timers.
      keep_lifetime_timers(db, t.scope, r, t.resource, std::nullopt, false);
      return;
    }
    (void)apply(db, t.scope, r, firing.event, t.due_ms, firing.cause, std::move(firing.reason));
  });
}

}  // namespace gls
