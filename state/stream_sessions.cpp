#include "state/stream_sessions.hpp"

#include "state/emulator.hpp"
#include "state/records.hpp"
#include "state/repository.hpp"

namespace gls {

std::string make_signal_response(IdGenerator& ids) {
  // The shape of an SDP answer; clients of the emulator never parse it.
  return "v=0\r\no=- " + ids.hex(16) + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=ice-ufrag:" + ids.alphanumeric(8) +
         "\r\na=ice-pwd:" + ids.alphanumeric(24) + "\r\na=fingerprint:sha-256 " + ids.hex(64) + "\r\n";
}

std::string websdk_protocol_url(const Scope& scope) {
  return "https://gameliftstreams-websdk-" + scope.region + ".s3." + scope.region +
         ".amazonaws.com/protocol/v1/";
}

std::optional<std::string> log_file_location(const Application& app, std::string_view group_id,
                                             std::string_view session_id) {
  if (!app.log_output_uri || app.log_output_uri->empty()) return std::nullopt;
  std::string base = *app.log_output_uri;
  if (base.back() != '/') base += '/';
  return base + std::string(group_id) + "/" + std::string(session_id) + "/";
}

namespace {
// The (group ID, session ID) pair that the two identifiers name, once the
// group is known to exist.
Result<std::pair<std::string, std::string>> locate(Store& db, const Scope& scope, std::string_view group_identifier,
                                                    std::string_view session_identifier) {
  auto group = resolve_id(scope, group_identifier, ResourceType::StreamGroup);
  if (!group) return std::move(group).take_error();
  if (!repo::stream_group_exists(db, scope, *group))
    return not_found("Stream group " + *group + " was not found");
  auto session = resolve_child_id(scope, *group, session_identifier, ResourceType::StreamSession);
  if (!session) return std::move(session).take_error();
  return std::make_pair(std::move(*group), std::move(*session));
}
}  // namespace

Result<StreamSession> StreamSessions::get(const Scope& scope, std::string_view group_identifier,
                                          std::string_view session_identifier) {
  return emu_.store().transaction([&](Store& db) -> Result<StreamSession> {
    auto where = locate(db, scope, group_identifier, session_identifier);
    if (!where) return std::move(where).take_error();
    auto session = repo::find_session(db, scope, where->first, where->second);
    if (!session)
      return not_found("Stream session " + where->second + " was not found in stream group " + where->first);
    return std::move(*session);
  });
}

}  // namespace gls
