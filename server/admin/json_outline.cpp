#include "admin/json_outline.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "api/codec.hpp"

namespace gls {

namespace {

using api::kMaxJsonDepth;

using InStream = rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream>;

// Events of the whole document; positions come from the stream, which the
// recursive parser has moved past a token when it reports it.
class Outliner : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Outliner> {
 public:
  Outliner(std::string_view text, const InStream& in, JsonOutline& out) : text_(text), in_(in), out_(out) {}

  bool too_deep() const { return too_deep_; }

  bool Default() { return value_ends(); }
  bool Key(const char* name, rapidjson::SizeType length, bool) {
    if (depth_ == 1 && out_.is_object) {
      out_.members.push_back({std::string(name, length), {}, false, {}});
      mark_ = in_.Tell();
    }
    return true;
  }
  bool StartObject() { return opens(false); }
  bool StartArray() { return opens(true); }
  bool EndObject(rapidjson::SizeType) { return closes(); }
  bool EndArray(rapidjson::SizeType) { return closes(); }

 private:
  // Where the value after `from` starts: past blanks and a ':' or ','.
  size_t start_after(size_t from) const {
    while (from < text_.size() && std::string_view(" \t\r\n:,").find(text_[from]) != std::string_view::npos) ++from;
    return from;
  }
  bool in_member_array() const { return depth_ == 2 && out_.is_object && out_.members.back().is_array; }

  bool opens(bool array) {
    if (depth_ == 0 && !array) out_.is_object = true;
    if (depth_ == 1 && out_.is_object) {
      out_.members.back().is_array = array;
      value_start_ = start_after(mark_);
    }
    if (in_member_array()) item_start_ = start_after(mark_);
    if (++depth_ > kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    mark_ = in_.Tell();
    return true;
  }
  bool closes() {
    --depth_;
    return value_ends(true);
  }
  // A value has been read (a scalar, or the end of a container).
  bool value_ends(bool container = false) {
    const size_t end = in_.Tell();
    if (depth_ == 1 && out_.is_object) {
      JsonMember& m = out_.members.back();
      const size_t start = container ? value_start_ : start_after(mark_);
      m.value = text_.substr(start, end - start);
    } else if (in_member_array()) {
      const size_t start = container ? item_start_ : start_after(mark_);
      out_.members.back().items.push_back(text_.substr(start, end - start));
    }
    mark_ = end;
    return true;
  }

  std::string_view text_;
  const InStream& in_;
  JsonOutline& out_;
  int depth_ = 0;
  size_t mark_ = 0;         // the end of the last token reported
  size_t value_start_ = 0;  // of the top-level member being read
  size_t item_start_ = 0;   // of the item being read
  bool too_deep_ = false;
};

}  // namespace

const JsonMember* JsonOutline::find(std::string_view name) const {
  for (const JsonMember& m : members)
    if (m.name == name) return &m;
  return nullptr;
}

bool outline_json(std::string_view text, JsonOutline& outline, std::string& error) {
  outline = {};
  rapidjson::MemoryStream memory(text.data(), text.size());
  InStream in(memory);
  Outliner outliner(text, in, outline);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag;
  const rapidjson::ParseResult parsed = reader.Parse<kFlags>(in, outliner);
  return api::json_verdict(text, outliner.too_deep(), parsed, in.Tell(), error);
}

}  // namespace gls
