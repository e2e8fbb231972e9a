// api::validate against shapes of the service model: the rules and the
// wording of the messages that ValidationException and fixture errors carry.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/codec.hpp"
#include "api/model.hpp"
#include "api/router.hpp"
#include "api/validate.hpp"

using gls::api::describe;
using gls::api::service_model;
using gls::api::ValidationOptions;
using gls::api::Violation;

namespace {

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  std::string error;
  REQUIRE_MESSAGE(gls::api::parse_json(text, doc, error), "test JSON does not parse: " << error << ": " << text);
  return doc;
}

// Violations of `text` against the shape `shape_name`, at the top level.
std::vector<Violation> check(const std::string& shape_name, const std::string& text,
                             const ValidationOptions& options = {}) {
  rapidjson::Document doc = json(text);
  std::vector<Violation> out;
  gls::api::validate(service_model(), service_model().shape_or_die(shape_name), doc, "", out, options);
  return out;
}

// Violations of one scalar value against a shape, reported at `path`.
std::vector<Violation> check_value(const std::string& shape_name, const std::string& json_value,
                                   const std::string& path = "value") {
  rapidjson::Document doc = json(json_value);
  std::vector<Violation> out;
  gls::api::validate(service_model(), service_model().shape_or_die(shape_name), doc, path, out);
  return out;
}

// A JSON string literal (the tests' values have no control characters).
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

bool accepted(const std::string& shape_name, const std::string& value) {
  return check_value(shape_name, quoted(value)).empty();
}

const std::string kGroupArn = "arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg-1AB2C3De4";

}  // namespace

TEST_CASE("required members: missing or null is 'Member must not be null', reported by path") {
  // StartStreamSession without SignalRequest: exactly that one member is reported.
  auto v = check("StartStreamSessionInput",
                 R"({"Identifier":"sg-1AB2C3De4","Protocol":"WebRTC","ApplicationIdentifier":"a-9ZY8X7Wv6"})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "signalRequest");
  CHECK(v[0].value == "null");
  CHECK(v[0].problem == "Member must not be null");
  CHECK(describe(v) ==
        "1 validation error detected: Value null at 'signalRequest' failed to satisfy constraint: "
        "Member must not be null");

  // An explicit JSON null is the same as a missing member.
  v = check("StartStreamSessionInput",
            R"({"Identifier":"sg-1AB2C3De4","Protocol":"WebRTC","ApplicationIdentifier":"a-9ZY8X7Wv6",)"
            R"("SignalRequest":null})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "signalRequest");

  // Every missing required member is reported, in the order the shape lists them.
  v = check("CreateApplicationInput", "{}");
  REQUIRE(v.size() == 4);
  CHECK(v[0].path == "description");
  CHECK(v[1].path == "runtimeEnvironment");
  CHECK(v[2].path == "executablePath");
  CHECK(v[3].path == "applicationSourceUri");

  // Required members of nested structures use the nested path.
  v = check("CreateApplicationInput",
            R"({"Description":"d","RuntimeEnvironment":{"Type":"PROTON"},"ExecutablePath":"x",)"
            R"("ApplicationSourceUri":"s3://b/k"})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "runtimeEnvironment.version");
  CHECK(v[0].problem == "Member must not be null");
}

TEST_CASE("required members are not checked when check_required is off (fixtures)") {
  CHECK(check("CreateApplicationInput", "{}", {.check_required = false}).empty());
  // ...but everything else still is.
  auto v = check("CreateApplicationInput", R"({"Description":""})", {.check_required = false});
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "description");
}

TEST_CASE("string length counts code points, not bytes") {
  // TagKey: 1..128, no pattern.
  CHECK(check_value("TagKey", quoted(repeat("a", 128))).empty());
  CHECK(check_value("TagKey", quoted(repeat("\xC3\xA9", 128))).empty());          // 256 bytes, 128 characters
  CHECK(check_value("TagKey", quoted(repeat("\xF0\x9F\x98\x80", 128))).empty());  // 512 bytes, 128 emoji

  auto v = check_value("TagKey", quoted(repeat("\xC3\xA9", 129)), "tagKey");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "tagKey");
  CHECK(v[0].problem == "Member must have length less than or equal to 128");

  v = check_value("TagKey", quoted(""));
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == "''");
  CHECK(v[0].problem == "Member must have length greater than or equal to 1");

  // Description: 1..80 with a pattern; the length is reported, the value echoed.
  CHECK(accepted("Description", repeat("a", 80)));
  v = check_value("Description", quoted(repeat("a", 81)), "description");
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == "'" + repeat("a", 81) + "'");
  CHECK(describe(v) == "1 validation error detected: Value '" + repeat("a", 81) +
                           "' at 'description' failed to satisfy constraint: Member must have length less than or "
                           "equal to 80");
}

TEST_CASE("the pattern is checked only once the length is acceptable") {
  // "" is too short for Description and does not match its pattern: one violation, the length.
  auto v = check_value("Description", quoted(""));
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must have length greater than or equal to 1");
  // 81 '#' are too long and match nothing: again only the length.
  v = check_value("Description", quoted(repeat("#", 81)));
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must have length less than or equal to 80");
}

TEST_CASE("patterns: an anchored pattern must match the whole value (Identifier)") {
  const auto& shape = service_model().shape_or_die("Identifier");
  CHECK(accepted("Identifier", "sg-1AB2C3De4"));
  CHECK(accepted("Identifier", "ABC123def4567"));
  CHECK(accepted("Identifier", kGroupArn));
  CHECK(accepted("Identifier", "arn:aws:gameliftstreams:us-west-2:111122223333:streamsession/sg-1AB2C3De4/ABC123def4567"));
  CHECK_FALSE(accepted("Identifier", "sg 1"));
  CHECK_FALSE(accepted("Identifier", "sg-1/x"));
  CHECK_FALSE(accepted("Identifier", " sg-1"));
  CHECK_FALSE(accepted("Identifier", "x" + kGroupArn));                               // not at the start
  CHECK_FALSE(accepted("Identifier", "arn:aws:gameliftstreams:us-west-2:1111:streamgroup/sg-1"));  // 4-digit account
  CHECK_FALSE(accepted("Identifier", "arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg 1"));

  auto v = check_value("Identifier", quoted("sg 1"), "identifier");
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == "'sg 1'");
  CHECK(v[0].problem == "Member must satisfy regular expression pattern: " + shape.pattern);
  CHECK(gls::api::matches_pattern(shape, "sg-1AB2C3De4"));
  CHECK_FALSE(gls::api::matches_pattern(shape, "sg 1"));
}

TEST_CASE("patterns: an answer a thread remembers is for that pattern and that value only") {
  using gls::api::Model;
  using gls::api::Shape;
  auto model_of = [](std::string letters, std::string digits) {
    Shape a, b;
    a.name = "A";
    a.pattern = std::move(letters);
    b.name = "B";
    b.pattern = std::move(digits);
    return std::make_unique<Model>(std::vector<Shape>{a, b}, std::vector<gls::api::Operation>{});
  };
  const std::string long_digits(200, '7');
  for (int round = 0; round < 3; ++round) {
    // A model made and dropped each round: its patterns may reuse the last
    // round's addresses, with the opposite meaning.
    const bool flip = round % 2 == 1;
    auto model = model_of(flip ? "^[0-9]+$" : "^[a-z]+$", flip ? "^[a-z]+$" : "^[0-9]+$");
    const Shape& letters = *model->shape(flip ? "B" : "A");
    const Shape& digits = *model->shape(flip ? "A" : "B");
    for (int again = 0; again < 3; ++again) {
      CHECK(gls::api::matches_pattern(letters, "abc"));
      CHECK_FALSE(gls::api::matches_pattern(digits, "abc"));
      CHECK(gls::api::matches_pattern(digits, "123"));
      CHECK_FALSE(gls::api::matches_pattern(letters, "123"));
      CHECK_FALSE(gls::api::matches_pattern(letters, "abc1"));
      CHECK(gls::api::matches_pattern(digits, long_digits));
      CHECK_FALSE(gls::api::matches_pattern(digits, long_digits + "x"));
    }
  }
}

TEST_CASE("patterns: an unanchored pattern only needs a match somewhere (Smithy semantics)") {
  // Description is [a-zA-Z0-9-_.!+@/][a-zA-Z0-9-_.!+@/ ]*, unanchored: "#bad"
  // contains "bad" and is accepted; a value with no allowed character is not.
  CHECK(accepted("Description", "#bad"));
  CHECK(accepted("Description", "  leading spaces"));
  CHECK(accepted("Description", "Sample game"));
  CHECK_FALSE(accepted("Description", "###"));
  CHECK_FALSE(accepted("Description", "   "));
  CHECK_FALSE(accepted("Description", "\xC3\xA9\xC3\xA9"));  // "éé": nothing of the class

  // Id [a-zA-Z0-9-]+ and LocationName: any alphanumeric inside is enough.
  CHECK(accepted("Id", "a b"));
  CHECK_FALSE(accepted("Id", "!!"));
  CHECK(accepted("LocationName", "us west"));
  CHECK_FALSE(accepted("LocationName", "***"));

  // Arn: unanchored, so text around the ARN is tolerated.
  CHECK(accepted("Arn", "see " + kGroupArn));
  CHECK_FALSE(accepted("Arn", "arn:aws:gameliftstreams:us-west-2:11112222333:streamgroup/sg-1"));

  // OutputUri s3://.*(/|\.zip|\.ZIP)
  CHECK(accepted("OutputUri", "s3://bucket/folder/"));
  CHECK(accepted("OutputUri", "s3://bucket/file.zip"));
  CHECK(accepted("OutputUri", "s3://bucket/file.ZIP"));
  // Unanchored: "s3://bucket/" is itself a match, so any key under a bucket passes...
  CHECK(accepted("OutputUri", "s3://bucket/file.tar"));
  // ...but without a '/' after the bucket nor a .zip there is no match.
  CHECK_FALSE(accepted("OutputUri", "s3://bucket.tar"));
  CHECK_FALSE(accepted("OutputUri", "https://bucket/file.zip"));

  // ApplicationLogOutputUri is "$|^s3://...": the empty alternative "$" matches
  // at the end of any value, so with search semantics every value passes.
  CHECK(accepted("ApplicationLogOutputUri", ""));
  CHECK(accepted("ApplicationLogOutputUri", "s3://amzn-s3-demo-bucket/logs"));
  CHECK(accepted("ApplicationLogOutputUri", "not a uri at all"));

  // UserId [-_a-zA-Z0-9/=+]* matches the empty string, so anything passes.
  CHECK(accepted("UserId", "ünïcode user"));
}

TEST_CASE("patterns: a '-' after a range in a class is a literal dash (ECMAScript)") {
  // [a-zA-Z0-9-_.!+@/]: "9-_" is not a range from '9' to '_'. If it were,
  // '=' and '?' (between them in ASCII) would be accepted.
  CHECK(accepted("Description", "-"));
  CHECK(accepted("Description", "_"));
  CHECK(accepted("Description", "@"));
  CHECK_FALSE(accepted("Description", "="));
  CHECK_FALSE(accepted("Description", "?"));
  CHECK_FALSE(accepted("Description", ":"));
  // ClientToken [\x21-\x7E]+, 32..128: escapes in a range.
  CHECK(accepted("ClientToken", repeat("~", 32)));
  CHECK_FALSE(accepted("ClientToken", repeat(" ", 32)));
  // Ipv4CidrBlock: alternation and quantifiers.
  CHECK(accepted("Ipv4CidrBlock", "10.0.0.0/16"));
  CHECK(accepted("Ipv4CidrBlock", "255.255.255.255/32"));
  CHECK_FALSE(accepted("Ipv4CidrBlock", "10.0.0/16"));
  // EnvironmentVariablesKeyString [_a-zA-Z][_a-zA-Z0-9]*: unanchored.
  CHECK(accepted("EnvironmentVariablesKeyString", "GAME_MODE"));
  CHECK(accepted("EnvironmentVariablesKeyString", "1A"));
  CHECK_FALSE(accepted("EnvironmentVariablesKeyString", "123"));
}

TEST_CASE("enums: the value must be one of the set, case-sensitively") {
  CHECK(check_value("Protocol", quoted("WebRTC")).empty());
  auto v = check_value("Protocol", quoted("webrtc"), "protocol");
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == "'webrtc'");
  CHECK(v[0].problem == "Member must satisfy enum value set: [WebRTC]");

  v = check_value("StreamSessionStatus", quoted("FOO"), "status");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem ==
        "Member must satisfy enum value set: [ACTIVATING, ACTIVE, CONNECTED, PENDING_CLIENT_RECONNECTION, "
        "RECONNECTING, TERMINATING, TERMINATED, ERROR]");
  for (const std::string& s : service_model().shape_or_die("StreamSessionStatus").enum_values)
    CHECK(check_value("StreamSessionStatus", quoted(s)).empty());

  // An enum must still be a string.
  v = check_value("Protocol", "1");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be a string");
}

TEST_CASE("integers: type and range") {
  CHECK(check_value("MaxResults", "1").empty());
  CHECK(check_value("MaxResults", "100").empty());

  auto v = check_value("MaxResults", R"("5")", "maxResults");
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == "'5'");
  CHECK(v[0].problem == "Member must be an integer");

  v = check_value("MaxResults", "0", "maxResults");
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == "'0'");
  CHECK(v[0].problem == "Member must have value greater than or equal to 1");
  v = check_value("MaxResults", "101");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must have value less than or equal to 100");

  CHECK(check_value("MaxResults", "5.5").size() == 1);
  CHECK(check_value("MaxResults", "true").size() == 1);
  CHECK(check_value("MaxResults", "null").size() == 1);

  // Integer is 32-bit: 2^31 - 1 fits, 2^31 and 2^40 do not.
  CHECK(check_value("AlwaysOnCapacity", "2147483647").empty());
  v = check_value("AlwaysOnCapacity", "2147483648");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be an integer");
  v = check_value("AlwaysOnCapacity", std::to_string(int64_t{1} << 40));
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be an integer");
  v = check_value("AlwaysOnCapacity", "-1");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must have value greater than or equal to 0");

  // Long takes 64-bit values, but not beyond.
  CHECK(check_value("Long", std::to_string(int64_t{1} << 40)).empty());
  CHECK(check_value("Long", "9223372036854775807").empty());
  v = check_value("Long", "9223372036854775808");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be a long integer");
  v = check_value("Long", R"("5")");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be a long integer");
}

TEST_CASE("booleans and timestamps") {
  CHECK(check_value("Boolean", "true").empty());
  auto v = check_value("Boolean", R"("true")");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be a boolean");

  CHECK(check_value("Timestamp", "1700000000").empty());
  CHECK(check_value("Timestamp", "1700000000.25").empty());
  v = check_value("Timestamp", R"("2024-01-01T00:00:00Z")");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be a timestamp in epoch seconds");
}

TEST_CASE("lists: counts, null items and nested paths with 1-based indexes") {
  const std::string head = R"({"Description":"d","StreamClass":"gen4n_high","LocationConfigurations":)";

  CHECK(check("CreateStreamGroupInput", head + R"([{"LocationName":"us-west-2","AlwaysOnCapacity":1}]})").empty());

  auto v = check("CreateStreamGroupInput", head + "[]}");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "locationConfigurations");
  CHECK(v[0].value == "a list");
  CHECK(v[0].problem == "Member must have length greater than or equal to 1");

  v = check("CreateStreamGroupInput", head + R"([{"LocationName":"***"},{"AlwaysOnCapacity":-2}]})");
  REQUIRE(v.size() == 3);
  CHECK(v[0].path == "locationConfigurations.1.member.locationName");
  CHECK(v[0].value == "'***'");
  CHECK(v[1].path == "locationConfigurations.2.member.locationName");
  CHECK(v[1].problem == "Member must not be null");
  CHECK(v[2].path == "locationConfigurations.2.member.alwaysOnCapacity");
  CHECK(v[2].problem == "Member must have value greater than or equal to 0");

  // Deeper: a list inside a structure inside a list.
  v = check("CreateStreamGroupInput",
            head + R"([{"LocationName":"us-west-2","VpcTransitConfiguration":{"VpcId":"vpc-1",)"
                   R"("Ipv4CidrBlocks":["10.0.0.0/16","bad"]}}]})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "locationConfigurations.1.member.vpcTransitConfiguration.ipv4CidrBlocks.2.member");

  // A null item of a list.
  v = check("AssociateApplicationsInput", R"({"Identifier":"sg-1AB2C3De4","ApplicationIdentifiers":["a-1",null]})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "applicationIdentifiers.2.member");
  CHECK(v[0].problem == "Member must not be null");

  // Too many items.
  std::string ids = "[";
  for (int i = 0; i < 51; ++i) ids += std::string(i ? "," : "") + "\"a-" + std::to_string(i) + "\"";
  v = check("AssociateApplicationsInput", R"({"Identifier":"sg-1AB2C3De4","ApplicationIdentifiers":)" + ids + "]}");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "applicationIdentifiers");
  CHECK(v[0].problem == "Member must have length less than or equal to 50");

  // Not a list at all.
  v = check("AssociateApplicationsInput", R"({"Identifier":"sg-1AB2C3De4","ApplicationIdentifiers":"a-1"})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be a list (a JSON array)");
}

TEST_CASE("maps: counts, keys and values") {
  const std::string head = R"({"ResourceArn":")" + kGroupArn + R"(","Tags":)";
  CHECK(check("TagResourceRequest", head + R"({"env":"dev","team":""}})").empty());

  auto v = check("TagResourceRequest", head + "{}}");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "tags");
  CHECK(v[0].value == "an object");
  CHECK(v[0].problem == "Member must have length greater than or equal to 1");

  std::string many = "{";
  for (int i = 0; i < 51; ++i) many += std::string(i ? "," : "") + "\"k" + std::to_string(i) + "\":\"v\"";
  v = check("TagResourceRequest", head + many + "}}");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must have length less than or equal to 50");

  // A value is reported under its key; a key under the map.
  v = check("TagResourceRequest", head + R"({"env":")" + repeat("v", 257) + R"("}})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "tags.env");
  CHECK(v[0].problem == "Member must have length less than or equal to 256");

  v = check("TagResourceRequest", head + R"({"":"v"}})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "tags");
  CHECK(v[0].value == "''");

  v = check("TagResourceRequest", head + R"({"env":null}})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "tags.env");
  CHECK(v[0].problem == "Member must not be null");

  v = check("TagResourceRequest", head + R"(["env"]})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be a map (a JSON object)");

  // EnvironmentVariables: the key pattern applies.
  v = check_value("EnvironmentVariables", R"({"GOOD":"1","123":"2"})", "additionalEnvironmentVariables");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "additionalEnvironmentVariables");
  CHECK(v[0].value == "'123'");
}

TEST_CASE("structures: unknown members are rejected unless allowed, at any depth") {
  auto v = check("GetStreamGroupInput", R"({"Identifier":"sg-1AB2C3De4","Bogus":1})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "bogus");
  CHECK(v[0].problem == "Member is not defined by GetStreamGroupInput");
  CHECK(describe(v) ==
        "1 validation error detected: Value at 'bogus' failed to satisfy constraint: Member is not defined by "
        "GetStreamGroupInput");

  // Member names are case-sensitive: "identifier" is unknown and Identifier missing.
  v = check("GetStreamGroupInput", R"({"identifier":"sg-1AB2C3De4"})");
  REQUIRE(v.size() == 2);
  CHECK(v[0].path == "identifier");
  CHECK(v[0].problem == "Member must not be null");
  CHECK(v[1].path == "identifier");
  CHECK(v[1].problem == "Member is not defined by GetStreamGroupInput");

  v = check("CreateStreamGroupInput",
            R"({"Description":"d","StreamClass":"gen4n_high","LocationConfigurations":[{"LocationName":"x","Extra":true}]})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "locationConfigurations.1.member.extra");
  CHECK(v[0].problem == "Member is not defined by LocationConfiguration");

  CHECK(check("GetStreamGroupInput", R"({"Identifier":"sg-1AB2C3De4","Bogus":1})", {.allow_unknown = true}).empty());

  v = check("GetStreamGroupInput", "[]");
  REQUIRE(v.size() == 1);
  CHECK(v[0].problem == "Member must be a structure (a JSON object)");
}

TEST_CASE("sensitive values are never echoed") {
  const std::string redacted = "'*** Sensitive Data Redacted ***'";
  const std::string base = R"({"Identifier":"sg-1AB2C3De4","Protocol":"WebRTC","ApplicationIdentifier":"a-1",)";

  auto v = check("StartStreamSessionInput", base + R"("SignalRequest":""})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "signalRequest");
  CHECK(v[0].value == redacted);

  v = check("StartStreamSessionInput", base + R"("SignalRequest":12345})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == redacted);
  CHECK(describe(v).find("12345") == std::string::npos);

  // A role ARN that fails its pattern: the secret part must not leak.
  v = check("StartStreamSessionInput",
            base + R"("SignalRequest":"offer","RoleArn":"arn:aws:iam::123456789012:user/very-secret-person"})");
  REQUIRE(v.size() == 1);
  CHECK(v[0].path == "roleArn");
  CHECK(v[0].value == redacted);
  std::string message = describe(v);
  CHECK(message.find("very-secret-person") == std::string::npos);
  CHECK(message.find("*** Sensitive Data Redacted ***") != std::string::npos);

  // A missing sensitive member is plain null: there is nothing to hide.
  v = check("StartStreamSessionInput", base.substr(0, base.size() - 1) + "}");
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == "null");
}

TEST_CASE("describe(): one and several violations") {
  CHECK(describe({{"a", "'x'", "P"}}) == "1 validation error detected: Value 'x' at 'a' failed to satisfy constraint: P");
  CHECK(describe({{"a", "'x'", "P"}, {"b.c", "null", "Q"}, {"d", "", "R"}}) ==
        "3 validation errors detected: Value 'x' at 'a' failed to satisfy constraint: P; "
        "Value null at 'b.c' failed to satisfy constraint: Q; Value at 'd' failed to satisfy constraint: R");

  // From the validator: two problems in one request.
  auto v = check("ListStreamSessionsInput", R"({"Identifier":"sg 1","MaxResults":0})");
  REQUIRE(v.size() == 2);
  std::string text = describe(v);
  CHECK(text.rfind("2 validation errors detected: ", 0) == 0);
  CHECK(text.find("Value 'sg 1' at 'identifier' failed to satisfy constraint: Member must satisfy regular "
                  "expression pattern") != std::string::npos);
  CHECK(text.find("Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than "
                  "or equal to 1") != std::string::npos);
  CHECK(text.find("; Value ") != std::string::npos);
}

TEST_CASE("at most 10 violations are reported") {
  std::string tags = "{";
  for (int i = 0; i < 15; ++i) tags += std::string(i ? "," : "") + "\"k" + std::to_string(i) + "\":null";
  auto v = check("TagResourceRequest", R"({"ResourceArn":")" + kGroupArn + R"(","Tags":)" + tags + "},\"X\":1}");
  CHECK(v.size() == 10);
  CHECK(describe(v).rfind("10 validation errors detected: ", 0) == 0);
}

TEST_CASE("long values are echoed truncated") {
  const std::string value = repeat("b", 300);
  auto v = check_value("Description", quoted(value));
  REQUIRE(v.size() == 1);
  CHECK(v[0].value == "'" + repeat("b", 256) + "...'");
}

TEST_CASE("truncating a long echoed value keeps it valid UTF-8") {
  // BUG: validate.cpp echo() cuts the value at byte 256, which can split a
  // multi-byte character; the message (and the JSON error body built from
  // it) is then not valid UTF-8.
  const std::string value = "a" + repeat("\xC3\xA9", 200);  // byte 256 is the lead byte of an 'é'
  REQUIRE(gls::api::valid_utf8(value));
  auto v = check_value("Description", quoted(value));
  REQUIRE(v.size() == 1);
  CHECK(gls::api::valid_utf8(v[0].value));
  CHECK(gls::api::valid_utf8(describe(v)));
}

TEST_CASE("member_path and utf8_length") {
  CHECK(gls::api::member_path("", "Description") == "description");
  CHECK(gls::api::member_path("a.1.member", "LocationName") == "a.1.member.locationName");
  CHECK(gls::api::member_path("", "X") == "x");

  CHECK(gls::api::utf8_length("") == 0);
  CHECK(gls::api::utf8_length("abc") == 3);
  CHECK(gls::api::utf8_length("\xC3\xA9") == 1);                      // é
  CHECK(gls::api::utf8_length("\xE6\x97\xA5\xE6\x9C\xAC") == 2);      // 日本
  CHECK(gls::api::utf8_length("\xF0\x9F\x98\x80") == 1);              // 😀
  CHECK(gls::api::utf8_length("a\xC3\xA9z\xF0\x9F\x98\x80!") == 5);
  CHECK(gls::api::utf8_length(std::string_view("a\0b", 3)) == 3);
}
