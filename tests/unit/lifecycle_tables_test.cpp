// Every lifecycle table, row by row, through the engine on the real store:
// for each resource, every (status, event) pair either leads where its row
// says (with its StatusReason and the new status's timers, read back from
// the store), gets its own answer, or is refused and changes nothing.
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/lifecycle_world.hpp"

using namespace gls;
using namespace gls::testing;

namespace {

// One expected row: (from, event) -> to, with the StatusReason it leaves.
template <class State, class Event>
struct Row {
  State from;
  Event event;
  State to;
  std::optional<std::string> reason;
};

// What the store holds after an event was applied to a fresh resource in some status.
template <class State>
struct Outcome {
  Status applied = ok();
  State status;
  std::optional<std::string> reason;
  Timers timers;
};

// Drives every (status, event) pair through `drive` on a fresh resource.
template <class State, class Event, class Drive>
void check_table(const std::vector<Row<State, Event>>& rows, const std::vector<State>& states,
                 const std::vector<Event>& events, Drive drive, const std::function<Timers(State)>& timers_of,
                 const std::vector<Answer<State, Event>>& answers = {}) {
  for (State from : states)
    for (Event event : events) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(event));
      const Row<State, Event>* row = nullptr;
      for (const auto& r : rows)
        if (r.from == from && r.event == event) row = &r;
      const Answer<State, Event>* answer = nullptr;
      for (const auto& a : answers)
        if (a.status == from && a.event == event) answer = &a;
      Outcome<State> out = drive(from, event);
      if (answer) {
        CHECK(out.applied.ok() == (answer->refusal == nullptr));
        if (!out.applied.ok()) CHECK(out.applied.error().kind == ErrorKind::Validation);
        CHECK(out.status == from);  // answered without a change
      } else if (row) {
        REQUIRE(out.applied.ok());
        CHECK(out.status == row->to);
        CHECK(out.reason == row->reason);
        CHECK(out.timers == timers_of(row->to));
      } else {
        REQUIRE_FALSE(out.applied.ok());
        CHECK(out.applied.error().kind == ErrorKind::Conflict);
        CHECK(out.status == from);  // nothing changed in the store
      }
    }
}

}  // namespace

TEST_CASE("the stream-session table, row by row") {
  using S = SessionStatus;
  using E = SessionEvent;
  const std::optional<std::string> none;
  auto r = [](const char* s) { return std::optional<std::string>(s); };
  const std::vector<Row<S, E>> rows = {
      {S::Activating, E::Placed, S::Active, none},
      {S::Activating, E::PlacedWithoutClient, S::PendingClientReconnection, none},
      {S::Activating, E::SignalRejected, S::Error, r("invalidSignalRequest")},
      {S::Activating, E::PlacementTimeout, S::Error, r("placementTimeout")},
      {S::Activating, E::MaxSessionLength, S::Terminating, r("maxSessionLengthTimeout")},
      {S::Activating, E::Failed, S::Error, r("internalError")},
      {S::Active, E::ClientConnected, S::Connected, none},
      {S::Active, E::ConnectionRequested, S::Reconnecting, none},
      {S::Active, E::ConnectionTimeout, S::Terminating, r("connectionTimeout")},
      {S::Active, E::TerminateRequested, S::Terminating, r("apiTerminated")},
      {S::Active, E::ApplicationExited, S::Terminating, r("applicationExit")},
      {S::Active, E::MaxSessionLength, S::Terminating, r("maxSessionLengthTimeout")},
      {S::Active, E::Failed, S::Error, r("internalError")},
      {S::Connected, E::ClientDisconnected, S::PendingClientReconnection, none},
      {S::Connected, E::IdleTimeout, S::Terminating, r("idleTimeout")},
      {S::Connected, E::TerminateRequested, S::Terminating, r("apiTerminated")},
      {S::Connected, E::ApplicationExited, S::Terminating, r("applicationExit")},
      {S::Connected, E::MaxSessionLength, S::Terminating, r("maxSessionLengthTimeout")},
      {S::Connected, E::Failed, S::Error, r("internalError")},
      {S::PendingClientReconnection, E::ConnectionRequested, S::Reconnecting, none},
      {S::PendingClientReconnection, E::ReconnectionTimeout, S::Terminating, r("reconnectionTimeout")},
      {S::PendingClientReconnection, E::TerminateRequested, S::Terminating, r("apiTerminated")},
      {S::PendingClientReconnection, E::ApplicationExited, S::Terminating, r("applicationExit")},
      {S::PendingClientReconnection, E::MaxSessionLength, S::Terminating, r("maxSessionLengthTimeout")},
      {S::PendingClientReconnection, E::Failed, S::Error, r("internalError")},
      {S::Reconnecting, E::Reconnected, S::Active, none},
      {S::Reconnecting, E::SignalRejected, S::Error, r("invalidSignalRequest")},
      {S::Reconnecting, E::TerminateRequested, S::Terminating, r("apiTerminated")},
      {S::Reconnecting, E::ApplicationExited, S::Terminating, r("applicationExit")},
      {S::Reconnecting, E::MaxSessionLength, S::Terminating, r("maxSessionLengthTimeout")},
      {S::Reconnecting, E::Failed, S::Error, r("internalError")},
      {S::Terminating, E::Terminated, S::Terminated, r("apiTerminated")},  // the reason stays
      {S::Error, E::TerminateRequested, S::Terminating, r("apiTerminated")},
  };
  CHECK(SessionLifecycle::table().size() == rows.size());
  const std::vector<E> events = {E::Placed, E::PlacedWithoutClient, E::SignalRejected, E::PlacementTimeout,
                                 E::ClientConnected, E::ClientDisconnected, E::ConnectionTimeout,
                                 E::ReconnectionTimeout, E::ConnectionRequested, E::Reconnected, E::IdleTimeout,
                                 E::MaxSessionLength, E::ApplicationExited, E::Failed, E::TerminateRequested,
                                 E::Terminated};
  World w;
  auto timers_of = [](S s) -> Timers {
    switch (s) {
      // The maximum length (12 hours) falls due after each status's own
      // deadline: its timer is not written yet.
      case S::Activating:
        return {"placed"};
      case S::Active:
        return {"connectionTimeout"};
      case S::Connected:
        return {"idleTimeout"};
      case S::PendingClientReconnection:
        return {"reconnectionTimeout"};
      case S::Reconnecting:
        return {"reconnected"};
      case S::Terminating: return {"terminated"};
      case S::Terminated:
      case S::Error: return {};
    }
    return {};
  };
  check_table<S, E>(
      rows, {std::begin(kAllSessionStatuses), std::end(kAllSessionStatuses)}, events,
      [&](S from, E event) {
        StreamSession s = w.session(from);
        return w.in_store([&](Store& db) {
          w.emu->session_lifecycle().adopt(db, kScope, s);
          repo::insert_session(db, kScope, s);
          Outcome<S> out;
          out.applied = w.emu->session_lifecycle().apply(db, kScope, s, event, w.now, Cause::Admin, "internalError");
          auto stored = repo::find_session(db, kScope, s.group_id, s.id);
          REQUIRE(stored);
          out.status = stored->status;
          out.reason = stored->status_reason;
          out.timers = timers_in(db, SessionMachine::kKind, SessionLifecycle::resource_key(s));
          return out;
        });
      },
      timers_of,
      {{S::Activating, E::TerminateRequested, "cannot be terminated until it leaves ACTIVATING"},
       {S::Terminating, E::TerminateRequested},
       {S::Terminated, E::TerminateRequested}});
}

TEST_CASE("the application table, row by row") {
  using A = ApplicationStatus;
  using E = ApplicationEvent;
  const std::optional<std::string> none;
  const std::vector<Row<A, E>> rows = {
      {A::Initialized, E::Processing, A::Processing, none}, {A::Initialized, E::Fail, A::Error, "accessDenied"},
      {A::Processing, E::Ready, A::Ready, none},            {A::Processing, E::Fail, A::Error, "accessDenied"},
      {A::Ready, E::Fail, A::Error, "accessDenied"},        {A::Ready, E::Delete, A::Deleting, none},
      {A::Error, E::Delete, A::Deleting, none},
  };
  CHECK(ApplicationLifecycle::rows().size() == rows.size());
  World w;
  check_table<A, E>(
      rows, {A::Initialized, A::Processing, A::Ready, A::Deleting, A::Error},
      {E::Processing, E::Ready, E::Fail, E::Delete},
      [&](A from, E event) {
        Application a = w.application(from);
        return w.in_store([&](Store& db) {
          REQUIRE(w.emu->applications().adopt(db, kScope, a).ok());
          Outcome<A> out;
          out.applied = w.emu->applications().lifecycle().apply(db, kScope, a, event, w.now, Cause::Admin,
                                                                "accessDenied");
          auto stored = repo::find_application(db, kScope, a.id);
          REQUIRE(stored);
          out.status = stored->status;
          out.reason = stored->status_reason;
          out.timers = timers_in(db, ApplicationMachine::kKind, a.id);
          return out;
        });
      },
      [](A s) -> Timers {
        switch (s) {
          case A::Initialized: return {"processing"};
          case A::Processing: return {"ready"};
          case A::Deleting: return {"deleted"};
          case A::Ready:
          case A::Error: return {};
        }
        return {};
      });
}

TEST_CASE("the stream-group table, row by row") {
  using G = StreamGroupStatus;
  using E = StreamGroupEvent;
  const std::optional<std::string> none;
  const std::optional<std::string> failed("noAvailableInstances");
  std::vector<Row<G, E>> rows = {
      {G::Activating, E::Activated, G::Active, none},
      {G::Activating, E::ActivatedWithErrors, G::ActiveWithErrors, none},
      {G::Active, E::LocationsChanging, G::UpdatingLocations, none},
      {G::Active, E::LocationsSettledWithErrors, G::ActiveWithErrors, none},
      {G::ActiveWithErrors, E::LocationsChanging, G::UpdatingLocations, none},
      {G::ActiveWithErrors, E::LocationsSettled, G::Active, none},
      {G::UpdatingLocations, E::LocationsSettled, G::Active, none},
      {G::UpdatingLocations, E::LocationsSettledWithErrors, G::ActiveWithErrors, none},
  };
  for (G from : {G::Activating, G::Active, G::ActiveWithErrors, G::UpdatingLocations})
    rows.push_back({from, E::Fail, G::Error, failed});
  for (G from : {G::Active, G::ActiveWithErrors, G::UpdatingLocations, G::Error})
    rows.push_back({from, E::Expire, G::Expired, none});
  for (G from : {G::Activating, G::Active, G::ActiveWithErrors, G::UpdatingLocations, G::Error, G::Expired})
    rows.push_back({from, E::Delete, G::Deleting, none});
  CHECK(StreamGroupLifecycle::rows().size() == rows.size());
  World w;
  check_table<G, E>(
      rows,
      {G::Activating, G::UpdatingLocations, G::Active, G::ActiveWithErrors, G::Error, G::Deleting, G::Expired},
      {E::Activated, E::ActivatedWithErrors, E::LocationsChanging, E::LocationsSettled,
       E::LocationsSettledWithErrors, E::Fail, E::Expire, E::Delete},
      [&](G from, E event) {
        StreamGroup g = w.group(from);
        return w.in_store([&](Store& db) {
          w.emu->stream_groups().adopt(db, kScope, g);
          Outcome<G> out;
          out.applied = w.emu->stream_groups().lifecycle().apply(db, kScope, g, event, w.now, Cause::Admin,
                                                                 "noAvailableInstances");
          auto stored = repo::find_stream_group(db, kScope, g.id);
          REQUIRE(stored);
          out.status = stored->status;
          out.reason = stored->status_reason;
          out.timers = timers_in(db, StreamGroupMachine::kKind, g.id);
          return out;
        });
      },
      [](G s) -> Timers {
        if (s == G::Activating) return {"activated"};
        if (s == G::Deleting) return {"deleted"};
        return {};  // these groups never expire
      });
}

TEST_CASE("the location table, row by row") {
  using L = LocationStatus;
  using E = LocationEvent;
  const std::optional<std::string> none;
  const std::vector<Row<L, E>> rows = {
      {L::Activating, E::Activated, L::Active, none}, {L::Activating, E::Fail, L::Error, none},
      {L::Activating, E::Remove, L::Removing, none},  {L::Active, E::Fail, L::Error, none},
      {L::Active, E::Remove, L::Removing, none},      {L::Error, E::Recover, L::Active, none},
      {L::Error, E::Remove, L::Removing, none},
  };
  CHECK(LocationLifecycle::rows().size() == rows.size());
  World w;
  check_table<L, E>(
      rows, {L::Activating, L::Active, L::Error, L::Removing}, {E::Activated, E::Fail, E::Recover, E::Remove},
      [&](L from, E event) {
        StreamGroup g = w.group(StreamGroupStatus::Active);
        g.locations.push_back(World::location(kSecondLocation, from));
        return w.in_store([&](Store& db) {
          w.emu->stream_groups().adopt(db, kScope, g);
          GroupLocationRef second{g, g.locations.back()};
          Outcome<L> out;
          out.applied = w.emu->stream_groups().location_lifecycle().apply(db, kScope, second, event, w.now,
                                                                          Cause::Admin);
          auto stored = repo::find_location(db, kScope, g.id, kSecondLocation);
          REQUIRE(stored);
          out.status = stored->status;
          out.timers = timers_in(db, LocationMachine::kKind, StreamGroups::location_key(g.id, kSecondLocation));
          return out;
        });
      },
      [](L s) -> Timers {
        if (s == L::Activating) return {"activated"};  // its group is up: it comes up on its own
        if (s == L::Removing) return {"removed"};
        return {};
      });
}

TEST_CASE("the stream-URL table, row by row") {
  using U = StreamUrlStatus;
  using E = StreamUrlEvent;
  const std::optional<std::string> none;
  const std::vector<Row<U, E>> rows = {
      {U::Active, E::Expire, U::Expired, none},
      {U::Active, E::UsedUp, U::LimitReached, none},
      {U::Active, E::Revoke, U::Revoked, "userRevoked"},
      {U::Expired, E::Revoke, U::Revoked, "userRevoked"},
      {U::LimitReached, E::Revoke, U::Revoked, "userRevoked"},
      {U::Revoked, E::SessionsEnded, U::Revoked, "revokedAndSessionsTerminated"},
  };
  CHECK(StreamUrlLifecycle::rows().size() == rows.size());
  World w;
  check_table<U, E>(
      rows, {U::Active, U::Expired, U::Revoked, U::LimitReached},
      {E::Expire, E::UsedUp, E::Revoke, E::SessionsEnded},
      [&](U from, E event) {
        StreamUrl u;
        u.group_id = w.group_id;
        u.id = w.emu->ids().stream_url();
        u.app_id = w.app_id;
        u.status = from;
        if (from == U::Revoked) u.status_reason = "revokedAndTerminatingSessions";
        u.created_ms = u.updated_ms = w.now;
        u.expires_ms = w.now + 3'600'000;
        u.token = "token";
        return w.in_store([&](Store& db) {
          REQUIRE(w.emu->stream_urls().adopt(db, kScope, u).ok());
          Outcome<U> out;
          out.applied = w.emu->stream_urls().lifecycle().apply(db, kScope, u, event, w.now, Cause::Admin,
                                                               "userRevoked");
          auto stored = repo::find_stream_url(db, kScope, u.group_id, u.id);
          REQUIRE(stored);
          out.status = stored->status;
          out.reason = stored->status_reason;
          out.timers = timers_in(db, StreamUrlMachine::kKind, StreamUrls::resource_key(u));
          return out;
        });
      },
      [](U s) { return s == U::Active ? Timers{"expired"} : Timers{}; });
}

