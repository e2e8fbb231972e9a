#include "state/stream_groups/stream_groups.hpp"

#include <algorithm>

#include "state/cascades.hpp"
#include "state/core.hpp"
#include "state/store/idempotency.hpp"
#include "state/store/repository.hpp"
#include "state/stream_groups/group_configuration.hpp"

namespace gls {

namespace {

using G = StreamGroupStatus;

bool is_group_reason(std::string_view r) { return r == "internalError" || r == "noAvailableInstances"; }

std::string status_text(G s) { return std::string(to_string(s)); }

}  // namespace

// ---- for the other domains -----------------------------------------------------------------

void StreamGroups::adopt(Store& db, const Scope& scope, StreamGroup g) {
  if (g.locations.empty()) {
    GroupLocation l;
    l.name = scope.region;
    l.status = g.status == G::Activating ? LocationStatus::Activating : LocationStatus::Active;
    l.always_on = std::max<int64_t>(1, stream_class_tenancy(g.stream_class));
    l.added_ms = g.created_ms;
    g.locations.push_back(std::move(l));
  }
  repo::insert_stream_group(db, scope, g);
  repo::record_transition(db, scope, StreamGroupMachine::kKind, g.id, std::nullopt, to_string(g.status),
                          g.status_reason, "admin", g.updated_ms);
  for (const GroupLocation& l : g.locations)
    repo::record_transition(db, scope, LocationMachine::kKind, location_key(g.id, l.name), std::nullopt,
                            to_string(l.status), std::nullopt, "admin", g.updated_ms);
  StreamGroup arriving = g;
  lifecycle_.adopt(db, scope, arriving);
  for (GroupLocation& l : arriving.locations) {
    GroupLocationRef ref{arriving, l};
    location_lifecycle_.adopt(db, scope, ref);
  }
}

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

void StreamGroups::provision(Store& db, const Scope& scope, StreamGroup& g, GroupLocation& l, int64_t always_on_before,
                             int64_t at) {
  GroupLocationRef ref{g, l};
  location_lifecycle_.cancel(db, scope, ref, LocationTimer::CapacityProvisioned);
  // Only an ACTIVE location provisions more units (an activating one comes up with all of them).
  if (l.always_on <= always_on_before || l.status != LocationStatus::Active) {
    l.provisioning_from.reset();
    return;
  }
  l.provisioning_from = always_on_before;
  location_lifecycle_.arm(db, scope, ref, LocationTimer::CapacityProvisioned,
                          at + core_.duration_ms(db, scope, "streamGroup", g.id, "capacityProvisioningSeconds"));
}

// ---- the API ------------------------------------------------------------------------------

Result<StreamGroup> StreamGroups::create(const Scope& scope, const CreateStreamGroupRequest& r) {
  if (auto st = tags::check_new(r.tags, 0); !st) return std::move(st).take_error();
  for (size_t i = 0; i < r.locations.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (r.locations[i].name == r.locations[j].name)
        return validation("Location " + r.locations[i].name + " appears more than once in LocationConfigurations");
  return core_.transact([&](Store& db, int64_t now) -> Result<StreamGroup> {
    if (r.client_token) {
      auto earlier = idempotency::recall(db, scope, "CreateStreamGroup", *r.client_token, r.fingerprint, now);
      if (!earlier) return std::move(earlier).take_error();
      if (*earlier)
        if (auto g = repo::find_stream_group(db, scope, **earlier)) return std::move(*g);
    }
    StreamGroup g;
    g.id = core_.ids().stream_group();
    g.description = r.description;
    g.stream_class = r.stream_class;
    g.created_ms = now;
    g.expires_ms = now + core_.duration_ms(db, scope, "streamGroup", g.id, "expirationSeconds");
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
    lifecycle_.start(db, scope, g, G::Activating, now);
    StreamGroup row = g;
    repo::insert_stream_group(db, scope, row);
    if (auto st = add_location_rows(db, scope, g, configs, now, nullptr); !st) return std::move(st).take_error();
    for (const auto& [k, v] : r.tags) repo::put_tag(db, scope, stream_group_arn(scope, g.id), k, v);
    if (r.client_token)
      idempotency::remember(db, scope, "CreateStreamGroup", *r.client_token, r.fingerprint, g.id, now);
    return *repo::find_stream_group(db, scope, g.id);
  });
}

Result<StreamGroup> StreamGroups::get(const Scope& scope, std::string_view identifier) {
  return core_.read([&](Store& db, int64_t) { return require(db, scope, identifier); });
}

Result<StreamGroupPage> StreamGroups::list(const Scope& scope, const std::optional<std::string>& next_token,
                                           int max_results) {
  return core_.read([&](Store& db, int64_t) -> Result<StreamGroupPage> {
    const std::string context = "ListStreamGroups|" + scope.account + "|" + scope.region;
    auto after = core_.page_tokens().open_key(context, next_token);
    if (!after) return std::move(after).take_error();
    StreamGroupPage page;
    page.items = repo::list_stream_groups(db, scope, *after, max_results);
    page.next_token = core_.page_tokens().cut(context, page.items, max_results, [](const StreamGroup& g) {
      return PageKey{g.created_ms, std::to_string(g.seq)};
    });
    return page;
  });
}

Result<StreamGroup> StreamGroups::update(const Scope& scope, const UpdateStreamGroupRequest& r) {
  return core_.transact([&](Store& db, int64_t now) -> Result<StreamGroup> {
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
      GroupLocation* l = find_group_location(*g, c.name);
      if (!l) {
        fresh.push_back(c);
        continue;
      }
      const int64_t before = session_capacity(*l);
      const int64_t always_on_before = ready_always_on(*l);
      if (auto st = configure(*l, c, tenancy, g->stream_class, false); !st) return std::move(st).take_error();
      provision(db, scope, *g, *l, always_on_before, now);
      more_capacity |= session_capacity(*l) > before;
      repo::update_location(db, scope, g->id, *l, now);
    }
    if (auto st = add_location_rows(db, scope, *g, fresh, now, nullptr); !st) return std::move(st).take_error();
    g->updated_ms = now;
    repo::update_stream_group(db, scope, *g);
    settle(db, scope, *g, now, Cause::Api);
    if (more_capacity) cascades_.capacity_freed(db, scope, g->id, now);
    return *repo::find_stream_group(db, scope, g->id);
  });
}

Status StreamGroups::remove(const Scope& scope, std::string_view identifier) {
  return core_.transact([&](Store& db, int64_t now) -> Status {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (g->status == G::Deleting) return ok();
    if (auto st = lifecycle_.apply(db, scope, *g, StreamGroupEvent::Delete, now, Cause::Api); !st) return st;
    for (const std::string& app : g->app_ids) repo::disassociate(db, scope, g->id, app);
    g->default_app_id.reset();
    repo::update_stream_group(db, scope, *g);
    cascades_.stream_group_deleted(db, scope, g->id, now);
    return ok();
  });
}

Result<std::pair<StreamGroup, std::vector<std::string>>> StreamGroups::associate(const Scope& scope,
                                                                                 std::string_view identifier,
                                                                                 const std::vector<std::string>& apps) {
  return core_.transact([&](Store& db, int64_t now) -> Result<std::pair<StreamGroup, std::vector<std::string>>> {
    auto g = require(db, scope, identifier);
    if (!g) return std::move(g).take_error();
    if (!configurable(g->status))
      return validation("Stream group " + g->id + " is " + status_text(g->status) +
                        "; applications can be associated only when it is ACTIVE");
    if (!takes_new_associations(*g, now))
      return validation("Stream group " + g->id + " is older than " + std::to_string(kAssociationDays) +
                        " days and can no longer take new application associations; create a new stream group");
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
  return core_.transact([&](Store& db, int64_t now) -> Result<std::pair<StreamGroup, std::vector<std::string>>> {
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
  return core_.transact([&](Store& db, int64_t now) -> Result<StreamGroup> {
    auto g = require(db, scope, identifier);
    if (!g) return g;
    if (auto st = lifecycle_.force(db, scope, *g, *to, reason, force, now); !st) return std::move(st).take_error();
    return *repo::find_stream_group(db, scope, g->id);
  });
}

Result<std::vector<HistoryEntry>> StreamGroups::history(const Scope& scope, std::string_view identifier) {
  return core_.transact([&](Store& db, int64_t) -> Result<std::vector<HistoryEntry>> {
    auto id = resolve_id(scope, identifier, ResourceType::StreamGroup);
    if (!id) return std::move(id).take_error();
    auto entries = repo::history(db, scope, StreamGroupMachine::kKind, *id);
    if (entries.empty()) return not_found("Stream group " + *id + " was not found");
    return entries;
  });
}

}  // namespace gls
