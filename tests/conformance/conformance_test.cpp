// Conformance: the project's API description (server/api/api_description.cpp)
// against the published service model (../shared/aws-models, botocore's
// service-2.json). Any drift fails: a missing or extra operation, shape or
// member, another binding, status code, constraint, enum value or error.
//
// Where the model is not present (a user's clone) the test says so and exits
// 77, which CTest reports as skipped. GLS_AWS_MODELS overrides the location.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/model.hpp"

using namespace gls::api;

namespace {

std::string model_path() {
  const char* env = std::getenv("GLS_AWS_MODELS");
  std::string base = env && *env ? env : GLS_DEFAULT_MODELS;
  return base + "/gameliftstreams/2018-05-10/service-2.json";
}

rapidjson::Document load_reference() {
  std::ifstream in(model_path());
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::string str(const rapidjson::Value& v, const char* key, std::string fallback = "") {
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? fallback : std::string(it->value.GetString());
}
std::optional<int64_t> num(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd()) return std::nullopt;
  return it->value.GetInt64();
}
bool flag(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.GetBool();
}
std::string show(const std::optional<int64_t>& n) { return n ? std::to_string(*n) : "none"; }

// Compares the description with the reference model; returns every drift.
class Comparison {
 public:
  Comparison(const Model& ours, const rapidjson::Document& ref) : ours_(ours), ref_(ref) {}

  std::vector<std::string> run() {
    operations();
    while (!pending_.empty()) {
      std::string name = *pending_.begin();
      pending_.erase(pending_.begin());
      if (seen_.insert(name).second) shape(name);
    }
    for (const auto& [name, s] : ours_.shapes())
      if (!seen_.count(name)) drift("shape " + name + " is described but the model has no such (reachable) shape");
    return drifts_;
  }

 private:
  void drift(std::string s) { drifts_.push_back(std::move(s)); }
  void reach(const std::string& name) {
    if (!seen_.count(name)) pending_.insert(name);
  }

  void operations() {
    const auto& ops = ref_["operations"];
    std::set<std::string> names;
    for (auto it = ops.MemberBegin(); it != ops.MemberEnd(); ++it) {
      std::string name = it->name.GetString();
      names.insert(name);
      const auto& ref = it->value;
      const Operation* op = ours_.operation(name);
      if (!op) {
        drift("operation " + name + " is missing");
        continue;
      }
      const auto& http = ref["http"];
      if (op->method != str(http, "method")) drift(name + ": method " + op->method + " != " + str(http, "method"));
      if (op->uri != str(http, "requestUri")) drift(name + ": URI " + op->uri + " != " + str(http, "requestUri"));
      int64_t code = num(http, "responseCode").value_or(200);
      if (op->success_status != code)
        drift(name + ": success status " + std::to_string(op->success_status) + " != " + std::to_string(code));
      std::string input = ref.HasMember("input") ? str(ref["input"], "shape") : "";
      std::string output = ref.HasMember("output") ? str(ref["output"], "shape") : "";
      if (op->input != input) drift(name + ": input shape " + op->input + " != " + input);
      if (op->output != output) drift(name + ": output shape '" + op->output + "' != '" + output + "'");
      reach(input);
      if (!output.empty()) reach(output);
      std::set<std::string> errors, our_errors(op->errors.begin(), op->errors.end());
      if (ref.HasMember("errors"))
        for (const auto& e : ref["errors"].GetArray()) errors.insert(str(e, "shape"));
      for (const auto& e : errors) {
        reach(e);
        if (!our_errors.count(e)) drift(name + ": error " + e + " is missing");
      }
      for (const auto& e : our_errors)
        if (!errors.count(e)) drift(name + ": error " + e + " is not in the model");
    }
    for (const Operation& op : ours_.operations())
      if (!names.count(op.name)) drift("operation " + op.name + " is not in the model");
  }

  void shape(const std::string& name) {
    const auto& shapes = ref_["shapes"];
    if (!shapes.HasMember(name.c_str())) {
      drift("the model has no shape " + name);
      return;
    }
    const auto& ref = shapes[name.c_str()];
    const Shape* s = ours_.shape(name);
    if (!s) {
      drift("shape " + name + " is missing");
      return;
    }
    const std::string type = str(ref, "type");
    if (std::string(to_string(s->type)) != type) drift(name + ": type " + std::string(to_string(s->type)) + " != " + type);
    if (s->min != num(ref, "min")) drift(name + ": min " + show(s->min) + " != " + show(num(ref, "min")));
    if (s->max != num(ref, "max")) drift(name + ": max " + show(s->max) + " != " + show(num(ref, "max")));
    if (s->pattern != str(ref, "pattern")) drift(name + ": pattern '" + s->pattern + "' != '" + str(ref, "pattern") + "'");
    if (s->sensitive != flag(ref, "sensitive")) drift(name + ": sensitive differs");

    std::vector<std::string> enums;
    if (ref.HasMember("enum"))
      for (const auto& e : ref["enum"].GetArray()) enums.emplace_back(e.GetString());
    if (std::set<std::string>(enums.begin(), enums.end()) !=
        std::set<std::string>(s->enum_values.begin(), s->enum_values.end()))
      drift(name + ": enum values differ");

    if (type == "list") {
      std::string member = str(ref["member"], "shape");
      if (s->member_shape != member) drift(name + ": list member " + s->member_shape + " != " + member);
      reach(member);
    }
    if (type == "map") {
      std::string key = str(ref["key"], "shape"), value = str(ref["value"], "shape");
      if (s->key_shape != key) drift(name + ": map key " + s->key_shape + " != " + key);
      if (s->value_shape != value) drift(name + ": map value " + s->value_shape + " != " + value);
      reach(key);
      reach(value);
    }
    if (type == "structure") structure(name, ref, *s);

    const bool is_error = ref.HasMember("error");
    if (is_error != s->is_error()) drift(name + ": error-ness differs");
    if (is_error) {
      int64_t status = num(ref["error"], "httpStatusCode").value_or(0);
      if (s->error_status != status)
        drift(name + ": error status " + std::to_string(s->error_status) + " != " + std::to_string(status));
      if (s->server_fault != flag(ref, "fault")) drift(name + ": fault differs");
      const bool retryable = ref.HasMember("retryable");
      if (s->retryable != retryable) drift(name + ": retryable differs");
      if (retryable && s->throttling != flag(ref["retryable"], "throttling")) drift(name + ": throttling differs");
    }
  }

  void structure(const std::string& name, const rapidjson::Value& ref, const Shape& s) {
    std::set<std::string> required;
    if (ref.HasMember("required"))
      for (const auto& r : ref["required"].GetArray()) required.insert(r.GetString());
    std::set<std::string> names;
    const auto& members = ref["members"];
    for (auto it = members.MemberBegin(); it != members.MemberEnd(); ++it) {
      std::string m = it->name.GetString();
      names.insert(m);
      const auto& rm = it->value;
      const Member* ours = s.find_member(m);
      std::string where = name + "." + m;
      if (!ours) {
        drift(where + " is missing");
        continue;
      }
      std::string target = str(rm, "shape");
      reach(target);
      if (ours->shape != target) drift(where + ": shape " + ours->shape + " != " + target);
      std::string location = str(rm, "location", "body");
      if (std::string(to_string(ours->binding)) != location)
        drift(where + ": bound to " + std::string(to_string(ours->binding)) + ", the model says " + location);
      if (location != "body" && ours->wire_name != str(rm, "locationName"))
        drift(where + ": wire name " + ours->wire_name + " != " + str(rm, "locationName"));
      if (ours->required != (required.count(m) > 0)) drift(where + ": required differs");
      if (ours->idempotency_token != flag(rm, "idempotencyToken")) drift(where + ": idempotency token differs");
      if (ours->deprecated != flag(rm, "deprecated")) drift(where + ": deprecated differs");
    }
    for (const Member& m : s.members)
      if (!names.count(m.name)) drift(name + "." + m.name + " is not in the model");
  }

  const Model& ours_;
  const rapidjson::Document& ref_;
  std::set<std::string> seen_, pending_;
  std::vector<std::string> drifts_;
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& d : v) s += "\n  " + d;
  return s;
}

bool contains(const std::vector<std::string>& drifts, const std::string& part) {
  for (const auto& d : drifts)
    if (d.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("the API description matches the published model") {
  auto ref = load_reference();
  auto drifts = Comparison(service_model(), ref).run();
  INFO("drift:" << joined(drifts));
  CHECK(drifts.empty());
  CHECK(service_model().operations().size() == ref["operations"].MemberCount());
}

TEST_CASE("the comparison notices drift of every kind") {
  auto ref = load_reference();
  std::vector<Shape> shapes;
  for (const auto& [name, s] : service_model().shapes()) shapes.push_back(s);
  std::vector<Operation> ops = service_model().operations();

  // Drop an operation, change a status, a constraint, an enum, a binding.
  ops.erase(std::remove_if(ops.begin(), ops.end(), [](const Operation& o) { return o.name == "RevokeStreamUrl"; }),
            ops.end());
  for (Operation& o : ops)
    if (o.name == "StartStreamSession") o.success_status = 200;
  for (Shape& s : shapes) {
    if (s.name == "Description") s.max = 81;
    if (s.name == "StreamSessionStatus") s.enum_values.push_back("PAUSED");
    if (s.name == "RemoveStreamGroupLocationsInput")
      for (Member& m : s.members)
        if (m.name == "Locations") m.binding = Binding::Body;
    if (s.name == "GetStreamSessionOutput") {
      Member extra;
      extra.name = "Extra";
      extra.shape = "String";
      s.members.push_back(extra);
    }
  }
  Model altered(shapes, ops);
  auto drifts = Comparison(altered, ref).run();
  INFO("drift:" << joined(drifts));
  CHECK(contains(drifts, "operation RevokeStreamUrl is missing"));
  CHECK(contains(drifts, "StartStreamSession: success status 200 != 201"));
  CHECK(contains(drifts, "Description: max 81 != 80"));
  CHECK(contains(drifts, "StreamSessionStatus: enum values differ"));
  CHECK(contains(drifts, "RemoveStreamGroupLocationsInput.Locations: bound to body"));
  CHECK(contains(drifts, "GetStreamSessionOutput.Extra is not in the model"));
}

int main(int argc, char** argv) {
  if (!std::filesystem::exists(model_path())) {
    std::printf("conformance: skipped, the API model is not at %s (set GLS_AWS_MODELS to its aws-models folder)\n",
                model_path().c_str());
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
