// The application's binding: API member <-> Application field <-> column.
#pragma once

#include "state/store/binding.hpp"
#include "state/store/records.hpp"

namespace gls {

// Every column of applications except the scope, in the table's order.
// RuntimeEnvironment (two columns under one member), ReplicationStatuses and
// AssociatedStreamGroups are rendered by hand.
binding::Fields<Application> application_fields();

}  // namespace gls
