#include "state/store/json_text.hpp"
#include "state/sessions/stream_sessions.hpp"

#include <algorithm>

#include "state/core.hpp"
#include "state/sessions/export_archive.hpp"
#include "state/applications/applications.hpp"
#include "state/sessions/session_lifecycle.hpp"
#include "state/sessions/session_rules.hpp"
#include "state/store/idempotency.hpp"
#include "state/store/records.hpp"
#include "state/store/repository.hpp"
#include "state/stream_groups/group_for_start.hpp"
#include "state/secrets.hpp"

namespace gls {

std::optional<std::string> log_file_location(const Application& app, std::string_view group_id,
                                             std::string_view session_id) {
  if (!app.log_output_uri || app.log_output_uri->empty()) return std::nullopt;
  std::string base = *app.log_output_uri;
  if (base.back() != '/') base += '/';
  return base + std::string(group_id) + "/" + std::string(session_id) + "/";
}

namespace {

constexpr std::string_view kKind = "streamsession";

// The session named by the two identifiers.
Result<StreamSession> require_session(Store& db, const Scope& scope, std::string_view group_identifier,
                                      std::string_view session_identifier) {
  auto group = resolve_id(scope, group_identifier, ResourceType::StreamGroup);
  if (!group) return std::move(group).take_error();
  if (!repo::stream_group_exists(db, scope, *group)) return not_found("Stream group " + *group + " was not found");
  auto id = resolve_child_id(scope, *group, session_identifier, ResourceType::StreamSession);
  if (!id) return std::move(id).take_error();
  auto session = repo::find_session(db, scope, *group, *id);
  if (!session) return not_found("Stream session " + *id + " was not found in stream group " + *group);
  return std::move(*session);
}

bool in_progress(SessionStatus s) {
  return s == SessionStatus::Active || s == SessionStatus::Connected ||
         s == SessionStatus::PendingClientReconnection || s == SessionStatus::Reconnecting;
}

std::string status_name(const StreamSession& s) { return std::string(to_string(s.status)); }

// What a session may name, whether it starts or is adopted.
Status not_associated(std::string_view group_id, std::string_view app_id) {
  return validation("Application " + std::string(app_id) + " is not associated with stream group " +
                    std::string(group_id) + "; associate it with AssociateApplications first");
}

const GroupLocation* location_of(const std::vector<GroupLocation>& locations, std::string_view name) {
  auto it = std::find_if(locations.begin(), locations.end(), [&](const GroupLocation& l) { return l.name == name; });
  return it == locations.end() ? nullptr : &*it;
}

Status not_a_location(std::string_view group_id, std::string_view name) {
  return validation("Location " + std::string(name) + " is not a location of stream group " + std::string(group_id));
}

}  // namespace

Result<StreamSession> StreamSessions::start(const Scope& scope, const StartSessionRequest& r) {
  // The deadlines the transaction fires first may place other sessions,
  // whose answers no one here awaits: only the new session's offer is this
  // call's to await.
  auto s = core_.transact([&](Store& db, int64_t now) {
    SessionSignalling::CallerAwaitsAnswers awaited;
    return start_in(db, scope, r, now);
  });
  // A placed session's live peer gathers its ICE candidates now, with no
  // transaction open, so that its ACTIVE finds the answer ready (and one
  // that came after ACTIVE replaces the inert answer).
  if (s && s->placed) {
    const SignalRequest request = read_signal_request(s->signal_request);
    if (auto live = lifecycle_.signalling().live_response(SessionLifecycle::peer_key(scope, *s), request))
      live_answer_came(scope, s->group_id, s->id, request.offer->sdp, *live);
  }
  return s;
}

void StreamSessions::live_answer_came(const Scope& scope, std::string_view group_id, std::string_view session_id,
                                      std::string_view offer_sdp, const std::string& signal_response) {
  (void)core_.transact([&](Store& db, int64_t) -> Status {
    auto s = repo::find_session(db, scope, group_id, session_id);
    if (!s || !s->signal_response || *s->signal_response == signal_response || is_final(s->status) ||
        s->status == SessionStatus::Terminating)
      return ok();
    const SignalRequest request = read_signal_request(s->signal_request);
    if (!request.offer || request.offer->sdp != offer_sdp) return ok();
    s->signal_response = signal_response;
    repo::update_session(db, scope, *s);
    return ok();
  });
}

Result<StreamSession> StreamSessions::start_in(Store& db, const Scope& scope, const StartSessionRequest& r,
                                               int64_t now) {
  auto group_id = resolve_id(scope, r.group_identifier, ResourceType::StreamGroup);
  if (!group_id) return std::move(group_id).take_error();
  // Its error comes after the group's; its association is read with the group.
  auto app_id = resolve_id(scope, r.application_identifier, ResourceType::Application);
  auto group = read_group_for_start(db, scope, *group_id, app_id ? std::string_view(*app_id) : std::string_view());
  if (!group) return not_found("Stream group " + *group_id + " was not found");
  if (group->status != StreamGroupStatus::Active && group->status != StreamGroupStatus::ActiveWithErrors &&
      group->status != StreamGroupStatus::UpdatingLocations)
    return conflict("Stream group " + *group_id + " is " + std::string(to_string(group->status)) +
                    "; stream sessions start only in an ACTIVE stream group");

  if (r.client_token) {
    auto earlier = idempotency::recall(db, scope, "StartStreamSession", *r.client_token, r.fingerprint, now);
    if (!earlier) return std::move(earlier).take_error();
    if (*earlier) {
      if (auto original = idempotency::original_response(db, scope, "StartStreamSession", *r.client_token))
        return idempotency::restore(db, *original, session_fields());
      auto slash = (*earlier)->find('/');
      if (auto s = repo::find_session(db, scope, (*earlier)->substr(0, slash), (*earlier)->substr(slash + 1)))
        return std::move(*s);
    }
  }
  if (auto st = check_start_input(r.draft.display_json, r.draft.role_arn); !st) return std::move(st).take_error();

  if (!app_id) return std::move(app_id).take_error();
  auto app = repo::find_application(db, scope, *app_id);
  if (!app) return not_found("Application " + *app_id + " was not found");
  if (!group->app_associated) return not_associated(*group_id, *app_id).take_error();
  if (app->status != ApplicationStatus::Ready)
    return conflict("Application " + *app_id + " is " + std::string(to_string(app->status)) +
                    "; stream sessions need a READY application");

  const std::vector<GroupLocation>& known = group->locations;
  std::vector<std::string> locations = r.locations;
  if (locations.empty()) locations.push_back(known.front().name);
  bool any_active = false;
  for (const std::string& l : locations) {
    const GroupLocation* where = location_of(known, l);
    if (!where) return not_a_location(*group_id, l).take_error();
    any_active |= where->status == LocationStatus::Active;
  }
  if (!any_active)
    return validation("None of the requested locations of stream group " + *group_id +
                      " is ACTIVE; a stream session needs an ACTIVE location");
  // An application streams from a location only once it has replicated there.
  std::erase_if(locations, [&](const std::string& l) { return !replicated_in(core_, db, scope, *app, l, now); });
  if (std::none_of(locations.begin(), locations.end(),
                   [&](const std::string& l) { return location_of(known, l)->status == LocationStatus::Active; }))
    return conflict("Application " + *app_id + " has not finished replicating to the requested locations of " +
                    "stream group " + *group_id + "; a location streams it once its ReplicationStatus is COMPLETED");

  StreamSession s = r.draft;
  s.group_id = std::move(*group_id);
  s.id = core_.ids().stream_session();
  s.app_id = *app_id;
  s.location = locations.front();
  s.requested_locations_json = json_string_list(locations);
  s.log_uri = log_file_location(*app, s.group_id, s.id);
  s.websdk_url = lifecycle_.signalling().protocol_url();
  lifecycle_.start(db, scope, s, now, known);
  if (r.on_start) r.on_start->started(db, scope, s);
  repo::insert_session(db, scope, s, offers_started_with(s.signal_request));
  if (r.client_token)
    idempotency::remember(db, scope, "StartStreamSession", *r.client_token, r.fingerprint,
                          SessionLifecycle::resource_key(s), now, idempotency::snapshot(s, session_fields()));
  return s;
}

Status StreamSessions::adopt(Store& db, const Scope& scope, StreamSession& x) {
  // The group as a start reads it: one statement, which leaves the counts a
  // load of many sessions gathers unwritten (find_stream_group writes them
  // first, for each session).
  auto group = read_group_for_start(db, scope, x.group_id, x.app_id);
  if (!group) return validation("member 'StreamGroupId': stream group " + x.group_id + " is not defined");
  if (repo::find_session(db, scope, x.group_id, x.id)) return validation("session " + x.id + " is defined twice");
  if (x.app_id.empty()) {
    if (!group->default_app_id)
      return validation("a stream session needs 'ApplicationArn' when its group has no default application");
    x.app_id = *group->default_app_id;
    group = read_group_for_start(db, scope, x.group_id, x.app_id);  // its association
  }
  auto app = repo::find_application(db, scope, x.app_id);
  if (!app) return validation("member 'ApplicationArn': application " + x.app_id + " is not defined");
  if (!group->app_associated) return not_associated(x.group_id, x.app_id);
  if (group->locations.empty())
    return validation("member 'StreamGroupId': stream group " + x.group_id + " has no location");
  if (x.location.empty()) x.location = group->locations.front().name;
  if (!location_of(group->locations, x.location))
    return validation("member 'Location': stream group " + x.group_id + " has no location " + x.location);
  if (x.url_id && !repo::find_stream_url(db, scope, x.group_id, *x.url_id))
    return validation("member 'StreamUrlId': stream URL " + *x.url_id + " is not defined in stream group " + x.group_id);

  if (!x.status_reason) {
    if (x.status == SessionStatus::Terminated || x.status == SessionStatus::Terminating) x.status_reason = "apiTerminated";
    else if (x.status == SessionStatus::Error) x.status_reason = "internalError";
  }
  // A session that arrives running has no live peer: its answer is inert.
  if (!x.signal_response && x.status != SessionStatus::Activating && x.status != SessionStatus::Error)
    x.signal_response = lifecycle_.signalling().respond(SessionLifecycle::peer_key(scope, x),
                                                        read_signal_request(x.signal_request), core_.ids(), false);
  if (!x.log_uri) x.log_uri = log_file_location(*app, x.group_id, x.id);
  if (!x.websdk_url) x.websdk_url = lifecycle_.signalling().protocol_url();
  x.requested_locations_json = json_string_list({x.location});
  x.placed = !is_final(x.status) && x.status != SessionStatus::Activating;
  lifecycle_.adopt(db, scope, x);
  repo::insert_session(db, scope, x);
  repo::record_transition(db, scope, kKind, SessionLifecycle::resource_key(x), std::nullopt, to_string(x.status),
                          x.status_reason, "admin", x.updated_ms);
  return ok();
}

Result<StreamSession> StreamSessions::get(const Scope& scope, std::string_view group_identifier,
                                          std::string_view session_identifier) {
  return core_.read([&](Store& db, int64_t) { return require_session(db, scope, group_identifier, session_identifier); });
}

Result<StreamSession> StreamSessions::get_for_client(const Scope& scope, std::string_view group_identifier,
                                                     std::string_view session_identifier) {
  // Only --auto-connect makes a delivered answer a write.
  if (!core_.config().auto_connect_ms) return get(scope, group_identifier, session_identifier);
  return core_.transact([&](Store& db, int64_t now) {
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (s) lifecycle_.answer_delivered(db, scope, *s, now);
    return s;
  });
}

Result<SessionPage> StreamSessions::list(const Scope& scope, const SessionListRequest& r) {
  return core_.read([&](Store& db, int64_t) -> Result<SessionPage> {
    repo::SessionQuery q;
    if (r.group_identifier) {
      auto group = resolve_id(scope, *r.group_identifier, ResourceType::StreamGroup);
      if (!group) return std::move(group).take_error();
      if (!repo::stream_group_exists(db, scope, *group)) return not_found("Stream group " + *group + " was not found");
      q.group_id = *group;
    }
    q.status = r.status;
    q.export_status = r.export_status;
    q.limit = r.max_results;
    // The token is bound to the request's scope and filters.
    const std::string context = std::string(r.group_identifier ? "ListStreamSessions|" : "ListStreamSessionsByAccount|") +
                                scope.account + "|" + scope.region + "|" + q.group_id.value_or("") + "|" +
                                q.status.value_or("") + "|" + q.export_status.value_or("");
    if (r.next_token) {
      auto position = core_.page_tokens().open(context, *r.next_token);
      if (!position) return std::move(position).take_error();
      // created_ms:group_id:id
      auto a = position->find(':'), b = position->find(':', a == std::string::npos ? a : a + 1);
      if (a == std::string::npos || b == std::string::npos) return validation("The NextToken is not valid");
      q.after = repo::SessionKey{std::stoll(position->substr(0, a)), position->substr(a + 1, b - a - 1),
                                 position->substr(b + 1)};
    }
    SessionPage page;
    page.items = repo::list_sessions(db, scope, q);
    if (static_cast<int>(page.items.size()) > r.max_results) {
      page.items.resize(static_cast<size_t>(r.max_results));
      const StreamSession& last = page.items.back();
      page.next_token = core_.page_tokens().issue(
          context, std::to_string(last.created_ms) + ":" + last.group_id + ":" + last.id);
    }
    return page;
  });
}

Status StreamSessions::terminate(const Scope& scope, std::string_view group_identifier,
                                 std::string_view session_identifier) {
  return core_.transact([&](Store& db, int64_t now) -> Status {
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (!s) return std::move(s).take_error();
    return lifecycle_.apply(db, scope, *s, SessionEvent::TerminateRequested, now, Cause::Api);
  });
}

// In three steps, so that no transaction waits for ICE gathering: the
// connection is checked and recorded (a valid offer goes to the live peers,
// and the session holds the inert answer meanwhile); the live peer's answer
// is awaited with no transaction open; the answer is stored, unless the
// session has moved on (ended, or taken a newer offer: an ended session's
// peer was closed as it ended).
// A ClientToken is remembered in the first step, and the response it
// returns once known: a repeat of the request (same token, same input)
// while the live answer is awaited waits for the same answer.
Result<std::string> StreamSessions::create_connection(const Scope& scope, std::string_view group_identifier,
                                                      std::string_view session_identifier,
                                                      const std::string& signal_request,
                                                      const std::optional<std::string>& client_token,
                                                      const std::string& fingerprint) {
  static constexpr std::string_view kOperation = "CreateStreamSessionConnection";
  struct Recorded {
    std::string response;
    std::optional<StreamPeerKey> live;  // the peer whose answer is awaited
    SignalRequest request;
  };
  SessionSignalling& signalling = lifecycle_.signalling();
  auto recorded = core_.transact([&](Store& db, int64_t now) -> Result<Recorded> {
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (!s) return std::move(s).take_error();
    if (client_token) {
      auto earlier = idempotency::recall(db, scope, kOperation, *client_token, fingerprint, now);
      if (!earlier) return std::move(earlier).take_error();
      if (*earlier) {
        if (auto original = idempotency::original_response(db, scope, kOperation, *client_token))
          return Recorded{*original, std::nullopt, {}};
        // The first request still waits for its live peer's answer to this
        // offer (the session has taken no newer one): so does the repeat.
        if (s->signal_request == signal_request && s->signal_response)
          return Recorded{*s->signal_response, SessionLifecycle::peer_key(scope, *s),
                          read_signal_request(signal_request)};
        if (s->signal_response) return Recorded{*s->signal_response, std::nullopt, {}};
      }
    }
    if (s->status != SessionStatus::Active && s->status != SessionStatus::PendingClientReconnection)
      return conflict("Stream session " + s->id + " is " + status_name(*s) +
                      "; a connection can be created only in ACTIVE or PENDING_CLIENT_RECONNECTION");
    // The service wants a fresh offer for every connection (never one the
    // session has used); a valid one goes to the live peers, which answer it
    // (or the answer is inert).
    Recorded r{{}, std::nullopt, read_signal_request(signal_request)};
    const bool rejected = signal_request == s->signal_request || offer_used(db, scope, *s, signal_request) ||
                          r.request.kind == SignalKind::Invalid;
    s->signal_request = signal_request;
    const StreamPeerKey key = SessionLifecycle::peer_key(scope, *s);
    if (!rejected && r.request.offer) {
      signalling.peers()->offer_awaited(key, *r.request.offer);
      r.live = key;
    }
    s->signal_response = signalling.respond(key, r.request, core_.ids(), false);
    if (auto st = lifecycle_.apply(db, scope, *s, SessionEvent::ConnectionRequested, now, Cause::Api); !st)
      return std::move(st).take_error();
    if (rejected) lifecycle_.reject_offer(db, scope, *s);
    remember_offer(db, scope, *s, signal_request);
    r.response = *s->signal_response;
    // The token keeps the response the request returns: this one, or the
    // live peer's once it has come (below).
    if (client_token)
      idempotency::remember(db, scope, kOperation, *client_token, fingerprint, SessionLifecycle::resource_key(*s),
                            now, r.live ? std::nullopt : std::optional<std::string>(r.response));
    return r;
  });
  if (!recorded) return std::move(recorded).take_error();
  if (!recorded->live) return std::move(recorded->response);
  const StreamPeerKey& key = *recorded->live;
  auto live = signalling.live_response(key, recorded->request);
  if (!live && !client_token) return std::move(recorded->response);
  return core_.transact([&](Store& db, int64_t) -> Result<std::string> {
    const std::string response = live.value_or(recorded->response);
    auto s = repo::find_session(db, scope, key.group_id, key.session_id);
    if (!s || is_final(s->status) || s->status == SessionStatus::Terminating) {
      signalling.peers()->close(key);  // closed already as it ended; never left behind
    } else if (live && s->signal_request == signal_request && s->signal_response != live) {
      s->signal_response = *live;
      repo::update_session(db, scope, *s);
    }
    if (client_token && s) {
      // A repeat that waited alongside returns what the first request kept.
      if (auto kept = idempotency::original_response(db, scope, kOperation, *client_token)) return *kept;
      idempotency::keep_response(db, scope, kOperation, *client_token, response);
    }
    return response;
  });
}

Result<std::pair<Scope, StreamSession>> StreamSessions::of_stream_url(std::string_view group_id,
                                                                      std::string_view url_id, std::string_view token,
                                                                      std::string_view session_id) {
  if (token.empty())
    return access_denied("A stream URL's session is reached with the URL's token: add ?token= as in the stream URL");
  return core_.transact([&](Store& db, int64_t) -> Result<std::pair<Scope, StreamSession>> {
    auto scope = repo::stream_url_scope(db, group_id, url_id);
    auto url = scope ? repo::find_stream_url(db, *scope, group_id, url_id) : std::nullopt;
    if (!url || url->token.empty() || !same_secret(token, url->token))
      return not_found("There is no stream URL here, or its token is not this one");
    auto s = repo::find_session(db, *scope, url->group_id, session_id);
    if (!s || s->url_id != url->id)
      return not_found("Stream URL " + url->id + " did not start a stream session " + std::string(session_id));
    return std::pair{std::move(*scope), std::move(*s)};
  });
}

Status StreamSessions::export_files(const Scope& scope, std::string_view group_identifier,
                                    std::string_view session_identifier, std::string_view output_uri) {
  return core_.transact([&](Store& db, int64_t now) -> Status {
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (!s) return std::move(s).take_error();
    if (!in_progress(s->status))
      return validation("Stream session " + s->id + " is " + status_name(*s) +
                        "; files can be exported only from a session that is ACTIVE, CONNECTED, "
                        "PENDING_CLIENT_RECONNECTION or RECONNECTING");
    std::string resolved = resolve_export_uri(output_uri, *s, now);
    if (auto where = export_path_segments(resolved); !where) return std::move(where).take_error();
    s->export_status = "PENDING";
    s->export_reason.reset();
    s->export_uri = std::move(resolved);
    repo::update_session(db, scope, *s);
    return ok();
  });
}

Result<AdminShellAccess> StreamSessions::admin_shell(const Scope& scope, std::string_view group_identifier,
                                                     std::string_view session_identifier) {
  return core_.transact([&](Store& db, int64_t) -> Result<AdminShellAccess> {
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (!s) return std::move(s).take_error();
    if (s->status == SessionStatus::Activating)
      return Error{ErrorKind::AccessNotReady,
                   "Stream session " + s->id + " is still ACTIVATING; its terminal is not available yet"};
    if (!in_progress(s->status))
      return validation("Stream session " + s->id + " is " + status_name(*s) +
                        "; an admin shell needs a session that is ACTIVE, CONNECTED, PENDING_CLIENT_RECONNECTION "
                        "or RECONNECTING");
    IdGenerator& ids = core_.ids();
    AdminShellAccess a;
    a.session_id = "gameliftstreams-" + s->id + "-" + ids.hex(17);
    a.stream_url = "wss://ssmmessages." + scope.region + ".amazonaws.com/v1/data-channel/" + a.session_id +
                   "?role=publish_subscribe&cell-number=" + base64url_encode(ids.hex(24));
    a.token = base64url_encode(ids.hex(96) + ids.alphanumeric(64));
    return a;
  });
}

// ---- admin ---------------------------------------------------------------------------

Result<StreamSession> StreamSessions::event(const Scope& scope, std::string_view group_identifier,
                                            std::string_view session_identifier, std::string_view event,
                                            std::optional<std::string> reason) {
  return core_.transact([&](Store& db, int64_t now) -> Result<StreamSession> {
    std::optional<SessionEvent> e;
    if (event == "clientConnect") e = SessionEvent::ClientConnected;
    else if (event == "clientDisconnect") e = SessionEvent::ClientDisconnected;
    else if (event == "applicationExit") e = SessionEvent::ApplicationExited;
    else if (event == "fail") e = SessionEvent::Failed;
    else if (event != "userInput")
      return validation("unknown event '" + std::string(event) +
                        "'; the events are clientConnect, clientDisconnect, userInput, applicationExit and fail");
    if (e == SessionEvent::Failed) {
      if (!reason) reason = "internalError";
      if (!is_error_reason(*reason))
        return validation("'" + *reason +
                          "' is not a reason for ERROR; use internalError, invalidSignalRequest, placementTimeout, "
                          "applicationLogS3DestinationError or assumeRoleFailed");
    } else if (reason) {
      return validation("only the fail event takes a reason");
    }
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (!s) return std::move(s).take_error();
    SessionLifecycle& lifecycle = lifecycle_;
    Status st = e ? lifecycle.apply(db, scope, *s, *e, now, Cause::Admin, reason) : lifecycle.user_input(db, scope, *s, now);
    if (!st) return std::move(st).take_error();
    return std::move(*s);
  });
}

Result<StreamSession> StreamSessions::force_status(const Scope& scope, std::string_view group_identifier,
                                                   std::string_view session_identifier, std::string_view status,
                                                   std::optional<std::string> reason, bool force) {
  auto to = parse_enum<SessionStatus>(status);
  if (!to)
    return validation("'" + std::string(status) +
                      "' is not a stream session status; the statuses are ACTIVATING, ACTIVE, CONNECTED, "
                      "PENDING_CLIENT_RECONNECTION, RECONNECTING, TERMINATING, TERMINATED and ERROR");
  return core_.transact([&](Store& db, int64_t now) -> Result<StreamSession> {
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (!s) return std::move(s).take_error();
    if (auto st = lifecycle_.force(db, scope, *s, *to, reason, force, now); !st)
      return std::move(st).take_error();
    return std::move(*s);
  });
}

Result<std::vector<HistoryEntry>> StreamSessions::history(const Scope& scope, std::string_view group_identifier,
                                                          std::string_view session_identifier) {
  return core_.transact([&](Store& db, int64_t) -> Result<std::vector<HistoryEntry>> {
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (!s) return std::move(s).take_error();
    return repo::history(db, scope, kKind, SessionLifecycle::resource_key(*s));
  });
}

Result<StreamSession> StreamSessions::set_timings(const Scope& scope, std::string_view group_identifier,
                                                  std::string_view session_identifier,
                                                  std::string_view timings_json) {
  return core_.transact([&](Store& db, int64_t) -> Result<StreamSession> {
    auto s = require_session(db, scope, group_identifier, session_identifier);
    if (!s) return std::move(s).take_error();
    Timings t = core_.timings();  // the emulator's, then what the session already set, then the request
    if (s->timings_json) (void)t.merge_json(*s->timings_json, "streamSession");
    if (auto st = t.merge_json(timings_json, "streamSession"); !st) return std::move(st).take_error();
    s->timings_json = t.kind_json("streamSession");
    repo::update_session(db, scope, *s);
    return std::move(*s);
  });
}

}  // namespace gls
