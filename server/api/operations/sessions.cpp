// The stream-session operations.
#include "api/binding_json.hpp"
#include "api/operations/handler_kit.hpp"
#include "state/sessions/stream_session.hpp"

namespace gls {

namespace {

using namespace input;

Status start_stream_session(Call& c) {
  StartSessionRequest r;
  r.group_identifier = str(c.input, "Identifier");
  r.application_identifier = str(c.input, "ApplicationIdentifier");
  read_members(c.input, r.draft, session_fields(), binding::kInput);
  r.locations = str_list(c.input, "Locations");
  r.client_token = opt_str(c.input, "ClientToken");
  if (r.client_token) r.fingerprint = fingerprint(c.input);  // what a repeat of the token is checked against
  r.on_start = c.session_start;
  return respond(c, c.emu.sessions().start(c.scope, r), [&](JsonWriter& w, const StreamSession& s) {
    if (c.journal) c.journal->identifiers.emplace_back("StreamSessionIdentifier", s.id);
    write_session(w, c.scope, s, SessionView::Full);
  });
}

Status get_stream_session(Call& c) {
  return respond(c, c.emu.sessions().get_for_client(c.scope, str(c.input, "Identifier"), str(c.input, "StreamSessionIdentifier")),
                 [&](JsonWriter& w, const StreamSession& s) { write_session(w, c.scope, s, SessionView::Full); });
}

SessionListRequest list_request(const rapidjson::Value& in) {
  SessionListRequest r;
  r.status = opt_str(in, "Status");
  r.export_status = opt_str(in, "ExportFilesStatus");
  r.next_token = opt_str(in, "NextToken");
  r.max_results = max_results(in);
  return r;
}

Status list_stream_sessions(Call& c) {
  SessionListRequest r = list_request(c.input);
  r.group_identifier = std::string(str(c.input, "Identifier"));
  return respond_page(c, c.emu.sessions().list(c.scope, r),
                      [&](JsonWriter& w, const StreamSession& s) { write_session(w, c.scope, s, SessionView::Summary); });
}

Status list_stream_sessions_by_account(Call& c) {
  return respond_page(c, c.emu.sessions().list(c.scope, list_request(c.input)),
                      [&](JsonWriter& w, const StreamSession& s) { write_session(w, c.scope, s, SessionView::Account); });
}

Status terminate_stream_session(Call& c) {
  return c.emu.sessions().terminate(c.scope, str(c.input, "Identifier"), str(c.input, "StreamSessionIdentifier"));
}

Status create_stream_session_connection(Call& c) {
  auto answer = c.emu.sessions().create_connection(c.scope, str(c.input, "Identifier"),
                                                   str(c.input, "StreamSessionIdentifier"),
                                                   std::string(str(c.input, "SignalRequest")),
                                                   opt_str(c.input, "ClientToken"), fingerprint(c.input));
  return respond(c, std::move(answer), [](JsonWriter& w, const std::string& a) {
    w.StartObject();
    write_string(w, "SignalResponse", a);
    w.EndObject();
  });
}

Status export_stream_session_files(Call& c) {
  return respond_empty(c, c.emu.sessions().export_files(c.scope, str(c.input, "Identifier"),
                                                        str(c.input, "StreamSessionIdentifier"),
                                                        str(c.input, "OutputUri")));
}

Status create_stream_session_admin_shell(Call& c) {
  return respond(c, c.emu.sessions().admin_shell(c.scope, str(c.input, "Identifier"), str(c.input, "StreamSessionIdentifier")),
                 [](JsonWriter& w, const AdminShellAccess& a) {
                   w.StartObject();
                   write_string(w, "SessionId", a.session_id);
                   write_string(w, "StreamUrl", a.stream_url);
                   write_string(w, "TokenValue", a.token);
                   w.EndObject();
                 });
}

constexpr HandlerEntry kHandlers[] = {
    {"StartStreamSession", &start_stream_session},
    {"GetStreamSession", &get_stream_session},
    {"ListStreamSessions", &list_stream_sessions},
    {"ListStreamSessionsByAccount", &list_stream_sessions_by_account},
    {"TerminateStreamSession", &terminate_stream_session},
    {"CreateStreamSessionConnection", &create_stream_session_connection},
    {"ExportStreamSessionFiles", &export_stream_session_files},
    {"CreateStreamSessionAdminShell", &create_stream_session_admin_shell},
};

}  // namespace

std::span<const HandlerEntry> session_operations() { return kHandlers; }

}  // namespace gls
