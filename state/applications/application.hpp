// An application: its record, its statuses and its binding (API member <->
// field <-> column of applications).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/store/binding.hpp"
#include "state/store/enum_names.hpp"

namespace gls {

enum class ApplicationStatus { Initialized, Processing, Ready, Deleting, Error };
template <> inline constexpr std::string_view kEnumNames<ApplicationStatus> = "INITIALIZED PROCESSING READY DELETING ERROR";
static_assert(to_string(ApplicationStatus::Error) == "ERROR", "one name per value, in declaration order");

// The runtime platforms the documentation tells apart. The Windows runtime
// has its own on-demand placement timeout (Proton counts as Linux there);
// Windows and Proton applications are Windows programs, whose executables
// end in .exe, .cmd or .bat.
inline bool is_windows_runtime(std::string_view runtime_type) { return runtime_type == "WINDOWS"; }
inline bool runs_windows_executables(std::string_view runtime_type) {
  return runtime_type == "WINDOWS" || runtime_type == "PROTON";
}

struct Application {
  std::string id;
  std::string description;
  std::string runtime_type;
  std::string runtime_version;
  std::string executable_path;
  std::string source_uri;
  std::string log_paths_json = "[]";
  std::optional<std::string> log_output_uri;
  ApplicationStatus status = ApplicationStatus::Initialized;
  std::optional<std::string> status_reason;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t seq = 0;  // creation order, given by the store
  // Derived from the associations, never stored: the stream groups it is
  // associated with, and its replication status per location.
  std::vector<std::string> group_ids;
  std::vector<std::pair<std::string, std::string>> replication;  // (location, REPLICATING|COMPLETED)
};

namespace application_binding {
using namespace binding;
using A = Application;
inline constexpr auto kStatus = enum_field<A, ApplicationStatus, &A::status, &parse_enum<ApplicationStatus>>();

inline constexpr Field<A> kApplicationFields[] = {
    {"Id", "id", &A::id, Form::Plain, kFull | kSummary},
    {"Description", "description", &A::description, Form::Plain, kFull | kSummary | kInput | kImport | kMutable},
    {"", "runtime_type", &A::runtime_type},
    {"", "runtime_version", &A::runtime_version},
    {"ExecutablePath", "executable_path", &A::executable_path, Form::Plain, kFull | kInput | kImport},
    {"ApplicationSourceUri", "source_uri", &A::source_uri, Form::Plain, kFull | kInput | kImport},
    {"ApplicationLogPaths", "log_paths", &A::log_paths_json, Form::Json, kFull | kInput | kImport | kMutable},
    {"ApplicationLogOutputUri", "log_output_uri", &A::log_output_uri, Form::Plain, kFull | kInput | kImport | kMutable},
    {"Status", "status", kStatus, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"StatusReason", "status_reason", &A::status_reason, Form::Plain, kFull | kImport | kMutable},
    {"CreatedAt", "created_ms", &A::created_ms, Form::Time, kFull | kSummary | kImport},
    {"LastUpdatedAt", "updated_ms", &A::updated_ms, Form::Time, kFull | kSummary | kImport | kMutable},
    {"", "seq", &A::seq, Form::Plain, kAssigned},
};
}  // namespace application_binding
// Every column of applications except the scope, in the table's order.
// RuntimeEnvironment (two columns under one member), ReplicationStatuses and
// AssociatedStreamGroups are rendered by hand.
inline binding::Fields<Application> application_fields() { return application_binding::kApplicationFields; }

}  // namespace gls
