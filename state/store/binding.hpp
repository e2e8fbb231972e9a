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
// The repository builds its SQL from the table (bind_columns, read_columns),
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

#include "state/store/store.hpp"

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

// "a, b, c": the columns of the rows having any of `want` (every row when 0).
template <class R>
std::string column_list(Fields<R> fields, unsigned want = 0) {
  std::string out;
  for (const Field<R>& f : fields)
    if (!want || has(f.flags, want)) out += (out.empty() ? "" : ", ") + std::string(f.column);
  return out;
}

// "a = ?, b = ?": for an UPDATE of the rows having any of `want`.
template <class R>
std::string assignment_list(Fields<R> fields, unsigned want) {
  std::string out;
  for (const Field<R>& f : fields)
    if (has(f.flags, want)) out += (out.empty() ? "" : ", ") + std::string(f.column) + " = ?";
  return out;
}

// "?, ?, ?": n placeholders.
inline std::string placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

template <class R>
size_t count(Fields<R> fields, unsigned want = 0) {
  size_t n = 0;
  for (const Field<R>& f : fields) n += !want || has(f.flags, want);
  return n;
}

// Binds the fields (those having any of `want`, all when 0, and none of
// `skip`) from parameter `first` on, in table order; returns the next free
// parameter.
template <class R>
int bind_columns(Stmt& q, int first, const R& r, Fields<R> fields, unsigned want = 0, unsigned skip = 0) {
  int i = first;
  for (const Field<R>& f : fields) {
    if ((want && !has(f.flags, want)) || has(f.flags, skip)) continue;
    std::visit(
        [&](const auto& ref) {
          using Ref = std::decay_t<decltype(ref)>;
          if constexpr (std::is_same_v<Ref, EnumAccess<R>>) q.bind(i, ref.get(r));
          else q.bind(i, r.*ref);
        },
        f.ref);
    ++i;
  }
  return i;
}

// Reads every field of the table from the row's columns, starting at `first`.
template <class R>
int read_columns(const Stmt& q, int first, R& r, Fields<R> fields) {
  int i = first;
  for (const Field<R>& f : fields) {
    std::visit(
        [&](const auto& ref) {
          using Ref = std::decay_t<decltype(ref)>;
          if constexpr (std::is_same_v<Ref, EnumAccess<R>>) (void)ref.set(r, q.text_view(i));
          else if constexpr (std::is_same_v<Ref, std::string R::*>) r.*ref = q.text(i);
          else if constexpr (std::is_same_v<Ref, std::optional<std::string> R::*>) r.*ref = q.opt_text(i);
          else if constexpr (std::is_same_v<Ref, int64_t R::*>) r.*ref = q.int64(i);
          else if constexpr (std::is_same_v<Ref, std::optional<int64_t> R::*>) r.*ref = q.opt_int64(i);
          else r.*ref = q.int64(i) != 0;
        },
        f.ref);
    ++i;
  }
  return i;
}

// The statements of a resource table keyed by (account, region, ...):
// "SELECT <every column> FROM table <rest>"
template <class R>
std::string select_statement(std::string_view table, Fields<R> fields, std::string_view rest) {
  return "SELECT " + column_list(fields) + " FROM " + std::string(table) + " " + std::string(rest);
}

// "INSERT INTO table (account, region, <columns>) VALUES (...)": bind the
// scope, then bind_columns(..., 0, kAssigned); assigned columns get the next
// number of the table.
template <class R>
std::string insert_statement(std::string_view table, Fields<R> fields, std::string_view verb = "INSERT") {
  std::string columns = "account, region", values = "?, ?";
  for (const Field<R>& f : fields)
    if (!has(f.flags, kAssigned)) columns += ", " + std::string(f.column), values += ", ?";
  for (const Field<R>& f : fields)
    if (has(f.flags, kAssigned)) {
      columns += ", " + std::string(f.column);
      values += ", (SELECT COALESCE(MAX(" + std::string(f.column) + "), 0) + 1 FROM " + std::string(table) + ")";
    }
  return std::string(verb) + " INTO " + std::string(table) + " (" + columns + ") VALUES (" + values + ")";
}

// "UPDATE table SET <columns having any of want> = ?, <also> = ? WHERE
// account = ? AND region = ? AND <key> = ? ...": bind_columns(..., want),
// then the `also` columns, the scope and the keys.
template <class R>
std::string update_statement(std::string_view table, Fields<R> fields, unsigned want,
                             std::initializer_list<std::string_view> keys,
                             std::initializer_list<std::string_view> also = {}) {
  std::string sql = "UPDATE " + std::string(table) + " SET " + assignment_list(fields, want);
  for (std::string_view a : also) sql += ", " + std::string(a) + " = ?";
  sql += " WHERE account = ? AND region = ?";
  for (std::string_view k : keys) sql += " AND " + std::string(k) + " = ?";
  return sql;
}

// The row of a member, if the table has one.
template <class R>
const Field<R>* find_member(Fields<R> fields, std::string_view member) {
  for (const Field<R>& f : fields)
    if (f.member == member) return &f;
  return nullptr;
}

}  // namespace gls::binding
