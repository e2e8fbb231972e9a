// Reading a validated input document: the operations' shared helpers.
// The validator has already checked types, so these only pick values out.
#pragma once

#include <rapidjson/document.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/render.hpp"
#include "state/digest.hpp"

namespace gls::input {

inline std::string_view str(const rapidjson::Value& in, const char* member) {
  const auto& v = in[member];
  return {v.GetString(), v.GetStringLength()};
}

inline std::optional<std::string> opt_str(const rapidjson::Value& in, const char* member) {
  auto it = in.FindMember(member);
  if (it == in.MemberEnd() || it->value.IsNull()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

inline std::optional<int64_t> opt_int(const rapidjson::Value& in, const char* member) {
  auto it = in.FindMember(member);
  if (it == in.MemberEnd() || it->value.IsNull()) return std::nullopt;
  return it->value.GetInt64();
}

inline std::optional<std::string> opt_json(const rapidjson::Value& in, const char* member) {
  auto it = in.FindMember(member);
  if (it == in.MemberEnd() || it->value.IsNull()) return std::nullopt;
  return json_text(it->value);
}

inline std::vector<std::string> str_list(const rapidjson::Value& in, const char* member) {
  std::vector<std::string> out;
  auto it = in.FindMember(member);
  if (it == in.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

// A canonical text of the input without its ClientToken: two requests with
// the same token are the same request when their fingerprints are equal.
inline void canonical(const rapidjson::Value& v, JsonWriter& w, bool top) {
  if (v.IsObject()) {
    std::vector<const rapidjson::Value::Member*> members;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      if (!(top && std::string_view(it->name.GetString()) == "ClientToken")) members.push_back(&*it);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) {
      return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
             std::string_view(b->name.GetString(), b->name.GetStringLength());
    });
    w.StartObject();
    for (auto* m : members) {
      w.Key(m->name.GetString(), m->name.GetStringLength());
      canonical(m->value, w, false);
    }
    w.EndObject();
  } else if (v.IsArray()) {
    w.StartArray();
    for (const auto& item : v.GetArray()) canonical(item, w, false);
    w.EndArray();
  } else {
    v.Accept(w);
  }
}

// What a ClientToken's repeat is compared with: the digest of the canonical
// input (kept with the token; an input carries kilobytes of SDP offer).
inline std::string fingerprint(const rapidjson::Value& in) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  canonical(in, w, true);
  return text_digest(std::string_view(buf.GetString(), buf.GetSize()));
}

}  // namespace gls::input
