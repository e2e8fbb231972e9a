// What entering a status does (capacity, exports, ending the sessions of a
// group or a location), and timers firing into their events, through the
// lifecycle engine on the real store.
#include <doctest/doctest.h>

#include <string>

#include "tests/unit/lifecycle_world.hpp"

using namespace gls;
using namespace gls::testing;

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
  CHECK(w.timers("streamsession", SessionLifecycle::resource_key(second)) == Timers{"placementTimeout"});
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
  CHECK(w.timers("streamsession", SessionLifecycle::resource_key(second)) == Timers{"placed"});

  // Entering ERROR fails a pending export.
  placed->export_status = "PENDING";
  w.in_store([&](Store& db) {
    REQUIRE(lifecycle.apply(db, kScope, *placed, SessionEvent::Failed, w.now, Cause::Admin, "internalError").ok());
  });
  CHECK(placed->export_status == "FAILED");
}

TEST_CASE("a maximum length is written as a timer once it falls due first, and ends the session at its time") {
  World w;
  SessionLifecycle& lifecycle = w.emu->session_lifecycle();
  const auto key = [](const StreamSession& s) { return SessionLifecycle::resource_key(s); };
  const auto stored = [&](const StreamSession& s) {
    auto found = w.in_store([&](Store& db) { return repo::find_session(db, kScope, s.group_id, s.id); });
    REQUIRE(found);
    return *found;
  };

  // 60 s: placed after 2 s, then the 120 s connection timeout would come later.
  StreamSession short_one = w.session(SessionStatus::Activating);
  short_one.session_length_s = 60;
  // 90 minutes: CONNECTED's 60-minute idle timeout comes first, until user input moves it past the end.
  StreamSession idle_one = w.session(SessionStatus::Activating);
  idle_one.session_length_s = 90 * 60;
  const int64_t started = w.now;
  w.in_store([&](Store& db) {
    for (StreamSession* s : {&short_one, &idle_one}) {
      lifecycle.start(db, kScope, *s, w.now);
      repo::insert_session(db, kScope, *s);
    }
  });
  CHECK(w.timers("streamsession", key(short_one)) == Timers{"placed"});
  CHECK(w.timers("streamsession", key(idle_one)) == Timers{"placed"});

  w.advance(2000);  // both placed: ACTIVE
  CHECK(stored(short_one).status == SessionStatus::Active);
  CHECK(w.timers("streamsession", key(short_one)) == Timers{"connectionTimeout", "maxSessionLength"});
  CHECK(w.timers("streamsession", key(idle_one)) == Timers{"connectionTimeout"});

  StreamSession connected = stored(idle_one);
  w.in_store([&](Store& db) {
    REQUIRE(lifecycle.apply(db, kScope, connected, SessionEvent::ClientConnected, w.emu->clock().now_ms(), Cause::Admin)
                .ok());
  });
  CHECK(w.timers("streamsession", key(idle_one)) == Timers{"idleTimeout"});
  w.advance(58'000);  // the short one's 60 s are up
  StreamSession ended = stored(short_one);
  CHECK(ended.status == SessionStatus::Terminating);
  CHECK(ended.status_reason == "maxSessionLengthTimeout");
  CHECK(ended.updated_ms == started + 60'000);

  // An ended session arms no maximum length, even with a timer of its own due after it.
  StreamSession exporting = w.session(SessionStatus::Activating);
  exporting.session_length_s = 60;
  exporting.export_status = "PENDING";
  exporting.export_fails_at_ms = w.emu->clock().now_ms() + 120'000;
  w.in_store([&](Store& db) {
    lifecycle.start(db, kScope, exporting, w.emu->clock().now_ms());
    repo::insert_session(db, kScope, exporting);
    REQUIRE(
        lifecycle.force(db, kScope, exporting, SessionStatus::Terminated, std::nullopt, true, w.emu->clock().now_ms())
            .ok());
  });
  CHECK(w.timers("streamsession", key(exporting)) == Timers{"exportFailed"});

  w.advance(40 * 60'000 - 60'000);  // 40 minutes in: input moves the idle timeout to 100 minutes, past the end
  connected = stored(idle_one);
  w.in_store([&](Store& db) { REQUIRE(lifecycle.user_input(db, kScope, connected, w.emu->clock().now_ms()).ok()); });
  CHECK(w.timers("streamsession", key(idle_one)) == Timers{"idleTimeout", "maxSessionLength"});
  w.advance(50 * 60'000);  // 90 minutes in
  ended = stored(idle_one);
  CHECK(ended.status == SessionStatus::Terminating);
  CHECK(ended.status_reason == "maxSessionLengthTimeout");
  CHECK(ended.updated_ms == started + 90 * 60'000);
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
