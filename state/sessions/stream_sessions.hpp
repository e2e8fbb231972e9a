// The stream-session domain: one function per session operation of the API,
// and the admin actions that stand for what happens outside it (a client
// connecting, the application exiting, ...).
//
// Each operation runs in one Core::transact, so what it reads and what
// it writes are consistent, deadlines due by then have fired first, and two
// operations on one session never interleave. Status changes go through the
// SessionLifecycle's transition table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/fwd.hpp"
#include "state/ids.hpp"
#include "state/store/records.hpp"
#include "state/result.hpp"

namespace gls {

class SessionStartHook;
struct Application;

// Where the service will upload the application's logs. (The answer to the
// client's offer and the protocol script's URL: state/sessions/signalling.hpp.)
std::optional<std::string> log_file_location(const Application& app, std::string_view group_id,
                                             std::string_view session_id);

struct StartSessionRequest {
  std::string group_identifier;
  std::string application_identifier;
  // The members the request supplies (the binding's kInput rows); the
  // record's defaults stand for those it leaves out. A stream URL that starts
  // a session also sets its url_id.
  StreamSession draft;
  std::vector<std::string> locations;  // priority order; empty: the primary location
  std::optional<std::string> client_token;
  std::string fingerprint;  // of the whole input, for ClientToken checks
  SessionStartHook* on_start = nullptr;  // what else happens to the new session, in its transaction
};

struct SessionListRequest {
  std::optional<std::string> group_identifier;  // ListStreamSessions; empty for ByAccount
  std::optional<std::string> status;
  std::optional<std::string> export_status;
  std::optional<std::string> next_token;
  int max_results = 25;
};

struct SessionPage {
  std::vector<StreamSession> items;
  std::optional<std::string> next_token;
};

struct AdminShellAccess {
  std::string session_id;
  std::string stream_url;
  std::string token;
};

class StreamSessions {
 public:
  StreamSessions(Core& core, SessionLifecycle& lifecycle) : core_(core), lifecycle_(lifecycle) {}

  // ---- the API
  Result<StreamSession> start(const Scope& scope, const StartSessionRequest& request);
  // The same, inside the caller's transaction at time `now` (a stream URL
  // starts a session and counts the use in one transaction).
  Result<StreamSession> start_in(Store& db, const Scope& scope, const StartSessionRequest& request, int64_t now);
  // NotFound when the group or the session does not exist, or the session
  // belongs to another group.
  Result<StreamSession> get(const Scope& scope, std::string_view group_identifier,
                            std::string_view session_identifier);
  // GetStreamSession: the same, and the session's SignalResponse counts as
  // delivered to the client (SessionLifecycle::answer_delivered).
  Result<StreamSession> get_for_client(const Scope& scope, std::string_view group_identifier,
                                       std::string_view session_identifier);
  Result<SessionPage> list(const Scope& scope, const SessionListRequest& request);
  Status terminate(const Scope& scope, std::string_view group_identifier, std::string_view session_identifier);
  // Returns the stream's answer to the new offer (the SignalResponse JSON).
  Result<std::string> create_connection(const Scope& scope, std::string_view group_identifier,
                                        std::string_view session_identifier, const std::string& signal_request,
                                        const std::optional<std::string>& client_token,
                                        const std::string& fingerprint);
  // The live peer's answer to the session's offer (the SignalResponse JSON)
  // has come: it replaces the inert answer of a session that became ACTIVE
  // before it (placed sooner than its peer gathered), unless the session has
  // ended or taken another offer since. A session still ACTIVATING takes the
  // answer as it becomes ACTIVE (StreamPeers::ready_answer).
  void live_answer_came(const Scope& scope, std::string_view group_id, std::string_view session_id,
                        std::string_view offer_sdp, const std::string& signal_response);
  // A session that a stream URL started, for the page that URL opened:
  // found by the URL's group, ID and token (its only credentials), whatever
  // the URL's status now. AccessDenied without a token; NotFound for an
  // unknown URL, a wrong token or a session the URL did not start.
  Result<std::pair<Scope, StreamSession>> of_stream_url(std::string_view group_id, std::string_view url_id,
                                                        std::string_view token, std::string_view session_id);
  Status export_files(const Scope& scope, std::string_view group_identifier, std::string_view session_identifier,
                      std::string_view output_uri);
  Result<AdminShellAccess> admin_shell(const Scope& scope, std::string_view group_identifier,
                                       std::string_view session_identifier);

  // Takes in a session described by a fixtures or state document. What it
  // names must exist as for a start (its group, its application associated
  // with the group, a location of the group, the stream URL that started
  // it); what it leaves out (application, location, reason, answer, log and
  // Web SDK locations) gets what the service would have given it.
  Status adopt(Store& db, const Scope& scope, StreamSession& session);

  // ---- the admin API
  // clientConnect, clientDisconnect, userInput, applicationExit, fail (with a reason).
  Result<StreamSession> event(const Scope& scope, std::string_view group_identifier,
                              std::string_view session_identifier, std::string_view event,
                              std::optional<std::string> reason);
  Result<StreamSession> force_status(const Scope& scope, std::string_view group_identifier,
                                     std::string_view session_identifier, std::string_view status,
                                     std::optional<std::string> reason, bool force);
  Result<std::vector<HistoryEntry>> history(const Scope& scope, std::string_view group_identifier,
                                            std::string_view session_identifier);
  // Overrides lifecycle durations (the "streamSession" names of Timings) for one session.
  Result<StreamSession> set_timings(const Scope& scope, std::string_view group_identifier,
                                    std::string_view session_identifier, std::string_view timings_json);

 private:
  Core& core_;
  SessionLifecycle& lifecycle_;
};

}  // namespace gls
