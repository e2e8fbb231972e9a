// The rules by which a change to one resource changes others, in one place.
// The domain objects and the lifecycle tables call these; none of them
// reaches a sibling by itself.
//
//   - Deleting a stream group ends its stream sessions (as it enters
//     DELETING) and revokes its ACTIVE stream URLs (streamGroupDeleted).
//   - Removing a location ends the stream sessions there.
//   - Deleting an application revokes its ACTIVE stream URLs (applicationDeleted).
//   - Revoking a stream URL with REVOKE_AND_TERMINATE_SESSIONS ends the
//     sessions it started.
//   - Capacity freed (a session ends, a group or location comes up, a group
//     gets more capacity) places the sessions waiting for it.
//   - Opening an ACTIVE stream URL starts a stream session.
//
// Ending a running session: an ACTIVATING one fails (ERROR internalError),
// a TERMINATING one is left as it is, any other is terminated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/ids.hpp"
#include "state/result.hpp"
#include "state/store/records.hpp"

namespace gls {

class SessionLifecycle;
class Store;
class StreamSessions;
class StreamUrls;
struct StartSessionRequest;

class Cascades {
 public:
  Cascades(StreamSessions& sessions, SessionLifecycle& session_lifecycle, StreamUrls& stream_urls)
      : sessions_(sessions), session_lifecycle_(session_lifecycle), stream_urls_(stream_urls) {}
  Cascades(const Cascades&) = delete;
  Cascades& operator=(const Cascades&) = delete;

  // A stream group entering DELETING ends its stream sessions.
  void stream_group_deleting(Store& db, const Scope& scope, const std::string& group_id, int64_t at);
  // DeleteStreamGroup revokes the group's ACTIVE stream URLs.
  void stream_group_deleted(Store& db, const Scope& scope, const std::string& group_id, int64_t at);
  // A location being removed ends the stream sessions there.
  void location_removing(Store& db, const Scope& scope, const std::string& group_id, std::string_view location,
                         int64_t at);
  // DeleteApplication revokes the application's ACTIVE stream URLs.
  void application_deleted(Store& db, const Scope& scope, const std::string& app_id, int64_t at);
  // A stream URL revoked with its sessions ends those still running.
  void stream_url_revoked_with_sessions(Store& db, const Scope& scope, std::vector<StreamSession>& started,
                                        int64_t at);
  // Capacity of a group became free: the sessions waiting for it are placed.
  void capacity_freed(Store& db, const Scope& scope, const std::string& group_id, int64_t at);
  // An ACTIVE stream URL was opened: it starts a stream session.
  Result<StreamSession> stream_url_opened(Store& db, const Scope& scope, const StartSessionRequest& request,
                                          int64_t at);

 private:
  // The one way a running session is ended on behalf of another resource.
  void end_running(Store& db, const Scope& scope, std::vector<StreamSession>& sessions, int64_t at);

  StreamSessions& sessions_;
  SessionLifecycle& session_lifecycle_;
  StreamUrls& stream_urls_;
};

}  // namespace gls
