// The stream-session domain: one function per session operation of the API.
//
// Each operation runs in one store transaction, so what it reads and what it
// writes are consistent, and two operations on one session never interleave.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "state/ids.hpp"
#include "state/records.hpp"
#include "state/result.hpp"

namespace gls {

class Emulator;
class IdGenerator;
struct Application;

// What the service generates for a session once it is placed: its WebRTC
// answer to the client's offer, where the Web SDK protocol files are, and
// where the application's logs will be uploaded.
std::string make_signal_response(IdGenerator& ids);
std::string websdk_protocol_url(const Scope& scope);
std::optional<std::string> log_file_location(const Application& app, std::string_view group_id,
                                             std::string_view session_id);

class StreamSessions {
 public:
  explicit StreamSessions(Emulator& emu) : emu_(emu) {}

  // The session named by `session_identifier` (ID or ARN) in the stream group
  // named by `group_identifier`. NotFound when either does not exist, or the
  // session belongs to another group.
  Result<StreamSession> get(const Scope& scope, std::string_view group_identifier,
                            std::string_view session_identifier);

 private:
  Emulator& emu_;
};

}  // namespace gls
