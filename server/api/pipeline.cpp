#include "api/pipeline.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <random>

#include "admin/admin_api.hpp"
#include "api/codec.hpp"
#include "api/errors.hpp"
#include "api/operations.hpp"
#include "api/rate_limits.hpp"
#include "api/validate.hpp"
#include "chaos/fault_rules.hpp"
#include "chaos/lifecycle_faults.hpp"
#include "http/access_policy.hpp"
#include "observe/metrics.hpp"
#include "state/sessions/signalling.hpp"
#include "state/small_json.hpp"

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

// The resource IDs a request names: its URI labels and its *Identifier members.
void collect_identifiers(const api::Operation& op, const rapidjson::Value& input, RequestRecord& record) {
  const api::Shape* shape = op.input_shape;
  if (!shape || !input.IsObject()) return;
  for (const api::Member& m : shape->members) {
    const bool named = m.binding == api::Binding::Uri || m.name.ends_with("Identifier");
    if (!named) continue;
    auto it = input.FindMember(m.name.c_str());
    if (it == input.MemberEnd() || !it->value.IsString()) continue;
    record.identifiers.emplace_back(
        m.name, std::string(resource_id_of(std::string_view(it->value.GetString(), it->value.GetStringLength()))));
  }
}

// What a rendered body is kept under: the operation, the scope and the
// input's members, each length-prefixed so that no two inputs share a key;
// empty when a member is not a string (the answer is then not kept).
std::string render_key(const api::Operation& op, const Scope& scope, const rapidjson::Value& input) {
  std::string key;
  if (!input.IsObject()) return key;
  auto add = [&key](std::string_view part) {
    key += std::to_string(part.size());
    key += ':';
    key += part;
  };
  add(op.name);
  add(scope.account);
  add(scope.region);
  for (auto m = input.MemberBegin(); m != input.MemberEnd(); ++m) {
    if (!m->value.IsString()) return {};
    add(std::string_view(m->name.GetString(), m->name.GetStringLength()));
    add(std::string_view(m->value.GetString(), m->value.GetStringLength()));
  }
  return key;
}

std::string_view transport_fault_name(ConnectionFault f) {
  switch (f) {
    case ConnectionFault::Reset: return "ConnectionReset";
    case ConnectionFault::Close: return "ConnectionClosed";
    case ConnectionFault::Malformed: return "MalformedResponse";
    case ConnectionFault::None: break;
  }
  return "";
}

}  // namespace

Pipeline::Pipeline(Emulator& emu, AdminApi& admin, PipelineOptions options, PipelineSteps steps)
    : emu_(emu), admin_(admin), options_(options), steps_(steps), router_(api::service_model()) {}

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

Pipeline::~Pipeline() = default;

void Pipeline::answer_peer_waits_apart(size_t workers) {
  apart_ = std::make_unique<boost::asio::thread_pool>(workers);
}

HttpResponse Pipeline::handle(HttpRequest& request) {
  if (awaits_peer(request)) return answer_apart(request);
  return handle_here(request, static_cast<bool>(flush_soon_));
}

bool Pipeline::awaits_peer(const HttpRequest& request) const {
  if (!apart_ || request.method != "POST") return false;
  const api::RouteMatch route = router_.match(request.method, request.path());
  if (!route.operation || !route.operation->may_await_peer || !emu_.signalling().peers()->live()) return false;
  // Most starts (placeholders, NO_CLIENT_CONNECTION) are told apart without
  // parsing their body a second time.
  if (!may_hold_offer(request.body)) return false;
  SmallJson body;
  if (body.Parse(request.body.data(), request.body.size()).HasParseError() || !body.IsObject()) return false;
  const auto signal = body.FindMember("SignalRequest");
  return signal != body.MemberEnd() && signal->value.IsString() &&
         read_signal_request({signal->value.GetString(), signal->value.GetStringLength()}).offer.has_value();
}

HttpResponse Pipeline::answer_apart(HttpRequest& request) {
  HttpResponse placeholder;
  placeholder.deferred = std::make_shared<DeferredResponse>();
  placeholder.deferred->start = [this, request = std::move(request)](DeferredResponse::Answer answer) mutable {
    boost::asio::post(*apart_, [this, request = std::move(request), answer = std::move(answer)]() mutable {
      answer(handle_here(request, false));
    });
  };
  return placeholder;
}

HttpResponse Pipeline::handle_here(HttpRequest& request, bool batched) {
  const auto start = std::chrono::steady_clock::now();
  // However the request ends (even by an exception), a batch it left open
  // is flushed once the work at hand is done.
  struct FlushAfter {
    Store& store;
    const std::function<void()>& flush_soon;
    ~FlushAfter() {
      if (flush_soon && store.claim_flush()) flush_soon();
    }
  } flush_after{emu_.store(), flush_soon_};
  RequestRecord record;
  record.request_id = new_request_id();
  record.method = request.method;
  record.path = std::string(request.path());

  HttpResponse response;
  record.wall_time = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  record.emulator_time = static_cast<double>(emu_.clock().now_ms()) / 1000.0;
  const bool admin = record.path == "/_gls" || record.path.rfind("/_gls/", 0) == 0;
  if (admin) record.operation = "admin";
  if (auto stop = steps_.access ? steps_.access->check(request) : std::nullopt) {
    response = std::move(*stop);
  } else if (admin) {
    response = admin_.handle(request);
  } else if (batched) {
    Store::BatchCommits batch;
    response = dispatch_api(request, record);
  } else {
    response = dispatch_api(request, record);
  }
  if (steps_.access) steps_.access->decorate(request, response);
  response.set_header("x-amzn-RequestId", record.request_id);

  if (response.deferred) {
    // A placeholder (a body read as it arrives): the line tells of the
    // answer the client gets, once it is given.
    log_when_answered(*response.deferred, std::move(record), start);
  } else {
    finish_record(record, response, start);
    log(record);
    if (!admin) {
      if (steps_.metrics) steps_.metrics->observe_request(record.operation, record.status, record.latency_ms);
      if (steps_.journal) steps_.journal->record(std::move(record));
    }
  }
  // What the operation wrote, or saw another request write, goes out only
  // once it is on disk.
  response.durable_after = emu_.store().pending_commit();
  return response;
}

void Pipeline::finish_record(RequestRecord& record, const HttpResponse& response,
                             std::chrono::steady_clock::time_point start) {
  record.status = response.fault == ConnectionFault::None ? response.status : 0;
  // The injected delay is part of what the client waits for.
  record.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() +
                      static_cast<double>(response.delay.count());
  if (response.fault != ConnectionFault::None) {
    record.error = transport_fault_name(response.fault);
  } else if (record.error.empty() && response.status >= 400) {
    for (const auto& [k, v] : response.headers)
      if (k == "x-amzn-ErrorType") record.error = v;
  }
}

void Pipeline::log_when_answered(DeferredResponse& deferred, RequestRecord record,
                                 std::chrono::steady_clock::time_point start) {
  deferred.start = [this, record = std::move(record), start, begin = std::move(deferred.start)](
                       DeferredResponse::Answer answer) {
    begin([this, record, start, answer = std::move(answer)](HttpResponse out) mutable {
      finish_record(record, out, start);
      const Delivery delivery = answer(std::move(out));
      log(record, delivery);
      return delivery;
    });
  };
}

void Pipeline::log(const RequestRecord& record, Delivery delivery) const {
  if (!spdlog::should_log(spdlog::level::info)) return;
  const std::string& what = record.operation.empty() ? record.path : record.operation;
  std::string text;
  if (record.operation == "admin")
    text = fmt::format("admin {} {} {} {:.2f}ms {}", record.method, record.path, record.status, record.latency_ms,
                       record.request_id);
  else if (record.error.empty())
    text = fmt::format("{} {} {:.2f}ms {}", what, record.status, record.latency_ms, record.request_id);
  else
    text = fmt::format("{} {} {} {:.2f}ms {}", what, record.status, record.error, record.latency_ms, record.request_id);
  if (record.fault_rule) text += fmt::format(" (fault rule {}: {})", *record.fault_rule, record.fault_type);
  // The status is the answer computed; the client never got it.
  if (delivery == Delivery::ServerStopping) text += " (not delivered: server stopping)";
  if (delivery == Delivery::ClientGone) text += " (not delivered: client gone)";
  if (!options_.json_log) {
    spdlog::info("{}", text);
    return;
  }
  // The JSON formatter writes this object's members as the line's own.
  static const std::shared_ptr<spdlog::logger> requests = [] {
    auto l = spdlog::get("requests");
    return l ? l : spdlog::default_logger();
  }();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  write_request_record(w, record, text);
  requests->info("{}", std::string_view(buf.GetString(), buf.GetSize()));
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
  collect_identifiers(op, input, record);
  const Scope scope = scope_of(request);
  record.account = scope.account;
  record.region = scope.region;

  if (steps_.rate_limits && !steps_.rate_limits->admit(scope, op.name))
    return api::error_response(api::model_error(
        "ThrottlingException", "Rate exceeded: " + op.name + " takes at most " +
                                   fmt::format("{:g}", *RateLimits::rate_of(op.name)) + " requests per second"));

  // Faults: an error or a transport fault replaces the operation; latency
  // holds whatever the answer is.
  std::chrono::milliseconds delay{0};
  if (steps_.faults) {
    if (auto hit = steps_.faults->for_request(op, input)) {
      record.fault_rule = hit->rule_id;
      record.fault_type = std::string(hit->type());
      if (steps_.metrics) steps_.metrics->observe_fault(hit->rule_id, hit->type());
      delay = std::chrono::milliseconds(saturate_to_int64(std::round(hit->latency_ms)));
      if (hit->error || hit->connection != ConnectionFault::None) {
        HttpResponse faulty;
        if (hit->error) {
          faulty = api::error_response({*hit->error, hit->http_status, hit->message});
        } else {
          faulty.fault = hit->connection;
        }
        faulty.delay = delay;
        return faulty;
      }
    }
  }
  HttpResponse response = run_operation(request, record, op, scope, input);
  response.delay = delay;
  return response;
}

HttpResponse Pipeline::run_operation(const HttpRequest& request, RequestRecord& record, const api::Operation& op,
                                     const Scope& scope, const rapidjson::Value& input) {
  const api::Model& model = api::service_model();
  OperationHandler handler = find_handler(op.name);
  if (!handler)
    return api::error_response(
        api::not_implemented("GameLift Streams Local does not implement " + op.name + " yet; the request was valid"));

  // The store's version is read before the read it renders (api/render_cache.hpp),
  // and only when nothing is due or being fired: then the committed store is
  // what a read would show.
  const std::string render_key_text =
      options_.render_cache && op.answer_follows_store ? render_key(op, scope, input) : std::string();
  std::optional<uint64_t> version;
  if (!render_key_text.empty()) {
    version = emu_.settled_version();
    std::string body;
    if (version && rendered_.find(*version, render_key_text, body)) return success(op, std::move(body));
  }

  rapidjson::StringBuffer buffer(nullptr, 4096);
  JsonWriter writer(buffer);
  std::string_view host = request.header("host");
  const std::string endpoint = "http://" + std::string(host.empty() ? std::string_view("127.0.0.1") : host);
  // Lifecycle rules meet the sessions the operation starts, in its transaction.
  std::optional<LifecycleFaults::RequestHook> lifecycle_faults;
  if (steps_.lifecycle_faults) lifecycle_faults.emplace(*steps_.lifecycle_faults, input, record, steps_.metrics);
  Call call{emu_, scope, input, writer, endpoint, lifecycle_faults ? &*lifecycle_faults : nullptr, &record};
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

  if (op.output.empty()) return success(op, {});
  if (buffer.GetSize() == 0) writer.StartObject(), writer.EndObject();
  HttpResponse response = success(op, std::string(buffer.GetString(), buffer.GetSize()));
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
  if (version) rendered_.keep(*version, render_key_text, response.body);
  return response;
}

HttpResponse Pipeline::success(const api::Operation& op, std::string body) {
  HttpResponse response;
  response.status = op.success_status;
  if (op.output.empty()) return response;
  response.body = std::move(body);
  response.set_header("Content-Type", "application/json");
  return response;
}

}  // namespace gls
