#include "state/stream_urls/stream_urls.hpp"

#include <rapidjson/document.h>

#include <algorithm>

#include "state/cascades.hpp"
#include "state/core.hpp"
#include "state/secrets.hpp"
#include "state/sessions/session_rules.hpp"
#include "state/sessions/stream_sessions.hpp"
#include "state/small_json.hpp"
#include "state/store/idempotency.hpp"
#include "state/store/json_text.hpp"
#include "state/store/repository.hpp"
#include "state/time/scheduler.hpp"

namespace gls {

namespace {

using U = StreamUrlStatus;
using E = StreamUrlEvent;

constexpr std::string_view kKind = StreamUrlMachine::kKind;

// What the session of a browser opening a stream URL is started with: a
// placeholder (not SDP; see state/sessions/signalling.hpp), answered inertly
// like a test's, since the page has made no WebRTC offer of its own.
std::string browser_offer(IdGenerator& ids) { return "stream-url-browser-" + ids.hex(16); }

}  // namespace

Status StreamUrls::adopt(Store& db, const Scope& scope, StreamUrl u) {
  auto group = repo::find_stream_group(db, scope, u.group_id);
  if (!group) return validation("member 'StreamGroupArn': stream group " + u.group_id + " is not defined");
  if (repo::find_stream_url(db, scope, u.group_id, u.id)) return validation("stream URL " + u.id + " is defined twice");
  if (u.app_id.empty()) {
    if (!group->default_app_id)
      return validation("a stream URL needs 'ApplicationArn' when its group has no default application");
    u.app_id = *group->default_app_id;
  }
  if (!repo::find_application(db, scope, u.app_id))
    return validation("member 'ApplicationArn': application " + u.app_id + " is not defined");
  if (u.token.empty()) u.token = core_.ids().alphanumeric(32);
  u.url = std::string(kPlayPath) + u.group_id + "/" + u.id + "?token=" + u.token;
  repo::insert_stream_url(db, scope, u);
  repo::record_transition(db, scope, kKind, resource_key(u), std::nullopt, to_string(u.status), u.status_reason,
                          "admin", u.updated_ms);
  StreamUrl arriving = u;
  lifecycle_.adopt(db, scope, arriving);
  return ok();
}

void StreamUrls::refresh(Store& db, const Scope& scope, StreamUrl& u) {
  if (u.status != U::Revoked || u.status_reason != "revokedAndTerminatingSessions") return;
  int64_t last = u.updated_ms;
  for (const StreamSession& s : repo::sessions_of_stream_url(db, scope, u.group_id, u.id)) {
    if (!is_final(s.status)) return;
    last = std::max(last, s.updated_ms);
  }
  (void)lifecycle_.apply(db, scope, u, E::SessionsEnded, last, Cause::Timer);
}

void StreamUrls::revoke_where(Store& db, const Scope& scope, const std::optional<std::string>& group_id,
                              const std::optional<std::string>& app_id, std::string_view reason, int64_t at) {
  repo::StreamUrlQuery q;
  q.group_id = group_id;
  q.app_id = app_id;
  q.status = "ACTIVE";
  q.limit = 1 << 30;
  for (StreamUrl& u : repo::list_stream_urls(db, scope, q))
    (void)lifecycle_.apply(db, scope, u, E::Revoke, at, Cause::Api, std::string(reason));
}

Result<StreamUrl> StreamUrls::require(Store& db, const Scope& scope, std::string_view group_identifier,
                                      std::string_view url_identifier) {
  auto group = resolve_id(scope, group_identifier, ResourceType::StreamGroup);
  if (!group) return std::move(group).take_error();
  auto id = resolve_child_id(scope, *group, url_identifier, ResourceType::StreamUrl);
  if (!id) return std::move(id).take_error();
  // A stream URL outlives its stream group (it is then REVOKED).
  auto u = repo::find_stream_url(db, scope, *group, *id);
  if (!u) return not_found("Stream URL " + *id + " was not found in stream group " + *group);
  refresh(db, scope, *u);
  return std::move(*u);
}

Result<StreamUrl> StreamUrls::create(const Scope& scope, const CreateStreamUrlRequest& r) {
  return core_.transact([&](Store& db, int64_t now) -> Result<StreamUrl> {
    auto group_id = resolve_id(scope, r.group_identifier, ResourceType::StreamGroup);
    if (!group_id) return std::move(group_id).take_error();
    auto group = repo::find_stream_group(db, scope, *group_id);
    if (!group) return not_found("Stream group " + *group_id + " was not found");
    if (r.client_token) {
      auto earlier = idempotency::recall(db, scope, "CreateStreamUrl", *r.client_token, r.fingerprint, now);
      if (!earlier) return std::move(earlier).take_error();
      if (*earlier) {
        if (auto original = idempotency::original_response(db, scope, "CreateStreamUrl", *r.client_token))
          return idempotency::restore(db, *original, stream_url_fields());
        auto slash = (*earlier)->find('/');
        if (auto u = repo::find_stream_url(db, scope, (*earlier)->substr(0, slash), (*earlier)->substr(slash + 1)))
          return std::move(*u);
      }
    }
    if (auto st = check_start_input(r.draft.display_json, r.draft.role_arn); !st) return std::move(st).take_error();
    if (group->status != StreamGroupStatus::Active && group->status != StreamGroupStatus::ActiveWithErrors &&
        group->status != StreamGroupStatus::UpdatingLocations)
      return conflict("Stream group " + group->id + " is " + std::string(to_string(group->status)) +
                      "; stream URLs can be created only for an ACTIVE stream group");
    auto app_id = resolve_id(scope, r.application_identifier, ResourceType::Application);
    if (!app_id) return std::move(app_id).take_error();
    auto app = repo::find_application(db, scope, *app_id);
    if (!app) return not_found("Application " + *app_id + " was not found");
    if (std::find(group->app_ids.begin(), group->app_ids.end(), *app_id) == group->app_ids.end())
      return validation("Application " + *app_id + " is not associated with stream group " + group->id);
    if (app->status != ApplicationStatus::Ready)
      return conflict("Application " + *app_id + " is " + std::string(to_string(app->status)) +
                      "; stream URLs need a READY application");
    for (const std::string& l : r.locations)
      if (std::none_of(group->locations.begin(), group->locations.end(),
                       [&](const GroupLocation& g) { return g.name == l; }))
        return validation("Location " + l + " is not a location of stream group " + group->id);

    StreamUrl u = r.draft;
    u.group_id = group->id;
    u.id = core_.ids().stream_url();
    u.app_id = *app_id;
    if (!u.usage_limit) u.usage_limit = 1;               // the documented defaults
    if (!u.session_length_s) u.session_length_s = 43200;
    u.locations_json = json_string_list(r.locations);
    u.created_ms = u.updated_ms = now;
    u.expires_ms = now + r.expires_after_minutes * 60'000;
    u.token = core_.ids().alphanumeric(32);
    u.url = std::string(kPlayPath) + u.group_id + "/" + u.id + "?token=" + u.token;
    lifecycle_.start(db, scope, u, U::Active, now);
    repo::insert_stream_url(db, scope, u);
    if (r.client_token)
      idempotency::remember(db, scope, "CreateStreamUrl", *r.client_token, r.fingerprint, resource_key(u), now,
                            idempotency::snapshot(u, stream_url_fields()));
    return u;
  });
}

Result<StreamUrlView> StreamUrls::get(const Scope& scope, std::string_view group_identifier,
                                      std::string_view url_identifier) {
  return core_.read([&](Store& db, int64_t) -> Result<StreamUrlView> {
    auto u = require(db, scope, group_identifier, url_identifier);
    if (!u) return std::move(u).take_error();
    StreamUrlView v{std::move(*u), {}};
    v.sessions = repo::sessions_of_stream_url(db, scope, v.url.group_id, v.url.id);
    return v;
  });
}

Result<StreamUrlPage> StreamUrls::list(const Scope& scope, const std::optional<std::string>& status,
                                       const std::optional<std::string>& group_identifier,
                                       const std::optional<std::string>& next_token, int max_results) {
  return core_.read([&](Store& db, int64_t) -> Result<StreamUrlPage> {
    repo::StreamUrlQuery q;
    if (group_identifier) {
      auto group = resolve_id(scope, *group_identifier, ResourceType::StreamGroup);
      if (!group) return std::move(group).take_error();
      q.group_id = *group;
    }
    q.status = status;
    q.limit = max_results;
    const std::string context = "ListStreamUrls|" + scope.account + "|" + scope.region + "|" +
                                q.group_id.value_or("") + "|" + status.value_or("");
    auto after = core_.page_tokens().open_key(context, next_token);
    if (!after) return std::move(after).take_error();
    q.after = *after;
    StreamUrlPage page;
    page.items = repo::list_stream_urls(db, scope, q);
    page.next_token = core_.page_tokens().cut(context, page.items, max_results, [](const StreamUrl& u) {
      return PageKey{u.created_ms, std::to_string(u.seq)};
    });
    for (StreamUrl& u : page.items) refresh(db, scope, u);
    return page;
  });
}

Status StreamUrls::revoke(const Scope& scope, std::string_view group_identifier, std::string_view url_identifier,
                          std::string_view mode) {
  return core_.transact([&](Store& db, int64_t now) -> Status {
    auto u = require(db, scope, group_identifier, url_identifier);
    if (!u) return std::move(u).take_error();
    const bool terminate = mode == "REVOKE_AND_TERMINATE_SESSIONS";
    if (u->status == U::Revoked) return ok();  // revoking is permanent; once is enough
    std::vector<StreamSession> running;
    if (terminate)
      for (StreamSession& s : repo::sessions_of_stream_url(db, scope, u->group_id, u->id))
        if (!is_final(s.status)) running.push_back(std::move(s));
    std::string reason = !terminate ? "userRevoked"
                         : running.empty() ? "revokedAndSessionsTerminated"
                                           : "revokedAndTerminatingSessions";
    if (auto st = lifecycle_.apply(db, scope, *u, E::Revoke, now, Cause::Api, reason); !st) return st;
    cascades_.stream_url_revoked_with_sessions(db, scope, running, now);
    return ok();
  });
}

Result<std::pair<Scope, StreamSession>> StreamUrls::open(std::string_view group_id, std::string_view url_id,
                                                         std::string_view token) {
  // Find the URL's scope first: the shareable URL names no account or Region.
  auto scope = core_.store().transaction([&](Store& db) -> Result<Scope> {
    auto s = repo::stream_url_scope(db, group_id, url_id);
    if (!s) return not_found("There is no stream URL here");
    return std::move(*s);
  });
  if (!scope) return std::move(scope).take_error();
  return core_.transact([&](Store& db, int64_t now) -> Result<std::pair<Scope, StreamSession>> {
    auto u = repo::find_stream_url(db, *scope, group_id, url_id);
    if (!u || u->token.empty() || !same_secret(token, u->token)) return not_found("There is no stream URL here");
    if (u->status != U::Active)
      return gone("This stream URL is " + std::string(to_string(u->status)) +
                      (u->status_reason ? " (" + *u->status_reason + ")" : std::string()) +
                      " and can no longer start stream sessions");
    StartSessionRequest r;
    r.group_identifier = u->group_id;
    r.application_identifier = u->app_id;
    r.draft.protocol = u->protocol;
    r.draft.signal_request = browser_offer(core_.ids());
    r.draft.description = u->description;
    SmallJson locations;
    locations.Parse(u->locations_json.c_str());
    if (locations.IsArray())
      for (const auto& l : locations.GetArray())
        if (l.IsString()) r.locations.emplace_back(l.GetString(), l.GetStringLength());
    if (u->session_length_s) r.draft.session_length_s = *u->session_length_s;
    r.draft.launch_args_json = u->launch_args_json;
    r.draft.env_vars_json = u->env_vars_json;
    r.draft.display_json = u->display_json;
    r.draft.role_arn = u->role_arn;
    r.draft.url_id = u->id;
    auto session = cascades_.stream_url_opened(db, *scope, r, now);
    if (!session) return std::move(session).take_error();
    u->uses += 1;
    u->updated_ms = now;
    if (u->usage_limit && u->uses >= *u->usage_limit)
      (void)lifecycle_.apply(db, *scope, *u, E::UsedUp, now, Cause::Api);
    else
      repo::update_stream_url(db, *scope, *u);
    return std::pair{*scope, std::move(*session)};
  });
}

Result<std::vector<HistoryEntry>> StreamUrls::history(const Scope& scope, std::string_view group_identifier,
                                                      std::string_view url_identifier) {
  return core_.transact([&](Store& db, int64_t) -> Result<std::vector<HistoryEntry>> {
    auto u = require(db, scope, group_identifier, url_identifier);
    if (!u) return std::move(u).take_error();
    return repo::history(db, scope, kKind, resource_key(*u));
  });
}

}  // namespace gls
