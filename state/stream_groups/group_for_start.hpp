// What starting a stream session, or adopting one from fixtures or a state
// document (PUT /_gls/state), needs of its group, read with one statement:
// the group's status, its default application, its locations with the units
// they hold, and whether the application is associated with it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/fwd.hpp"
#include "state/ids.hpp"
#include "state/stream_groups/stream_group.hpp"

namespace gls {

struct GroupForStart {
  StreamGroupStatus status = StreamGroupStatus::Activating;
  std::optional<std::string> default_app_id;
  std::vector<GroupLocation> locations;  // primary first, as find_stream_group gives them
  bool app_associated = false;           // with the application the start names
};

// Nothing when the group does not exist. Each location's units held are
// current: the stored count plus the changes the transaction has gathered
// and not written (Store::commit_deltas), which stay gathered, so that the
// starts of one batch write the count once.
std::optional<GroupForStart> read_group_for_start(Store& db, const Scope& scope, std::string_view group_id,
                                                  std::string_view app_id);

}  // namespace gls
