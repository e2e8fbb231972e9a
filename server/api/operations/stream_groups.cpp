// The stream-group operations, with its locations and associations.
#include <algorithm>

#include "api/operations/handler_kit.hpp"

namespace gls {

namespace {

using namespace input;

std::vector<LocationConfig> location_configs(const rapidjson::Value& in) {
  std::vector<LocationConfig> out;
  auto it = in.FindMember("LocationConfigurations");
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

Status respond_full(Call& c, Result<StreamGroup>&& g) {
  return respond(c, std::move(g),
                 [&](JsonWriter& w, const StreamGroup& x) { write_stream_group(w, c.scope, x, ResourceView::Full); });
}

Status create_stream_group(Call& c) {
  CreateStreamGroupRequest r;
  r.description = str(c.input, "Description");
  r.stream_class = str(c.input, "StreamClass");
  r.default_app = opt_str(c.input, "DefaultApplicationIdentifier");
  r.locations = location_configs(c.input);
  r.tags = tag_list(c.input, "Tags");
  r.client_token = opt_str(c.input, "ClientToken");
  r.fingerprint = fingerprint(c.input);
  return respond_full(c, c.emu.stream_groups().create(c.scope, r));
}

Status get_stream_group(Call& c) { return respond_full(c, c.emu.stream_groups().get(c.scope, str(c.input, "Identifier"))); }

Status list_stream_groups(Call& c) {
  return respond_page(c, c.emu.stream_groups().list(c.scope, opt_str(c.input, "NextToken"), max_results(c.input)),
                      [&](JsonWriter& w, const StreamGroup& g) { write_stream_group(w, c.scope, g, ResourceView::Summary); });
}

Status update_stream_group(Call& c) {
  UpdateStreamGroupRequest r;
  r.identifier = str(c.input, "Identifier");
  r.description = opt_str(c.input, "Description");
  r.locations = location_configs(c.input);
  r.default_app = opt_str(c.input, "DefaultApplicationIdentifier");
  return respond_full(c, c.emu.stream_groups().update(c.scope, r));
}

Status delete_stream_group(Call& c) { return c.emu.stream_groups().remove(c.scope, str(c.input, "Identifier")); }

Status add_stream_group_locations(Call& c) {
  return respond(c, c.emu.stream_groups().add_locations(c.scope, str(c.input, "Identifier"), location_configs(c.input)),
                 [&](JsonWriter& w, const auto& r) {
                   const auto& [group, added] = r;
                   w.StartObject();
                   write_string(w, "Identifier", stream_group_arn(c.scope, group.id));
                   write_key(w, "Locations");
                   w.StartArray();
                   for (const GroupLocation& l : group.locations)
                     if (std::find(added.begin(), added.end(), l.name) != added.end()) write_location_state(w, group.status, l);
                   w.EndArray();
                   w.EndObject();
                 });
}

Status remove_stream_group_locations(Call& c) {
  return c.emu.stream_groups().remove_locations(c.scope, str(c.input, "Identifier"), str_list(c.input, "Locations"));
}

Status respond_association(Call& c, Result<std::pair<StreamGroup, std::vector<std::string>>>&& r) {
  return respond(c, std::move(r), [&](JsonWriter& w, const auto& result) {
    w.StartObject();
    write_string(w, "Arn", stream_group_arn(c.scope, result.first.id));
    std::vector<std::string> arns;
    for (const std::string& a : result.second) arns.push_back(application_arn(c.scope, a));
    write_arn_list(w, "ApplicationArns", arns);
    w.EndObject();
  });
}

Status associate_applications(Call& c) {
  return respond_association(c, c.emu.stream_groups().associate(c.scope, str(c.input, "Identifier"),
                                                                str_list(c.input, "ApplicationIdentifiers")));
}

Status disassociate_applications(Call& c) {
  return respond_association(c, c.emu.stream_groups().disassociate(c.scope, str(c.input, "Identifier"),
                                                                   str_list(c.input, "ApplicationIdentifiers")));
}

constexpr HandlerEntry kHandlers[] = {
    {"CreateStreamGroup", &create_stream_group},
    {"GetStreamGroup", &get_stream_group},
    {"ListStreamGroups", &list_stream_groups},
    {"UpdateStreamGroup", &update_stream_group},
    {"DeleteStreamGroup", &delete_stream_group},
    {"AddStreamGroupLocations", &add_stream_group_locations},
    {"RemoveStreamGroupLocations", &remove_stream_group_locations},
    {"AssociateApplications", &associate_applications},
    {"DisassociateApplications", &disassociate_applications},
};

}  // namespace

std::span<const HandlerEntry> stream_group_operations() { return kHandlers; }

}  // namespace gls
