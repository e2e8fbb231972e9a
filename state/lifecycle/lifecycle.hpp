// One lifecycle engine for every resource that has a status.
//
// A lifecycle is data, declared by a Spec (one per resource kind):
//   - rows: the transitions (from, event, to, what happens to StatusReason).
//     A (status, event) pair that is not a row is refused.
//   - timers: the timers each status arms on entry (timer event, the name of
//     its duration, an optional condition); leaving the status cancels them,
//     so a deadline only ever fires in the status it was armed for.
//   - lifetime timers: deadlines of the resource as a whole (an expiry, a
//     maximum length), cancelled only when it ends. One is written to the
//     timers table once it would fall due no later than the earliest timer
//     its status arms (or the status arms none): until then a status timer
//     fires first, and whatever follows (a status entered, a timer re-armed
//     or cancelled, a timer ignored in its status) looks again. Most sessions
//     end long before their maximum length: they never write that timer.
//   - entries: what entering a status does: whether it ends every pending
//     timer, an action before the resource is written and one after.
//   - timer events: the typed timer events, each with its name in the timers
//     table (the only place names appear) and the event it fires.
//   - answers: (status, event) pairs that are not transitions but have an
//     answer of their own: accepted without a change (the event has had its
//     effect already), or refused as invalid rather than conflicting.
// A Spec holds them in one LifecycleTables (kTables).
// The engine (Lifecycle<Spec>) is the only code that changes a status. Each
// change is stamped with the time its event happened (a timer's due time,
// not the time someone looked) and written to the history with its cause.
//
// Order of one change: leave (cancel the old status's timers), set the
// status and StatusReason, [end every timer], entry action, arm the new
// status's timers, write the resource, write the history, after-write action.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "state/fwd.hpp"
#include "state/ids.hpp"
#include "state/result.hpp"

namespace gls {

// What a transition does to StatusReason.
enum class ReasonRule { Clear, Keep, Set, FromEvent };

// Why a transition happened, as the history records it.
enum class Cause { Api, Timer, Admin, Fault };
constexpr std::string_view to_string(Cause c) {
  switch (c) {
    case Cause::Api: return "api";
    case Cause::Timer: return "timer";
    case Cause::Admin: return "admin";
    case Cause::Fault: return "fault";
  }
  return "?";
}

template <class State, class Event>
struct Transition {
  State from;
  Event event;
  State to;
  ReasonRule rule = ReasonRule::Clear;
  const char* reason = nullptr;  // for ReasonRule::Set
};

// The context an entry action, a timer condition or a timer interpretation sees.
template <class Spec>
struct LifecycleStep {
  Core& core;
  typename Spec::Owner& owner;  // the domain object that runs this lifecycle
  Cascades& cascades;           // what a change means for other resources
  Store& db;
  const Scope& scope;
  typename Spec::Resource& resource;
  typename Spec::State from;
  int64_t at;
  Cause cause;
  bool follow_up = false;  // set by an entry action for its after-write action
};

// A timer that a status arms on entry, `duration` after the time of entry.
template <class Spec>
struct StatusTimer {
  typename Spec::State status;
  typename Spec::TimerEvent timer;
  std::string_view duration;  // a duration name the Spec resolves (e.g. "placementSeconds")
  bool (*armed_if)(const LifecycleStep<Spec>&) = nullptr;  // null: always
};

// A deadline of the resource as a whole, at a time the resource carries.
template <class Spec>
struct LifetimeTimer {
  typename Spec::TimerEvent timer;
  std::optional<int64_t> (*due)(const typename Spec::Resource&);
  bool (*armed_if)(const typename Spec::Resource&) = nullptr;  // whether it applies in the status; null: always
};

template <class Spec>
struct StatusEntry {
  typename Spec::State status;
  bool ends_timers = false;  // entering cancels every pending timer of the resource
  void (*on_enter)(LifecycleStep<Spec>&) = nullptr;
  void (*after_write)(LifecycleStep<Spec>&) = nullptr;
};

// What a fired timer means.
template <class Spec>
struct TimerFiring {
  Core& core;
  typename Spec::Owner& owner;
  Cascades& cascades;
  Store& db;
  const Scope& scope;
  typename Spec::Resource& resource;
  const Timer& timer;
  typename Spec::Event event;
  Cause cause;
  std::optional<std::string> reason;
};

template <class Spec>
struct TimerEventRow {
  typename Spec::TimerEvent timer;
  std::string_view name;  // as stored in the timers table
  typename Spec::Event event;
  Cause cause = Cause::Timer;
  // Refines the event from the resource and the timer's detail; false when
  // the timer was handled without a status change (null: fire `event`), in
  // which case it has also written any lifetime timer the resource needs
  // now, or ended the resource.
  bool (*interpret)(TimerFiring<Spec>&) = nullptr;
};

// A (status, event) pair that is not a transition, answered without one.
template <class State, class Event>
struct Answer {
  State status;
  Event event;
  // null: accepted, nothing changes; else refused as invalid:
  // "<resource> is <status> and <refusal>".
  const char* refusal = nullptr;
};

template <class Spec>
struct LifecycleTables {
  std::span<const Transition<typename Spec::State, typename Spec::Event>> rows;
  std::span<const StatusTimer<Spec>> timers;
  std::span<const LifetimeTimer<Spec>> lifetime_timers;
  std::span<const StatusEntry<Spec>> entries;
  std::span<const TimerEventRow<Spec>> timer_events;
  std::span<const Answer<typename Spec::State, typename Spec::Event>> answers = {};
};

// What most Specs share: the resource is a record with `status`,
// `status_reason` and `updated_ms` members, and no status is final.
template <class Record, class StateT, class EventT, class TimerEventT>
struct RecordSpec {
  using Resource = Record;
  using State = StateT;
  using Event = EventT;
  using TimerEvent = TimerEventT;
  static State& status(Record& r) { return r.status; }
  static State status(const Record& r) { return r.status; }
  static std::optional<std::string>* reason(Record& r) { return &r.status_reason; }
  static void touch(Record& r, int64_t at) { r.updated_ms = at; }
  static bool is_final(State) { return false; }
  static int64_t entered_at(const Record& r) { return r.updated_ms; }
  static std::string_view event_name(Event e) { return to_string(e); }
};

template <class Spec>
class Lifecycle {
 public:
  using Resource = typename Spec::Resource;
  using State = typename Spec::State;
  using Event = typename Spec::Event;
  using TimerEvent = typename Spec::TimerEvent;
  using Row = Transition<State, Event>;
  using Step = LifecycleStep<Spec>;

  using Owner = typename Spec::Owner;

  Lifecycle(Core& core, Owner& owner, Cascades& cascades) : core_(core), owner_(owner), cascades_(cascades) {}

  static std::span<const Row> rows() { return Spec::kTables.rows; }
  // The row for (from, event), if any.
  static const Row* find(State from, Event event);
  // Is there a row from `from` to `to`?
  static bool reachable(State from, State to);
  static std::string_view timer_name(TimerEvent t);
  static std::optional<TimerEvent> parse_timer(std::string_view name);

  // A new resource enters `initial`: entry action, its timers and its
  // lifetime timers are armed, its creation is in the history. The caller
  // inserts the resource afterwards.
  void start(Store& db, const Scope& scope, Resource& r, State initial, int64_t at, Cause cause = Cause::Api);
  // A resource that arrives in some status (fixtures, an imported state):
  // runs its status's entry action and arms its timers as of its
  // LastUpdatedAt. Call before inserting it. Final statuses arm nothing.
  void adopt(Store& db, const Scope& scope, Resource& r);

  // Applies `event` at time `at`. A pair with an Answer gets that answer;
  // Conflict when the table has no row for the resource's status and this
  // event. `reason` is for ReasonRule::FromEvent.
  Status apply(Store& db, const Scope& scope, Resource& r, Event event, int64_t at, Cause cause,
               std::optional<std::string> reason = std::nullopt);
  // Puts the resource in `to` with `reason`. Unless `force`, `to` must be
  // reachable from the current status in one transition.
  Status force(Store& db, const Scope& scope, Resource& r, State to, std::optional<std::string> reason, bool force,
               int64_t at, Cause cause = Cause::Admin);
  // The resource is gone: its timers end and the history shows Spec::kGone.
  void end(Store& db, const Scope& scope, Resource& r, int64_t at, Cause cause = Cause::Timer);

  // Fires a timer of this kind (registered with the scheduler).
  void on_timer(Store& db, const Timer& timer);

  void arm(Store& db, const Scope& scope, const Resource& r, TimerEvent t, int64_t due, std::string_view detail = {});
  void cancel(Store& db, const Scope& scope, const Resource& r, TimerEvent t);
  std::optional<int64_t> due(Store& db, const Scope& scope, const Resource& r, TimerEvent t);
  // Re-arms the current status's timers from `at` (their conditions may have
  // changed, or a timer starts again).
  void rearm(Store& db, const Scope& scope, Resource& r, int64_t at);
  // Re-arms one timer of the current status from `at`.
  void rearm(Store& db, const Scope& scope, Resource& r, TimerEvent t, int64_t at);

 private:
  static const StatusEntry<Spec>* entry(State s);
  void change(Store& db, const Scope& scope, Resource& r, State to, std::optional<std::string> reason, int64_t at,
              Cause cause);
  // These take the resource's key (Spec::key), built once per change.
  void leave(Store& db, const Scope& scope, const std::string& key, State from);
  // Entry action and timers of the resource's status.
  void enter(Step& step, bool fresh, const std::string& key);
  // Returns the earliest due time it armed.
  std::optional<int64_t> arm_status_timers(const Step& step, const std::string& key, const TimerEvent* only = nullptr);
  // Writes the lifetime timers that fall due no later than `earliest` (a
  // status timer's due time; nullopt: none known), unless written already
  // (`fresh`: nothing of the resource's is yet) or its status ends timers.
  void keep_lifetime_timers(Store& db, const Scope& scope, const Resource& r, const std::string& key,
                            std::optional<int64_t> earliest, bool fresh);

  Core& core_;
  Owner& owner_;
  Cascades& cascades_;
};

}  // namespace gls
