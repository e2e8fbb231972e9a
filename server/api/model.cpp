#include "api/model.hpp"

#include <boost/regex.hpp>
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
      : re_(to_boost_syntax(p), boost::regex::ECMAScript | boost::regex::nosubs) {}
  bool search(std::string_view v) const {
    thread_local boost::match_results<std::string_view::const_iterator> results;
    try {
      return boost::regex_search(v.begin(), v.end(), results, re_);
    } catch (const std::runtime_error&) {
      // Boost gives up on pathological backtracking; such a value is not valid.
      return false;
    }
  }

 private:
  boost::regex re_;
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
  for (const auto& [name, s] : shapes_) {
    for (const Member& m : s.members) need(m.shape, name);
    need(s.member_shape, name);
    need(s.key_shape, name);
    need(s.value_shape, name);
  }
  for (const Operation& o : operations_) {
    need(o.input, o.name);
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
