// The stream URL's binding: API member <-> StreamUrl field <-> column.
#pragma once

#include "state/store/binding.hpp"
#include "state/store/records.hpp"

namespace gls {

// Every column of stream_urls except the scope, in the table's order. The
// ARNs, the shareable URL, RemainingUses and StreamSessions are rendered by hand.
binding::Fields<StreamUrl> stream_url_fields();

}  // namespace gls
