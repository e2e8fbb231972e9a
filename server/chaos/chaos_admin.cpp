#include "chaos/chaos_admin.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "api/codec.hpp"
#include "api/errors.hpp"
#include "api/model.hpp"
#include "state/store/repository.hpp"

namespace gls {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

HttpResponse json_response(int status, const rapidjson::StringBuffer& body) {
  HttpResponse r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body.assign(body.GetString(), body.GetSize());
  return r;
}

HttpResponse refuse(int status, const std::string& code, std::string message) {
  return api::error_response({code, status, std::move(message)});
}
HttpResponse bad_request(std::string message) { return refuse(400, "ValidationException", std::move(message)); }
HttpResponse no_route(const HttpRequest& r) {
  return refuse(404, "UnknownOperationException",
                "No admin operation matches " + r.method + " " + std::string(r.path()));
}

template <class T>
bool parse_int(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

std::optional<HttpResponse> ChaosAdmin::handle(const HttpRequest& request) {
  const std::string_view path = request.path();
  const std::string& m = request.method;
  if (path == "/_gls/faults") return faults(request);
  if (path.rfind("/_gls/faults/", 0) == 0) return fault(request, path.substr(std::string_view("/_gls/faults/").size()));
  if (path == "/_gls/requests") return m == "GET" ? requests(request) : no_route(request);
  if (path == "/_gls/metrics") return m == "GET" ? metrics() : no_route(request);
  if (path == "/_gls/events") return m == "GET" || m == "HEAD" ? events_.open(request) : no_route(request);
  return std::nullopt;
}

void ChaosAdmin::reset() {
  faults_.clear();
  journal_.clear();
  metrics_.clear();
}

HttpResponse ChaosAdmin::faults(const HttpRequest& request) {
  const std::string& m = request.method;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  if (m == "GET") {
    w.StartObject();
    w.Key("faults");
    w.StartArray();
    for (const FaultRule& r : faults_.list()) write_fault_rule(w, r);
    w.EndArray();
    w.EndObject();
    return json_response(200, buf);
  }
  if (m == "DELETE") {
    const size_t n = faults_.list().size();
    faults_.clear();
    w.StartObject();
    w.Key("removed");
    w.Uint64(n);
    w.EndObject();
    return json_response(200, buf);
  }
  if (m != "POST") return no_route(request);
  rapidjson::Document body;
  std::string why;
  if (!api::parse_json(request.body, body, why)) return bad_request("The fault rule is " + why);
  auto rule = parse_fault_rule(body, api::service_model());
  if (!rule) return bad_request(rule.error().message);
  write_fault_rule(w, faults_.add(std::move(*rule)));
  HttpResponse r = json_response(201, buf);
  return r;
}

HttpResponse ChaosAdmin::fault(const HttpRequest& request, std::string_view id_text) {
  int64_t id = 0;
  if (!parse_int(id_text, id))
    return refuse(404, "ResourceNotFoundException", "There is no fault rule " + std::string(id_text));
  if (request.method != "GET" && request.method != "DELETE") return no_route(request);
  for (const FaultRule& r : faults_.list()) {
    if (r.id != id) continue;
    if (request.method == "DELETE") faults_.remove(id);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    write_fault_rule(w, r);
    return json_response(200, buf);
  }
  return refuse(404, "ResourceNotFoundException", "There is no fault rule " + std::to_string(id));
}

HttpResponse ChaosAdmin::requests(const HttpRequest& request) {
  std::vector<std::pair<std::string, std::string>> query;
  if (!api::parse_query(request.query(), query))
    return bad_request("the query string is not valid percent-encoded UTF-8");
  JournalQuery q;
  for (const auto& [k, v] : query) {
    if (k == "limit") {
      if (!parse_int(v, q.limit) || q.limit < 1 || q.limit > 1'000'000)
        return bad_request("'limit' must be a whole number from 1 to 1000000");
    } else if (k == "operation") {
      if (!api::service_model().operation(v)) return bad_request("unknown operation '" + v + "'");
      q.operation = v;
    } else if (k == "status") {
      int status = 0;
      if (v.size() == 3 && (v[1] == 'x' || v[1] == 'X') && (v[2] == 'x' || v[2] == 'X') && v[0] >= '1' && v[0] <= '5') {
        q.status = v[0] - '0';
        q.status_class = true;
      } else if (parse_int(v, status) && (status == 0 || (status >= 100 && status <= 599))) {
        q.status = status;
      } else {
        return bad_request("'status' must be an HTTP status such as 429, a class such as 4xx, or 0 (no answer)");
      }
    } else {
      return bad_request("unknown query parameter '" + k + "'; the journal takes limit, operation and status");
    }
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("capacity");
  w.Uint64(journal_.capacity());
  w.Key("requests");
  w.StartArray();
  for (const RequestRecord& r : journal_.newest(q)) write_request_record(w, r);
  w.EndArray();
  w.EndObject();
  return json_response(200, buf);
}

HttpResponse ChaosAdmin::metrics() {
  std::vector<StatusCount> statuses;
  emu_.transact([&](Store& db, int64_t) {
    for (const auto& [table, kind] :
         {std::pair{"applications", "application"}, std::pair{"stream_groups", "stream_group"},
          std::pair{"stream_sessions", "stream_session"}, std::pair{"stream_urls", "stream_url"}})
      for (auto& [status, n] : repo::count_by_status(db, table)) statuses.push_back({kind, status, n});
  });
  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.body = metrics_.render(statuses);
  r.body += "# HELP gls_event_streams Clients connected to GET /_gls/events.\n# TYPE gls_event_streams gauge\n";
  r.body += "gls_event_streams " + std::to_string(events_.subscribers()) + "\n";
  return r;
}

}  // namespace gls
