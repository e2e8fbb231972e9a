// The GameLift Streams API, described once as data.
//
// Everything the server knows about the wire format of the 30 operations comes
// from this description: routing (method + URI template), the REST-JSON codec
// (which member is bound to the path, the query string, a header or the body),
// input validation (required, length, range, pattern, enum) and the error
// protocol (which errors an operation may return and with which HTTP status).
// Handlers never look at HTTP; they see validated input documents.
//
// The description is written in our own code (api_description.cpp) and a
// conformance test compares it, shape by shape, with the published service
// model, so any drift fails the build's tests rather than a user's SDK.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gls::api {

enum class Type { Structure, List, Map, String, Integer, Long, Boolean, Timestamp };

// Where a member of an input structure travels on the wire.
enum class Binding { Body, Uri, Query, Header };

std::string_view to_string(Type t);
std::string_view to_string(Binding b);

struct Shape;

struct Member {
  std::string name;       // PascalCase member name, as SDKs name it
  std::string shape;      // name of the target shape
  Binding binding = Binding::Body;
  std::string wire_name;  // URI label, query key or header name; empty for body members
  bool required = false;
  bool idempotency_token = false;
  bool deprecated = false;
  const Shape* target = nullptr;  // the shape named `shape`, set by the Model
};

class CompiledPattern;

struct Shape {
  std::string name;
  Type type = Type::String;
  // For strings, lists and maps: the length (in characters for strings);
  // for integers and longs: the value.
  std::optional<int64_t> min;
  std::optional<int64_t> max;
  // Regular expression (ECMAScript syntax). As in Smithy it is not implicitly
  // anchored: the value must contain a match, unless the pattern anchors itself.
  std::string pattern;
  std::vector<std::string> enum_values;
  bool sensitive = false;  // never echoed in logs or validation messages

  std::vector<Member> members;  // Structure
  std::string member_shape;     // List
  std::string key_shape;        // Map
  std::string value_shape;      // Map

  // Error structures: the HTTP status they are returned with.
  int error_status = 0;
  bool server_fault = false;   // 5xx: the service's fault, not the caller's
  bool retryable = false;
  bool throttling = false;

  std::shared_ptr<const CompiledPattern> regex;  // compiled once from `pattern`

  const Member* find_member(std::string_view member_name) const;
  bool is_error() const { return error_status != 0; }
};

struct Operation {
  std::string name;
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string uri;     // template, e.g. /streamgroups/{Identifier}
  int success_status = 200;
  std::string input;   // input shape name
  std::string output;  // output shape name; empty when the operation returns no body
  const Shape* input_shape = nullptr;  // the shape named `input`, set by the Model
  std::vector<std::string> errors;
  // The answer is a function of the store, the scope and the input alone
  // (not of the clock, the request's Host, nor anything kept outside the
  // store): it may be served again while the store is unchanged.
  bool answer_follows_store = false;
  // Given an offer in its SignalRequest, the operation may wait for a live
  // stream peer's answer (its ICE gathering, 0.1 to 0.6 s here).
  bool may_await_peer = false;

  bool may_return(std::string_view error) const;
};

class Model {
 public:
  // Resolves every shape name a member or an operation's input gives to the
  // shape it names, so that requests never look a shape up by name.
  Model(std::vector<Shape> shapes, std::vector<Operation> operations);
  // Not copied: members and operations point into this model's shapes.
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const Shape* shape(std::string_view name) const;
  const Shape& shape_or_die(std::string_view name) const;
  const Operation* operation(std::string_view name) const;
  const std::vector<Operation>& operations() const { return operations_; }
  const std::map<std::string, Shape, std::less<>>& shapes() const { return shapes_; }

 private:
  std::map<std::string, Shape, std::less<>> shapes_;
  std::vector<Operation> operations_;
};

// The description of the GameLift Streams API (2018-05-10), built on first use.
const Model& service_model();

// Does `value` contain a match of the shape's pattern (Smithy semantics)?
bool matches_pattern(const Shape& shape, std::string_view value);

}  // namespace gls::api
