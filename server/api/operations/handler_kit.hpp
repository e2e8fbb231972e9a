// What every operation handler shares: reading the validated input
// (api/input.hpp) and writing the three kinds of output the API has: one
// resource, a page of resources, or an empty object.
#pragma once

#include <span>
#include <string_view>
#include <utility>

#include "api/input.hpp"
#include "api/operations.hpp"

namespace gls {

struct HandlerEntry {
  std::string_view operation;
  OperationHandler handler;
};

// The handlers of each resource's operations.
std::span<const HandlerEntry> session_operations();
std::span<const HandlerEntry> application_operations();
std::span<const HandlerEntry> stream_group_operations();
std::span<const HandlerEntry> stream_url_operations();
std::span<const HandlerEntry> tag_operations();

// The domain's answer, written by `write(out, value)`, or its error.
template <class T, class Write>
Status respond(Call& c, Result<T>&& r, Write&& write) {
  if (!r) return std::move(r).take_error();
  write(c.out, *r);
  return ok();
}

// {"Items": [...], "NextToken": ...} from a page with `items` and `next_token`.
template <class Page, class WriteItem>
Status respond_page(Call& c, Result<Page>&& page, WriteItem&& write_item) {
  return respond(c, std::move(page), [&](JsonWriter& w, const Page& p) {
    w.StartObject();
    write_key(w, "Items");
    w.StartArray();
    for (const auto& item : p.items) write_item(w, item);
    w.EndArray();
    write_optional(w, "NextToken", p.next_token);
    w.EndObject();
  });
}

// An operation whose output shape has no members: {}.
inline Status respond_empty(Call& c, Status s) {
  if (!s) return s;
  c.out.StartObject();
  c.out.EndObject();
  return ok();
}

// A Tags map of the input, as (key, value) pairs.
inline TagList tag_list(const rapidjson::Value& in, const char* member) {
  TagList out;
  auto it = in.FindMember(member);
  if (it == in.MemberEnd() || !it->value.IsObject()) return out;
  for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m)
    out.emplace_back(std::string(m->name.GetString(), m->name.GetStringLength()),
                     std::string(m->value.GetString(), m->value.GetStringLength()));
  return out;
}

inline int max_results(const rapidjson::Value& in) {
  return static_cast<int>(input::opt_int(in, "MaxResults").value_or(25));
}

}  // namespace gls
