#include "admin/json_outline.hpp"

#include <rapidjson/reader.h>
#include <unistd.h>

#include <algorithm>

#include "api/codec.hpp"

namespace gls {

namespace {

using api::kMaxJsonDepth;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A RapidJSON input stream over text that comes in pieces (`next` gives
// each, and an empty one at the end); Tell() counts every byte.
class PieceStream {
 public:
  using Ch = char;
  explicit PieceStream(const std::function<std::string_view()>& next) : next_(next) {}

  Ch Peek() { return at_end() ? '\0' : piece_[at_]; }
  Ch Take() {
    if (at_end()) return '\0';
    ++taken_;
    return piece_[at_++];
  }
  size_t Tell() const { return taken_; }
  bool at_end() { return at_ >= piece_.size() && !fill(); }
  // A UTF-8 byte order mark is skipped (as parse_json does), but counted.
  void skip_bom() {
    for (unsigned char mark : {0xEFu, 0xBBu, 0xBFu})
      if (static_cast<unsigned char>(Peek()) == mark) Take();
  }

  // Output: never used by the reader with these flags.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  size_t PutEnd(Ch*) { return 0; }

 private:
  bool fill() {
    while (!done_) {
      piece_ = next_();
      at_ = 0;
      if (piece_.empty()) done_ = true;
      else return true;
    }
    return false;
  }

  const std::function<std::string_view()>& next_;
  std::string_view piece_;
  size_t at_ = 0;
  size_t taken_ = 0;
  bool done_ = false;
};

// The top-level members of the whole document, and where their values lie.
class Outliner : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Outliner> {
 public:
  Outliner(const PieceStream& in, JsonOutline& out) : in_(in), out_(out) {}

  bool too_deep() const { return too_deep_; }

  bool Default() { return value_ends(); }
  bool Key(const char* name, rapidjson::SizeType length, bool) {
    if (depth_ == 1 && out_.is_object) out_.members.push_back({std::string(name, length), in_.Tell(), 0, false});
    return true;
  }
  bool StartObject() { return opens(false); }
  bool StartArray() { return opens(true); }
  bool EndObject(rapidjson::SizeType) { return closes(); }
  bool EndArray(rapidjson::SizeType) { return closes(); }

 private:
  bool opens(bool array) {
    if (depth_ == 0 && !array) out_.is_object = true;
    if (depth_ == 1 && out_.is_object) {
      JsonMember& m = out_.members.back();
      m.is_array = array;
      m.begin = in_.Tell() - 1;  // the reader has just taken the '[' or '{'
    }
    if (++depth_ > kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    return true;
  }
  bool closes() {
    --depth_;
    return value_ends();
  }
  bool value_ends() {
    if (depth_ == 1 && out_.is_object) out_.members.back().end = in_.Tell();
    return true;
  }

  const PieceStream& in_;
  JsonOutline& out_;
  int depth_ = 0;
  bool too_deep_ = false;
};

// The items of one array, already checked: calls `item(begin, end)` with
// where each lies (blanks and the ',' before it included).
class ItemScanner : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ItemScanner> {
 public:
  ItemScanner(const PieceStream& in, const std::function<bool(size_t, size_t)>& item) : in_(in), item_(item) {}

  bool Default() { return value_ends(); }
  bool Key(const char*, rapidjson::SizeType, bool) { return true; }
  bool StartObject() { return ++depth_, true; }
  bool StartArray() {
    if (depth_ == 0) mark_ = in_.Tell();
    return ++depth_, true;
  }
  bool EndObject(rapidjson::SizeType) { return --depth_, value_ends(); }
  bool EndArray(rapidjson::SizeType) { return --depth_ == 0 || value_ends(); }

 private:
  bool value_ends() {
    if (depth_ != 1) return true;
    const size_t end = in_.Tell();
    const size_t begin = std::exchange(mark_, end);
    return item_(begin, end);
  }

  const PieceStream& in_;
  const std::function<bool(size_t, size_t)>& item_;
  int depth_ = 0;
  size_t mark_ = 0;
};

std::string_view trim_front(std::string_view text) {
  while (!text.empty() && (blank(text.front()) || text.front() == ':' || text.front() == ',')) text.remove_prefix(1);
  return text;
}

// Reads [begin, end) of a file into `into`.
bool read_file(int fd, size_t begin, size_t end, std::string& into) {
  into.resize(end - begin);
  for (size_t got = 0; got < into.size();) {
    const ssize_t n = pread(fd, into.data() + got, into.size() - got, static_cast<off_t>(begin + got));
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

bool outline_stream(PieceStream& in, JsonOutline& outline, std::string& error) {
  outline.is_object = false;
  outline.members.clear();
  in.skip_bom();
  Outliner outliner(in, outline);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag;
  const rapidjson::ParseResult parsed = reader.Parse<kFlags>(in, outliner);
  if (!api::json_verdict({}, outliner.too_deep(), parsed, in.Tell(), error)) return false;
  // Parsing stops after the first value: only blanks may follow it.
  for (; !in.at_end(); in.Take()) {
    if (!blank(in.Peek())) {
      error = "not valid JSON: unexpected text after the value (at byte " + std::to_string(in.Tell()) + ")";
      return false;
    }
  }
  return true;
}

}  // namespace

const JsonMember* JsonOutline::find(std::string_view name) const {
  for (const JsonMember& m : members)
    if (m.name == name) return &m;
  return nullptr;
}

std::optional<std::string> JsonOutline::value(const JsonMember& member, size_t at_most) const {
  if (member.end - member.begin > at_most) return std::nullopt;
  std::string raw;
  if (fd < 0) raw = text.substr(member.begin, member.end - member.begin);
  else if (!read_file(fd, member.begin, member.end, raw)) return std::nullopt;
  return std::string(trim_front(raw));
}

bool JsonOutline::each_item(const JsonMember& member, const std::function<bool(std::string_view)>& item) const {
  constexpr size_t kChunk = 64 * 1024;
  std::string chunk, scratch;
  size_t at = member.begin;
  bool unreadable = false, stopped = false;
  const std::function<std::string_view()> next = [&]() -> std::string_view {
    if (at >= member.end) return {};
    const size_t until = fd < 0 ? member.end : std::min(member.end, at + kChunk);
    const size_t from = std::exchange(at, until);
    if (fd < 0) return text.substr(from, until - from);
    if (!read_file(fd, from, until, chunk)) unreadable = true;
    return unreadable ? std::string_view() : std::string_view(chunk);
  };
  const std::function<bool(size_t, size_t)> on_item = [&](size_t begin, size_t end) {
    std::string_view text_of_item;
    if (fd < 0) {
      text_of_item = text.substr(member.begin + begin, end - begin);
    } else if (read_file(fd, member.begin + begin, member.begin + end, scratch)) {
      text_of_item = scratch;
    } else {
      return !(unreadable = true);
    }
    stopped = !item(trim_front(text_of_item));
    return !stopped;
  };
  PieceStream in(next);
  ItemScanner scanner(in, on_item);
  rapidjson::Reader reader;
  reader.Parse<rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseNumbersAsStringsFlag>(in, scanner);
  return !stopped && !unreadable;
}

bool outline_json(std::string_view text, JsonOutline& outline, std::string& error) {
  bool given = false;
  const std::function<std::string_view()> next = [&] { return std::exchange(given, true) ? std::string_view() : text; };
  PieceStream in(next);
  outline.text = text;
  outline.fd = -1;
  return outline_stream(in, outline, error);
}

bool outline_json(const std::function<std::string_view()>& next_piece, JsonOutline& outline, std::string& error) {
  PieceStream in(next_piece);
  return outline_stream(in, outline, error);
}

}  // namespace gls
