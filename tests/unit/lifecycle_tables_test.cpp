// Every lifecycle table, row by row, through the engine on the real store:
// for each resource, every (status, event) pair either leads where its row
// says (with its StatusReason and the new status's timers, read back from
// the store) or is refused and changes nothing. Then what entering a status
// does, and timers firing into their events.
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "state/emulator.hpp"
#include "state/store/repository.hpp"

using namespace gls;

namespace {

const Scope kScope{"111122223333", "us-west-2"};
constexpr const char* kSecondLocation = "us-east-2";

using Timers = std::set<std::string>;

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

Timers timers_in(Store& db, std::string_view kind, const std::string& key) {
  Timers out;
  Stmt q = db.prepare("SELECT event FROM timers WHERE kind = ? AND resource = ?");
  q.args(kind, key);
  while (q.step()) out.insert(q.text(0));
  return out;
}

struct World {
  std::unique_ptr<Emulator> emu;
  int64_t now = 0;
  std::string app_id = "a-TABLE0001";
  std::string group_id = "sg-TABLE0001";

  explicit World(int64_t capacity = 100) {
    auto store = Store::open(":memory:");
    REQUIRE(store.ok());
    EmulatorConfig config;
    config.clock_mode = ClockMode::Manual;
    config.seed = 7;
    emu = std::make_unique<Emulator>(std::move(*store), config);
    now = emu->clock().now_ms();
    emu->store().transaction([&](Store& db) {
      Application a = application(ApplicationStatus::Ready);
      a.id = app_id;
      repo::insert_application(db, kScope, a);
      StreamGroup g = group(StreamGroupStatus::Active);
      g.id = group_id;
      g.locations.front().always_on = capacity;
      g.locations.push_back(location(kSecondLocation, LocationStatus::Active));
      g.app_ids.push_back(app_id);
      repo::insert_stream_group(db, kScope, g);
    });
  }

  template <class F>
  auto in_store(F&& f) {
    return emu->store().transaction([&](Store& db) { return f(db); });
  }
  Timers timers(std::string_view kind, const std::string& key) {
    return in_store([&](Store& db) { return timers_in(db, kind, key); });
  }
  void advance(int64_t ms) {
    REQUIRE(emu->clock().advance(ms).ok());
    emu->catch_up();
  }

  Application application(ApplicationStatus status) {
    Application a;
    a.id = emu->ids().application();
    a.description = "table";
    a.runtime_type = "PROTON";
    a.runtime_version = "20241007";
    a.executable_path = "game";
    a.source_uri = "s3://table/game";
    a.status = status;
    a.created_ms = a.updated_ms = now;
    return a;
  }
  static GroupLocation location(std::string name, LocationStatus status) {
    GroupLocation l;
    l.name = std::move(name);
    l.status = status;
    l.always_on = 1;
    return l;
  }
  StreamGroup group(StreamGroupStatus status) {
    StreamGroup g;
    g.id = emu->ids().stream_group();
    g.description = "table";
    g.stream_class = "gen4n_high";
    g.status = status;
    g.created_ms = g.updated_ms = now;
    g.locations.push_back(location(kScope.region, LocationStatus::Active));
    return g;
  }
  StreamSession session(SessionStatus status, std::string where = kScope.region) {
    StreamSession s;
    s.group_id = group_id;
    s.id = emu->ids().stream_session();
    s.app_id = app_id;
    s.status = status;
    s.location = std::move(where);
    s.signal_request = "offer";
    s.created_ms = s.updated_ms = now;
    s.placed = !is_final(status);
    if (status == SessionStatus::Terminating) s.status_reason = "apiTerminated";
    return s;
  }
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
      case S::Activating: return {"placed", "maxSessionLength"};
      case S::Active: return {"connectionTimeout", "maxSessionLength"};
      case S::Connected: return {"idleTimeout", "maxSessionLength"};
      case S::PendingClientReconnection: return {"reconnectionTimeout", "maxSessionLength"};
      case S::Reconnecting: return {"reconnected", "maxSessionLength"};
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
       {S::Terminated, E::TerminateRequested},
       {S::Error, E::TerminateRequested}});
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
          w.emu->applications().adopt(db, kScope, a);
          repo::insert_application(db, kScope, a);
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
          repo::insert_stream_group(db, kScope, g);
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
          repo::insert_stream_group(db, kScope, g);
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
          w.emu->stream_urls().adopt(db, kScope, u);
          repo::insert_stream_url(db, kScope, u);
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

// ---- what entering a status does -------------------------------------------------

TEST_CASE("a session placed holds a unit; ending gives it back and places the oldest waiting session") {
  World w(1);
  StreamSession first = w.session(SessionStatus::Activating);
  StreamSession second = w.session(SessionStatus::Activating);
  SessionLifecycle& lifecycle = w.emu->session_lifecycle();
  w.in_store([&](Store& db) {
    lifecycle.start(db, kScope, first, w.now);
    repo::insert_session(db, kScope, first);
    lifecycle.start(db, kScope, second, w.now);
    repo::insert_session(db, kScope, second);
  });
  CHECK(first.placed);
  CHECK_FALSE(second.placed);  // the only unit is taken: it waits
  CHECK(w.timers("streamsession", SessionLifecycle::resource_key(second)) ==
        Timers{"placementTimeout", "maxSessionLength"});
  first.export_status = "PENDING";
  w.in_store([&](Store& db) {
    REQUIRE(lifecycle.apply(db, kScope, first, SessionEvent::Placed, w.now, Cause::Timer).ok());
    CHECK(first.signal_response.has_value());  // entering ACTIVE answers the offer
    REQUIRE(lifecycle.force(db, kScope, first, SessionStatus::Terminated, std::nullopt, true, w.now).ok());
  });
  CHECK_FALSE(first.placed);
  CHECK(first.export_status == "SUCCEEDED");
  auto placed = w.in_store([&](Store& db) { return repo::find_session(db, kScope, w.group_id, second.id); });
  REQUIRE(placed);
  CHECK(placed->placed);
  CHECK(w.timers("streamsession", SessionLifecycle::resource_key(second)) == Timers{"placed", "maxSessionLength"});

  // Entering ERROR fails a pending export.
  placed->export_status = "PENDING";
  w.in_store([&](Store& db) {
    REQUIRE(lifecycle.apply(db, kScope, *placed, SessionEvent::Failed, w.now, Cause::Admin, "internalError").ok());
  });
  CHECK(placed->export_status == "FAILED");
}

TEST_CASE("entering DELETING ends a group's sessions; entering REMOVING ends a location's") {
  World w;
  StreamSession here = w.session(SessionStatus::Active);
  StreamSession there = w.session(SessionStatus::Connected, kSecondLocation);
  w.in_store([&](Store& db) {
    for (StreamSession* s : {&here, &there}) {
      w.emu->session_lifecycle().adopt(db, kScope, *s);
      repo::insert_session(db, kScope, *s);
    }
    auto g = repo::find_stream_group(db, kScope, w.group_id);
    REQUIRE(g);
    GroupLocationRef second{*g, g->locations.back()};
    REQUIRE(second.location.name == kSecondLocation);
    REQUIRE(w.emu->stream_groups().location_lifecycle().apply(db, kScope, second, LocationEvent::Remove, w.now,
                                                              Cause::Api).ok());
    CHECK(repo::find_session(db, kScope, w.group_id, there.id)->status == SessionStatus::Terminating);
    CHECK(repo::find_session(db, kScope, w.group_id, here.id)->status == SessionStatus::Active);
    REQUIRE(w.emu->stream_groups().lifecycle().apply(db, kScope, *g, StreamGroupEvent::Delete, w.now, Cause::Api)
                .ok());
    auto ended = repo::find_session(db, kScope, w.group_id, here.id);
    CHECK(ended->status == SessionStatus::Terminating);
    CHECK(ended->status_reason == std::optional<std::string>("apiTerminated"));
  });
}

// ---- timers firing into their events ----------------------------------------------

TEST_CASE("an application's timers carry it to READY, and DELETING ends with it gone") {
  World w;
  Application a = w.application(ApplicationStatus::Initialized);
  w.in_store([&](Store& db) {
    w.emu->applications().lifecycle().start(db, kScope, a, ApplicationStatus::Initialized, w.now);
    repo::insert_application(db, kScope, a);
  });
  const Timings& t = w.emu->timings();
  w.advance(t.millis("application", "initializedSeconds") + t.millis("application", "processingSeconds"));
  auto ready = w.in_store([&](Store& db) { return repo::find_application(db, kScope, a.id); });
  REQUIRE(ready);
  CHECK(ready->status == ApplicationStatus::Ready);
  w.in_store([&](Store& db) {
    REQUIRE(w.emu->applications().lifecycle().apply(db, kScope, *ready, ApplicationEvent::Delete, w.emu->clock().now_ms(),
                                                    Cause::Api).ok());
  });
  w.advance(t.millis("application", "deletingSeconds"));
  w.in_store([&](Store& db) {
    CHECK_FALSE(repo::find_application(db, kScope, a.id).has_value());
    auto h = repo::history(db, kScope, "application", a.id);
    REQUIRE(h.size() == 5);  // INITIALIZED, PROCESSING, READY, DELETING, DELETED
    CHECK(h[1].cause == "timer");
    CHECK(h.back().to == "DELETED");
  });
}

TEST_CASE("a group's activation brings its activating locations up with it; a removed location goes") {
  World w;
  StreamGroup g = w.group(StreamGroupStatus::Activating);
  g.locations.front().status = LocationStatus::Activating;
  g.locations.push_back(World::location(kSecondLocation, LocationStatus::Activating));
  w.in_store([&](Store& db) {
    w.emu->stream_groups().adopt(db, kScope, g);
    repo::insert_stream_group(db, kScope, g);
  });
  // Locations of an activating group have no timer of their own.
  CHECK(w.timers("location", StreamGroups::location_key(g.id, kSecondLocation)).empty());
  w.advance(w.emu->timings().millis("streamGroup", "activatingSeconds"));
  auto up = w.in_store([&](Store& db) { return repo::find_stream_group(db, kScope, g.id); });
  REQUIRE(up);
  CHECK(up->status == StreamGroupStatus::Active);
  for (const GroupLocation& l : up->locations) CHECK(l.status == LocationStatus::Active);

  w.in_store([&](Store& db) {
    GroupLocationRef second{*up, up->locations.back()};
    REQUIRE(w.emu->stream_groups().location_lifecycle().apply(db, kScope, second, LocationEvent::Remove,
                                                              w.emu->clock().now_ms(), Cause::Api).ok());
    w.emu->stream_groups().settle(db, kScope, *up, w.emu->clock().now_ms(), Cause::Api);
  });
  CHECK(w.in_store([&](Store& db) { return repo::find_stream_group(db, kScope, g.id)->status; }) ==
        StreamGroupStatus::UpdatingLocations);
  w.advance(w.emu->timings().millis("streamGroup", "locationRemovingSeconds"));
  w.in_store([&](Store& db) {
    auto after = repo::find_stream_group(db, kScope, g.id);
    REQUIRE(after);
    CHECK(after->status == StreamGroupStatus::Active);  // settled once the location is gone
    CHECK(after->locations.size() == 1);
    auto h = repo::history(db, kScope, "location", StreamGroups::location_key(g.id, kSecondLocation));
    CHECK(h.back().to == "REMOVED");
  });
}
