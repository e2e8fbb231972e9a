#include "pipeline.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <random>

#include "admin_api.hpp"
#include "api/codec.hpp"
#include "api/errors.hpp"
#include "api/validate.hpp"
#include "operations.hpp"

namespace gls {

namespace {

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  uint64_t a = rng(), b = rng();
  std::string s(36, '-');
  int bit = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    uint64_t& src = bit < 64 ? a : b;
    s[i] = hex[(src >> (bit % 64)) & 0xF];
    bit += 4;
  }
  s[14] = '4';                              // version 4
  s[19] = hex[8 + (b & 0x3)];               // variant 10xx
  return s;
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Pipeline::Pipeline(Emulator& emu, AdminApi& admin, PipelineOptions options)
    : emu_(emu), admin_(admin), options_(options), router_(api::service_model()) {}

Scope Pipeline::scope_of(const HttpRequest& request) const {
  Scope scope = emu_.config().default_scope;
  // Authorization: AWS4-HMAC-SHA256 Credential=AKID/20250101/us-west-2/gameliftstreams/aws4_request, ...
  std::string_view credential;
  std::string_view auth = request.header("authorization");
  if (auto p = auth.find("Credential="); p != std::string_view::npos) {
    credential = auth.substr(p + 11);
    credential = credential.substr(0, credential.find_first_of(", "));
  }
  if (credential.empty()) return scope;
  std::string_view parts[5];
  size_t n = 0;
  while (n < 5) {
    auto slash = credential.find('/');
    parts[n++] = credential.substr(0, slash);
    if (slash == std::string_view::npos) break;
    credential.remove_prefix(slash + 1);
  }
  if (n >= 3 && !parts[2].empty() && parts[2].find(':') == std::string_view::npos) scope.region = std::string(parts[2]);
  if (is_account_id(parts[0])) scope.account = std::string(parts[0]);
  return scope;
}

HttpResponse Pipeline::handle(HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  RequestRecord record;
  record.request_id = new_request_id();
  record.method = request.method;
  record.path = std::string(request.path());

  HttpResponse response;
  if (record.path == "/_gls" || record.path.rfind("/_gls/", 0) == 0) {
    record.operation = "admin";
    response = admin_.handle(request);
  } else {
    response = dispatch_api(request, record);
  }
  response.set_header("x-amzn-RequestId", record.request_id);

  record.status = response.status;
  record.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (record.error.empty() && response.status >= 400) {
    for (const auto& [k, v] : response.headers)
      if (k == "x-amzn-ErrorType") record.error = v;
  }
  if (spdlog::should_log(spdlog::level::info)) {
    const std::string& what = record.operation.empty() ? record.path : record.operation;
    if (record.operation == "admin")
      spdlog::info("admin {} {} {} {:.2f}ms {}", record.method, record.path, record.status, record.latency_ms,
                   record.request_id);
    else if (record.error.empty())
      spdlog::info("{} {} {:.2f}ms {}", what, record.status, record.latency_ms, record.request_id);
    else
      spdlog::info("{} {} {} {:.2f}ms {}", what, record.status, record.error, record.latency_ms, record.request_id);
  }
  return response;
}

HttpResponse Pipeline::reject(int status, const std::string& code, const std::string& message) {
  std::string request_id = new_request_id();
  HttpResponse response = api::error_response({code, status, message});
  response.set_header("x-amzn-RequestId", request_id);
  spdlog::info("(refused) {} {} {}: {}", status, code, request_id, message);
  return response;
}

HttpResponse Pipeline::dispatch_api(HttpRequest& request, RequestRecord& record) {
  const api::Model& model = api::service_model();
  api::RouteMatch route = router_.match(request.method, request.path());
  if (!route.operation) {
    std::string what = route.path_matched ? "No operation takes " + request.method + " on " + record.path
                                          : "No operation matches " + request.method + " " + record.path;
    return api::error_response(api::unknown_operation(what));
  }
  const api::Operation& op = *route.operation;
  record.operation = op.name;

  // Most inputs fit in a few kilobytes: parse them into a buffer on the
  // stack rather than a fresh 64 KiB heap chunk per request.
  char input_memory[8192];
  rapidjson::MemoryPoolAllocator<> input_allocator(input_memory, sizeof input_memory);
  rapidjson::Document input(&input_allocator);
  if (auto error = api::decode_input(model, route, request, input)) return api::error_response(*error);

  OperationHandler handler = find_handler(op.name);
  if (!handler)
    return api::error_response(
        api::not_implemented("GameLift Streams Local does not implement " + op.name + " yet; the request was valid"));

  const Scope scope = scope_of(request);
  rapidjson::StringBuffer buffer(nullptr, 4096);
  JsonWriter writer(buffer);
  std::string_view host = request.header("host");
  const std::string endpoint = "http://" + std::string(host.empty() ? std::string_view("127.0.0.1") : host);
  Call call{emu_, scope, input, writer, endpoint};
  Status status = ok();
  try {
    status = handler(call);
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", op.name, e.what());
    return api::error_response(api::model_error("InternalServerException", "Internal error: " + std::string(e.what())));
  }

  if (!status) {
    api::ApiError e = api::from_domain(status.error());
    if (!op.may_return(e.code)) {
      // The model is the contract: an error it does not list would surprise
      // every SDK. This is a bug in the emulator, so say so loudly.
      spdlog::error("{} returned {}, which the API does not list for it: {}", op.name, e.code, e.message);
      e = api::model_error("InternalServerException",
                           "emulator bug: " + op.name + " may not return " + e.code + " (" + e.message + ")");
    }
    return api::error_response(e);
  }

  HttpResponse response;
  response.status = op.success_status;
  if (!op.output.empty()) {
    if (buffer.GetSize() == 0) writer.StartObject(), writer.EndObject();
    response.body.assign(buffer.GetString(), buffer.GetSize());
    response.set_header("Content-Type", "application/json");
    if (options_.validate_responses) {
      rapidjson::Document out;
      std::string parse_error;
      std::vector<api::Violation> violations;
      if (!api::parse_json(response.body, out, parse_error))
        violations.push_back({"", "", "the response is not JSON: " + parse_error});
      else
        api::validate(model, model.shape_or_die(op.output), out, "", violations);
      if (!violations.empty()) {
        std::string what = "emulator bug: the " + op.name + " response does not match " + op.output + ": " +
                           api::describe(violations);
        spdlog::error("{}", what);
        return api::error_response(api::model_error("InternalServerException", what));
      }
    }
  }
  return response;
}

}  // namespace gls
