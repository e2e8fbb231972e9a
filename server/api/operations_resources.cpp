#include "api/operations_resources.hpp"

#include "api/input.hpp"

namespace gls {

namespace {

using namespace input;

TagList tag_list(const rapidjson::Value& in, const char* member) {
  TagList out;
  auto it = in.FindMember(member);
  if (it == in.MemberEnd() || !it->value.IsObject()) return out;
  for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m)
    out.emplace_back(std::string(m->name.GetString(), m->name.GetStringLength()),
                     std::string(m->value.GetString(), m->value.GetStringLength()));
  return out;
}

std::vector<LocationConfig> location_configs(const rapidjson::Value& in, const char* member) {
  std::vector<LocationConfig> out;
  auto it = in.FindMember(member);
  if (it == in.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) {
    LocationConfig c;
    c.name = std::string(str(v, "LocationName"));
    c.always_on = opt_int(v, "AlwaysOnCapacity");
    c.on_demand = opt_int(v, "OnDemandCapacity");
    c.target_idle = opt_int(v, "TargetIdleCapacity");
    c.maximum = opt_int(v, "MaximumCapacity");
    c.vpc_json = opt_json(v, "VpcTransitConfiguration");
    out.push_back(std::move(c));
  }
  return out;
}

void write_next_token(JsonWriter& w, const std::optional<std::string>& token) { write_optional(w, "NextToken", token); }

int max_results(const rapidjson::Value& in) { return static_cast<int>(opt_int(in, "MaxResults").value_or(25)); }

// ---- applications -------------------------------------------------------------------

Status create_application(Call& c) {
  CreateApplicationRequest r;
  r.description = str(c.input, "Description");
  const auto& runtime = c.input["RuntimeEnvironment"];
  r.runtime_type = str(runtime, "Type");
  r.runtime_version = str(runtime, "Version");
  r.executable_path = str(c.input, "ExecutablePath");
  r.source_uri = str(c.input, "ApplicationSourceUri");
  r.log_paths_json = opt_json(c.input, "ApplicationLogPaths");
  r.log_output_uri = opt_str(c.input, "ApplicationLogOutputUri");
  r.tags = tag_list(c.input, "Tags");
  r.client_token = opt_str(c.input, "ClientToken");
  r.fingerprint = fingerprint(c.input);
  auto a = c.emu.applications().create(c.scope, r);
  if (!a) return std::move(a).take_error();
  write_application(c.out, c.scope, *a, ResourceView::Full);
  return ok();
}

Status get_application(Call& c) {
  auto a = c.emu.applications().get(c.scope, str(c.input, "Identifier"));
  if (!a) return std::move(a).take_error();
  write_application(c.out, c.scope, *a, ResourceView::Full);
  return ok();
}

Status list_applications(Call& c) {
  auto page = c.emu.applications().list(c.scope, opt_str(c.input, "NextToken"), max_results(c.input));
  if (!page) return std::move(page).take_error();
  c.out.StartObject();
  write_key(c.out, "Items");
  c.out.StartArray();
  for (const Application& a : page->items) write_application(c.out, c.scope, a, ResourceView::Summary);
  c.out.EndArray();
  write_next_token(c.out, page->next_token);
  c.out.EndObject();
  return ok();
}

Status update_application(Call& c) {
  UpdateApplicationRequest r;
  r.identifier = str(c.input, "Identifier");
  r.description = opt_str(c.input, "Description");
  r.log_paths_json = opt_json(c.input, "ApplicationLogPaths");
  r.log_output_uri = opt_str(c.input, "ApplicationLogOutputUri");
  auto a = c.emu.applications().update(c.scope, r);
  if (!a) return std::move(a).take_error();
  write_application(c.out, c.scope, *a, ResourceView::Full);
  return ok();
}

Status delete_application(Call& c) { return c.emu.applications().remove(c.scope, str(c.input, "Identifier")); }

Status list_application_shader_caches(Call& c) {
  auto caches = c.emu.applications().shader_caches(c.scope, str(c.input, "Identifier"));
  if (!caches) return std::move(caches).take_error();
  auto app_id = resolve_id(c.scope, str(c.input, "Identifier"), ResourceType::Application);
  c.out.StartObject();
  write_key(c.out, "Items");
  c.out.StartArray();
  for (const ShaderCache& sc : *caches) {
    c.out.StartObject();
    write_string(c.out, "Identifier", sc.id);
    write_string(c.out, "ApplicationArn", application_arn(c.scope, *app_id));
    write_string(c.out, "Status", sc.status);
    write_time(c.out, "LastUpdatedAt", sc.updated_ms);
    write_int(c.out, "StorageBytes", sc.storage_bytes);
    std::vector<std::string> arns;
    for (const std::string& g : sc.group_ids) arns.push_back(stream_group_arn(c.scope, g));
    write_arn_list(c.out, "AssociatedStreamGroups", arns);
    c.out.EndObject();
  }
  c.out.EndArray();
  c.out.EndObject();
  return ok();
}

// ---- stream groups ---------------------------------------------------------------------

Status create_stream_group(Call& c) {
  CreateStreamGroupRequest r;
  r.description = str(c.input, "Description");
  r.stream_class = str(c.input, "StreamClass");
  r.default_app = opt_str(c.input, "DefaultApplicationIdentifier");
  r.locations = location_configs(c.input, "LocationConfigurations");
  r.tags = tag_list(c.input, "Tags");
  r.client_token = opt_str(c.input, "ClientToken");
  r.fingerprint = fingerprint(c.input);
  auto g = c.emu.stream_groups().create(c.scope, r);
  if (!g) return std::move(g).take_error();
  write_stream_group(c.out, c.scope, *g, ResourceView::Full);
  return ok();
}

Status get_stream_group(Call& c) {
  auto g = c.emu.stream_groups().get(c.scope, str(c.input, "Identifier"));
  if (!g) return std::move(g).take_error();
  write_stream_group(c.out, c.scope, *g, ResourceView::Full);
  return ok();
}

Status list_stream_groups(Call& c) {
  auto page = c.emu.stream_groups().list(c.scope, opt_str(c.input, "NextToken"), max_results(c.input));
  if (!page) return std::move(page).take_error();
  c.out.StartObject();
  write_key(c.out, "Items");
  c.out.StartArray();
  for (const StreamGroup& g : page->items) write_stream_group(c.out, c.scope, g, ResourceView::Summary);
  c.out.EndArray();
  write_next_token(c.out, page->next_token);
  c.out.EndObject();
  return ok();
}

Status update_stream_group(Call& c) {
  UpdateStreamGroupRequest r;
  r.identifier = str(c.input, "Identifier");
  r.description = opt_str(c.input, "Description");
  r.locations = location_configs(c.input, "LocationConfigurations");
  r.default_app = opt_str(c.input, "DefaultApplicationIdentifier");
  auto g = c.emu.stream_groups().update(c.scope, r);
  if (!g) return std::move(g).take_error();
  write_stream_group(c.out, c.scope, *g, ResourceView::Full);
  return ok();
}

Status delete_stream_group(Call& c) { return c.emu.stream_groups().remove(c.scope, str(c.input, "Identifier")); }

Status add_stream_group_locations(Call& c) {
  auto r = c.emu.stream_groups().add_locations(c.scope, str(c.input, "Identifier"),
                                               location_configs(c.input, "LocationConfigurations"));
  if (!r) return std::move(r).take_error();
  const auto& [group, added] = *r;
  c.out.StartObject();
  write_string(c.out, "Identifier", stream_group_arn(c.scope, group.id));
  write_key(c.out, "Locations");
  c.out.StartArray();
  for (const GroupLocation& l : group.locations)
    if (std::find(added.begin(), added.end(), l.name) != added.end()) write_location_state(c.out, l);
  c.out.EndArray();
  c.out.EndObject();
  return ok();
}

Status remove_stream_group_locations(Call& c) {
  return c.emu.stream_groups().remove_locations(c.scope, str(c.input, "Identifier"), str_list(c.input, "Locations"));
}

Status write_association(Call& c, const Result<std::pair<StreamGroup, std::vector<std::string>>>& r) {
  if (!r) return r.error();
  c.out.StartObject();
  write_string(c.out, "Arn", stream_group_arn(c.scope, r->first.id));
  std::vector<std::string> arns;
  for (const std::string& a : r->second) arns.push_back(application_arn(c.scope, a));
  write_arn_list(c.out, "ApplicationArns", arns);
  c.out.EndObject();
  return ok();
}

Status associate_applications(Call& c) {
  return write_association(c, c.emu.stream_groups().associate(c.scope, str(c.input, "Identifier"),
                                                              str_list(c.input, "ApplicationIdentifiers")));
}

Status disassociate_applications(Call& c) {
  return write_association(c, c.emu.stream_groups().disassociate(c.scope, str(c.input, "Identifier"),
                                                                 str_list(c.input, "ApplicationIdentifiers")));
}

// ---- stream URLs -------------------------------------------------------------------------

Status create_stream_url(Call& c) {
  CreateStreamUrlRequest r;
  r.group_identifier = str(c.input, "Identifier");
  r.application_identifier = str(c.input, "ApplicationIdentifier");
  r.protocol = str(c.input, "Protocol");
  r.expires_after_minutes = *opt_int(c.input, "UrlExpiresAfterMinutes");
  r.usage_limit = opt_int(c.input, "UsageLimit");
  r.description = opt_str(c.input, "Description");
  r.locations = str_list(c.input, "Locations");
  r.session_length_s = opt_int(c.input, "SessionLengthSeconds");
  r.launch_args_json = opt_json(c.input, "AdditionalLaunchArgs");
  r.env_vars_json = opt_json(c.input, "AdditionalEnvironmentVariables");
  r.role_arn = opt_str(c.input, "RoleArn");
  r.display_json = opt_json(c.input, "DisplayConfiguration");
  r.client_token = opt_str(c.input, "ClientToken");
  r.fingerprint = fingerprint(c.input);
  auto u = c.emu.stream_urls().create(c.scope, r);
  if (!u) return std::move(u).take_error();
  write_stream_url(c.out, c.scope, *u, ResourceView::Full, c.endpoint);
  return ok();
}

Status get_stream_url(Call& c) {
  auto v = c.emu.stream_urls().get(c.scope, str(c.input, "Identifier"), str(c.input, "StreamUrlIdentifier"));
  if (!v) return std::move(v).take_error();
  write_stream_url(c.out, c.scope, v->url, ResourceView::Full, c.endpoint, &v->sessions);
  return ok();
}

Status list_stream_urls(Call& c) {
  auto page = c.emu.stream_urls().list(c.scope, opt_str(c.input, "Status"), opt_str(c.input, "StreamGroupIdentifier"),
                                       opt_str(c.input, "NextToken"), max_results(c.input));
  if (!page) return std::move(page).take_error();
  c.out.StartObject();
  write_key(c.out, "Items");
  c.out.StartArray();
  for (const StreamUrl& u : page->items) write_stream_url(c.out, c.scope, u, ResourceView::Summary, c.endpoint);
  c.out.EndArray();
  write_next_token(c.out, page->next_token);
  c.out.EndObject();
  return ok();
}

Status revoke_stream_url(Call& c) {
  return c.emu.stream_urls().revoke(c.scope, str(c.input, "Identifier"), str(c.input, "StreamUrlIdentifier"),
                                    opt_str(c.input, "RevocationMode").value_or("REVOKE_URL"));
}

// ---- tags ----------------------------------------------------------------------------------

Status tag_resource(Call& c) {
  Status s = c.emu.tags().tag(c.scope, str(c.input, "ResourceArn"), tag_list(c.input, "Tags"));
  if (!s) return s;
  c.out.StartObject();
  c.out.EndObject();
  return ok();
}

Status untag_resource(Call& c) {
  Status s = c.emu.tags().untag(c.scope, str(c.input, "ResourceArn"), str_list(c.input, "TagKeys"));
  if (!s) return s;
  c.out.StartObject();
  c.out.EndObject();
  return ok();
}

Status list_tags_for_resource(Call& c) {
  auto tags = c.emu.tags().list(c.scope, str(c.input, "ResourceArn"));
  if (!tags) return std::move(tags).take_error();
  c.out.StartObject();
  if (!tags->empty()) {  // the model's Tags map has at least one entry: none is written as no member
    write_key(c.out, "Tags");
    c.out.StartObject();
    for (const auto& [k, v] : *tags) write_string(c.out, k, v);
    c.out.EndObject();
  }
  c.out.EndObject();
  return ok();
}

}  // namespace

void add_resource_handlers(std::map<std::string_view, OperationHandler>& table) {
  table.insert({
      {"CreateApplication", &create_application},
      {"GetApplication", &get_application},
      {"ListApplications", &list_applications},
      {"UpdateApplication", &update_application},
      {"DeleteApplication", &delete_application},
      {"ListApplicationShaderCaches", &list_application_shader_caches},
      {"CreateStreamGroup", &create_stream_group},
      {"GetStreamGroup", &get_stream_group},
      {"ListStreamGroups", &list_stream_groups},
      {"UpdateStreamGroup", &update_stream_group},
      {"DeleteStreamGroup", &delete_stream_group},
      {"AddStreamGroupLocations", &add_stream_group_locations},
      {"RemoveStreamGroupLocations", &remove_stream_group_locations},
      {"AssociateApplications", &associate_applications},
      {"DisassociateApplications", &disassociate_applications},
      {"CreateStreamUrl", &create_stream_url},
      {"GetStreamUrl", &get_stream_url},
      {"ListStreamUrls", &list_stream_urls},
      {"RevokeStreamUrl", &revoke_stream_url},
      {"TagResource", &tag_resource},
      {"UntagResource", &untag_resource},
      {"ListTagsForResource", &list_tags_for_resource},
  });
}

}  // namespace gls
