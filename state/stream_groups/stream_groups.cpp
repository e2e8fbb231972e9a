#include "state/stream_groups/stream_groups.hpp"

#include <algorithm>
#include <span>

#include "state/emulator.hpp"
#include "state/store/idempotency.hpp"
#include "state/store/repository.hpp"
#include "state/time/scheduler.hpp"
#include "state/lifecycle/transition_table.hpp"

namespace gls {

namespace {

using G = StreamGroupStatus;
using L = LocationStatus;

constexpr std::string_view kGroupKind = "streamgroup";
constexpr std::string_view kLocationKind = "location";
// Timer events.
constexpr std::string_view kActivated = "activated";
constexpr std::string_view kDeleted = "deleted";
constexpr std::string_view kExpired = "expired";
constexpr std::string_view kRemoved = "removed";
// What the history shows once a group or a location is gone.
constexpr std::string_view kGroupGone = "DELETED";
constexpr std::string_view kLocationGone = "REMOVED";

enum class GroupEvent {
  Activated,
  ActivatedWithErrors,
  LocationsChanging,
  LocationsSettled,
  LocationsSettledWithErrors,
  LocationFailed,
  LocationsRecovered,
  Fail,
  Expire,
  Delete,
};

// clang-format off
const Transition<G, GroupEvent> kGroupTable[] = {
    {G::Activating,        GroupEvent::Activated,                  G::Active},
    {G::Activating,        GroupEvent::ActivatedWithErrors,        G::ActiveWithErrors},
    {G::Activating,        GroupEvent::Fail,                       G::Error},
    {G::Activating,        GroupEvent::Delete,                     G::Deleting},
    {G::Active,            GroupEvent::LocationsChanging,          G::UpdatingLocations},
    {G::Active,            GroupEvent::LocationFailed,             G::ActiveWithErrors},
    {G::Active,            GroupEvent::Fail,                       G::Error},
    {G::Active,            GroupEvent::Expire,                     G::Expired},
    {G::Active,            GroupEvent::Delete,                     G::Deleting},
    {G::ActiveWithErrors,  GroupEvent::LocationsChanging,          G::UpdatingLocations},
    {G::ActiveWithErrors,  GroupEvent::LocationsRecovered,         G::Active},
    {G::ActiveWithErrors,  GroupEvent::Fail,                       G::Error},
    {G::ActiveWithErrors,  GroupEvent::Expire,                     G::Expired},
    {G::ActiveWithErrors,  GroupEvent::Delete,                     G::Deleting},
    {G::UpdatingLocations, GroupEvent::LocationsSettled,           G::Active},
    {G::UpdatingLocations, GroupEvent::LocationsSettledWithErrors, G::ActiveWithErrors},
    {G::UpdatingLocations, GroupEvent::Fail,                       G::Error},
    {G::UpdatingLocations, GroupEvent::Expire,                     G::Expired},
    {G::UpdatingLocations, GroupEvent::Delete,                     G::Deleting},
    {G::Error,             GroupEvent::Expire,                     G::Expired},
    {G::Error,             GroupEvent::Delete,                     G::Deleting},
    {G::Expired,           GroupEvent::Delete,                     G::Deleting},
};

enum class LocationEvent { Activated, Fail, Recover, Remove };
const Transition<L, LocationEvent> kLocationTable[] = {
    {L::Activating, LocationEvent::Activated, L::Active},
    {L::Activating, LocationEvent::Fail,      L::Error},
    {L::Activating, LocationEvent::Remove,    L::Removing},
    {L::Active,     LocationEvent::Fail,      L::Error},
    {L::Active,     LocationEvent::Remove,    L::Removing},
    {L::Error,      LocationEvent::Recover,   L::Active},
    {L::Error,      LocationEvent::Remove,    L::Removing},
};
// clang-format on

bool group_reachable(G from, G to) {
  return reachable_in_one_step(std::span<const Transition<G, GroupEvent>>(kGroupTable), from, to);
}
bool location_reachable(L from, L to) {
  return reachable_in_one_step(std::span<const Transition<L, LocationEvent>>(kLocationTable), from, to);
}

bool is_group_reason(std::string_view r) { return r == "internalError" || r == "noAvailableInstances"; }

// Statuses in which a group's configuration can change.
bool configurable(G s) { return s == G::Active || s == G::ActiveWithErrors; }

std::string status_text(G s) { return std::string(to_string(s)); }

GroupLocation* find_loc(StreamGroup& g, std::string_view name) {
  for (GroupLocation& l : g.locations)
    if (l.name == name) return &l;
  return nullptr;
}

// Applies a LocationConfiguration to a location, checking the capacity rules.
Status configure(GroupLocation& l, const LocationConfig& c, int64_t tenancy, const std::string& stream_class,
                 bool fresh) {
  const bool any = c.always_on || c.on_demand || c.target_idle || c.maximum;
  if (c.on_demand && (c.maximum || c.target_idle))
    return validation("Location " + c.name +
                      ": OnDemandCapacity cannot be combined with MaximumCapacity or TargetIdleCapacity");
  for (const auto& [name, value] : {std::pair{"AlwaysOnCapacity", c.always_on},
                                    {"OnDemandCapacity", c.on_demand},
                                    {"TargetIdleCapacity", c.target_idle},
                                    {"MaximumCapacity", c.maximum}}) {
    if (value && *value % tenancy != 0)
      return validation("Location " + c.name + ": " + name + " " + std::to_string(*value) + " is not a multiple of " +
                        std::to_string(tenancy) + ", the tenancy of stream class " + stream_class);
  }
  if (c.always_on) l.always_on = *c.always_on;
  if (c.on_demand) {
    l.on_demand = c.on_demand;
    l.maximum.reset();
    l.target_idle.reset();
  }
  if (c.target_idle || c.maximum) l.on_demand.reset();
  if (c.target_idle) l.target_idle = c.target_idle;
  if (c.maximum) l.maximum = c.maximum;
  if (fresh && !any) l.always_on = tenancy;  // the service's default: one unit
  if (l.maximum && *l.maximum < l.always_on)
    return validation("Location " + c.name + ": MaximumCapacity " + std::to_string(*l.maximum) +
                      " is less than AlwaysOnCapacity " + std::to_string(l.always_on));
  if (c.vpc_json) l.vpc_json = c.vpc_json;
  return ok();
}

}  // namespace

// ---- lifecycle -----------------------------------------------------------------------

void StreamGroups::change(Store& db, const Scope& scope, StreamGroup& g, StreamGroupStatus to,
                          std::optional<std::string> reason, int64_t at, std::string_view cause) {
  const G from = g.status;
  Scheduler& sched = emu_.scheduler();
  sched.cancel(db, scope, kGroupKind, g.id, kActivated);
  sched.cancel(db, scope, kGroupKind, g.id, kDeleted);
  g.status = to;
  g.status_reason = std::move(reason);
  g.updated_ms = at;
  repo::update_stream_group(db, scope, g);
  repo::record_transition(db, scope, kGroupKind, g.id, to_string(from), to_string(to), g.status_reason, cause, at);
  if (to == G::Activating)
    sched.arm(db, scope, kGroupKind, g.id, kActivated,
              at + emu_.duration_ms(db, scope, "streamGroup", g.id, "activatingSeconds"));
  if (to == G::Deleting)
    sched.arm(db, scope, kGroupKind, g.id, kDeleted,
              at + emu_.duration_ms(db, scope, "streamGroup", g.id, "deletingSeconds"));
}

void StreamGroups::change_location(Store& db, const Scope& scope, const StreamGroup& g, GroupLocation& l,
                                   LocationStatus to, int64_t at, std::string_view cause) {
  const L from = l.status;
  const std::string key = location_key(g.id, l.name);
  Scheduler& sched = emu_.scheduler();
  sched.cancel(db, scope, kLocationKind, key);
  l.status = to;
  repo::update_location(db, scope, g.id, l, at);
  repo::record_transition(db, scope, kLocationKind, key, to_string(from), to_string(to), std::nullopt, cause, at);
  if (to == L::Activating && g.status != G::Activating)
    sched.arm(db, scope, kLocationKind, key, kActivated,
              at + emu_.duration_ms(db, scope, "streamGroup", g.id, "locationActivatingSeconds"));
  if (to == L::Removing)
    sched.arm(db, scope, kLocationKind, key, kRemoved,
              at + emu_.duration_ms(db, scope, "streamGroup", g.id, "locationRemovingSeconds"));
}

void StreamGroups::settle(Store& db, const Scope& scope, StreamGroup& g, int64_t at, std::string_view cause) {
  if (g.status != G::Active && g.status != G::ActiveWithErrors && g.status != G::UpdatingLocations) return;
  bool changing = false, failed = false;
  for (const GroupLocation& l : g.locations) {
    changing |= l.status == L::Activating || l.status == L::Removing;
    failed |= l.status == L::Error;
  }
  const G target = changing ? G::UpdatingLocations : failed ? G::ActiveWithErrors : G::Active;
  if (target == g.status || !group_reachable(g.status, target)) return;
  change(db, scope, g, target, std::nullopt, at, cause);
}

void StreamGroups::end_sessions(Store& db, const Scope& scope, const std::string& group_id,
                                std::optional<std::string_view> location, int64_t at) {
  SessionLifecycle& lifecycle = emu_.session_lifecycle();
  for (StreamSession& s : repo::running_sessions(db, scope, group_id, location)) {
    if (s.status == SessionStatus::Terminating) continue;
    if (s.status == SessionStatus::Activating)
      (void)lifecycle.apply(db, scope, s, SessionEvent::Failed, at, Cause::Api, "internalError");
    else
      (void)lifecycle.apply(db, scope, s, SessionEvent::TerminateRequested, at, Cause::Api);
  }
}

void StreamGroups::adopt(Store& db, const Scope& scope, const StreamGroup& g) {
  Scheduler& sched = emu_.scheduler();
  if (g.status == G::Activating)
    sched.arm(db, scope, kGroupKind, g.id, kActivated,
              g.updated_ms + emu_.duration_ms(db, scope, "streamGroup", g.id, "activatingSeconds"));
  if (g.status == G::Deleting)
    sched.arm(db, scope, kGroupKind, g.id, kDeleted,
              g.updated_ms + emu_.duration_ms(db, scope, "streamGroup", g.id, "deletingSeconds"));
  if (g.expires_ms && g.status != G::Expired && g.status != G::Deleting)
    sched.arm(db, scope, kGroupKind, g.id, kExpired, *g.expires_ms);
  for (const GroupLocation& l : g.locations) {
    const std::string key = location_key(g.id, l.name);
    if (l.status == L::Activating && g.status != G::Activating)
      sched.arm(db, scope, kLocationKind, key, kActivated,
                g.updated_ms + emu_.duration_ms(db, scope, "streamGroup", g.id, "locationActivatingSeconds"));
    if (l.status == L::Removing)
      sched.arm(db, scope, kLocationKind, key, kRemoved,
                g.updated_ms + emu_.duration_ms(db, scope, "streamGroup", g.id, "locationRemovingSeconds"));
  }
}

void StreamGroups::on_group_timer(Store& db, const Timer& t) {
  auto g = repo::find_stream_group(db, t.scope, t.resource);
  if (!g) return;
  if (t.event == kActivated) {
    if (g->status != G::Activating) return;
    bool failed = false;
    for (GroupLocation& l : g->locations) {
      if (l.status == L::Activating) change_location(db, t.scope, *g, l, L::Active, t.due_ms, "timer");
      failed |= l.status == L::Error;
    }
    change(db, t.scope, *g, failed ? G::ActiveWithErrors : G::Active, std::nullopt, t.due_ms, "timer");
    emu_.session_lifecycle().place_waiting(db, t.scope, g->id, t.due_ms);
  } else if (t.event == kExpired) {
    if (!group_reachable(g->status, G::Expired)) return;
    change(db, t.scope, *g, G::Expired, std::nullopt, t.due_ms, "timer");
  } else if (t.event == kDeleted) {
    if (g->status != G::Deleting) return;
    for (const GroupLocation& l : g->locations)
      emu_.scheduler().cancel(db, t.scope, kLocationKind, location_key(g->id, l.name));
    emu_.scheduler().cancel(db, t.scope, kGroupKind, g->id);
    repo::delete_stream_group(db, t.scope, g->id);
    tags::remove_all(db, t.scope, stream_group_arn(t.scope, g->id));
    repo::record_transition(db, t.scope, kGroupKind, g->id, to_string(g->status), kGroupGone, std::nullopt, "timer",
                            t.due_ms);
  }
}

void StreamGroups::on_location_timer(Store& db, const Timer& t) {
  auto slash = t.resource.find('/');
  if (slash == std::string::npos) return;
  auto g = repo::find_stream_group(db, t.scope, t.resource.substr(0, slash));
  if (!g) return;
  GroupLocation* l = find_loc(*g, t.resource.substr(slash + 1));
  if (!l) return;
  if (t.event == kActivated) {
    if (l->status != L::Activating) return;
    change_location(db, t.scope, *g, *l, L::Active, t.due_ms, "timer");
    settle(db, t.scope, *g, t.due_ms, "timer");
    emu_.session_lifecycle().place_waiting(db, t.scope, g->id, t.due_ms);
  } else if (t.event == kRemoved) {
    if (l->status != L::Removing) return;
    repo::delete_location(db, t.scope, g->id, l->name);
    repo::record_transition(db, t.scope, kLocationKind, t.resource, to_string(l->status), kLocationGone, std::nullopt,
                            "timer", t.due_ms);
    g->locations.erase(g->locations.begin() + (l - g->locations.data()));
    settle(db, t.scope, *g, t.due_ms, "timer");
  }
}

// ---- helpers ------------------------------------------------------------------------------

Result<StreamGroup> StreamGroups::require(Store& db, const Scope& scope, std::string_view identifier) {
  auto id = resolve_id(scope, identifier, ResourceType::StreamGroup);
  if (!id) return std::move(id).take_error();
  auto g = repo::find_stream_group(db, scope, *id);
  if (!g) return not_found("Stream group " + *id + " was not found");
  return std::move(*g);
}

Result<Application> StreamGroups::ready_application(Store& db, const Scope& scope, std::string_view identifier) {
  auto id = resolve_id(scope, identifier, ResourceType::Application);
  if (!id) return std::move(id).take_error();
  auto a = repo::find_application(db, scope, *id);
  if (!a) return not_found("Application " + *id + " was not found");
  if (a->status != ApplicationStatus::Ready)
    return validation("Application " + a->id + " is " + std::string(to_string(a->status)) +
                      "; only a READY application can be associated with a stream group");
  return std::move(*a);
}

Status StreamGroups::add_location_rows(Store& db, const Scope& scope, StreamGroup& g,
                                       const std::vector<LocationConfig>& configs, int64_t at,
                                       std::vector<std::string>* added) {
  const int64_t tenancy = stream_class_tenancy(g.stream_class);
  for (const LocationConfig& c : configs) {
    if (find_loc(g, c.name)) return validation("Location " + c.name + " is already a location of stream group " + g.id);
    GroupLocation l;
    l.name = c.name;
    l.status = L::Activating;
    l.added_ms = at;
    if (auto st = configure(l, c, tenancy, g.stream_class, true); !st) return st;
    repo::insert_location(db, scope, g.id, l, at);
    repo::record_transition(db, scope, kLocationKind, location_key(g.id, l.name), std::nullopt, to_string(l.status),
                            std::nullopt, "api", at);
    g.locations.push_back(l);
    if (g.status != G::Activating)
      emu_.scheduler().arm(db, scope, kLocationKind, location_key(g.id, l.name), kActivated,
                           at + emu_.duration_ms(db, scope, "streamGroup", g.id, "locationActivatingSeconds"));
    if (added) added->push_back(l.name);
  }
  return ok();
}

// ---- the API ------------------------------------------------------------------------------

Result<StreamGroup> StreamGroups::create(const Scope& scope, const CreateStreamGroupRequest& r) {
  if (auto st = tags::check_new(r.tags, 0); !st) return std::move(st).take_error();
  for (size_t i = 0; i < r.locations.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (r.locations[i].name == r.locations[j].name)
        return validation("Location " + r.locations[i].name + " appears more than once in LocationConfigurations");
  return emu_.transact([&](Store& db, int64_t now) -> Result<StreamGroup> {
    if (r.client_token) {
      auto earlier = idempotency::recall(db, scope, "CreateStreamGroup", *r.client_token, r.fingerprint);
      if (!earlier) return std::move(earlier).take_error();
      if (*earlier)
        if (auto g = repo::find_stream_group(db, scope, **earlier)) return std::move(*g);
    }
    StreamGroup g;
    g.id = emu_.ids().stream_group();
    g.description = r.description;
    g.stream_class = r.stream_class;
    g.status = G::Activating;
    g.created_ms = g.updated_ms = now;
    g.expires_ms = now + emu_.duration_ms(db, scope, "streamGroup", g.id, "expirationSeconds");
    if (r.default_app) {
      auto app = ready_application(db, scope, *r.default_app);
      if (!app) return std::move(app).take_error();
      g.default_app_id = app->id;
      g.app_ids.push_back(app->id);
    }
    // The primary location (the Region of the request) comes first.
    std::vector<LocationConfig> configs;
    auto primary = std::find_if(r.locations.begin(), r.locations.end(),
                                [&](const LocationConfig& c) { return c.name == scope.region; });
    configs.push_back(primary != r.locations.end() ? *primary : LocationConfig{scope.region, {}, {}, {}, {}, {}});
    for (const LocationConfig& c : r.locations)
      if (c.name != scope.region) configs.push_back(c);
    StreamGroup row = g;
    repo::insert_stream_group(db, scope, row);
    repo::record_transition(db, scope, kGroupKind, g.id, std::nullopt, to_string(g.status), std::nullopt, "api", now);
    if (auto st = add_location_rows(db, scope, g, configs, now, nullptr); !st) return std::move(st).take_error();
    emu_.scheduler().arm(db, scope, kGroupKind, g.id, kActivated,
                         now + emu_.duration_ms(db, scope, "streamGroup", g.id, "activatingSeconds"));
    emu_.scheduler().arm(db, scope, kGroupKind, g.id, kExpired, *g.expires_ms);
    for (const auto& [k, v] : r.tags) repo::put_tag(db, scope, stream_group_arn(scope, g.id), k, v);
    if (r.client_token)
      idempotency::remember(db, scope, "CreateStreamGroup", *r.client_token, r.fingerprint, g.id, now);
    return *repo::find_stream_group(db, scope, g.id);
  });
}

Result<StreamGroup> StreamGroups::get(const Scope& scope, std::string_view identifier) {
  return emu_.transact([&](Store& db, int64_t) { return require(db, scope, identifier); });
}

Result<StreamGroupPage> StreamGroups::list(const Scope& scope, const std::optional<std::string>& next_token,
                                           int max_results) {
  return emu_.transact([&](Store& db, int64_t) -> Result<StreamGroupPage> {
    const std::string context = "ListStreamGroups|" + scope.account + "|" + scope.region;
    auto after = emu_.page_tokens().open_key(context, next_token);
    if (!after) return std::move(after).take_error();
    StreamGroupPage page;
    page.items = repo::list_stream_groups(db, scope, *after, max_results);
    page.next_token = emu_.page_tokens().cut(context, page.items, max_results, [](const StreamGroup& g) {
      return PageKey{g.created_ms, std::to_string(g.seq)};
    });
    return page;
  });
}

Result<StreamGroup> StreamGroups::update(const Scope& scope, const UpdateStreamGroupRequest& r) {
  return emu_.transact([&](Store& db, int64_t now) -> Result<StreamGroup> {
    auto g = require(db, scope, r.identifier);
    if (!g) return g;
    if (g->status == G::Expired)
      return validation("Stream group " + g->id + " has EXPIRED and can no longer be updated");
    if (!configurable(g->status))
      return conflict("Stream group " + g->id + " is " + status_text(g->status) +
                      "; it can be updated only when it is ACTIVE or ACTIVE_WITH_ERRORS");
    if (r.description) g->description = *r.description;
    if (r.default_app) {
      // This only chooses among the associated applications; AssociateApplications adds one.
      auto app = ready_application(db, scope, *r.default_app);
      if (!app) return std::move(app).take_error();
      if (std::find(g->app_ids.begin(), g->app_ids.end(), app->id) == g->app_ids.end())
        return validation("Application " + app->id + " is not associated with stream group " + g->id +
                          "; associate it with AssociateApplications before making it the default");
      g->default_app_id = app->id;
    }
    const int64_t tenancy = stream_class_tenancy(g->stream_class);
    std::vector<LocationConfig> fresh;
    bool more_capacity = false;
    for (const LocationConfig& c : r.locations) {
      GroupLocation* l = find_loc(*g, c.name);
      if (!l) {
        fresh.push_back(c);
        continue;
      }
      const int64_t before = session_capacity(*l);
      if (auto st = configure(*l, c, tenancy, g->stream_class, false); !st) return std::move(st).take_error();
      more_capacity |= session_capacity(*l) > before;
      repo::update_location(db, scope, g->id, *l, now);
    }
    if (auto st = add_location_rows(db, scope, *g, fresh, now, nullptr); !st) return std::move(st).take_error();
    g->updated_ms = now;
    repo::update_stream_group(db, scope, *g);
    settle(db, scope, *g, now, "api");
    if (more_capacity) emu_.session_lifecycle().place_waiting(db, scope, g->id, now);
    return *repo::find_stream_group(db, scope, g->id);
  });
}

Status StreamGroups::remove(const Scope& scope, std::string_view identifier) {
  return emu_.transact([&](Store& db, int64_t now) -> Status {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (g->status == G::Deleting) return ok();
    change(db, scope, *g, G::Deleting, std::nullopt, now, "api");
    end_sessions(db, scope, g->id, std::nullopt, now);
    for (const std::string& app : g->app_ids) repo::disassociate(db, scope, g->id, app);
    g->default_app_id.reset();
    repo::update_stream_group(db, scope, *g);
    emu_.stream_urls().revoke_where(db, scope, g->id, std::nullopt, "streamGroupDeleted", now);
    return ok();
  });
}

Result<std::pair<StreamGroup, std::vector<std::string>>> StreamGroups::add_locations(
    const Scope& scope, std::string_view identifier, const std::vector<LocationConfig>& locations) {
  return emu_.transact([&](Store& db, int64_t now) -> Result<std::pair<StreamGroup, std::vector<std::string>>> {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (!configurable(g->status))
      return validation("Stream group " + g->id + " is " + status_text(g->status) +
                        "; locations can be added only when it is ACTIVE");
    std::vector<std::string> added;
    if (auto st = add_location_rows(db, scope, *g, locations, now, &added); !st) return std::move(st).take_error();
    settle(db, scope, *g, now, "api");
    return std::pair{*repo::find_stream_group(db, scope, g->id), added};
  });
}

Status StreamGroups::remove_locations(const Scope& scope, std::string_view identifier,
                                      const std::vector<std::string>& names) {
  return emu_.transact([&](Store& db, int64_t now) -> Status {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (!configurable(g->status))
      return validation("Stream group " + g->id + " is " + status_text(g->status) +
                        "; locations can be removed only when it is ACTIVE");
    for (const std::string& name : names) {
      if (!g->locations.empty() && g->locations.front().name == name)
        return validation("Location " + name + " is the primary location of stream group " + g->id +
                          " and cannot be removed; set its capacity to 0 instead");
      GroupLocation* l = find_loc(*g, name);
      if (!l) return validation("Location " + name + " is not a location of stream group " + g->id);
      if (l->status == L::Removing) continue;
      change_location(db, scope, *g, *l, L::Removing, now, "api");
      end_sessions(db, scope, g->id, name, now);
    }
    settle(db, scope, *g, now, "api");
    return ok();
  });
}

Result<std::pair<StreamGroup, std::vector<std::string>>> StreamGroups::associate(const Scope& scope,
                                                                                 std::string_view identifier,
                                                                                 const std::vector<std::string>& apps) {
  return emu_.transact([&](Store& db, int64_t now) -> Result<std::pair<StreamGroup, std::vector<std::string>>> {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (!configurable(g->status))
      return validation("Stream group " + g->id + " is " + status_text(g->status) +
                        "; applications can be associated only when it is ACTIVE");
    std::vector<std::string> ids;
    for (const std::string& identifier_of_app : apps) {
      auto app = ready_application(db, scope, identifier_of_app);
      if (!app) return std::move(app).take_error();
      ids.push_back(app->id);
    }
    for (const std::string& id : ids) repo::associate(db, scope, g->id, id, now);
    if (!g->default_app_id && !ids.empty()) {
      g->default_app_id = ids.front();
      g->updated_ms = now;
      repo::update_stream_group(db, scope, *g);
    }
    return std::pair{*repo::find_stream_group(db, scope, g->id), ids};
  });
}

Result<std::pair<StreamGroup, std::vector<std::string>>> StreamGroups::disassociate(
    const Scope& scope, std::string_view identifier, const std::vector<std::string>& apps) {
  return emu_.transact([&](Store& db, int64_t now) -> Result<std::pair<StreamGroup, std::vector<std::string>>> {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (!configurable(g->status))
      return validation("Stream group " + g->id + " is " + status_text(g->status) +
                        "; applications can be disassociated only when it is ACTIVE");
    std::vector<std::string> ids;
    for (const std::string& a : apps) {
      auto id = resolve_id(scope, a, ResourceType::Application);
      if (!id) return std::move(id).take_error();
      if (!repo::find_application(db, scope, *id)) return not_found("Application " + *id + " was not found");
      ids.push_back(*id);
    }
    for (const std::string& id : ids) repo::disassociate(db, scope, g->id, id);
    auto after = *repo::find_stream_group(db, scope, g->id);
    if (after.default_app_id &&
        std::find(after.app_ids.begin(), after.app_ids.end(), *after.default_app_id) == after.app_ids.end()) {
      // The default application left: the next associated one takes its place.
      if (after.app_ids.empty())
        after.default_app_id.reset();
      else
        after.default_app_id = after.app_ids.front();
      after.updated_ms = now;
      repo::update_stream_group(db, scope, after);
    }
    return std::pair{after, ids};
  });
}

// ---- admin ---------------------------------------------------------------------------------

Result<StreamGroup> StreamGroups::force_status(const Scope& scope, std::string_view identifier, std::string_view status,
                                               std::optional<std::string> reason, bool force) {
  auto to = parse_enum<StreamGroupStatus>(status);
  if (!to)
    return validation("'" + std::string(status) +
                      "' is not a stream group status; the statuses are ACTIVATING, UPDATING_LOCATIONS, ACTIVE, "
                      "ACTIVE_WITH_ERRORS, ERROR, DELETING and EXPIRED");
  if (*to == G::Error || *to == G::ActiveWithErrors) {
    if (!reason && *to == G::Error) reason = "internalError";
    if (reason && !is_group_reason(*reason))
      return validation("'" + *reason +
                        "' is not a StatusReason of a stream group; use internalError or "
                        "noAvailableInstances");
  } else if (reason) {
    return validation("a " + std::string(status) + " stream group has no StatusReason");
  }
  return emu_.transact([&](Store& db, int64_t now) -> Result<StreamGroup> {
    auto g = require(db, scope, identifier);
    if (!g) return g;
    if (!force && !group_reachable(g->status, *to))
      return conflict("Stream group " + g->id + " cannot go from " + status_text(g->status) + " to " +
                      std::string(status) + " in one transition; send \"force\": true to set it anyway");
    change(db, scope, *g, *to, reason, now, "admin");
    if (*to == G::Deleting) end_sessions(db, scope, g->id, std::nullopt, now);
    return *repo::find_stream_group(db, scope, g->id);
  });
}

Result<StreamGroup> StreamGroups::force_location_status(const Scope& scope, std::string_view identifier,
                                                        std::string_view location, std::string_view status,
                                                        bool force) {
  auto to = parse_enum<LocationStatus>(status);
  if (!to)
    return validation("'" + std::string(status) +
                      "' is not a location status; the statuses are ACTIVATING, ACTIVE, ERROR and REMOVING");
  return emu_.transact([&](Store& db, int64_t now) -> Result<StreamGroup> {
    auto g = require(db, scope, identifier);
    if (!g) return g;
    GroupLocation* l = find_loc(*g, location);
    if (!l) return not_found("Location " + std::string(location) + " is not a location of stream group " + g->id);
    if (!force && !location_reachable(l->status, *to))
      return conflict("Location " + l->name + " cannot go from " + std::string(to_string(l->status)) + " to " +
                      std::string(status) + " in one transition; send \"force\": true to set it anyway");
    change_location(db, scope, *g, *l, *to, now, "admin");
    if (*to == L::Removing) end_sessions(db, scope, g->id, l->name, now);
    settle(db, scope, *g, now, "admin");
    if (*to == L::Active) emu_.session_lifecycle().place_waiting(db, scope, g->id, now);
    return *repo::find_stream_group(db, scope, g->id);
  });
}

Result<std::vector<HistoryEntry>> StreamGroups::history(const Scope& scope, std::string_view identifier) {
  return emu_.transact([&](Store& db, int64_t) -> Result<std::vector<HistoryEntry>> {
    auto id = resolve_id(scope, identifier, ResourceType::StreamGroup);
    if (!id) return std::move(id).take_error();
    auto entries = repo::history(db, scope, kGroupKind, *id);
    if (entries.empty()) return not_found("Stream group " + *id + " was not found");
    return entries;
  });
}

Result<std::vector<HistoryEntry>> StreamGroups::location_history(const Scope& scope, std::string_view identifier,
                                                                 std::string_view location) {
  return emu_.transact([&](Store& db, int64_t) -> Result<std::vector<HistoryEntry>> {
    auto id = resolve_id(scope, identifier, ResourceType::StreamGroup);
    if (!id) return std::move(id).take_error();
    auto entries = repo::history(db, scope, kLocationKind, location_key(*id, location));
    if (entries.empty())
      return not_found("Location " + std::string(location) + " of stream group " + *id + " was not found");
    return entries;
  });
}

}  // namespace gls
