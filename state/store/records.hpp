// The resources the emulator keeps, as plain values: every resource's
// record (each in its module) and the history of their status changes.
//
// A record is what one row (plus its child rows) of the store holds; the
// server renders records into the API's output shapes through their
// bindings. Attributes that are only ever echoed back are kept as canonical
// JSON text (`*_json`).
#pragma once

#include <optional>
#include <string>

#include "state/applications/application.hpp"
#include "state/sessions/stream_session.hpp"
#include "state/stream_groups/stream_group.hpp"
#include "state/stream_urls/stream_url.hpp"

namespace gls {

// One status change of a resource, as the history keeps it.
struct HistoryEntry {
  std::optional<std::string> from;  // none for the creation
  std::string to;
  std::optional<std::string> reason;
  std::string cause;  // api, timer, admin or fault
  int64_t time_ms = 0;
};

}  // namespace gls
