// The outline of a large document: where its members and items lie, found in
// one pass that refuses exactly what the API's parser refuses.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/json_outline.hpp"
#include "api/codec.hpp"

namespace {

// The item's text parses to the same value as the item of the whole tree.
void require_same_item(std::string_view item_text, const rapidjson::Value& in_tree) {
  rapidjson::Document item;
  std::string error;
  REQUIRE_MESSAGE(gls::api::parse_json(item_text, item, error), error);
  CHECK(item == in_tree);
}

// The outline's members and items, against the tree of the same text.
void require_outline_of(const gls::JsonOutline& outline, const rapidjson::Document& tree) {
  REQUIRE(outline.is_object);
  std::vector<std::string> names;
  for (const auto& m : outline.members) names.push_back(m.name);
  CHECK(names == std::vector<std::string>{"account", "clock", "applications", "streamGroups", "n", "applications"});

  auto member = tree.MemberBegin();
  for (const gls::JsonMember& m : outline.members) {
    CAPTURE(m.name);
    const std::optional<std::string> value = outline.value(m, 1024);
    REQUIRE(value);
    require_same_item(*value, member->value);
    CHECK(m.is_array == member->value.IsArray());
    if (m.is_array) {
      rapidjson::SizeType i = 0;
      CHECK(outline.each_item(m, [&](std::string_view item) {
        REQUIRE(i < member->value.Size());
        require_same_item(item, member->value[i++]);
        return true;
      }));
      CHECK(i == member->value.Size());
    }
    ++member;
  }
  // find() gives the first of duplicate members, as the tree's lookup does.
  REQUIRE(outline.find("applications") != nullptr);
  size_t items = 0;
  CHECK(outline.each_item(*outline.find("applications"), [&](std::string_view) { return ++items < 3; }) == false);
  CHECK(items == 3);  // stopped where told
  CHECK(outline.find("streamUrls") == nullptr);
  CHECK_FALSE(outline.value(*outline.find("account"), 4));  // longer than that
}

const std::string kDocument =
    "\xEF\xBB\xBF {\"account\" : \"111122223333\", \"clock\":{\"nowMs\":5,\"items\":[1,2]},\n"
    "  \"applications\":[ {\"Id\":\"a-1\",\"Tags\":{\"k\":\"],}{[\\\"\"}} , [] ,\"x,y\" ,-1.5e3,null,{}],\n"
    "  \"streamGroups\" : [],\"n\":true, \"applications\":[7]}  \n";

}  // namespace

TEST_CASE("an outline lists the top-level members and every item of their lists, as the tree has them") {
  rapidjson::Document tree;
  std::string error;
  REQUIRE_MESSAGE(gls::api::parse_json(kDocument, tree, error), error);
  gls::JsonOutline outline;
  REQUIRE_MESSAGE(gls::outline_json(kDocument, outline, error), error);
  require_outline_of(outline, tree);
}

TEST_CASE("a text that arrives in pieces outlines the same, and its items read back from its file") {
  rapidjson::Document tree;
  std::string error;
  REQUIRE_MESSAGE(gls::api::parse_json(kDocument, tree, error), error);
  for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, size_t{64}}) {
    CAPTURE(piece);
    size_t at = 0;
    const std::function<std::string_view()> next = [&] {
      const std::string_view rest = std::string_view(kDocument).substr(at, piece);
      at += rest.size();
      return rest;
    };
    gls::JsonOutline outline;
    REQUIRE_MESSAGE(gls::outline_json(next, outline, error), error);
    FILE* file = std::tmpfile();
    REQUIRE(file);
    REQUIRE(std::fwrite(kDocument.data(), 1, kDocument.size(), file) == kDocument.size());
    std::fflush(file);
    outline.fd = fileno(file);
    require_outline_of(outline, tree);
    std::fclose(file);
  }
}

TEST_CASE("a document that is not an object outlines without members") {
  for (const char* text : {"[{\"a\":1}]", "\"text\"", "12", "null"}) {
    gls::JsonOutline outline;
    std::string error;
    CAPTURE(text);
    REQUIRE(gls::outline_json(text, outline, error));
    CHECK_FALSE(outline.is_object);
    CHECK(outline.members.empty());
  }
}

TEST_CASE("an outline refuses what api::parse_json refuses, with its message") {
  const std::string deep = "{\"a\":" + std::string(101, '[') + std::string(101, ']') + "}";
  for (const std::string& text :
       {std::string(""), std::string("{"), std::string("{\"a\":[1,]}"), std::string("{\"a\":1} x"),
        std::string("{\"a\":1}{}"), std::string("{\"a\":\"\xC3\x28\"}"), std::string("{'a':1}"), deep}) {
    CAPTURE(text);
    rapidjson::Document tree;
    std::string expected, got;
    REQUIRE_FALSE(gls::api::parse_json(text, tree, expected));
    gls::JsonOutline outline;
    CHECK_FALSE(gls::outline_json(text, outline, got));
    CHECK(got == expected);
    // And in pieces, as a body arrives.
    size_t at = 0;
    const std::function<std::string_view()> next = [&] {
      const std::string_view rest = std::string_view(text).substr(at, 3);
      at += rest.size();
      return rest;
    };
    got.clear();
    CHECK_FALSE(gls::outline_json(next, outline, got));
    CHECK(got == expected);
  }
}
