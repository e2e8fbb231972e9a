// The REST-JSON request codec: from an HttpRequest and a route to the
// operation's validated input document.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/codec.hpp"
#include "api/errors.hpp"
#include "api/model.hpp"
#include "api/router.hpp"
#include "http/http_types.hpp"

using gls::HttpRequest;
using gls::api::ApiError;

namespace {

const std::string kGroupArn = "arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg-1AB2C3De4";
const std::string kGroupArnEncoded =
    "arn%3Aaws%3Agameliftstreams%3Aus-west-2%3A111122223333%3Astreamgroup%2Fsg-1AB2C3De4";

struct Decoded {
  std::optional<ApiError> error;
  rapidjson::Document input;
};

// Routes and decodes a request; the route must exist.
Decoded decode(const std::string& method, const std::string& target, const std::string& body = "",
               const std::string& expect_operation = "") {
  static const gls::api::Router router(gls::api::service_model());
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  gls::api::RouteMatch route = router.match(request.method, request.path());
  REQUIRE_MESSAGE(route.operation != nullptr, "no route for " << method << " " << target);
  if (!expect_operation.empty()) REQUIRE(route.operation->name == expect_operation);
  Decoded d;
  d.error = gls::api::decode_input(gls::api::service_model(), route, request, d.input);
  return d;
}

std::string str(const rapidjson::Value& v, const char* member) {
  REQUIRE_MESSAGE(v.HasMember(member), "input has no member " << member);
  REQUIRE(v[member].IsString());
  return std::string(v[member].GetString(), v[member].GetStringLength());
}

std::vector<std::string> strings(const rapidjson::Value& v, const char* member) {
  REQUIRE_MESSAGE(v.HasMember(member), "input has no member " << member);
  REQUIRE(v[member].IsArray());
  std::vector<std::string> out;
  for (const auto& item : v[member].GetArray()) {
    REQUIRE(item.IsString());
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void require_validation_error(const Decoded& d, const std::string& fragment) {
  REQUIRE(d.error.has_value());
  CHECK(d.error->code == "ValidationException");
  CHECK(d.error->status == 400);
  CHECK_MESSAGE(contains(d.error->message, fragment), "message: " << d.error->message);
}

}  // namespace

TEST_CASE("URI labels are percent-decoded into their members") {
  auto d = decode("GET", "/streamgroups/sg-1AB2C3De4", "", "GetStreamGroup");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "Identifier") == "sg-1AB2C3De4");
  CHECK(d.input.MemberCount() == 1);

  // An ARN label arrives whole: ':' as %3A and '/' as %2F.
  d = decode("GET", "/streamgroups/" + kGroupArnEncoded, "", "GetStreamGroup");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "Identifier") == kGroupArn);

  // Lower-case hex works as well.
  d = decode("GET", "/streamgroups/arn%3aaws%3agameliftstreams%3aus-west-2%3a111122223333%3astreamgroup%2fsg-1AB2C3De4");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "Identifier") == kGroupArn);

  // Two labels.
  d = decode("GET", "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567", "", "GetStreamSession");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "Identifier") == "sg-1AB2C3De4");
  CHECK(str(d.input, "StreamSessionIdentifier") == "ABC123def4567");

  // A label bound to an Arn shape.
  d = decode("GET", "/tags/" + kGroupArnEncoded, "", "ListTagsForResource");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "ResourceArn") == kGroupArn);
}

TEST_CASE("URI labels are validated like any member") {
  auto d = decode("GET", "/streamgroups/sg%201");  // "sg 1"
  require_validation_error(d, "Value 'sg 1' at 'identifier' failed to satisfy constraint: Member must satisfy "
                              "regular expression pattern");

  // '+' in a path is a plus, not a space.
  d = decode("GET", "/applications/a+b");
  require_validation_error(d, "Value 'a+b' at 'identifier'");

  d = decode("GET", "/streamgroups/sg-%ZZ");
  require_validation_error(d, "a path parameter is not valid percent-encoded UTF-8");
  d = decode("GET", "/streamgroups/sg-%FF");
  require_validation_error(d, "a path parameter is not valid percent-encoded UTF-8");
}

TEST_CASE("a NUL byte in a URI label is not silently dropped") {
  // BUG: codec.cpp builds the label's JSON string with Value(value.c_str(), a),
  // which stops at the first NUL: "/streamgroups/sg-1AB2C3De4%00junk" is read
  // as Identifier "sg-1AB2C3De4" and names another resource. The whole value
  // must be kept, and then fails the Identifier pattern.
  auto d = decode("GET", "/streamgroups/sg-1AB2C3De4%00junk");
  REQUIRE(d.error.has_value());
  CHECK(d.error->code == "ValidationException");
}

TEST_CASE("query parameters are typed by their shape") {
  auto d = decode("GET", "/applications?MaxResults=10&NextToken=abc%3D%3D", "", "ListApplications");
  REQUIRE_FALSE(d.error);
  REQUIRE(d.input["MaxResults"].IsInt());
  CHECK(d.input["MaxResults"].GetInt() == 10);
  CHECK(str(d.input, "NextToken") == "abc==");

  d = decode("GET", "/applications?MaxResults=abc");
  require_validation_error(d, "Value 'abc' at 'maxResults' failed to satisfy constraint: Member must be an integer");
  d = decode("GET", "/applications?MaxResults=");
  require_validation_error(d, "at 'maxResults' failed to satisfy constraint: Member must be an integer");
  d = decode("GET", "/applications?MaxResults=10x");
  require_validation_error(d, "Value '10x' at 'maxResults'");
  d = decode("GET", "/applications?MaxResults=0");
  require_validation_error(d, "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value "
                              "greater than or equal to 1");
  d = decode("GET", "/applications?MaxResults=101");
  require_validation_error(d, "Member must have value less than or equal to 100");
  d = decode("GET", "/applications?MaxResults=99999999999");
  require_validation_error(d, "Member must be an integer");

  // Enums in the query.
  d = decode("GET", "/streamgroups/sg-1AB2C3De4/streamsessions?Status=ACTIVE&ExportFilesStatus=PENDING",
             "", "ListStreamSessions");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "Status") == "ACTIVE");
  CHECK(str(d.input, "ExportFilesStatus") == "PENDING");
  d = decode("GET", "/streamsessions?Status=active");
  require_validation_error(d, "Value 'active' at 'status' failed to satisfy constraint: Member must satisfy enum");

  // A scalar given twice: the first occurrence counts.
  d = decode("GET", "/applications?MaxResults=10&MaxResults=20");
  REQUIRE_FALSE(d.error);
  CHECK(d.input["MaxResults"].GetInt() == 10);

  // Parameters the operation does not define are ignored, as AWS does.
  d = decode("GET", "/applications?foo=bar&MaxResults=5");
  REQUIRE_FALSE(d.error);
  CHECK_FALSE(d.input.HasMember("foo"));
  CHECK(d.input.MemberCount() == 1);

  d = decode("GET", "/applications?MaxResults=%ZZ");
  require_validation_error(d, "the query string is not valid percent-encoded UTF-8");
}

TEST_CASE("repeated query keys make a list") {
  auto d = decode("DELETE", "/streamgroups/sg-1AB2C3De4/locations?locations=us-east-1&locations=eu-west-1",
                  "", "RemoveStreamGroupLocations");
  REQUIRE_FALSE(d.error);
  CHECK(strings(d.input, "Locations") == std::vector<std::string>{"us-east-1", "eu-west-1"});
  CHECK(str(d.input, "Identifier") == "sg-1AB2C3De4");

  d = decode("DELETE", "/streamgroups/sg-1AB2C3De4/locations?locations=us-east-1");
  REQUIRE_FALSE(d.error);
  CHECK(strings(d.input, "Locations") == std::vector<std::string>{"us-east-1"});

  // The list is required; the key is case-sensitive ("Locations" is not "locations").
  d = decode("DELETE", "/streamgroups/sg-1AB2C3De4/locations");
  require_validation_error(d, "Value null at 'locations' failed to satisfy constraint: Member must not be null");
  d = decode("DELETE", "/streamgroups/sg-1AB2C3De4/locations?Locations=us-east-1");
  require_validation_error(d, "Value null at 'locations'");

  d = decode("DELETE", "/tags/" + kGroupArnEncoded + "?tagKeys=env&tagKeys=cost%20center&tagKeys=a+b",
             "", "UntagResource");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "ResourceArn") == kGroupArn);
  CHECK(strings(d.input, "TagKeys") == std::vector<std::string>{"env", "cost center", "a b"});

  // Each item is validated with a 1-based path.
  d = decode("DELETE", "/tags/" + kGroupArnEncoded + "?tagKeys=env&tagKeys=");
  require_validation_error(d, "at 'tagKeys.2.member' failed to satisfy constraint: Member must have length greater "
                              "than or equal to 1");
}

TEST_CASE("body members are merged with the members from the URI") {
  auto d = decode("POST", "/streamgroups/sg-1AB2C3De4/streamsessions",
                  R"({"Protocol":"WebRTC","SignalRequest":"offer","ApplicationIdentifier":"a-9ZY8X7Wv6",)"
                  R"("ConnectionTimeoutSeconds":60,"AdditionalLaunchArgs":["-x"]})",
                  "StartStreamSession");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "Identifier") == "sg-1AB2C3De4");
  CHECK(str(d.input, "Protocol") == "WebRTC");
  CHECK(str(d.input, "SignalRequest") == "offer");
  CHECK(d.input["ConnectionTimeoutSeconds"].GetInt() == 60);
  CHECK(d.input["AdditionalLaunchArgs"].Size() == 1);

  // The body is validated with the URI members: a missing body member is named.
  d = decode("POST", "/streamgroups/sg-1AB2C3De4/streamsessions",
             R"({"Protocol":"WebRTC","ApplicationIdentifier":"a-9ZY8X7Wv6"})");
  require_validation_error(d, "1 validation error detected: Value null at 'signalRequest'");

  d = decode("POST", "/tags/" + kGroupArnEncoded, R"({"Tags":{"env":"dev"}})", "TagResource");
  REQUIRE_FALSE(d.error);
  CHECK(str(d.input, "ResourceArn") == kGroupArn);
  CHECK(str(d.input["Tags"], "env") == "dev");
}

TEST_CASE("a body may not carry members bound elsewhere, nor unknown members") {
  auto d = decode("PATCH", "/streamgroups/sg-1AB2C3De4", R"({"Identifier":"sg-2ZZ2C3De4","Description":"x"})",
                  "UpdateStreamGroup");
  require_validation_error(d, "Value at 'identifier' failed to satisfy constraint: Member is not defined by the body "
                              "of UpdateStreamGroupInput");

  d = decode("DELETE", "/streamgroups/sg-1AB2C3De4/locations?locations=us-east-1", R"({"Locations":["eu-west-1"]})");
  require_validation_error(d, "at 'locations' failed to satisfy constraint: Member is not defined by the body of "
                              "RemoveStreamGroupLocationsInput");

  d = decode("PATCH", "/streamgroups/sg-1AB2C3De4", R"({"Description":"x","Colour":"blue"})");
  require_validation_error(d, "at 'colour' failed to satisfy constraint: Member is not defined by the body of "
                              "UpdateStreamGroupInput");

  // A body for an operation whose input has only URI members.
  d = decode("GET", "/streamgroups/sg-1AB2C3De4", R"({"Identifier":"sg-1AB2C3De4"})");
  require_validation_error(d, "Member is not defined by the body of GetStreamGroupInput");
}

TEST_CASE("malformed bodies give a ValidationException saying what is wrong") {
  const std::string target = "/streamgroups/sg-1AB2C3De4";
  auto d = decode("PATCH", target, R"({"Description":)");
  require_validation_error(d, "The request body is not valid JSON: ");
  CHECK(contains(d.error->message, "(at byte 15)"));

  d = decode("PATCH", target, R"({"Description":"x"} garbage)");
  require_validation_error(d, "The request body is not valid JSON: unexpected text after the value (at byte 20)");
  d = decode("PATCH", target, R"({"Description":"x"}{})");
  require_validation_error(d, "unexpected text after the value (at byte 19)");

  for (const char* not_object : {"[]", "null", "\"text\"", "42", "true"}) {
    CAPTURE(not_object);
    d = decode("PATCH", target, not_object);
    require_validation_error(d, "the request body must be a JSON object");
  }

  d = decode("PATCH", target, "{\"Description\":\"bad \xFF byte\"}");
  require_validation_error(d, "The request body is not valid JSON: ");
  CHECK(contains(d.error->message, "encoding"));

  d = decode("PATCH", target, "{'Description':'x'}");
  require_validation_error(d, "The request body is not valid JSON");
  d = decode("PATCH", target, "{\"Description\":\"x\",}");
  require_validation_error(d, "The request body is not valid JSON");
}

TEST_CASE("an empty or blank body is an empty object") {
  auto d = decode("GET", "/streamgroups/sg-1AB2C3De4", "");
  REQUIRE_FALSE(d.error);
  d = decode("GET", "/applications", " \r\n\t");
  REQUIRE_FALSE(d.error);
  CHECK(d.input.IsObject());
  CHECK(d.input.MemberCount() == 0);
  // ...and {} too.
  d = decode("GET", "/applications", "{}");
  REQUIRE_FALSE(d.error);
  // For an operation with required body members, a blank body names them.
  d = decode("POST", "/applications", "");
  require_validation_error(d, "4 validation errors detected");
}

TEST_CASE("parse_json: strict, with the byte offset of the problem") {
  rapidjson::Document doc;
  std::string error;
  CHECK(gls::api::parse_json("  {\"a\": [1, 2.5, \"x\", null, true]}  \n", doc, error));
  CHECK(doc["a"].Size() == 5);
  CHECK(gls::api::parse_json("[]", doc, error));
  CHECK(doc.IsArray());

  CHECK_FALSE(gls::api::parse_json("", doc, error));
  CHECK(error.rfind("not valid JSON: ", 0) == 0);
  CHECK(contains(error, "(at byte 0)"));

  error.clear();
  CHECK_FALSE(gls::api::parse_json("{} x", doc, error));
  CHECK(error == "not valid JSON: unexpected text after the value (at byte 3)");
  CHECK_FALSE(gls::api::parse_json("1 2", doc, error));
  CHECK(error == "not valid JSON: unexpected text after the value (at byte 2)");
  CHECK_FALSE(gls::api::parse_json(std::string_view("{}\0", 3), doc, error));
  CHECK(error == "not valid JSON: unexpected text after the value (at byte 2)");

  CHECK_FALSE(gls::api::parse_json("{\"a\":1,}", doc, error));
  CHECK_FALSE(gls::api::parse_json("// comment\n{}", doc, error));
  CHECK_FALSE(gls::api::parse_json("{\"a\":NaN}", doc, error));
  CHECK_FALSE(gls::api::parse_json("\"\xC0\xAF\"", doc, error));  // overlong encoding
  CHECK_FALSE(gls::api::parse_json("\"\xED\xA0\x80\"", doc, error));  // a surrogate
  CHECK(gls::api::parse_json("\"\xC3\xA9\"", doc, error));
  CHECK(std::string(doc.GetString()) == "\xC3\xA9");

  // Only the given bytes are read: a view into a larger buffer.
  std::string buffer = "{\"a\":1}trailing";
  CHECK(gls::api::parse_json(std::string_view(buffer).substr(0, 7), doc, error));
  CHECK(doc["a"].GetInt() == 1);
}

TEST_CASE("parse_query: decoding and splitting") {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  Pairs q;
  CHECK(gls::api::parse_query("a=1&b=2", q));
  CHECK(q == Pairs{{"a", "1"}, {"b", "2"}});

  q.clear();
  CHECK(gls::api::parse_query("a+b=c+d&e%2Bf=%2B", q));
  CHECK(q == Pairs{{"a b", "c d"}, {"e+f", "+"}});

  q.clear();
  CHECK(gls::api::parse_query("&&flag&x=&=v&", q));
  CHECK(q == Pairs{{"flag", ""}, {"x", ""}, {"", "v"}});

  q.clear();
  CHECK(gls::api::parse_query("k=a=b", q));
  CHECK(q == Pairs{{"k", "a=b"}});

  q.clear();
  CHECK(gls::api::parse_query("k=%C3%A9t%C3%A9", q));
  CHECK(q == Pairs{{"k", "\xC3\xA9t\xC3\xA9"}});

  q.clear();
  CHECK(gls::api::parse_query("", q));
  CHECK(q.empty());

  for (const char* bad : {"k=%ZZ", "k=%4", "k=%", "k=%FF", "%zz=v", "k=%C3", "k=%C0%AF"}) {
    CAPTURE(bad);
    q.clear();
    CHECK_FALSE(gls::api::parse_query(bad, q));
  }
}
