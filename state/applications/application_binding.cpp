#include "state/applications/application_binding.hpp"

namespace gls {

namespace {
using namespace binding;
using A = Application;

constexpr EnumAccess<A> kStatus{
    [](const A& a) { return to_string(a.status); },
    [](A& a, std::string_view v) {
      auto parsed = parse_application_status(v);
      if (parsed) a.status = *parsed;
      return parsed.has_value();
    }};

constexpr Field<A> kFields[] = {
    {"Id", "id", &A::id, Form::Plain, kFull | kSummary},
    {"Description", "description", &A::description, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"", "runtime_type", &A::runtime_type},
    {"", "runtime_version", &A::runtime_version},
    {"ExecutablePath", "executable_path", &A::executable_path, Form::Plain, kFull | kImport},
    {"ApplicationSourceUri", "source_uri", &A::source_uri, Form::Plain, kFull | kImport},
    {"ApplicationLogPaths", "log_paths", &A::log_paths_json, Form::Json, kFull | kImport | kMutable},
    {"ApplicationLogOutputUri", "log_output_uri", &A::log_output_uri, Form::Plain, kFull | kImport | kMutable},
    {"Status", "status", kStatus, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"StatusReason", "status_reason", &A::status_reason, Form::Plain, kFull | kImport | kMutable},
    {"CreatedAt", "created_ms", &A::created_ms, Form::Time, kFull | kSummary | kImport},
    {"LastUpdatedAt", "updated_ms", &A::updated_ms, Form::Time, kFull | kSummary | kImport | kMutable},
    {"", "seq", &A::seq, Form::Plain, kAssigned},
};
}  // namespace

binding::Fields<Application> application_fields() { return kFields; }

}  // namespace gls
