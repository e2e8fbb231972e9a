// The outline of a large document: where its members and items lie, found in
// one pass that refuses exactly what the API's parser refuses.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <string>
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

}  // namespace

TEST_CASE("an outline lists the top-level members and every item of their lists, as the tree has them") {
  const std::string text =
      "\xEF\xBB\xBF {\"account\" : \"111122223333\", \"clock\":{\"nowMs\":5,\"items\":[1,2]},\n"
      "  \"applications\":[ {\"Id\":\"a-1\",\"Tags\":{\"k\":\"],}{[\\\"\"}} , [] ,\"x,y\" ,-1.5e3,null,{}],\n"
      "  \"streamGroups\" : [],\"n\":true, \"applications\":[7]}  \n";
  rapidjson::Document tree;
  std::string error;
  REQUIRE_MESSAGE(gls::api::parse_json(text, tree, error), error);

  gls::JsonOutline outline;
  REQUIRE_MESSAGE(gls::outline_json(text, outline, error), error);
  REQUIRE(outline.is_object);
  std::vector<std::string> names;
  for (const auto& m : outline.members) names.push_back(m.name);
  CHECK(names == std::vector<std::string>{"account", "clock", "applications", "streamGroups", "n", "applications"});

  auto member = tree.MemberBegin();
  for (const gls::JsonMember& m : outline.members) {
    CAPTURE(m.name);
    require_same_item(m.value, member->value);
    CHECK(m.is_array == member->value.IsArray());
    if (m.is_array) {
      REQUIRE(m.items.size() == member->value.Size());
      for (rapidjson::SizeType i = 0; i < member->value.Size(); ++i) require_same_item(m.items[i], member->value[i]);
    } else {
      CHECK(m.items.empty());
    }
    ++member;
  }
  // find() gives the first of duplicate members, as the tree's lookup does.
  REQUIRE(outline.find("applications") != nullptr);
  CHECK(outline.find("applications")->items.size() == 6);
  CHECK(outline.find("streamUrls") == nullptr);
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
  }
}
