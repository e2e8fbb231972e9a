// Applications, stream groups, locations and stream URLs below the HTTP
// layer: their lifecycles on the manual clock, the capacity arithmetic and
// the stream-class rules.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "state/emulator.hpp"
#include "state/store/repository.hpp"
#include "tests/unit/manual_emulator.hpp"

using namespace gls;

namespace {

std::unique_ptr<Emulator> make_emulator() { return testing::manual_emulator(11); }

const Scope kScope{"111122223333", "us-west-2"};

void advance(Emulator& emu, double seconds) {
  REQUIRE(emu.clock().advance(static_cast<int64_t>(seconds * 1000)).ok());
  emu.catch_up();
}

Application ready_app(Emulator& emu) {
  CreateApplicationRequest r;
  r.draft.description = "game";
  r.draft.runtime_type = "PROTON";
  r.draft.runtime_version = "20241007";
  r.draft.executable_path = "bin/game.exe";
  r.draft.source_uri = "s3://bucket/game/";
  auto a = emu.applications().create(kScope, r);
  REQUIRE_MESSAGE(a.ok(), a.error().message);
  advance(emu, 6);
  auto got = emu.applications().get(kScope, a->id);
  REQUIRE(got.ok());
  REQUIRE(got->status == ApplicationStatus::Ready);
  return *got;
}

StreamGroup active_group(Emulator& emu, const std::string& app_id, int64_t always_on,
                         std::string stream_class = "gen5n_ultra") {
  CreateStreamGroupRequest r;
  r.description = "group";
  r.stream_class = std::move(stream_class);
  r.default_app = app_id;
  r.locations.push_back({"us-west-2", always_on, {}, {}, {}, {}});
  auto g = emu.stream_groups().create(kScope, r);
  REQUIRE_MESSAGE(g.ok(), g.error().message);
  advance(emu, 10);
  auto got = emu.stream_groups().get(kScope, g->id);
  REQUIRE(got.ok());
  REQUIRE(got->status == StreamGroupStatus::Active);
  return *got;
}

std::vector<std::string> statuses_of(const std::vector<HistoryEntry>& h) {
  std::vector<std::string> out;
  for (const HistoryEntry& e : h) out.push_back(e.to);
  return out;
}

}  // namespace

TEST_CASE("tenancy and GPU family follow the stream class") {
  CHECK(stream_class_tenancy("gen4n_high") == 2);
  CHECK(stream_class_tenancy("gen6n_high") == 2);
  CHECK(stream_class_tenancy("gen6n_medium") == 4);
  CHECK(stream_class_tenancy("gen6n_small") == 12);
  CHECK(stream_class_tenancy("gen6n_small_win2022") == 1);
  CHECK(stream_class_tenancy("gen5n_ultra") == 1);
  CHECK(stream_class_tenancy("gen6e_pro_win2022") == 1);
  CHECK(stream_class_family("gen6e_pro_win2022") == "gen6e");
  CHECK(stream_class_family("gen4n_high") == "gen4n");
}

TEST_CASE("allocated and idle capacity follow the running sessions") {
  GroupLocation l;
  l.status = LocationStatus::Active;
  l.always_on = 2;
  l.allocated = 0;
  CHECK(allocated_capacity(l) == 2);
  CHECK(idle_capacity(l) == 2);
  l.allocated = 2;
  CHECK(allocated_capacity(l) == 2);
  CHECK(idle_capacity(l) == 0);
  // Target-idle keeps spare units beyond the running sessions, up to the maximum.
  l.maximum = 6;
  l.target_idle = 2;
  l.allocated = 3;
  CHECK(allocated_capacity(l) == 5);
  CHECK(idle_capacity(l) == 2);
  l.allocated = 6;
  CHECK(allocated_capacity(l) == 6);
  CHECK(idle_capacity(l) == 0);
}

TEST_CASE("a session takes an idle unit first, then one allocated on demand up to the maximum") {
  GroupLocation l;
  l.status = LocationStatus::Active;
  l.always_on = 1;
  l.maximum = 2;
  CHECK(offers_on_demand(l));
  CHECK(placement_kind(l) == PlacementKind::Idle);
  l.allocated = 1;
  CHECK(placement_kind(l) == PlacementKind::OnDemand);
  l.allocated = 2;
  CHECK(placement_kind(l) == PlacementKind::None);
  l.maximum.reset();
  l.allocated = 0;
  CHECK_FALSE(offers_on_demand(l));
  l.status = LocationStatus::Activating;
  CHECK(placement_kind(l) == PlacementKind::None);
}

TEST_CASE("capacity is reported once provisioned, and an expired group keeps none idle") {
  GroupLocation l;
  l.status = LocationStatus::Activating;
  l.always_on = 3;
  CHECK(allocated_capacity(l) == 0);
  CHECK(idle_capacity(l) == 0);
  l.status = LocationStatus::Active;
  CHECK(capacity_figures(StreamGroupStatus::Active, l).allocated == 3);
  CHECK(capacity_figures(StreamGroupStatus::Active, l).idle == 3);
  l.allocated = 1;
  CHECK(capacity_figures(StreamGroupStatus::Expired, l).allocated == 1);
  CHECK(capacity_figures(StreamGroupStatus::Expired, l).idle == 0);
}

TEST_CASE("an application goes INITIALIZED, PROCESSING, READY on the clock and is gone after DELETING") {
  auto emu = make_emulator();
  CreateApplicationRequest r;
  r.draft.description = "game";
  r.draft.runtime_type = "UBUNTU";
  r.draft.runtime_version = "22_04_LTS";
  r.draft.executable_path = "game";
  r.draft.source_uri = "s3://bucket/game/";
  auto a = emu->applications().create(kScope, r);
  REQUIRE(a.ok());
  CHECK(a->status == ApplicationStatus::Initialized);
  advance(*emu, 1);
  CHECK(emu->applications().get(kScope, a->id)->status == ApplicationStatus::Processing);
  // Not deletable while processing.
  auto refused = emu->applications().remove(kScope, a->id);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Conflict);
  advance(*emu, 5);
  auto ready = emu->applications().get(kScope, a->id);
  CHECK(ready->status == ApplicationStatus::Ready);
  CHECK(ready->updated_ms == a->created_ms + 6000);  // stamped with its due time
  REQUIRE(emu->applications().remove(kScope, a->id).ok());
  CHECK(emu->applications().get(kScope, a->id)->status == ApplicationStatus::Deleting);
  advance(*emu, 2);
  auto gone = emu->applications().get(kScope, a->id);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().kind == ErrorKind::NotFound);
  auto history = emu->applications().history(kScope, a->id);
  REQUIRE(history.ok());
  CHECK(statuses_of(*history) == std::vector<std::string>{"INITIALIZED", "PROCESSING", "READY", "DELETING", "DELETED"});
}

TEST_CASE("unsupported runtime environments are refused") {
  auto emu = make_emulator();
  CreateApplicationRequest r;
  r.draft.description = "game";
  r.draft.runtime_type = "PROTON";
  r.draft.runtime_version = "20990101";
  r.draft.executable_path = "game";
  r.draft.source_uri = "s3://bucket/game/";
  auto a = emu->applications().create(kScope, r);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().kind == ErrorKind::Validation);
  CHECK(is_supported_runtime("WINDOWS", "2022"));
  CHECK_FALSE(is_supported_runtime("WINDOWS", "2019"));
}

TEST_CASE("capacity that is not a multiple of the tenancy is refused, and a default unit is given") {
  auto emu = make_emulator();
  const Application app = ready_app(*emu);
  CreateStreamGroupRequest r;
  r.description = "group";
  r.stream_class = "gen6n_medium";  // tenancy 4
  r.locations.push_back({"us-west-2", 6, {}, {}, {}, {}});
  auto refused = emu->stream_groups().create(kScope, r);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Validation);
  CHECK(refused.error().message.find("tenancy") != std::string::npos);
  r.locations = {{"us-east-1", {}, {}, {}, {}, {}}};
  auto g = emu->stream_groups().create(kScope, r);
  REQUIRE(g.ok());
  REQUIRE(g->locations.size() == 2);
  CHECK(g->locations[0].name == "us-west-2");  // the primary location comes first
  CHECK(g->locations[0].always_on == 4);
  CHECK(g->locations[1].always_on == 4);
  (void)app;
}

TEST_CASE("a location being added or removed puts the group in UPDATING_LOCATIONS; the primary stays") {
  auto emu = make_emulator();
  const Application app = ready_app(*emu);
  const StreamGroup g = active_group(*emu, app.id, 1);
  auto added = emu->stream_groups().add_locations(kScope, g.id, {{"eu-west-1", 1, {}, {}, {}, {}}});
  REQUIRE(added.ok());
  CHECK(added->first.status == StreamGroupStatus::UpdatingLocations);
  CHECK(added->second == std::vector<std::string>{"eu-west-1"});
  advance(*emu, 10);
  CHECK(emu->stream_groups().get(kScope, g.id)->status == StreamGroupStatus::Active);
  auto primary = emu->stream_groups().remove_locations(kScope, g.id, {"us-west-2"});
  REQUIRE_FALSE(primary.ok());
  CHECK(primary.error().kind == ErrorKind::Validation);
  REQUIRE(emu->stream_groups().remove_locations(kScope, g.id, {"eu-west-1"}).ok());
  CHECK(emu->stream_groups().get(kScope, g.id)->status == StreamGroupStatus::UpdatingLocations);
  advance(*emu, 5);
  auto after = emu->stream_groups().get(kScope, g.id);
  CHECK(after->status == StreamGroupStatus::Active);
  CHECK(after->locations.size() == 1);
  auto history = emu->stream_groups().location_history(kScope, g.id, "eu-west-1");
  REQUIRE(history.ok());
  CHECK(statuses_of(*history) == std::vector<std::string>{"ACTIVATING", "ACTIVE", "REMOVING", "REMOVED"});
}

TEST_CASE("a session waits for a unit and is placed when one frees up; deleting the group ends it") {
  auto emu = make_emulator();
  const Application app = ready_app(*emu);
  const StreamGroup g = active_group(*emu, app.id, 1);
  StartSessionRequest r;
  r.group_identifier = g.id;
  r.application_identifier = app.id;
  r.draft.signal_request = "offer";
  auto first = emu->sessions().start(kScope, r);
  auto second = emu->sessions().start(kScope, r);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->placed);
  CHECK_FALSE(second->placed);
  auto group = emu->stream_groups().get(kScope, g.id);
  CHECK(allocated_capacity(group->locations[0]) == 1);
  CHECK(idle_capacity(group->locations[0]) == 0);
  // One more unit: the waiting session is placed.
  UpdateStreamGroupRequest u;
  u.identifier = g.id;
  u.locations.push_back({"us-west-2", 2, {}, {}, {}, {}});
  REQUIRE(emu->stream_groups().update(kScope, u).ok());
  advance(*emu, emu->timings().seconds("streamGroup", "capacityProvisioningSeconds") + 2);
  CHECK(emu->sessions().get(kScope, g.id, second->id)->status == SessionStatus::Active);
  REQUIRE(emu->stream_groups().remove(kScope, g.id).ok());
  CHECK(emu->sessions().get(kScope, g.id, first->id)->status == SessionStatus::Terminating);
  advance(*emu, 5);
  CHECK_FALSE(emu->stream_groups().get(kScope, g.id).ok());
  // The application is free again: it can be deleted.
  CHECK(emu->applications().remove(kScope, app.id).ok());
}

TEST_CASE("a stream URL starts one session per use until its limit, and expires on the clock") {
  auto emu = make_emulator();
  const Application app = ready_app(*emu);
  const StreamGroup g = active_group(*emu, app.id, 4, "gen6n_medium");
  CreateStreamUrlRequest r;
  r.group_identifier = g.id;
  r.application_identifier = app.id;
  r.expires_after_minutes = 10;
  r.draft.usage_limit = 2;
  auto url = emu->stream_urls().create(kScope, r);
  REQUIRE(url.ok());
  CHECK(url->remaining_uses() == 2);
  const std::string token = url->url.substr(url->url.find("token=") + 6);
  CHECK_FALSE(emu->stream_urls().open(g.id, url->id, "wrong").ok());
  REQUIRE(emu->stream_urls().open(g.id, url->id, token).ok());
  REQUIRE(emu->stream_urls().open(g.id, url->id, token).ok());
  auto third = emu->stream_urls().open(g.id, url->id, token);
  REQUIRE_FALSE(third.ok());
  CHECK(third.error().kind == ErrorKind::Gone);
  auto view = emu->stream_urls().get(kScope, g.id, url->id);
  REQUIRE(view.ok());
  CHECK(view->url.status == StreamUrlStatus::LimitReached);
  CHECK(view->sessions.size() == 2);

  r.draft.usage_limit = 5;
  auto other = emu->stream_urls().create(kScope, r);
  REQUIRE(other.ok());
  advance(*emu, 600);
  CHECK(emu->stream_urls().get(kScope, g.id, other->id)->url.status == StreamUrlStatus::Expired);
}
