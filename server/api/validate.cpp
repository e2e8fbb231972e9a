#include "api/validate.hpp"

#include <limits>

namespace gls::api {

namespace {

constexpr size_t kMaxReported = 10;
constexpr size_t kMaxEcho = 256;

std::string echo(const Shape& shape, const rapidjson::Value& v) {
  if (shape.sensitive) return "'*** Sensitive Data Redacted ***'";
  if (v.IsNull()) return "null";
  if (v.IsString()) {
    std::string s(v.GetString(), v.GetStringLength());
    if (s.size() > kMaxEcho) {
      size_t cut = kMaxEcho;
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
      s = s.substr(0, cut) + "...";
    }
    return "'" + s + "'";
  }
  if (v.IsBool()) return v.GetBool() ? "'true'" : "'false'";
  if (v.IsInt64()) return "'" + std::to_string(v.GetInt64()) + "'";
  if (v.IsUint64()) return "'" + std::to_string(v.GetUint64()) + "'";
  if (v.IsDouble()) return "'" + std::to_string(v.GetDouble()) + "'";
  if (v.IsArray()) return "a list";
  return "an object";
}

class Validator {
 public:
  Validator(const Model& m, std::vector<Violation>& out, const ValidationOptions& o) : model_(m), out_(out), opt_(o) {}

  void check(const Shape& shape, const rapidjson::Value& v, const std::string& path) {
    switch (shape.type) {
      case Type::Structure: return structure(shape, v, path);
      case Type::List: return list(shape, v, path);
      case Type::Map: return map(shape, v, path);
      case Type::String: return string(shape, v, path);
      case Type::Integer:
      case Type::Long: return integer(shape, v, path);
      case Type::Boolean:
        if (!v.IsBool()) add(shape, v, path, "Member must be a boolean");
        return;
      case Type::Timestamp:
        if (!v.IsNumber()) add(shape, v, path, "Member must be a timestamp in epoch seconds");
        return;
    }
  }

 private:
  std::string path_of(const std::string& parent, const std::string& name) const {
    if (!opt_.model_names) return member_path(parent, name);
    return parent.empty() ? name : parent + "." + name;
  }

  void add(const Shape& shape, const rapidjson::Value& v, const std::string& path, std::string problem) {
    if (out_.size() >= kMaxReported) return;
    out_.push_back({path, echo(shape, v), std::move(problem)});
  }

  void structure(const Shape& shape, const rapidjson::Value& v, const std::string& path) {
    if (!v.IsObject()) return add(shape, v, path, "Member must be a structure (a JSON object)");
    const bool top = depth_++ == 0;
    struct Up {
      int& d;
      ~Up() { --d; }
    } up{depth_};
    for (const Member& m : shape.members) {
      auto it = v.FindMember(m.name.c_str());
      if (opt_.reject_null && it != v.MemberEnd() && it->value.IsNull()) {
        if (out_.size() < kMaxReported) out_.push_back({path_of(path, m.name), "null", "Member must not be null"});
        continue;
      }
      bool present = it != v.MemberEnd() && !it->value.IsNull();
      if (!present) {
        if (m.required && (opt_.check_required || !top) && out_.size() < kMaxReported)
          out_.push_back({path_of(path, m.name), "null", "Member must not be null"});
        continue;
      }
      const Shape& target = *m.target;
      // Scalars build their path only when they are wrong.
      if (target.type == Type::Structure || target.type == Type::List || target.type == Type::Map)
        check(target, it->value, path_of(path, m.name));
      else
        check_scalar(target, it->value, path, m.name);
    }
    if (opt_.allow_unknown) return;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string name(it->name.GetString(), it->name.GetStringLength());
      if (!shape.find_member(name)) {
        if (out_.size() < kMaxReported)
          out_.push_back({path_of(path, name), "", "Member is not defined by " + shape.name});
      }
    }
  }

  void check_scalar(const Shape& shape, const rapidjson::Value& v, const std::string& parent, const std::string& name) {
    const size_t before = out_.size();
    check(shape, v, std::string());
    for (size_t i = before; i < out_.size(); ++i) out_[i].path = path_of(parent, name);
  }

  void count(const Shape& shape, const rapidjson::Value& v, const std::string& path, size_t n) {
    if (shape.min && static_cast<int64_t>(n) < *shape.min)
      add(shape, v, path, "Member must have length greater than or equal to " + std::to_string(*shape.min));
    if (shape.max && static_cast<int64_t>(n) > *shape.max)
      add(shape, v, path, "Member must have length less than or equal to " + std::to_string(*shape.max));
  }

  void list(const Shape& shape, const rapidjson::Value& v, const std::string& path) {
    if (!v.IsArray()) return add(shape, v, path, "Member must be a list (a JSON array)");
    count(shape, v, path, v.Size());
    const Shape& member = model_.shape_or_die(shape.member_shape);
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const std::string item_path = opt_.model_names ? path + "[" + std::to_string(i) + "]"
                                                     : path + "." + std::to_string(i + 1) + ".member";
      if (v[i].IsNull()) {
        add(member, v[i], item_path, "Member must not be null");
        continue;
      }
      check(member, v[i], item_path);
    }
  }

  void map(const Shape& shape, const rapidjson::Value& v, const std::string& path) {
    if (!v.IsObject()) return add(shape, v, path, "Member must be a map (a JSON object)");
    count(shape, v, path, v.MemberCount());
    const Shape& key = model_.shape_or_die(shape.key_shape);
    const Shape& value = model_.shape_or_die(shape.value_shape);
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string k(it->name.GetString(), it->name.GetStringLength());
      check(key, it->name, path);
      if (it->value.IsNull()) {
        add(value, it->value, path + "." + k, "Member must not be null");
        continue;
      }
      check(value, it->value, path + "." + k);
    }
  }

  void string(const Shape& shape, const rapidjson::Value& v, const std::string& path) {
    if (!v.IsString()) return add(shape, v, path, "Member must be a string");
    std::string_view s(v.GetString(), v.GetStringLength());
    if (!shape.enum_values.empty()) {
      for (const std::string& e : shape.enum_values)
        if (e == s) return;
      std::string set;
      for (const std::string& e : shape.enum_values) set += (set.empty() ? "" : ", ") + e;
      return add(shape, v, path, "Member must satisfy enum value set: [" + set + "]");
    }
    size_t before = out_.size();
    count(shape, v, path, utf8_length(s));
    // Like AWS, the pattern is only checked once the length is acceptable.
    if (out_.size() == before && !matches_pattern(shape, s))
      add(shape, v, path, "Member must satisfy regular expression pattern: " + shape.pattern);
  }

  void integer(const Shape& shape, const rapidjson::Value& v, const std::string& path) {
    const bool is_int = shape.type == Type::Integer;
    if (!v.IsInt64() || (is_int && (v.GetInt64() < std::numeric_limits<int32_t>::min() ||
                                    v.GetInt64() > std::numeric_limits<int32_t>::max())))
      return add(shape, v, path, is_int ? "Member must be an integer" : "Member must be a long integer");
    int64_t n = v.GetInt64();
    if (shape.min && n < *shape.min)
      add(shape, v, path, "Member must have value greater than or equal to " + std::to_string(*shape.min));
    if (shape.max && n > *shape.max)
      add(shape, v, path, "Member must have value less than or equal to " + std::to_string(*shape.max));
  }

  const Model& model_;
  std::vector<Violation>& out_;
  const ValidationOptions& opt_;
  int depth_ = 0;  // of structures
};

}  // namespace

void validate(const Model& model, const Shape& shape, const rapidjson::Value& value, const std::string& path,
              std::vector<Violation>& out, const ValidationOptions& options) {
  Validator(model, out, options).check(shape, value, path);
}

std::string member_path(const std::string& parent, const std::string& member_name) {
  std::string m = member_name;
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return parent.empty() ? m : parent + "." + m;
}

std::string describe(const std::vector<Violation>& violations) {
  std::string s = std::to_string(violations.size()) +
                  (violations.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  bool first = true;
  for (const Violation& v : violations) {
    if (!first) s += "; ";
    first = false;
    s += v.value.empty() ? "Value" : "Value " + v.value;
    s += " at '" + v.path + "' failed to satisfy constraint: " + v.problem;
  }
  return s;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace gls::api
