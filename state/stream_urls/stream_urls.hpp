// The stream-URL domain: CreateStreamUrl, GetStreamUrl, ListStreamUrls,
// RevokeStreamUrl, and opening a URL as a browser would.
//
// A stream URL is ACTIVE until its ExpiresAt (EXPIRED, on the emulator's
// clock), its UsageLimit is used up (LIMIT_REACHED), or it is revoked
// (REVOKED: userRevoked; revokedAndTerminatingSessions, then
// revokedAndSessionsTerminated once its sessions have ended;
// streamGroupDeleted; applicationDeleted): stream_url_lifecycle.hpp, run by
// the lifecycle engine. Every change is in the history.
// The shareable URL points at the emulator itself: each GET of an ACTIVE URL
// starts one stream session, in the same transaction that counts the use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/fwd.hpp"
#include "state/ids.hpp"
#include "state/store/records.hpp"
#include "state/stream_urls/stream_url_lifecycle.hpp"
#include "state/result.hpp"

namespace gls {

struct CreateStreamUrlRequest {
  std::string group_identifier;
  std::string application_identifier;
  // The members the request supplies (the binding's kInput rows); the
  // record's defaults stand for those it leaves out.
  StreamUrl draft;
  int64_t expires_after_minutes = 0;
  std::vector<std::string> locations;
  std::optional<std::string> client_token;
  std::string fingerprint;
};

struct StreamUrlView {
  StreamUrl url;
  std::vector<StreamSession> sessions;  // those it started
};

struct StreamUrlPage {
  std::vector<StreamUrl> items;
  std::optional<std::string> next_token;
};

// The path of the emulator's web player, under which stream URLs live.
inline constexpr std::string_view kPlayPath = "/_gls/play/";

class StreamUrls {
 public:
  StreamUrls(Core& core, Cascades& cascades) : core_(core), cascades_(cascades), lifecycle_(core, *this, cascades) {}

  // ---- the API
  Result<StreamUrl> create(const Scope& scope, const CreateStreamUrlRequest& r);
  Result<StreamUrlView> get(const Scope& scope, std::string_view group_identifier, std::string_view url_identifier);
  Result<StreamUrlPage> list(const Scope& scope, const std::optional<std::string>& status,
                             const std::optional<std::string>& group_identifier,
                             const std::optional<std::string>& next_token, int max_results);
  // mode: REVOKE_URL or REVOKE_AND_TERMINATE_SESSIONS.
  Status revoke(const Scope& scope, std::string_view group_identifier, std::string_view url_identifier,
                std::string_view mode);

  // ---- the web player: a GET of the shareable URL
  // Starts a session when the URL is ACTIVE and the token is its own.
  // NotFound for an unknown URL or a wrong token; Gone when the URL is no
  // longer ACTIVE.
  Result<std::pair<Scope, StreamSession>> open(std::string_view group_id, std::string_view url_id,
                                               std::string_view token);

  // ---- admin
  Result<std::vector<HistoryEntry>> history(const Scope& scope, std::string_view group_identifier,
                                            std::string_view url_identifier);

  // ---- for the other domains (inside a transaction)
  // Revokes the ACTIVE URLs of a group and/or an application with a reason.
  void revoke_where(Store& db, const Scope& scope, const std::optional<std::string>& group_id,
                    const std::optional<std::string>& app_id, std::string_view reason, int64_t at);
  // Brings the URL's StatusReason up to date with its sessions.
  void refresh(Store& db, const Scope& scope, StreamUrl& u);
  // Takes in a stream URL that arrives in some status (fixtures, an imported
  // state): checks the group and application it names (the group's default
  // application when it names none), gives it a token and its URL, stores it
  // with its arrival in the history and arms its deadlines. Errors name the
  // member at fault.
  Status adopt(Store& db, const Scope& scope, StreamUrl u);
  void on_timer(Store& db, const Timer& timer) { lifecycle_.on_timer(db, timer); }
  StreamUrlLifecycle& lifecycle() { return lifecycle_; }

  static std::string resource_key(const StreamUrl& u) { return StreamUrlMachine::key(u); }

 private:
  Result<StreamUrl> require(Store& db, const Scope& scope, std::string_view group_identifier,
                            std::string_view url_identifier);
  Core& core_;
  Cascades& cascades_;
  StreamUrlLifecycle lifecycle_;
};

}  // namespace gls
