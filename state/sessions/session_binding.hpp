// The stream session's binding: API member <-> StreamSession field <-> column.
#pragma once

#include "state/store/binding.hpp"
#include "state/store/records.hpp"

namespace gls {

// Every column of stream_sessions except the scope (account, region), in the
// table's order. Members rendered by hand (Arn, ApplicationArn,
// ExportFilesMetadata) are rows without a member.
binding::Fields<StreamSession> session_fields();

}  // namespace gls
