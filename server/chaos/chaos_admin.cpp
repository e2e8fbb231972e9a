#include "chaos/chaos_admin.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/fmt/fmt.h>

#include <charconv>

#include "admin/admin_json.hpp"
#include "api/codec.hpp"
#include "api/model.hpp"
#include "state/store/repository.hpp"

namespace gls {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

template <class T>
bool parse_int(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// The rule whose id is `id_text`, as it is now.
std::optional<FaultRule> find_rule(const FaultRules& faults, std::string_view id_text) {
  int64_t id = 0;
  if (!parse_int(id_text, id)) return std::nullopt;
  for (const FaultRule& r : faults.list())
    if (r.id == id) return r;
  return std::nullopt;
}

HttpResponse no_fault_rule(std::string_view id) {
  return admin_error(404, "ResourceNotFoundException", "There is no fault rule " + std::string(id));
}

}  // namespace

std::vector<AdminRoute> ChaosAdmin::make_routes() {
  using Handler = HttpResponse (ChaosAdmin::*)(AdminCall&);
  auto to = [this](Handler handler) { return [this, handler](AdminCall& call) { return (this->*handler)(call); }; };
  return {
      {"GET", "/_gls/faults", to(&ChaosAdmin::list_faults)},
      {"POST", "/_gls/faults", to(&ChaosAdmin::add_fault)},
      {"DELETE", "/_gls/faults", to(&ChaosAdmin::remove_faults)},
      {"GET", "/_gls/faults/{id}", to(&ChaosAdmin::get_fault)},
      {"DELETE", "/_gls/faults/{id}", to(&ChaosAdmin::remove_fault)},
      {"GET", "/_gls/requests", to(&ChaosAdmin::requests)},
      {"GET", "/_gls/metrics", to(&ChaosAdmin::metrics)},
      {"GET", "/_gls/events", to(&ChaosAdmin::events)},
      {"HEAD", "/_gls/events", to(&ChaosAdmin::events)},
  };
}

void ChaosAdmin::reset() {
  faults_.clear();
  journal_.clear();
  metrics_.clear();
}

HttpResponse ChaosAdmin::list_faults(AdminCall&) {
  return render_json([&](Writer& w) {
    w.StartObject();
    w.Key("faults");
    w.StartArray();
    for (const FaultRule& r : faults_.list()) write_fault_rule(w, r);
    w.EndArray();
    w.EndObject();
  });
}

HttpResponse ChaosAdmin::remove_faults(AdminCall&) {
  const size_t n = faults_.list().size();
  faults_.clear();
  return render_json([&](Writer& w) {
    w.StartObject();
    w.Key("removed");
    w.Uint64(n);
    w.EndObject();
  });
}

HttpResponse ChaosAdmin::add_fault(AdminCall& call) {
  rapidjson::Document body;
  std::string why;
  if (!api::parse_json(call.request.body, body, why)) return bad_admin_request("The fault rule is " + why);
  auto rule = parse_fault_rule(body, api::service_model());
  if (!rule) return bad_admin_request(rule.error().message);
  const FaultRule stored = faults_.add(std::move(*rule));
  return render_json(201, [&](Writer& w) { write_fault_rule(w, stored); });
}

HttpResponse ChaosAdmin::get_fault(AdminCall& call) {
  auto rule = find_rule(faults_, call.param("id"));
  if (!rule) return no_fault_rule(call.param("id"));
  return render_json([&](Writer& w) { write_fault_rule(w, *rule); });
}

HttpResponse ChaosAdmin::remove_fault(AdminCall& call) {
  auto rule = find_rule(faults_, call.param("id"));
  if (!rule) return no_fault_rule(call.param("id"));
  if (!faults_.remove(rule->id)) return no_fault_rule(call.param("id"));  // removed meanwhile
  return render_json([&](Writer& w) { write_fault_rule(w, *rule); });
}

HttpResponse ChaosAdmin::events(AdminCall& call) { return events_.open(call.request); }

HttpResponse ChaosAdmin::requests(AdminCall& call) {
  std::vector<std::pair<std::string, std::string>> query;
  if (!api::parse_query(call.request.query(), query))
    return bad_admin_request("the query string is not valid percent-encoded UTF-8");
  JournalQuery q;
  for (const auto& [k, v] : query) {
    if (k == "limit") {
      if (!parse_int(v, q.limit) || q.limit < 1 || q.limit > 1'000'000)
        return bad_admin_request("'limit' must be a whole number from 1 to 1000000");
    } else if (k == "operation") {
      if (!api::service_model().operation(v)) return bad_admin_request("unknown operation '" + v + "'");
      q.operation = v;
    } else if (k == "status") {
      int status = 0;
      if (v.size() == 3 && (v[1] == 'x' || v[1] == 'X') && (v[2] == 'x' || v[2] == 'X') && v[0] >= '1' && v[0] <= '5') {
        q.status = v[0] - '0';
        q.status_class = true;
      } else if (parse_int(v, status) && (status == 0 || (status >= 100 && status <= 599))) {
        q.status = status;
      } else {
        return bad_admin_request("'status' must be an HTTP status such as 429, a class such as 4xx, or 0 (no answer)");
      }
    } else {
      return bad_admin_request("unknown query parameter '" + k + "'; the journal takes limit, operation and status");
    }
  }
  return render_json([&](Writer& w) {
    w.StartObject();
    w.Key("capacity");
    w.Uint64(journal_.capacity());
    w.Key("requests");
    w.StartArray();
    for (const RequestRecord& r : journal_.newest(q)) write_request_record(w, r);
    w.EndArray();
    w.EndObject();
  });
}

HttpResponse ChaosAdmin::metrics(AdminCall&) {
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
  const auto append = [&body = r.body](const char* name, const char* type, const char* help, uint64_t value) {
    body += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
  };
  append("gls_event_streams", "gauge", "Clients connected to GET /_gls/events.", events_.subscribers());
  // Writes share commits (batched) and syncs (group commit): fewer of each
  // than acknowledged writes.
  append("gls_store_commits_total", "counter", "Commits that changed the database since it was opened.",
         emu_.store().commit_sequence());
  append("gls_store_syncs_total", "counter", "fdatasync calls that made commits durable (0 for :memory:).",
         emu_.store().wal_syncs());
  append("gls_store_bytes", "gauge", "The database's size in bytes (in memory for :memory:).",
         emu_.store().size_bytes());
  return r;
}

}  // namespace gls
