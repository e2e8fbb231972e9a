// Bindings: for each resource, one table that maps its API members to its
// record's fields and to its store columns.
//
// A row says where a field lives in three worlds: the member name it has in
// the API's shapes (and in fixtures and state documents, which use those
// shapes), the column of the resource's table, and how it is carried (plain,
// JSON kept as text, or a time: epoch milliseconds in the record and the
// store, epoch seconds in the API). Flags say where the member takes part:
// which output views render it, whether the create request and imported
// documents supply it, and which partial updates write it.
//
// The repository builds its SQL from the table (state/store/binding_sql.hpp),
// the API layer renders and decodes with it (server/api/binding_json.hpp):
// adding an optional attribute to a resource is one row here plus the
// migration that adds its column.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>


namespace gls::binding {

// How a member is carried.
enum class Form : uint8_t {
  Plain,  // as is
  Json,   // canonical JSON text in the record and the store, a JSON value in the API
  Time,   // epoch milliseconds in the record and the store, epoch seconds in the API
};

// Where a field takes part; a row's flags are a combination.
enum Flag : unsigned {
  kFull = 1u << 0,     // rendered in the full view (Get, Create, Update, Start)
  kSummary = 1u << 1,  // rendered in list items
  kAccount = 1u << 2,  // rendered in ListStreamSessionsByAccount items
  kExport = 1u << 3,   // rendered in state documents only (GET /_gls/state), not an API member
  kInput = 1u << 4,    // supplied by the create request
  kImport = 1u << 5,   // supplied by fixtures and state documents
  kState = 1u << 6,    // written by the partial update a status change makes
  kMutable = 1u << 7,  // written by the partial update of the resource's mutable attributes
  kZeroWhenAbsent = 1u << 8,  // an absent optional integer renders as 0 (the documented default)
  kAssigned = 1u << 9,  // given by the store on insert: one more than the table's largest (creation order)
  kViews = kFull | kSummary | kAccount,
  kEveryView = kFull | kSummary | kAccount | kExport,
};

// A field that is an enumeration (a status): its text at the boundaries.
template <class R>
struct EnumAccess {
  std::string_view (*get)(const R&);
  bool (*set)(R&, std::string_view);  // false (and nothing set) for a text that names no value
};

// The EnumAccess of the field `M` of R, of an enumeration E with a
// to_string(E) and a parser of its text.
template <class R, class E, E R::*M, std::optional<E> (*Parse)(std::string_view)>
constexpr EnumAccess<R> enum_field() {
  return {[](const R& r) { return to_string(r.*M); },
          [](R& r, std::string_view text) {
            const std::optional<E> v = Parse(text);
            if (v) r.*M = *v;
            return v.has_value();
          }};
}

template <class R>
using FieldRef = std::variant<std::string R::*, std::optional<std::string> R::*, int64_t R::*,
                              std::optional<int64_t> R::*, bool R::*, EnumAccess<R>>;

template <class R>
struct Field {
  std::string_view member;  // the API member; empty for fields the API never shows
  std::string_view column;
  FieldRef<R> ref;
  Form form = Form::Plain;
  unsigned flags = 0;
};

template <class R>
using Fields = std::span<const Field<R>>;

inline bool has(unsigned flags, unsigned want) { return (flags & want) != 0; }

// The row of a member, if the table has one.
template <class R>
const Field<R>* find_member(Fields<R> fields, std::string_view member) {
  for (const Field<R>& f : fields)
    if (f.member == member) return &f;
  return nullptr;
}

}  // namespace gls::binding
