#include "admin/fixture_loader.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>

#include "api/codec.hpp"
#include "api/model.hpp"
#include "api/validate.hpp"
#include "api/binding_json.hpp"
#include "api/render.hpp"
#include "state/store/repository.hpp"
#include "state/applications/application.hpp"
#include "state/sessions/stream_session.hpp"
#include "state/stream_groups/stream_group.hpp"
#include "state/stream_urls/stream_url.hpp"
#include "state/sessions/session_lifecycle.hpp"
#include "state/sessions/stream_sessions.hpp"

namespace gls {

extern const char* const kDefaultFixturesJson;  // generated from fixtures/default.json

FixtureSource default_fixtures() { return {"built-in fixtures/default.json", kDefaultFixturesJson}; }

Result<std::vector<FixtureSource>> read_fixture_sources(const std::string& file_or_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(file_or_dir, ec)) {
    for (const auto& entry : fs::directory_iterator(file_or_dir, ec))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  } else if (fs::exists(file_or_dir, ec)) {
    files.emplace_back(file_or_dir);
  } else {
    return validation("fixtures: " + file_or_dir + " does not exist");
  }
  std::vector<FixtureSource> out;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return validation("fixtures: cannot read " + f.string());
    std::ostringstream text;
    text << in.rdbuf();
    out.push_back({f.string(), text.str()});
  }
  return out;
}

namespace {

using rapidjson::Value;

// An account ID or a Region name, with room for blanks around it.
constexpr size_t kScopeMemberBytes = 4096;

// Loads one file; every error names the file, the item and the member.
class FixtureFile {
 public:
  FixtureFile(Emulator& emu, Store& db, std::string_view name, std::string_view text)
      : emu_(emu), db_(db), name_(name), text_(text), now_(emu.clock().now_ms()) {}

  // Checks the whole text, then loads its items one at a time.
  Status load() {
    JsonOutline doc;
    std::string parse_error;
    if (!outline_json(text_, doc, parse_error)) return fail("", parse_error);
    if (!doc.is_object) return fail("", "a fixtures file must be a JSON object");
    return load(doc);
  }

  Status load(const JsonOutline& doc, std::span<const std::string_view> ignored = {}) {
    scope_ = emu_.config().default_scope;
    for (const JsonMember& m : doc.members) {
      std::string_view key = m.name;
      if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) continue;
      if (key == "account" || key == "region") {
        rapidjson::Document value;
        std::string parse_error;
        const std::optional<std::string> text = doc.value(m, kScopeMemberBytes);
        if (!text || !api::parse_json(*text, value, parse_error) || !value.IsString())
          return fail(std::string(key), "must be a string");
        (key == "account" ? scope_.account : scope_.region) = value.GetString();
      } else if (key != "applications" && key != "streamGroups" && key != "streamSessions" && key != "streamUrls") {
        return fail(std::string(key),
                    "unknown section; a fixtures file has applications, streamGroups, streamSessions, streamUrls, "
                    "account and region");
      } else if (!m.is_array) {
        return fail(std::string(key), "must be a list of items");
      }
    }
    if (scope_.account.size() != 12 || scope_.account.find_first_not_of("0123456789") != std::string::npos)
      return fail("account", "must be 12 digits");
    if (scope_.region.empty() || scope_.region.size() > 20 ||
        scope_.region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
      return fail("region", "must be a region name such as us-west-2");
    // Order matters: sessions refer to groups, groups to applications.
    if (auto s = each(doc, "applications", &FixtureFile::application); !s) return s;
    if (auto s = each(doc, "streamGroups", &FixtureFile::stream_group); !s) return s;
    // Stream URLs before sessions: a session may name the URL that started it.
    if (auto s = each(doc, "streamUrls", &FixtureFile::stream_url); !s) return s;
    if (auto s = each(doc, "streamSessions", &FixtureFile::stream_session); !s) return s;
    return ok();
  }

 private:
  using ItemLoader = Status (FixtureFile::*)(Value& item);

  // Each item is parsed on its own, and its tree dropped once it is loaded.
  Status each(const JsonOutline& doc, const char* section, ItemLoader load_item) {
    const JsonMember* items = doc.find(section);
    if (!items) return ok();
    Status status = ok();
    size_t i = 0;
    const bool read = doc.each_item(*items, [&](std::string_view text) {
      item_ = std::string(section) + "[" + std::to_string(i++) + "]";
      rapidjson::Document item;
      std::string parse_error;
      if (!api::parse_json(text, item, parse_error)) status = fail_item(parse_error);
      else if (!item.IsObject()) status = fail_item("the item must be a JSON object");
      allocator_ = &item.GetAllocator();
      if (status) status = (this->*load_item)(item);
      return status.ok();
    });
    if (!status) return status;
    if (!read) return fail(section, "the text could not be read back");
    return ok();
  }

  Status fail(const std::string& where, const std::string& what) const {
    return validation("fixtures " + std::string(name_) + (where.empty() ? "" : ": " + where) + ": " + what);
  }
  Status fail_item(const std::string& what) const { return fail(item_, what); }

  // Checks an item against the Get output shape; members may be missing,
  // but none may be null. Violations name the document path.
  Status check_shape(Value& item, const char* shape) {
    std::vector<api::Violation> violations;
    const api::Model& model = api::service_model();
    api::validate(model, model.shape_or_die(shape), item, item_, violations,
                  {.check_required = false, .model_names = true, .reject_null = true});
    if (!violations.empty()) return fail_item(api::describe(violations));
    return ok();
  }

  // Takes a fixture-only string member out of the item.
  std::optional<std::string> take_string(Value& item, const char* member, Status& status) {
    auto it = item.FindMember(member);
    if (it == item.MemberEnd()) return std::nullopt;
    if (!it->value.IsString()) {
      status = fail_item("'" + item_ + "." + member + "' must be a string");
      return std::nullopt;
    }
    std::string v = it->value.GetString();
    item.RemoveMember(it);
    return v;
  }

  // Replaces an ID by the ARN of a resource of `type` in this file's scope,
  // so that the item validates against the output shape, which has ARNs.
  void to_arn(Value& v, ResourceType type, std::string_view group_id = {}) {
    if (!v.IsString() || std::string_view(v.GetString()).rfind("arn:", 0) == 0) return;
    std::string id = v.GetString(), arn;
    switch (type) {
      case ResourceType::Application: arn = application_arn(scope_, id); break;
      case ResourceType::StreamGroup: arn = stream_group_arn(scope_, id); break;
      case ResourceType::StreamSession: arn = stream_session_arn(scope_, group_id, id); break;
      case ResourceType::StreamUrl: arn = stream_url_arn(scope_, group_id, id); break;
    }
    v.SetString(arn.c_str(), static_cast<rapidjson::SizeType>(arn.size()), *allocator_);
  }
  void list_to_arns(Value& item, const char* member, ResourceType type) {
    if (item.HasMember(member) && item[member].IsArray())
      for (auto& v : item[member].GetArray()) to_arn(v, type);
  }

  // The ID named by an ID or ARN member, checked against this file's scope.
  Result<std::string> id_of(const Value& v, ResourceType type, const std::string& member) {
    auto id = resolve_id(scope_, v.GetString(), type);
    if (!id) return fail_item("member '" + member + "': " + id.error().message).take_error();
    return id;
  }

  // The item's own ID: from `Id`, from its ARN, or a new one.
  Result<std::string> own_id(Value& item, ResourceType type, const std::string& fresh) {
    std::optional<std::string> id;
    if (item.HasMember("Id") && item["Id"].IsString()) id = item["Id"].GetString();
    if (item.HasMember("Arn") && item["Arn"].IsString()) {
      auto from_arn = id_of(item["Arn"], type, "Arn");
      if (!from_arn) return from_arn;
      if (id && *id != *from_arn) return fail_item("'Id' and 'Arn' name different resources").take_error();
      id = *from_arn;
    }
    return id ? *id : fresh;
  }

  std::optional<std::string> opt_string(const Value& item, const char* member) {
    if (!item.HasMember(member)) return std::nullopt;
    return std::string(item[member].GetString(), item[member].GetStringLength());
  }

  // ---- applications ------------------------------------------------------------

  Status application(Value& item) {
    list_to_arns(item, "AssociatedStreamGroups", ResourceType::StreamGroup);
    // Replication follows from the associations (an exported state has it).
    item.RemoveMember("ReplicationStatuses");
    if (auto s = check_shape(item, "GetApplicationOutput"); !s) return s;

    auto id = own_id(item, ResourceType::Application, emu_.ids().application());
    if (!id) return std::move(id).take_error();
    if (!is_application_id(*id)) return fail_item("'" + *id + "' is not an application ID (a- and 9 letters or digits)");
    if (repo::find_application(db_, scope_, *id)) return fail_item("application " + *id + " is defined twice");
    item_ += " (" + *id + ")";

    Application a;
    a.id = *id;
    a.description = "Application " + *id;
    a.runtime_type = "PROTON";
    a.runtime_version = "20241007";
    a.executable_path = "bin/game";
    a.source_uri = "s3://gls-local-fixtures/" + *id;
    a.status = ApplicationStatus::Ready;
    a.created_ms = a.updated_ms = now_;
    read_members(item, a, application_fields(), binding::kImport);
    if (item.HasMember("RuntimeEnvironment")) {
      a.runtime_type = item["RuntimeEnvironment"]["Type"].GetString();
      a.runtime_version = item["RuntimeEnvironment"]["Version"].GetString();
    }
    if (auto st = emu_.applications().adopt(db_, scope_, a); !st) return fail_item(st.error().message);
    if (item.HasMember("AssociatedStreamGroups"))
      for (const auto& g : item["AssociatedStreamGroups"].GetArray()) {
        auto gid = id_of(g, ResourceType::StreamGroup, "AssociatedStreamGroups");
        if (!gid) return std::move(gid).take_error();
        pending_associations_.emplace_back(*gid, a.id, item_);
      }
    return ok();
  }

  // ---- stream groups -------------------------------------------------------------

  Status stream_group(Value& item) {
    list_to_arns(item, "AssociatedApplications", ResourceType::Application);
    if (item.HasMember("DefaultApplication") && item["DefaultApplication"].IsObject()) {
      Value& d = item["DefaultApplication"];
      if (d.HasMember("Arn")) to_arn(d["Arn"], ResourceType::Application);
    }
    if (auto s = check_shape(item, "GetStreamGroupOutput"); !s) return s;

    auto id = own_id(item, ResourceType::StreamGroup, emu_.ids().stream_group());
    if (!id) return std::move(id).take_error();
    if (!is_stream_group_id(*id)) return fail_item("'" + *id + "' is not a stream group ID (sg- and 9 letters or digits)");
    if (repo::stream_group_exists(db_, scope_, *id)) return fail_item("stream group " + *id + " is defined twice");
    item_ += " (" + *id + ")";

    StreamGroup g;
    g.id = *id;
    g.description = "Stream group " + *id;
    g.stream_class = "gen4n_high";
    g.status = StreamGroupStatus::Active;
    g.created_ms = g.updated_ms = now_;
    read_members(item, g, stream_group_fields(), binding::kImport);
    if (!item.HasMember("ExpiresAt")) g.expires_ms = g.created_ms + emu_.timings().millis("streamGroup", "expirationSeconds");

    if (item.HasMember("DefaultApplication")) {
      const Value& d = item["DefaultApplication"];
      std::optional<std::string> app;
      if (d.HasMember("Id")) app = d["Id"].GetString();
      if (d.HasMember("Arn")) {
        auto from_arn = id_of(d["Arn"], ResourceType::Application, "DefaultApplication.Arn");
        if (!from_arn) return std::move(from_arn).take_error();
        app = *from_arn;
      }
      if (app) {
        if (!repo::find_application(db_, scope_, *app))
          return fail_item("member 'DefaultApplication': application " + *app + " is not defined");
        g.default_app_id = app;
        g.app_ids.push_back(*app);
      }
    }
    if (item.HasMember("AssociatedApplications"))
      for (const auto& a : item["AssociatedApplications"].GetArray()) {
        auto app = id_of(a, ResourceType::Application, "AssociatedApplications");
        if (!app) return std::move(app).take_error();
        if (!repo::find_application(db_, scope_, *app))
          return fail_item("member 'AssociatedApplications': application " + *app + " is not defined");
        if (std::find(g.app_ids.begin(), g.app_ids.end(), *app) == g.app_ids.end()) g.app_ids.push_back(*app);
      }

    const LocationStatus default_location_status =
        g.status == StreamGroupStatus::Activating ? LocationStatus::Activating : LocationStatus::Active;
    if (item.HasMember("LocationStates")) {
      for (const auto& l : item["LocationStates"].GetArray()) {
        if (!l.HasMember("LocationName")) return fail_item("every entry of 'LocationStates' needs a LocationName");
        GroupLocation loc;
        loc.status = default_location_status;
        read_members(l, loc, location_fields(), binding::kImport);
        for (const auto& other : g.locations)
          if (other.name == loc.name) return fail_item("location " + loc.name + " is listed twice");
        loc.added_ms = g.created_ms;
        const int64_t tenancy = stream_class_tenancy(g.stream_class);
        for (int64_t v : {loc.always_on, loc.on_demand.value_or(0), loc.target_idle.value_or(0), loc.maximum.value_or(0)})
          if (tenancy > 0 && v % tenancy != 0)
            return fail_item("location " + loc.name + ": capacity " + std::to_string(v) + " is not a multiple of " +
                             std::to_string(tenancy) + ", the tenancy of stream class " + g.stream_class);
        g.locations.push_back(std::move(loc));
      }
    }
    emu_.stream_groups().adopt(db_, scope_, g);

    // Associations that applications declared towards this group.
    for (auto it = pending_associations_.begin(); it != pending_associations_.end();) {
      if (std::get<0>(*it) == g.id) {
        repo::associate(db_, scope_, g.id, std::get<1>(*it), g.created_ms);
        it = pending_associations_.erase(it);
      } else {
        ++it;
      }
    }
    return ok();
  }

  // ---- stream sessions --------------------------------------------------------------

  Status stream_session(Value& item) {
    Status status = ok();
    std::optional<std::string> id = take_string(item, "Id", status);
    if (!status) return status;
    std::optional<std::string> url_id = take_string(item, "StreamUrlId", status);
    if (!status) return status;
    if (item.HasMember("ApplicationArn")) to_arn(item["ApplicationArn"], ResourceType::Application);
    if (auto s = check_shape(item, "GetStreamSessionOutput"); !s) return s;
    std::optional<std::string> group_id = opt_string(item, "StreamGroupId");
    if (item.HasMember("Arn")) {
      auto arn = parse_arn(item["Arn"].GetString());
      if (!arn || arn->type != "streamsession" || arn->path.size() != 2)
        return fail_item("member 'Arn': not a stream session ARN");
      if (arn->account != scope_.account || arn->region != scope_.region)
        return fail_item("member 'Arn': the session is not in account " + scope_.account + ", region " + scope_.region);
      if ((group_id && *group_id != arn->path[0]) || (id && *id != arn->path[1]))
        return fail_item("'Arn' does not name the same session as 'StreamGroupId' and 'Id'");
      group_id = arn->path[0];
      id = arn->path[1];
    }
    if (!group_id) return fail_item("a stream session needs 'StreamGroupId' (or 'Arn')");

    if (!id) id = emu_.ids().stream_session();
    if (!is_stream_session_id(*id)) return fail_item("'" + *id + "' is not a stream session ID (13 letters or digits)");
    item_ += " (" + *id + ")";

    StreamSession x;
    x.status = SessionStatus::Active;  // what a fixture describes unless it says otherwise
    x.signal_request = "v=0 o=- 0 0 IN IP4 127.0.0.1 s=- t=0 0";
    x.created_ms = x.updated_ms = now_;
    std::string_view bad_status;
    read_members(item, x, session_fields(), binding::kImport, &bad_status);
    if (!bad_status.empty()) return fail_item("member '" + std::string(bad_status) + "': not a stream session status");
    x.group_id = *group_id;
    x.id = *id;
    if (item.HasMember("ApplicationArn")) {
      auto app = id_of(item["ApplicationArn"], ResourceType::Application, "ApplicationArn");
      if (!app) return std::move(app).take_error();
      x.app_id = *app;
    }
    if (item.HasMember("ExportFilesMetadata")) {
      const Value& e = item["ExportFilesMetadata"];
      x.export_status = e.HasMember("Status") ? opt_string(e, "Status") : std::optional<std::string>("PENDING");
      x.export_reason = opt_string(e, "StatusReason");
      x.export_uri = opt_string(e, "OutputUri");
    }
    x.url_id = url_id;
    if (auto st = emu_.sessions().adopt(db_, scope_, x); !st) return fail_item(st.error().message);
    return ok();
  }

  // ---- stream URLs -------------------------------------------------------------------

  Status stream_url(Value& item) {
    Status status = ok();
    std::optional<std::string> id = take_string(item, "Id", status);
    if (!status) return status;
    item.RemoveMember("StreamSessions");  // they name the URL themselves (StreamUrlId)
    for (const char* member : {"ApplicationArn", "StreamGroupArn"})
      if (item.HasMember(member))
        to_arn(item[member], member[0] == 'A' ? ResourceType::Application : ResourceType::StreamGroup);
    // Taken out before the shape check, like Id: it is checked here.
    std::optional<std::string> given_url = take_string(item, "StreamUrl", status);
    if (!status) return status;
    if (auto s = check_shape(item, "GetStreamUrlOutput"); !s) return s;
    if (!id && item.HasMember("StreamUrlId")) id = item["StreamUrlId"].GetString();
    std::optional<std::string> group_id;
    if (item.HasMember("StreamGroupArn")) {
      auto g = id_of(item["StreamGroupArn"], ResourceType::StreamGroup, "StreamGroupArn");
      if (!g) return std::move(g).take_error();
      group_id = *g;
    }
    if (item.HasMember("Arn")) {
      auto arn = parse_arn(item["Arn"].GetString());
      if (!arn || arn->type != "streamurl" || arn->path.size() != 2) return fail_item("member 'Arn': not a stream URL ARN");
      if (arn->account != scope_.account || arn->region != scope_.region)
        return fail_item("member 'Arn': the stream URL is not in account " + scope_.account + ", region " + scope_.region);
      if ((group_id && *group_id != arn->path[0]) || (id && *id != arn->path[1]))
        return fail_item("'Arn' does not name the same stream URL as 'StreamGroupArn' and 'StreamUrlId'");
      group_id = arn->path[0];
      id = arn->path[1];
    }
    if (!group_id) return fail_item("a stream URL needs 'StreamGroupArn' (or 'Arn')");
    if (!id) id = emu_.ids().stream_url();
    if (!is_stream_url_id(*id)) return fail_item("'" + *id + "' is not a stream URL ID (su- and 9 letters or digits)");
    item_ += " (" + *id + ")";
    StreamUrl u;
    u.group_id = *group_id;
    u.id = *id;
    if (item.HasMember("ApplicationArn")) {
      auto app = id_of(item["ApplicationArn"], ResourceType::Application, "ApplicationArn");
      if (!app) return std::move(app).take_error();
      u.app_id = *app;
    }
    u.usage_limit = 1;
    u.created_ms = now_;
    read_members(item, u, stream_url_fields(), binding::kImport);
    const int64_t remaining = item.HasMember("RemainingUses") ? item["RemainingUses"].GetInt64() : *u.usage_limit;
    u.uses = std::max<int64_t>(0, *u.usage_limit - remaining);
    u.updated_ms = u.created_ms;
    if (!item.HasMember("ExpiresAt")) u.expires_ms = u.created_ms + 60 * 60'000;
    // Keep the secret of a given URL, so that an exported state's URLs still open.
    if (given_url) {
      auto t = given_url->find("token=");
      if (t != std::string::npos) u.token = given_url->substr(t + 6);
    }
    if (auto st = emu_.stream_urls().adopt(db_, scope_, u); !st) return fail_item(st.error().message);
    return ok();
  }

 public:
  // Associations declared by applications towards groups that never came.
  Status check_pending() const {
    if (pending_associations_.empty()) return ok();
    const auto& [group, app, where] = pending_associations_.front();
    return fail(where, "member 'AssociatedStreamGroups': stream group " + group + " is not defined");
  }

 private:
  Emulator& emu_;
  Store& db_;
  std::string_view name_;
  std::string_view text_;  // unless the document comes outlined
  int64_t now_;
  Scope scope_;
  std::string item_;
  rapidjson::Document::AllocatorType* allocator_ = nullptr;  // the current item's
  std::vector<std::tuple<std::string, std::string, std::string>> pending_associations_;
};

}  // namespace

Status load_fixtures(Emulator& emu, const FixtureSource& source) {
  return emu.store().transaction([&](Store& db) -> Status {
    FixtureFile file(emu, db, source.name, source.text);
    if (auto s = file.load(); !s) return s;
    return file.check_pending();
  });
}

Status load_fixtures(Emulator& emu, std::string_view name, const JsonOutline& document,
                     std::span<const std::string_view> ignored) {
  return emu.store().transaction([&](Store& db) -> Status {
    FixtureFile file(emu, db, name, {});
    if (auto s = file.load(document, ignored); !s) return s;
    return file.check_pending();
  });
}

}  // namespace gls
