// Rules the API documentation states in prose about a stream session's
// input, beyond what the model's constraints check:
//   - DisplayConfiguration.Resolution: width and height are even numbers and
//     width x height is at most 2,073,600 pixels (1920 x 1080);
//   - RoleArn: the role's name starts with "GameLiftStreams-";
//   - CreateStreamSessionConnection: the offer is newly generated, never one
//     the session has used before (at its start or an earlier connection).
// Violations are ValidationExceptions naming the member.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "state/ids.hpp"
#include "state/result.hpp"
#include "state/sessions/stream_session.hpp"
#include "state/store/store.hpp"

namespace gls {

// DisplayConfiguration and RoleArn as StartStreamSession or CreateStreamUrl supply them.
Status check_start_input(const std::optional<std::string>& display_json, const std::optional<std::string>& role_arn);

// Whether `offer` is one the session has already used; remembering one.
// The session's row must exist.
bool offer_used(Store& db, const Scope& scope, const StreamSession& s, std::string_view offer);
void remember_offer(Store& db, const Scope& scope, const StreamSession& s, std::string_view offer);
// What a new session's row holds as the offers it has used, when its start
// used `offer`: repo::insert_session writes it with the row, so that a start
// writes the row once.
std::string offers_started_with(std::string_view offer);

}  // namespace gls
