// The SQL of a resource table, built from its binding (state/store/binding.hpp):
// statements that name every column in the table's order, and binding and
// reading a record's fields in that order.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>
#include <optional>

#include "state/store/binding.hpp"
#include "state/store/store.hpp"

namespace gls::binding {

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
// parameter. Text is bound without a copy: `r` must outlive the statement's run.
template <class R>
int bind_columns(Stmt& q, int first, const R& r, Fields<R> fields, unsigned want = 0, unsigned skip = 0) {
  int i = first;
  for (const Field<R>& f : fields) {
    if ((want && !has(f.flags, want)) || has(f.flags, skip)) continue;
    std::visit(
        [&](const auto& ref) {
          using Ref = std::decay_t<decltype(ref)>;
          if constexpr (std::is_same_v<Ref, EnumAccess<R>>) q.bind_ref(i, ref.get(r));
          else q.bind_ref(i, r.*ref);
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

// The first row `sql` selects (every column of the table, as
// select_statement writes them), with `args` bound from parameter 1.
template <class R, class... A>
std::optional<R> select_one(Store& db, const std::string& sql, Fields<R> fields, const A&... args) {
  Stmt q = db.prepare(sql);
  q.args_ref(args...);
  if (!q.step()) return std::nullopt;
  R r;
  read_columns(q, 0, r, fields);
  return r;
}

// Every row of a statement whose parameters are bound.
template <class R>
std::vector<R> read_all(Stmt& q, Fields<R> fields) {
  std::vector<R> out;
  while (q.step()) {
    R r;
    read_columns(q, 0, r, fields);
    out.push_back(std::move(r));
  }
  return out;
}

// Runs an insert_statement for a record of the scope.
template <class R>
void insert_row(Store& db, const std::string& sql, std::string_view account, std::string_view region, const R& r,
                Fields<R> fields) {
  Stmt q = db.prepare(sql);
  q.args_ref(account, region);
  bind_columns(q, 3, r, fields, 0, kAssigned);
  q.run();
}

// Runs an update_statement of the rows having any of `want`, then binds
// `rest`: the `also` columns, the scope and the keys.
template <class R, class... A>
void update_row(Store& db, const std::string& sql, const R& r, Fields<R> fields, unsigned want, const A&... rest) {
  Stmt q = db.prepare(sql);
  q.args_ref_from(bind_columns(q, 1, r, fields, want), rest...);
  q.run();
}

}  // namespace gls::binding
