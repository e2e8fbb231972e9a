#include "media/offer_codecs.hpp"

#include <charconv>
#include <vector>

namespace gls::media {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    size_t start = s.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    s.remove_prefix(start);
    size_t end = s.find(' ');
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end);
  }
  return out;
}

std::optional<int> to_payload(std::string_view s) {
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 127) return std::nullopt;
  return v;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

struct Section {
  std::string kind;                 // video, audio, application
  std::vector<int> formats;         // the payload types of the m= line
  bool receives = true;             // the offerer accepts media (not sendonly/inactive)
  std::vector<std::pair<int, std::string>> rtpmaps;  // payload -> "name/rate[/channels]"
};

}  // namespace

std::optional<OfferedMedia> scan_offer(std::string_view sdp, std::string* why) {
  auto fail = [&](std::string message) -> std::optional<OfferedMedia> {
    if (why) *why = std::move(message);
    return std::nullopt;
  };
  const auto lines = split_lines(sdp);
  if (lines.empty() || lines.front() != "v=0") return fail("not SDP (no v=0 first line)");
  std::vector<Section> sections;
  for (std::string_view line : lines) {
    if (line.starts_with("m=")) {
      auto w = words(line.substr(2));
      if (w.size() < 3) return fail("a malformed m= line");
      Section s;
      s.kind = std::string(w[0]);
      for (size_t i = 3; i < w.size(); ++i)
        if (auto pt = to_payload(w[i])) s.formats.push_back(*pt);
      sections.push_back(std::move(s));
    } else if (!sections.empty() && (line == "a=sendonly" || line == "a=inactive")) {
      sections.back().receives = false;
    } else if (!sections.empty() && line.starts_with("a=rtpmap:")) {
      auto w = words(line.substr(9));
      if (w.size() != 2) continue;
      if (auto pt = to_payload(w[0])) sections.back().rtpmaps.emplace_back(*pt, std::string(w[1]));
    }
  }
  if (sections.empty()) return fail("no media sections");

  auto find_codec = [](const Section& s, std::string_view name, std::string_view clock) -> std::optional<int> {
    for (const auto& [pt, map] : s.rtpmaps) {
      const size_t slash = map.find('/');
      if (slash == std::string::npos || !iequals(std::string_view(map).substr(0, slash), name)) continue;
      std::string_view rest = std::string_view(map).substr(slash + 1);
      if (!rest.starts_with(clock)) continue;
      bool listed = false;
      for (int f : s.formats) listed = listed || f == pt;
      if (listed) return pt;
    }
    return std::nullopt;
  };
  OfferedMedia m;
  for (const Section& s : sections) {
    if (s.kind == "video" && s.receives && !m.vp8_payload) m.vp8_payload = find_codec(s, "VP8", "90000");
    if (s.kind == "audio" && s.receives && !m.opus_payload) m.opus_payload = find_codec(s, "opus", "48000/2");
    if (s.kind == "application") m.data_channel = true;
  }
  // A data channel alone streams nothing: such an offer gets the inert answer.
  if (!m.vp8_payload && !m.opus_payload) return fail("no section the stream sends (VP8 video or Opus audio)");
  return m;
}

}  // namespace gls::media
