// A small world for lifecycle tests: an emulator on an in-memory store with
// a manual clock, one READY application and one ACTIVE stream group with two
// ACTIVE locations, and makers of resources in any status.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>

#include "state/emulator.hpp"
#include "state/store/repository.hpp"
#include "tests/unit/manual_emulator.hpp"

namespace gls::testing {

inline const Scope kScope{"111122223333", "us-west-2"};
inline constexpr const char* kSecondLocation = "us-east-2";

using Timers = std::set<std::string>;

inline Timers timers_in(Store& db, std::string_view kind, const std::string& key) {
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
    emu = manual_emulator(7);
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

// A StartStreamSession of the world's application in its group, with this offer.
inline StartSessionRequest start_request(const World& w, std::string offer) {
  StartSessionRequest r;
  r.group_identifier = w.group_id;
  r.application_identifier = w.app_id;
  r.draft.signal_request = std::move(offer);
  return r;
}

// A valid offer of a data channel alone; `version` tells offers apart.
inline std::string data_channel_offer(int version) {
  return "v=0\r\no=- 77 " + std::to_string(version) +
         " IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE d\r\n"
         "a=ice-ufrag:Ab3d\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
         "a=fingerprint:sha-256 AB:CD\r\na=setup:actpass\r\n"
         "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:d\r\na=sctp-port:5000\r\n";
}

}  // namespace gls::testing
