#include "state/cascades.hpp"

#include "state/sessions/session_lifecycle.hpp"
#include "state/sessions/stream_sessions.hpp"
#include "state/store/repository.hpp"
#include "state/stream_urls/stream_urls.hpp"

namespace gls {

void Cascades::end_running(Store& db, const Scope& scope, std::vector<StreamSession>& sessions, int64_t at) {
  for (StreamSession& s : sessions) {
    if (s.status == SessionStatus::Terminating) continue;
    if (s.status == SessionStatus::Activating)
      (void)session_lifecycle_.apply(db, scope, s, SessionEvent::Failed, at, Cause::Api, "internalError");
    else
      (void)session_lifecycle_.apply(db, scope, s, SessionEvent::TerminateRequested, at, Cause::Api);
  }
}

void Cascades::stream_group_deleting(Store& db, const Scope& scope, const std::string& group_id, int64_t at) {
  auto running = repo::running_sessions(db, scope, group_id, std::nullopt);
  end_running(db, scope, running, at);
}

void Cascades::stream_group_deleted(Store& db, const Scope& scope, const std::string& group_id, int64_t at) {
  stream_urls_.revoke_where(db, scope, group_id, std::nullopt, "streamGroupDeleted", at);
}

void Cascades::location_removing(Store& db, const Scope& scope, const std::string& group_id,
                                 std::string_view location, int64_t at) {
  auto running = repo::running_sessions(db, scope, group_id, location);
  end_running(db, scope, running, at);
}

void Cascades::application_deleted(Store& db, const Scope& scope, const std::string& app_id, int64_t at) {
  stream_urls_.revoke_where(db, scope, std::nullopt, app_id, "applicationDeleted", at);
}

void Cascades::stream_url_revoked_with_sessions(Store& db, const Scope& scope, std::vector<StreamSession>& started,
                                                int64_t at) {
  end_running(db, scope, started, at);
}

void Cascades::capacity_freed(Store& db, const Scope& scope, const std::string& group_id, int64_t at) {
  session_lifecycle_.place_waiting(db, scope, group_id, at);
}

Result<StreamSession> Cascades::stream_url_opened(Store& db, const Scope& scope, const StartSessionRequest& request,
                                                  int64_t at) {
  return sessions_.start_in(db, scope, request, at);
}

}  // namespace gls
