#include "state/stream_groups/stream_group_binding.hpp"

namespace gls {

namespace {
using namespace binding;
using G = StreamGroup;
using L = GroupLocation;

constexpr EnumAccess<G> kGroupStatus{
    [](const G& g) { return to_string(g.status); },
    [](G& g, std::string_view v) {
      auto parsed = parse_stream_group_status(v);
      if (parsed) g.status = *parsed;
      return parsed.has_value();
    }};

constexpr Field<G> kGroupFields[] = {
    {"Id", "id", &G::id, Form::Plain, kFull | kSummary},
    {"Description", "description", &G::description, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"StreamClass", "stream_class", &G::stream_class, Form::Plain, kFull | kSummary | kImport},
    {"", "default_app_id", &G::default_app_id, Form::Plain, kMutable},
    {"Status", "status", kGroupStatus, Form::Plain, kFull | kSummary | kImport | kMutable},
    {"StatusReason", "status_reason", &G::status_reason, Form::Plain, kFull | kImport | kMutable},
    {"CreatedAt", "created_ms", &G::created_ms, Form::Time, kFull | kSummary | kImport},
    {"LastUpdatedAt", "updated_ms", &G::updated_ms, Form::Time, kFull | kSummary | kImport | kMutable},
    {"ExpiresAt", "expires_ms", &G::expires_ms, Form::Time, kFull | kSummary | kImport | kMutable},
    {"", "seq", &G::seq, Form::Plain, kAssigned},
};

constexpr EnumAccess<L> kLocationStatus{
    [](const L& l) { return to_string(l.status); },
    [](L& l, std::string_view v) {
      auto parsed = parse_location_status(v);
      if (parsed) l.status = *parsed;
      return parsed.has_value();
    }};

constexpr Field<L> kLocationFields[] = {
    {"LocationName", "location", &L::name, Form::Plain, kFull | kImport},
    {"Status", "status", kLocationStatus, Form::Plain, kFull | kImport | kMutable},
    {"AlwaysOnCapacity", "always_on", &L::always_on, Form::Plain, kFull | kImport | kMutable},
    {"OnDemandCapacity", "on_demand", &L::on_demand, Form::Plain, kFull | kImport | kMutable | kZeroWhenAbsent},
    {"TargetIdleCapacity", "target_idle", &L::target_idle, Form::Plain, kFull | kImport | kMutable},
    {"MaximumCapacity", "maximum", &L::maximum, Form::Plain, kFull | kImport | kMutable},
    {"VpcTransitConfiguration", "vpc", &L::vpc_json, Form::Json, kFull | kImport | kMutable},
    {"", "added_ms", &L::added_ms},
};
}  // namespace

binding::Fields<StreamGroup> stream_group_fields() { return kGroupFields; }
binding::Fields<GroupLocation> location_fields() { return kLocationFields; }

}  // namespace gls
