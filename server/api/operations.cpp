#include "api/operations.hpp"

#include "api/input.hpp"
#include "api/operations_resources.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace gls {

namespace {

using namespace input;

void write_session_page(JsonWriter& w, const Scope& scope, const SessionPage& page, SessionView view) {
  w.StartObject();
  write_key(w, "Items");
  w.StartArray();
  for (const StreamSession& s : page.items) write_session(w, scope, s, view);
  w.EndArray();
  write_optional(w, "NextToken", page.next_token);
  w.EndObject();
}

// ---- stream sessions ------------------------------------------------------------------

Status start_stream_session(Call& c) {
  StartSessionRequest r;
  r.group_identifier = str(c.input, "Identifier");
  r.application_identifier = str(c.input, "ApplicationIdentifier");
  r.protocol = str(c.input, "Protocol");
  r.signal_request = str(c.input, "SignalRequest");
  r.description = opt_str(c.input, "Description");
  r.user_id = opt_str(c.input, "UserId");
  r.locations = str_list(c.input, "Locations");
  r.connection_timeout_s = opt_int(c.input, "ConnectionTimeoutSeconds");
  r.session_length_s = opt_int(c.input, "SessionLengthSeconds");
  r.launch_args_json = opt_json(c.input, "AdditionalLaunchArgs");
  r.env_vars_json = opt_json(c.input, "AdditionalEnvironmentVariables");
  r.perf_stats_json = opt_json(c.input, "PerformanceStatsConfiguration");
  r.display_json = opt_json(c.input, "DisplayConfiguration");
  r.role_arn = opt_str(c.input, "RoleArn");
  r.client_token = opt_str(c.input, "ClientToken");
  r.fingerprint = fingerprint(c.input);
  r.on_start = c.session_start;
  auto s = c.emu.sessions().start(c.scope, r);
  if (!s) return std::move(s).take_error();
  if (c.journal) c.journal->identifiers.emplace_back("StreamSessionIdentifier", s->id);
  write_session(c.out, c.scope, *s, SessionView::Full);
  return ok();
}

Status get_stream_session(Call& c) {
  auto s = c.emu.sessions().get(c.scope, str(c.input, "Identifier"), str(c.input, "StreamSessionIdentifier"));
  if (!s) return std::move(s).take_error();
  write_session(c.out, c.scope, *s, SessionView::Full);
  return ok();
}

SessionListRequest list_request(const rapidjson::Value& in) {
  SessionListRequest r;
  r.status = opt_str(in, "Status");
  r.export_status = opt_str(in, "ExportFilesStatus");
  r.next_token = opt_str(in, "NextToken");
  r.max_results = static_cast<int>(opt_int(in, "MaxResults").value_or(25));
  return r;
}

Status list_stream_sessions(Call& c) {
  SessionListRequest r = list_request(c.input);
  r.group_identifier = std::string(str(c.input, "Identifier"));
  auto page = c.emu.sessions().list(c.scope, r);
  if (!page) return std::move(page).take_error();
  write_session_page(c.out, c.scope, *page, SessionView::Summary);
  return ok();
}

Status list_stream_sessions_by_account(Call& c) {
  auto page = c.emu.sessions().list(c.scope, list_request(c.input));
  if (!page) return std::move(page).take_error();
  write_session_page(c.out, c.scope, *page, SessionView::Account);
  return ok();
}

Status terminate_stream_session(Call& c) {
  return c.emu.sessions().terminate(c.scope, str(c.input, "Identifier"), str(c.input, "StreamSessionIdentifier"));
}

Status create_stream_session_connection(Call& c) {
  auto answer = c.emu.sessions().create_connection(c.scope, str(c.input, "Identifier"),
                                                   str(c.input, "StreamSessionIdentifier"),
                                                   std::string(str(c.input, "SignalRequest")),
                                                   opt_str(c.input, "ClientToken"), fingerprint(c.input));
  if (!answer) return std::move(answer).take_error();
  c.out.StartObject();
  write_string(c.out, "SignalResponse", *answer);
  c.out.EndObject();
  return ok();
}

Status export_stream_session_files(Call& c) {
  Status s = c.emu.sessions().export_files(c.scope, str(c.input, "Identifier"), str(c.input, "StreamSessionIdentifier"),
                                           str(c.input, "OutputUri"));
  if (!s) return s;
  c.out.StartObject();
  c.out.EndObject();
  return ok();
}

Status create_stream_session_admin_shell(Call& c) {
  auto a = c.emu.sessions().admin_shell(c.scope, str(c.input, "Identifier"), str(c.input, "StreamSessionIdentifier"));
  if (!a) return std::move(a).take_error();
  c.out.StartObject();
  write_string(c.out, "SessionId", a->session_id);
  write_string(c.out, "StreamUrl", a->stream_url);
  write_string(c.out, "TokenValue", a->token);
  c.out.EndObject();
  return ok();
}

const std::map<std::string_view, OperationHandler>& handlers() {
  static const std::map<std::string_view, OperationHandler> table = [] {
    std::map<std::string_view, OperationHandler> t = {
      {"StartStreamSession", &start_stream_session},
      {"GetStreamSession", &get_stream_session},
      {"ListStreamSessions", &list_stream_sessions},
      {"ListStreamSessionsByAccount", &list_stream_sessions_by_account},
      {"TerminateStreamSession", &terminate_stream_session},
      {"CreateStreamSessionConnection", &create_stream_session_connection},
      {"ExportStreamSessionFiles", &export_stream_session_files},
      {"CreateStreamSessionAdminShell", &create_stream_session_admin_shell},
    };
    add_resource_handlers(t);
    return t;
  }();
  return table;
}

}  // namespace

OperationHandler find_handler(std::string_view operation) {
  auto it = handlers().find(operation);
  return it == handlers().end() ? nullptr : it->second;
}

}  // namespace gls
