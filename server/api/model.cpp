#include "api/model.hpp"

#include <array>
#include <atomic>
#include <boost/regex.hpp>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace gls::api {

namespace {
// ECMAScript reads a '-' that follows a range inside a class ("[0-9-_]") as
// a literal dash; Boost's parser rejects it. Escape such dashes, and leave
// the rest of the pattern as it is.
std::string to_boost_syntax(const std::string& p) {
  std::string out;
  bool in_class = false;
  bool have_atom = false;       // an atom that could start a range
  bool range_complete = false;  // the last thing in the class was "x-y"
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out += c;
      out += p[++i];
      have_atom = in_class;
      range_complete = false;
      continue;
    }
    if (!in_class) {
      out += c;
      if (c == '[') {
        in_class = true;
        have_atom = range_complete = false;
        if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      }
      continue;
    }
    if (c == ']') {
      in_class = false;
      out += c;
    } else if (c == '-' && range_complete) {
      out += "\\-";
      range_complete = false;
      have_atom = false;
    } else if (c == '-' && have_atom && i + 1 < p.size() && p[i + 1] != ']') {
      out += c;
      out += p[++i];
      if (p[i] == '\\' && i + 1 < p.size()) out += p[++i];
      range_complete = true;
      have_atom = false;
    } else {
      out += c;
      have_atom = true;
      range_complete = false;
    }
  }
  return out;
}
}  // namespace

class CompiledPattern {
 public:
  // Only whether it matches counts: no groups are kept (nosubs), and each
  // thread reuses one set of results rather than allocate one a search.
  explicit CompiledPattern(const std::string& p)
      : re_(to_boost_syntax(p), boost::regex::ECMAScript | boost::regex::nosubs), id_(++last_id) {}

  // Clients poll the same few IDs over and over, and a search costs more
  // than all the rest of checking them: each thread remembers the answers
  // for the short values it checked last (16 KiB a thread, whatever comes).
  bool search(std::string_view v) const {
    if (v.size() > Recent::kLongest) return search_afresh(v);
    thread_local std::array<Recent, 256> recent{};
    Recent& slot = recent[(std::hash<std::string_view>{}(v) + id_) % recent.size()];
    if (slot.pattern == id_ && slot.length == v.size() && std::memcmp(slot.value, v.data(), v.size()) == 0)
      return slot.matches;
    slot.pattern = id_;
    slot.length = static_cast<uint8_t>(v.size());
    std::memcpy(slot.value, v.data(), v.size());
    slot.matches = search_afresh(v);
    return slot.matches;
  }

 private:
  struct Recent {
    static constexpr size_t kLongest = 54;
    uint64_t pattern = 0;  // the id_ of the pattern searched
    uint8_t length = 0;
    bool matches = false;
    char value[kLongest];
  };

  bool search_afresh(std::string_view v) const {
    thread_local boost::match_results<std::string_view::const_iterator> results;
    try {
      return boost::regex_search(v.begin(), v.end(), results, re_);
    } catch (const std::runtime_error&) {
      // Boost gives up on pathological backtracking; such a value is not valid.
      return false;
    }
  }

  // Which pattern an answer is for: unlike an address, never reused.
  static inline std::atomic<uint64_t> last_id{0};

  boost::regex re_;
  const uint64_t id_;
};

std::string_view to_string(Type t) {
  switch (t) {
    case Type::Structure: return "structure";
    case Type::List: return "list";
    case Type::Map: return "map";
    case Type::String: return "string";
    case Type::Integer: return "integer";
    case Type::Long: return "long";
    case Type::Boolean: return "boolean";
    case Type::Timestamp: return "timestamp";
  }
  return "?";
}

std::string_view to_string(Binding b) {
  switch (b) {
    case Binding::Body: return "body";
    case Binding::Uri: return "uri";
    case Binding::Query: return "querystring";
    case Binding::Header: return "header";
  }
  return "?";
}

const Member* Shape::find_member(std::string_view member_name) const {
  for (const Member& m : members)
    if (m.name == member_name) return &m;
  return nullptr;
}

bool Operation::may_return(std::string_view error) const {
  for (const std::string& e : errors)
    if (e == error) return true;
  return false;
}

Model::Model(std::vector<Shape> shapes, std::vector<Operation> operations) : operations_(std::move(operations)) {
  for (Shape& s : shapes) {
    if (!s.pattern.empty()) s.regex = std::make_shared<CompiledPattern>(s.pattern);
    std::string name = s.name;
    if (!shapes_.emplace(std::move(name), std::move(s)).second)
      throw std::logic_error("shape described twice: " + name);
  }
  // A description that names a shape it never defines is a programming error:
  // fail at start-up, not on the first request that reaches it.
  auto need = [this](const std::string& n, const std::string& from) {
    if (!n.empty() && !shape(n)) throw std::logic_error("shape " + from + " refers to undescribed shape " + n);
  };
  for (auto& [name, s] : shapes_) {
    for (Member& m : s.members) {
      need(m.shape, name);
      m.target = shape(m.shape);
    }
    need(s.member_shape, name);
    need(s.key_shape, name);
    need(s.value_shape, name);
  }
  for (Operation& o : operations_) {
    need(o.input, o.name);
    o.input_shape = shape(o.input);
    need(o.output, o.name);
    for (const std::string& e : o.errors) need(e, o.name);
  }
}

const Shape* Model::shape(std::string_view name) const {
  auto it = shapes_.find(name);
  return it == shapes_.end() ? nullptr : &it->second;
}

const Shape& Model::shape_or_die(std::string_view name) const {
  const Shape* s = shape(name);
  if (!s) throw std::logic_error("unknown shape " + std::string(name));
  return *s;
}

const Operation* Model::operation(std::string_view name) const {
  for (const Operation& o : operations_)
    if (o.name == name) return &o;
  return nullptr;
}

bool matches_pattern(const Shape& shape, std::string_view value) {
  return !shape.regex || shape.regex->search(value);
}

}  // namespace gls::api
