#include "observe/event_stream.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>

#include "api/codec.hpp"
#include "api/render.hpp"
#include "api/errors.hpp"
#include "chaos/fault_rules.hpp"

namespace gls {

namespace {

// Does a "group/session" style resource key name `wanted` (an ID, an ARN or the key itself)?
bool names_resource(std::string_view key, const std::string& wanted) {
  if (key == wanted) return true;
  const std::string_view id = resource_id_of(wanted);
  while (!key.empty()) {
    auto slash = key.find('/');
    if (key.substr(0, slash) == id) return true;
    if (slash == std::string_view::npos) break;
    key.remove_prefix(slash + 1);
  }
  return false;
}

}  // namespace

struct EventStream::Subscriber {
  std::shared_ptr<BodyStream> out;
  std::optional<std::string> kind;
  std::optional<std::string> resource;
  bool transitions = true;
  bool requests = true;
};

std::string transition_json(const TransitionEvent& e) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_string(w, "kind", e.kind);
  write_string(w, "resource", e.resource);
  write_string(w, "account", e.scope.account);
  write_string(w, "region", e.scope.region);
  write_nullable(w, "from", e.from);
  write_string(w, "to", e.to);
  write_nullable(w, "reason", e.reason);
  write_string(w, "cause", e.cause);
  write_double(w, "time", static_cast<double>(e.time_ms) / 1000.0);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

EventStream::EventStream(TransitionFeed& transitions, RequestJournal& journal)
    : transitions_(transitions), journal_(journal) {
  transitions_handle_ =
      transitions_.subscribe([this](const std::vector<TransitionEvent>& events) { on_transitions(events); });
  journal_handle_ = journal_.subscribe([this](const RequestRecord& r) { on_request(r); });
}

EventStream::~EventStream() {
  transitions_.unsubscribe(transitions_handle_);
  journal_.unsubscribe(journal_handle_);
}

size_t EventStream::subscribers() {
  std::lock_guard lock(mu_);
  std::erase_if(subscribers_, [](const std::shared_ptr<Subscriber>& s) { return !s->out->open(); });
  return subscribers_.size();
}

HttpResponse EventStream::open(const HttpRequest& request) {
  auto sub = std::make_shared<Subscriber>();
  std::vector<std::pair<std::string, std::string>> query;
  if (!api::parse_query(request.query(), query))
    return api::error_response(api::validation_error("the query string is not valid percent-encoded UTF-8"));
  for (const auto& [k, v] : query) {
    if (k == "kind") {
      sub->kind = v;
    } else if (k == "resource") {
      sub->resource = v;
    } else if (k == "events") {
      if (v == "transition")
        sub->requests = false;
      else if (v == "request")
        sub->transitions = false;
      else if (v != "all")
        return api::error_response(api::validation_error("'events' must be transition, request or all"));
    } else {
      return api::error_response(api::validation_error("unknown query parameter '" + k +
                                                       "'; the event stream takes kind, resource and events"));
    }
  }
  if (sub->kind) sub->requests = false;  // a kind of resource narrows to transitions

  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", "text/event-stream; charset=utf-8");
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Accel-Buffering", "no");
  r.stream = std::make_shared<StreamedBody>();
  r.stream->keepalive_bytes = ": keepalive\n\n";
  r.stream->start = [this, sub](std::shared_ptr<BodyStream> out) {
    out->write(": gls-local event stream\n\n");
    std::lock_guard lock(mu_);
    sub->out = std::move(out);
    subscribers_.push_back(sub);
  };
  return r;
}

template <class Wants, class Text>
void EventStream::broadcast(Wants wants, Text text) {
  std::lock_guard lock(mu_);
  if (subscribers_.empty()) return;
  std::optional<std::string> frame;  // built once, for the first subscriber that wants it
  std::erase_if(subscribers_, [&](const std::shared_ptr<Subscriber>& s) {
    if (!wants(*s)) return false;
    if (!frame) frame = text();
    return !s->out->write(*frame);
  });
}

void EventStream::on_transitions(const std::vector<TransitionEvent>& events) {
  for (const TransitionEvent& e : events) {
    broadcast(
        [&](const Subscriber& s) {
          return s.transitions && (!s.kind || *s.kind == e.kind) &&
                 (!s.resource || names_resource(e.resource, *s.resource));
        },
        [&] { return "event: transition\ndata: " + transition_json(e) + "\n\n"; });
  }
}

void EventStream::on_request(const RequestRecord& r) {
  broadcast(
      [&](const Subscriber& s) {
        if (!s.requests) return false;
        if (!s.resource) return true;
        return std::any_of(r.identifiers.begin(), r.identifiers.end(),
                           [&](const auto& id) { return names_resource(id.second, *s.resource); });
      },
      [&] { return "event: request\ndata: " + request_record_json(r) + "\n\n"; });
}

void EventStream::user_input(const Scope& scope, const std::string& resource, const std::string& what,
                             int64_t time_ms) {
  broadcast(
      [&](const Subscriber& s) {
        return s.transitions && (!s.kind || *s.kind == "streamsession") &&
               (!s.resource || names_resource(resource, *s.resource));
      },
      [&] {
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        write_string(w, "kind", "streamsession");
        write_string(w, "resource", resource);
        write_string(w, "account", scope.account);
        write_string(w, "region", scope.region);
        write_string(w, "input", what);
        write_double(w, "time", static_cast<double>(time_ms) / 1000.0);
        w.EndObject();
        return "event: input\ndata: " + std::string(buf.GetString(), buf.GetSize()) + "\n\n";
      });
}

}  // namespace gls
