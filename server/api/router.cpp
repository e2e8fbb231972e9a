#include "api/router.hpp"

#include <array>
#include <span>
#include <stdexcept>

namespace gls::api {

namespace {
// No route has more segments: a longer path matches none.
constexpr size_t kMaxSegments = 8;
using Segments = std::array<std::string_view, kMaxSegments>;

// Splits "/a/b/c" into its segments; 0 when the path does not start with
// '/', or has more segments than any route.
size_t split_path(std::string_view path, Segments& out) {
  if (path.empty() || path[0] != '/') return 0;
  path.remove_prefix(1);
  size_t n = 0;
  while (true) {
    if (n == out.size()) return 0;
    auto slash = path.find('/');
    out[n++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return n;
    path.remove_prefix(slash + 1);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return valid_utf8(out);
}

Router::Router(const Model& model) {
  for (const Operation& op : model.operations()) {
    Route r{&op, {}};
    Segments segments;
    const size_t n = split_path(op.uri, segments);
    if (n == 0) throw std::logic_error("an operation's URI has too many segments: " + op.uri);
    for (std::string_view seg : std::span(segments.data(), n)) {
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}')
        r.segments.push_back({"", std::string(seg.substr(1, seg.size() - 2))});
      else
        r.segments.push_back({std::string(seg), ""});
    }
    routes_.push_back(std::move(r));
  }
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch m;
  Segments segments;
  const size_t n = split_path(path, segments);
  for (const Route& r : routes_) {
    if (r.segments.size() != n) continue;
    bool same = true;
    for (size_t i = 0; i < n && same; ++i) {
      const Segment& s = r.segments[i];
      same = s.literal.empty() ? !segments[i].empty() : s.literal == segments[i];
    }
    if (!same) continue;
    m.path_matched = true;
    if (r.operation->method != method) continue;
    m.operation = r.operation;
    for (size_t i = 0; i < n; ++i) {
      if (r.segments[i].label.empty()) continue;
      std::string value;
      if (!percent_decode(segments[i], value)) m.bad_encoding = true;
      m.labels.emplace_back(r.segments[i].label, std::move(value));
    }
    return m;
  }
  return m;
}

}  // namespace gls::api
