// Fault rules: what the parser accepts and refuses (and why), and which
// requests the matcher picks: operation, identifiers, first rule wins,
// times, probability with a seed, "*" rules and lifecycle rules.
#include "chaos/fault_rules.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "api/codec.hpp"
#include "api/model.hpp"

using gls::FaultRule;
using gls::FaultRules;

namespace {

const gls::api::Model& model() { return gls::api::service_model(); }

rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  std::string error;
  REQUIRE_MESSAGE(gls::api::parse_json(text, d, error), error);
  return d;
}

FaultRule parse_ok(const std::string& text) {
  auto d = json(text);
  auto r = gls::parse_fault_rule(d, model());
  REQUIRE_MESSAGE(r.ok(), text << " -> " << (r.ok() ? "" : r.error().message));
  return *r;
}

std::string refusal(const std::string& text) {
  auto d = json(text);
  auto r = gls::parse_fault_rule(d, model());
  if (r.ok()) return "(accepted)";
  return r.error().message;
}

std::string written(const FaultRule& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  gls::write_fault_rule(w, r);
  return std::string(buf.GetString(), buf.GetSize());
}

const gls::api::Operation& op(const char* name) {
  const auto* o = model().operation(name);
  REQUIRE(o);
  return *o;
}

const std::string kGroupArn = "arn:aws:gameliftstreams:us-west-2:111122223333:streamgroup/sg-1AB2C3De4";
const std::string kSessionArn =
    "arn:aws:gameliftstreams:us-west-2:111122223333:streamsession/sg-1AB2C3De4/ABC123def4567";

rapidjson::Document session_input(const std::string& group = "sg-1AB2C3De4",
                                  const std::string& session = "ABC123def4567") {
  return json(R"({"Identifier":")" + group + R"(","StreamSessionIdentifier":")" + session + R"("})");
}

}  // namespace

TEST_CASE("a full rule is read, defaulted and written back") {
  FaultRule r = parse_ok(R"({"operation":"GetStreamSession","match":{"Identifier":")" + kGroupArn +
                         R"("},"probability":0.25,"times":2,"error":"ThrottlingException","message":"slow down",
                            "latencyMs":{"min":10,"max":20}})");
  CHECK(r.operation == "GetStreamSession");
  REQUIRE(r.match.size() == 1);
  CHECK(r.match[0].first == "Identifier");
  CHECK(r.match[0].second == "sg-1AB2C3De4");  // an ARN matches by its ID
  CHECK(r.probability == 0.25);
  CHECK(r.times == std::optional<int64_t>(2));
  CHECK(r.error == std::optional<std::string>("ThrottlingException"));
  CHECK(r.http_status == std::optional<int>(429));  // the model's status
  CHECK(r.latency_ms == std::optional<std::pair<double, double>>({10.0, 20.0}));

  FaultRules rules(7);
  FaultRule stored = rules.add(r);
  CHECK(stored.id == 1);
  CHECK(written(stored) ==
        R"({"id":1,"operation":"GetStreamSession","match":{"Identifier":"sg-1AB2C3De4"},"probability":0.25,)"
        R"("times":2,"hits":0,"error":"ThrottlingException","httpStatus":429,"message":"slow down",)"
        R"("latencyMs":{"min":10.0,"max":20.0}})");
  CHECK(rules.add(parse_ok(R"({"latencyMs":5})")).id == 2);

  // Defaults: every operation, always, a generated message.
  FaultRule d = parse_ok(R"({"error":"InternalServerException"})");
  CHECK(d.operation == "*");
  CHECK(d.probability == 1.0);
  CHECK_FALSE(d.times);
  CHECK(d.http_status == std::optional<int>(500));
  FaultRule d2 = rules.add(d);
  REQUIRE(d2.message);
  CHECK(d2.message->find("rule 3") != std::string::npos);

  // Lifecycle rules belong to StartStreamSession.
  FaultRule l = parse_ok(R"({"lifecycle":"applicationExit","afterSeconds":30})");
  CHECK(l.operation == "StartStreamSession");
  CHECK(l.lifecycle == gls::LifecycleFault::ApplicationExit);
  CHECK(l.after_seconds == std::optional<double>(30));
  CHECK(parse_ok(R"({"lifecycle":"exportFailed","operation":"*"})").operation == "StartStreamSession");
  CHECK(parse_ok(R"({"connection":"reset","operation":"ListStreamGroups"})").connection == gls::ConnectionFault::Reset);
  CHECK(parse_ok(R"({"error":"ThrottlingException","httpStatus":503})").http_status == std::optional<int>(503));
}

TEST_CASE("bad rules are refused, saying why") {
  struct Case {
    const char* rule;
    const char* why;
  };
  for (const Case& c : {
           Case{R"([])", "must be a JSON object"},
           Case{R"({"error":"ThrottlingException","bogus":1})", "unknown member 'bogus'"},
           Case{R"({"id":3,"latencyMs":1})", "'id' is set by gls-local"},
           Case{R"({"hits":3,"latencyMs":1})", "'hits' is set by gls-local"},
           Case{R"({})", "needs an effect"},
           Case{R"({"operation":"GetStreamSession"})", "needs an effect"},
           Case{R"({"operation":"GetSession","error":"ThrottlingException"})", "unknown operation 'GetSession'"},
           Case{R"({"operation":7,"error":"ThrottlingException"})", "'operation' must be a string"},
           Case{R"({"error":"SlowDownException"})", "'SlowDownException' is not an error"},
           Case{R"({"error":"StreamGroup"})", "'StreamGroup' is not an error"},
           Case{R"({"error":42})", "'error' must be a string"},
           Case{R"({"operation":"GetStreamSession","error":"ConflictException"})",
                "does not list ConflictException for GetStreamSession"},
           Case{R"({"operation":"ListStreamSessionsByAccount","error":"ResourceNotFoundException"})",
                "does not list ResourceNotFoundException"},
           Case{R"({"error":"ThrottlingException","httpStatus":200})",
                "'httpStatus' must be an integer from 400 to 599"},
           Case{R"({"error":"ThrottlingException","httpStatus":"429"})", "'httpStatus' must be an integer"},
           Case{R"({"latencyMs":5,"httpStatus":429})", "'httpStatus' goes with 'error'"},
           Case{R"({"latencyMs":5,"message":"x"})", "'message' goes with 'error'"},
           Case{R"({"error":"ThrottlingException","message":5})", "'message' must be a string"},
           Case{R"({"probability":1.5,"latencyMs":1})", "'probability' must be from 0 to 1, not 1.5"},
           Case{R"({"probability":-0.1,"latencyMs":1})", "'probability' must be from 0 to 1"},
           Case{R"({"probability":"half","latencyMs":1})", "'probability' must be a number"},
           Case{R"({"times":0,"latencyMs":1})", "'times' must be a whole number"},
           Case{R"({"times":1.5,"latencyMs":1})", "'times' must be a whole number"},
           Case{R"({"times":"2","latencyMs":1})", "'times' must be a whole number"},
           Case{R"({"latencyMs":-1})", "'latencyMs' must be from 0 to 300000"},
           Case{R"({"latencyMs":"1s"})", "'latencyMs' must be a number"},
           Case{R"({"latencyMs":{"min":20,"max":10}})", "'latencyMs.min' must not be greater"},
           Case{R"({"latencyMs":{"min":1}})", "{\"min\": a, \"max\": b}"},
           Case{R"({"latencyMs":{"min":1,"max":2,"mean":1}})", "unknown member 'mean' of 'latencyMs'"},
           Case{R"({"latencyMs":{"min":1,"max":300001}})", "'latencyMs.max' must be from 0 to 300000"},
           Case{R"({"connection":"drop"})", "unknown connection fault 'drop'"},
           Case{R"({"connection":"reset","error":"ThrottlingException"})", "either an 'error' or a 'connection'"},
           Case{R"({"lifecycle":"crash"})", "unknown lifecycle fault 'crash'"},
           Case{R"({"lifecycle":"internalError","error":"ThrottlingException"})", "a lifecycle rule cannot also"},
           Case{R"({"lifecycle":"internalError","latencyMs":5})", "a lifecycle rule cannot also"},
           Case{R"({"lifecycle":"internalError","operation":"GetStreamSession"})",
                "a lifecycle rule applies to StartStreamSession, not GetStreamSession"},
           Case{R"({"lifecycle":"internalError","afterSeconds":-3})", "'afterSeconds' must be from 0"},
           Case{R"({"latencyMs":5,"afterSeconds":3})", "'afterSeconds' goes with 'lifecycle'"},
           Case{R"({"latencyMs":5,"match":"sg-1AB2C3De4"})", "'match' must be an object"},
           Case{R"({"latencyMs":5,"match":{"Identifier":7}})", "'match.Identifier' must be an identifier"},
           Case{R"({"operation":"GetStreamSession","latencyMs":5,"match":{"ApplicationIdentifier":"a-9ZY8X7Wv6"}})",
                "GetStreamSession has no string input member ApplicationIdentifier"},
           Case{R"({"latencyMs":5,"match":{"Colour":"red"}})", "no operation has a string input member Colour"},
       }) {
    CAPTURE(c.rule);
    std::string why = refusal(c.rule);
    CHECK_MESSAGE(why.find(c.why) != std::string::npos, why);
  }
}

TEST_CASE("matching: operation, identifiers by ID or ARN, first rule wins, times") {
  FaultRules rules(1);
  rules.add(parse_ok(R"({"operation":"GetStreamSession","match":{"StreamSessionIdentifier":")" + kSessionArn +
                     R"("},"error":"ThrottlingException","times":2})"));
  rules.add(parse_ok(R"({"operation":"GetStreamSession","error":"InternalServerException"})"));

  auto other = session_input("sg-1AB2C3De4", "ZZZ123def4567");
  // Another session: the first rule does not match, the second does.
  auto hit = rules.for_request(op("GetStreamSession"), other);
  REQUIRE(hit);
  CHECK(hit->rule_id == 2);
  CHECK(hit->type() == "error");

  // The session, by ID and by ARN: the first rule, twice, then the second.
  auto by_id = session_input();
  auto by_arn = session_input(kGroupArn, kSessionArn);
  hit = rules.for_request(op("GetStreamSession"), by_id);
  REQUIRE(hit);
  CHECK(hit->rule_id == 1);
  CHECK(hit->error == std::optional<std::string>("ThrottlingException"));
  CHECK(hit->http_status == 429);
  hit = rules.for_request(op("GetStreamSession"), by_arn);
  REQUIRE(hit);
  CHECK(hit->rule_id == 1);
  hit = rules.for_request(op("GetStreamSession"), by_id);
  REQUIRE(hit);
  CHECK(hit->rule_id == 2);

  // Another operation: no rule.
  CHECK_FALSE(rules.for_request(op("TerminateStreamSession"), by_id));

  auto listed = rules.list();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].hits == 2);
  CHECK(listed[1].hits == 2);

  CHECK(rules.remove(2));
  CHECK_FALSE(rules.remove(2));
  CHECK_FALSE(rules.for_request(op("GetStreamSession"), by_id));  // rule 1 is used up
  rules.clear();
  CHECK(rules.list().empty());
  CHECK(rules.add(parse_ok(R"({"latencyMs":1})")).id == 1);  // ids start again
}

TEST_CASE("a \"*\" rule with an error skips the operations that do not list it") {
  FaultRules rules(1);
  rules.add(parse_ok(R"({"operation":"*","error":"ResourceNotFoundException"})"));
  rapidjson::Document empty = json("{}");
  CHECK(rules.for_request(op("GetStreamSession"), session_input()));
  CHECK_FALSE(rules.for_request(op("ListStreamSessionsByAccount"), empty));
  rules.add(parse_ok(R"({"operation":"*","connection":"close"})"));
  auto hit = rules.for_request(op("ListStreamSessionsByAccount"), empty);
  REQUIRE(hit);
  CHECK(hit->rule_id == 2);
  CHECK(hit->connection == gls::ConnectionFault::Close);
  CHECK(hit->type() == "connection");
}

TEST_CASE("lifecycle rules are consulted only for new sessions") {
  FaultRules rules(1);
  rules.add(parse_ok(R"({"lifecycle":"placementTimeout","match":{"Identifier":"sg-1AB2C3De4"},"times":1})"));
  auto start = json(R"({"Identifier":")" + kGroupArn + R"(","ApplicationIdentifier":"a-9ZY8X7Wv6"})");
  CHECK_FALSE(rules.for_request(op("StartStreamSession"), start));
  auto hit = rules.for_new_session(start);
  REQUIRE(hit);
  CHECK(hit->lifecycle == gls::LifecycleFault::PlacementTimeout);
  CHECK(hit->type() == "lifecycle");
  CHECK_FALSE(rules.for_new_session(start));  // times: 1
  auto elsewhere = json(R"({"Identifier":"sg-0000000000","ApplicationIdentifier":"a-9ZY8X7Wv6"})");
  rules.add(parse_ok(R"({"lifecycle":"exportFailed","match":{"Identifier":"sg-1AB2C3De4"}})"));
  CHECK_FALSE(rules.for_new_session(elsewhere));
}

TEST_CASE("latency: fixed, and uniform between the bounds") {
  FaultRules rules(3);
  rules.add(parse_ok(R"({"operation":"GetStreamSession","latencyMs":250})"));
  rules.add(parse_ok(R"({"operation":"ListStreamSessions","latencyMs":{"min":100,"max":200}})"));
  auto in = session_input();
  auto hit = rules.for_request(op("GetStreamSession"), in);
  REQUIRE(hit);
  CHECK(hit->latency_ms == 250);
  CHECK(hit->type() == "latency");
  double lo = 1e9, hi = 0, sum = 0;
  for (int i = 0; i < 2000; ++i) {
    auto h = rules.for_request(op("ListStreamSessions"), in);
    REQUIRE(h);
    lo = std::min(lo, h->latency_ms);
    hi = std::max(hi, h->latency_ms);
    sum += h->latency_ms;
  }
  CHECK(lo >= 100);
  CHECK(hi <= 200);
  CHECK(lo < 105);
  CHECK(hi > 195);
  CHECK(sum / 2000 == doctest::Approx(150).epsilon(0.05));
}

TEST_CASE("probability: a seeded stream per rule, drawn once per matching request") {
  auto pattern = [](uint64_t seed, int n) {
    FaultRules rules(seed);
    rules.add(parse_ok(R"({"operation":"GetStreamSession","probability":0.5,"error":"ThrottlingException"})"));
    auto in = session_input();
    std::vector<bool> hits;
    for (int i = 0; i < n; ++i) {
      // A request the rule does not match draws nothing.
      auto other = json("{}");
      CHECK_FALSE(rules.for_request(op("ListStreamSessionsByAccount"), other));
      hits.push_back(rules.for_request(op("GetStreamSession"), in).has_value());
    }
    return hits;
  };
  const auto a = pattern(42, 400), b = pattern(42, 400), c = pattern(43, 400);
  CHECK(a == b);
  CHECK(a != c);
  const auto n = std::count(a.begin(), a.end(), true);
  CHECK(n > 150);
  CHECK(n < 250);

  FaultRules never(1);
  never.add(parse_ok(R"({"probability":0,"error":"ThrottlingException"})"));
  never.add(parse_ok(R"({"error":"InternalServerException"})"));
  auto in = session_input();
  for (int i = 0; i < 50; ++i) {
    auto hit = never.for_request(op("GetStreamSession"), in);
    REQUIRE(hit);
    CHECK(hit->rule_id == 2);  // a rule that does not fire lets the next one try
  }
}

TEST_CASE("resource_id_of") {
  CHECK(gls::resource_id_of("sg-1AB2C3De4") == "sg-1AB2C3De4");
  CHECK(gls::resource_id_of(kGroupArn) == "sg-1AB2C3De4");
  CHECK(gls::resource_id_of(kSessionArn) == "ABC123def4567");
  CHECK(gls::resource_id_of("") == "");
}
