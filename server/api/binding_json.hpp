// Rendering and decoding records through their bindings (state/store/binding.hpp).
//
// write_members writes every row of a view in table order; read_members takes
// the members a document supplies (a validated request input, or a fixtures
// or state item checked against the output shape) into a record, leaving the
// fields of absent members as they were: the record's defaults.
#pragma once

#include <rapidjson/document.h>

#include "api/render.hpp"
#include "state/store/binding.hpp"
#include "state/time/clock.hpp"

namespace gls {

template <class R>
void write_members(JsonWriter& w, const R& r, binding::Fields<R> fields, unsigned view) {
  using namespace binding;
  for (const Field<R>& f : fields) {
    if (f.member.empty() || !has(f.flags, view)) continue;
    std::visit(
        [&](const auto& ref) {
          using Ref = std::decay_t<decltype(ref)>;
          if constexpr (std::is_same_v<Ref, EnumAccess<R>>) {
            write_string(w, f.member, ref.get(r));
          } else if constexpr (std::is_same_v<Ref, std::string R::*>) {
            if (f.form == Form::Json) write_raw(w, f.member, r.*ref);
            else write_string(w, f.member, std::string_view(r.*ref));
          } else if constexpr (std::is_same_v<Ref, std::optional<std::string> R::*>) {
            if (f.form == Form::Json) write_raw(w, f.member, r.*ref);
            else write_optional(w, f.member, r.*ref);
          } else if constexpr (std::is_same_v<Ref, int64_t R::*>) {
            if (f.form == Form::Time) write_time(w, f.member, r.*ref);
            else write_int(w, f.member, r.*ref);
          } else if constexpr (std::is_same_v<Ref, std::optional<int64_t> R::*>) {
            const std::optional<int64_t>& v = r.*ref;
            if (!v && !has(f.flags, kZeroWhenAbsent)) return;
            if (f.form == Form::Time) write_time(w, f.member, v.value_or(0));
            else write_int(w, f.member, v.value_or(0));
          } else {
            write_key(w, f.member);
            w.Bool(r.*ref);
          }
        },
        f.ref);
  }
}

// Takes the members of `doc` that rows having any of `want` name. The caller
// has validated types; a status that names no value is reported by its
// member name in `bad_enum` and leaves the field as it was.
template <class R>
void read_members(const rapidjson::Value& doc, R& r, binding::Fields<R> fields, unsigned want,
                  std::string_view* bad_enum = nullptr) {
  using namespace binding;
  for (const Field<R>& f : fields) {
    if (f.member.empty() || !has(f.flags, want)) continue;
    auto it = doc.FindMember(rapidjson::StringRef(f.member.data(), f.member.size()));
    if (it == doc.MemberEnd() || it->value.IsNull()) continue;
    const rapidjson::Value& v = it->value;
    std::visit(
        [&](const auto& ref) {
          using Ref = std::decay_t<decltype(ref)>;
          if constexpr (std::is_same_v<Ref, EnumAccess<R>>) {
            if (!ref.set(r, std::string_view(v.GetString(), v.GetStringLength())) && bad_enum) *bad_enum = f.member;
          } else if constexpr (std::is_same_v<Ref, std::string R::*> ||
                               std::is_same_v<Ref, std::optional<std::string> R::*>) {
            r.*ref = f.form == Form::Json ? json_text(v) : std::string(v.GetString(), v.GetStringLength());
          } else if constexpr (std::is_same_v<Ref, int64_t R::*> || std::is_same_v<Ref, std::optional<int64_t> R::*>) {
            r.*ref = f.form == Form::Time ? seconds_to_ms(v.GetDouble()) : v.GetInt64();
          } else {
            r.*ref = v.GetBool();
          }
        },
        f.ref);
  }
}

}  // namespace gls
