// The application operations.
#include "api/binding_json.hpp"
#include "api/operations/handler_kit.hpp"

namespace gls {

namespace {

using namespace input;

void write_full(Call& c, JsonWriter& w, const Application& a) { write_application(w, c.scope, a, ResourceView::Full); }

Status create_application(Call& c) {
  CreateApplicationRequest r;
  read_members(c.input, r.draft, application_fields(), binding::kInput);
  const auto& runtime = c.input["RuntimeEnvironment"];
  r.draft.runtime_type = str(runtime, "Type");
  r.draft.runtime_version = str(runtime, "Version");
  r.tags = tag_list(c.input, "Tags");
  r.client_token = opt_str(c.input, "ClientToken");
  r.fingerprint = fingerprint(c.input);
  return respond(c, c.emu.applications().create(c.scope, r),
                 [&](JsonWriter& w, const Application& a) { write_full(c, w, a); });
}

Status get_application(Call& c) {
  return respond(c, c.emu.applications().get(c.scope, str(c.input, "Identifier")),
                 [&](JsonWriter& w, const Application& a) { write_full(c, w, a); });
}

Status list_applications(Call& c) {
  return respond_page(c, c.emu.applications().list(c.scope, opt_str(c.input, "NextToken"), max_results(c.input)),
                      [&](JsonWriter& w, const Application& a) { write_application(w, c.scope, a, ResourceView::Summary); });
}

Status update_application(Call& c) {
  UpdateApplicationRequest r;
  r.identifier = str(c.input, "Identifier");
  r.description = opt_str(c.input, "Description");
  r.log_paths_json = opt_json(c.input, "ApplicationLogPaths");
  r.log_output_uri = opt_str(c.input, "ApplicationLogOutputUri");
  return respond(c, c.emu.applications().update(c.scope, r),
                 [&](JsonWriter& w, const Application& a) { write_full(c, w, a); });
}

Status delete_application(Call& c) { return c.emu.applications().remove(c.scope, str(c.input, "Identifier")); }

Status list_application_shader_caches(Call& c) {
  return respond(c, c.emu.applications().shader_caches(c.scope, str(c.input, "Identifier")),
                 [&](JsonWriter& w, const std::vector<ShaderCache>& caches) {
                   // The identifier resolved, or there would be no caches.
                   const std::string app_arn = application_arn(
                       c.scope, *resolve_id(c.scope, str(c.input, "Identifier"), ResourceType::Application));
                   w.StartObject();
                   write_key(w, "Items");
                   w.StartArray();
                   for (const ShaderCache& sc : caches) {
                     w.StartObject();
                     write_string(w, "Identifier", sc.id);
                     write_string(w, "ApplicationArn", app_arn);
                     write_string(w, "Status", sc.status);
                     write_time(w, "LastUpdatedAt", sc.updated_ms);
                     write_int(w, "StorageBytes", sc.storage_bytes);
                     std::vector<std::string> arns;
                     for (const std::string& g : sc.group_ids) arns.push_back(stream_group_arn(c.scope, g));
                     write_arn_list(w, "AssociatedStreamGroups", arns);
                     w.EndObject();
                   }
                   w.EndArray();
                   w.EndObject();
                 });
}

constexpr HandlerEntry kHandlers[] = {
    {"CreateApplication", &create_application},
    {"GetApplication", &get_application},
    {"ListApplications", &list_applications},
    {"UpdateApplication", &update_application},
    {"DeleteApplication", &delete_application},
    {"ListApplicationShaderCaches", &list_application_shader_caches},
};

}  // namespace

std::span<const HandlerEntry> application_operations() { return kHandlers; }

}  // namespace gls
