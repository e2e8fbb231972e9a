// JSON text the records keep or the state writes (state/store/json_text.hpp),
// compared with what rapidjson's Writer makes of the same values.
#include "state/store/json_text.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

namespace {

std::string written_by_rapidjson(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

TEST_CASE("a JSON string literal is escaped as rapidjson escapes it, and reads back as the text") {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  std::vector<std::string> texts = {"",
                                    "plain",
                                    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n",
                                    "\"quoted\" and \\back\\slashed\\",
                                    "tab\tform\fbell\a\x01\x1f end",
                                    "\xc3\xa9t\xc3\xa9 \xe2\x82\xac",
                                    every_byte,
                                    std::string(1, '\0') + "after a NUL"};
  for (const std::string& text : texts) {
    std::string out = "prefix:";
    gls::append_json_string(out, text);
    CHECK(out == "prefix:" + written_by_rapidjson(text));
    rapidjson::Document d;
    const std::string literal = out.substr(7);
    REQUIRE_FALSE(d.Parse(literal.data(), literal.size()).HasParseError());
    REQUIRE(d.IsString());
    CHECK(std::string(d.GetString(), d.GetStringLength()) == text);
  }
}
