#include "state/applications/applications.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "state/cascades.hpp"
#include "state/core.hpp"
#include "state/store/idempotency.hpp"
#include "state/store/repository.hpp"
#include "state/time/scheduler.hpp"
#include "state/tags/tags.hpp"

namespace gls {

namespace {

using A = ApplicationStatus;

constexpr std::string_view kKind = ApplicationMachine::kKind;

struct Runtime {
  std::string_view type, version;
};
constexpr Runtime kRuntimes[] = {
    {"UBUNTU", "22_04_LTS"}, {"WINDOWS", "2022"},     {"PROTON", "20260204"},
    {"PROTON", "20250516"},  {"PROTON", "20241007"}, {"PROTON", "20230704"},
};

bool is_application_reason(std::string_view r) {
  return r == "internalError" || r == "accessDenied" || r == "sourceModified";
}

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string hex64(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = digits[v & 15];
  return out;
}

bool ends_with_ignoring_case(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

// ExecutablePath's documentation: relative to ApplicationSourceUri and
// inside the application's root folder; a Windows program's file ends in
// .exe, .cmd or .bat.
Status check_executable(const Application& a) {
  const std::string& exe = a.executable_path;
  if (exe.empty() || exe.front() == '/' || exe.front() == '\\' || (exe.size() > 1 && exe[1] == ':'))
    return invalid_member(exe, "executablePath", "Member must be a path relative to ApplicationSourceUri");
  int depth = 0;
  size_t start = 0;
  while (start <= exe.size()) {
    size_t end = exe.find_first_of("/\\", start);
    if (end == std::string::npos) end = exe.size();
    const std::string_view segment = std::string_view(exe).substr(start, end - start);
    if (segment == "..") {
      if (--depth < 0)
        return invalid_member(exe, "executablePath", "Member must name a file inside the application's root folder");
    } else if (!segment.empty() && segment != ".") {
      ++depth;
    }
    start = end + 1;
  }
  if (runs_windows_executables(a.runtime_type) && !ends_with_ignoring_case(exe, ".exe") &&
      !ends_with_ignoring_case(exe, ".cmd") && !ends_with_ignoring_case(exe, ".bat"))
    return invalid_member(exe, "executablePath",
                     "Member must name a Windows executable or batch file (.exe, .cmd or .bat) for runtime " +
                         a.runtime_type);
  return ok();
}

// ApplicationLogPaths' documentation: the logs are uploaded to
// ApplicationLogOutputUri, so paths need that URI.
Status check_log_destination(const Application& a, std::string_view member) {
  const bool paths = a.log_paths_json != "[]" && !a.log_paths_json.empty();
  if (paths && (!a.log_output_uri || a.log_output_uri->empty()))
    return invalid_member(a.log_output_uri.value_or(""), member,
                     "Member is required when ApplicationLogPaths are given (the logs are uploaded there)");
  return ok();
}

}  // namespace

bool is_supported_runtime(std::string_view type, std::string_view version) {
  return std::any_of(std::begin(kRuntimes), std::end(kRuntimes),
                     [&](const Runtime& r) { return r.type == type && r.version == version; });
}

// ---- reading ---------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> replication_statuses(Core& core, Store& db, const Scope& scope,
                                                                      const Application& a, int64_t now) {
  // Where the content is: the application's own Region first, then every
  // location of every associated group, replicated from when both the
  // association and the location existed.
  const bool ready = a.status == A::Ready;
  std::map<std::string, int64_t> since;  // location -> earliest start of its replication
  std::vector<std::string> order{scope.region};
  const int64_t replication = core.duration_ms(db, scope, "application", a.id, "replicationSeconds");
  for (const repo::Association& as : repo::associations_of_application(db, scope, a.id)) {
    auto g = repo::find_stream_group(db, scope, as.group_id);
    if (!g) continue;
    for (const GroupLocation& l : g->locations) {
      if (l.name == scope.region) continue;
      const int64_t start = std::max(as.created_ms, l.added_ms);
      auto [it, inserted] = since.emplace(l.name, start);
      if (inserted) order.push_back(l.name);
      else it->second = std::min(it->second, start);
    }
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& location : order) {
    bool done = ready;
    if (location != scope.region) done = ready && now >= since[location] + replication;
    out.emplace_back(location, done ? "COMPLETED" : "REPLICATING");
  }
  return out;
}

bool replicated_in(Core& core, Store& db, const Scope& scope, const Application& a, std::string_view location,
                   int64_t now) {
  if (location == scope.region) return a.status == A::Ready;  // its own Region: no replication to wait for
  for (const auto& [where, status] : replication_statuses(core, db, scope, a, now))
    if (where == location) return status == "COMPLETED";
  return false;
}

void Applications::describe(Store& db, const Scope& scope, Application& a, int64_t now) {
  a.group_ids.clear();
  for (const repo::Association& as : repo::associations_of_application(db, scope, a.id))
    a.group_ids.push_back(as.group_id);
  a.replication = replication_statuses(core_, db, scope, a, now);
}

Result<Application> Applications::require(Store& db, const Scope& scope, std::string_view identifier, int64_t now) {
  auto id = resolve_id(scope, identifier, ResourceType::Application);
  if (!id) return std::move(id).take_error();
  auto a = repo::find_application(db, scope, *id);
  if (!a) return not_found("Application " + *id + " was not found");
  describe(db, scope, *a, now);
  return std::move(*a);
}

// ---- the API ---------------------------------------------------------------------------

Status Applications::adopt(Store& db, const Scope& scope, const Application& a) {
  if (!is_supported_runtime(a.runtime_type, a.runtime_version))
    return validation("member 'RuntimeEnvironment': " + a.runtime_type + " " + a.runtime_version +
                      " is not a runtime environment of the service");
  repo::insert_application(db, scope, a);
  repo::record_transition(db, scope, kKind, a.id, std::nullopt, to_string(a.status), a.status_reason, "admin",
                          a.updated_ms);
  Application arriving = a;
  lifecycle_.adopt(db, scope, arriving);
  return ok();
}

Result<Application> Applications::create(const Scope& scope, const CreateApplicationRequest& r) {
  if (!is_supported_runtime(r.draft.runtime_type, r.draft.runtime_version))
    return validation("RuntimeEnvironment " + r.draft.runtime_type + " " + r.draft.runtime_version +
                      " is not supported; use UBUNTU 22_04_LTS, WINDOWS 2022, or PROTON 20260204, 20250516, "
                      "20241007 or 20230704");
  if (r.draft.source_uri.rfind("s3://", 0) != 0)
    return validation("ApplicationSourceUri must be an Amazon S3 URI such as s3://bucket/folder/");
  if (auto st = check_executable(r.draft); !st) return std::move(st).take_error();
  if (auto st = check_log_destination(r.draft, "applicationLogOutputUri"); !st) return std::move(st).take_error();
  if (auto st = tags::check_new(r.tags, 0); !st) return std::move(st).take_error();
  return core_.transact([&](Store& db, int64_t now) -> Result<Application> {
    if (r.client_token) {
      auto earlier = idempotency::recall(db, scope, "CreateApplication", *r.client_token, r.fingerprint, now);
      if (!earlier) return std::move(earlier).take_error();
      if (*earlier) {
        if (auto a = repo::find_application(db, scope, **earlier)) {
          describe(db, scope, *a, now);
          return std::move(*a);
        }
      }
    }
    Application a = r.draft;
    a.id = core_.ids().application();
    a.created_ms = now;
    lifecycle_.start(db, scope, a, A::Initialized, now);
    repo::insert_application(db, scope, a);
    for (const auto& [k, v] : r.tags) repo::put_tag(db, scope, application_arn(scope, a.id), k, v);
    if (r.client_token)
      idempotency::remember(db, scope, "CreateApplication", *r.client_token, r.fingerprint, a.id, now);
    describe(db, scope, a, now);
    return a;
  });
}

Result<Application> Applications::get(const Scope& scope, std::string_view identifier) {
  return core_.read([&](Store& db, int64_t now) { return require(db, scope, identifier, now); });
}

Result<ApplicationPage> Applications::list(const Scope& scope, const std::optional<std::string>& next_token,
                                           int max_results) {
  return core_.read([&](Store& db, int64_t now) -> Result<ApplicationPage> {
    const std::string context = "ListApplications|" + scope.account + "|" + scope.region;
    auto after = core_.page_tokens().open_key(context, next_token);
    if (!after) return std::move(after).take_error();
    ApplicationPage page;
    page.items = repo::list_applications(db, scope, *after, max_results);
    page.next_token = core_.page_tokens().cut(context, page.items, max_results, [](const Application& a) {
      return PageKey{a.created_ms, std::to_string(a.seq)};
    });
    for (Application& a : page.items) describe(db, scope, a, now);
    return page;
  });
}

Result<Application> Applications::update(const Scope& scope, const UpdateApplicationRequest& r) {
  return core_.transact([&](Store& db, int64_t now) -> Result<Application> {
    auto a = require(db, scope, r.identifier, now);
    if (!a) return a;
    if (a->status == A::Deleting)
      return validation("Application " + a->id + " is DELETING and can no longer be updated");
    if (r.description) a->description = *r.description;
    if (r.log_paths_json) a->log_paths_json = *r.log_paths_json;
    if (r.log_output_uri) {
      if (r.log_output_uri->empty()) a->log_output_uri.reset();
      else a->log_output_uri = r.log_output_uri;
    }
    if (auto st = check_log_destination(*a, "applicationLogOutputUri"); !st) return std::move(st).take_error();
    a->updated_ms = now;
    repo::update_application(db, scope, *a);
    return a;
  });
}

Status Applications::remove(const Scope& scope, std::string_view identifier) {
  return core_.transact([&](Store& db, int64_t now) -> Status {
    auto a = require(db, scope, identifier, now);
    if (!a) return std::move(a).take_error();
    if (a->status == A::Deleting) return ok();
    if (a->status != A::Ready && a->status != A::Error)
      return conflict("Application " + a->id + " is " + std::string(to_string(a->status)) +
                      "; an application can be deleted only when it is READY or in ERROR");
    if (auto groups = repo::groups_defaulting_to(db, scope, a->id); !groups.empty())
      return validation("Application " + a->id + " is the default application of stream group " + groups.front() +
                        "; delete that stream group first");
    if (!a->group_ids.empty())
      return validation("Application " + a->id + " is associated with stream group " + a->group_ids.front() +
                        "; disassociate it with DisassociateApplications first");
    if (repo::application_in_use(db, scope, a->id))
      return conflict("Application " + a->id +
                      " is streaming in a stream session that has not ended; terminate the session first");
    if (auto st = lifecycle_.apply(db, scope, *a, ApplicationEvent::Delete, now, Cause::Api); !st) return st;
    cascades_.application_deleted(db, scope, a->id, now);
    return ok();
  });
}

Result<std::vector<ShaderCache>> Applications::shader_caches(const Scope& scope, std::string_view identifier) {
  return core_.transact([&](Store& db, int64_t now) -> Result<std::vector<ShaderCache>> {
    auto a = require(db, scope, identifier, now);
    if (!a) return std::move(a).take_error();
    // One cache per GPU family the application is streamed on, compiled
    // during the replication to that family's first stream group.
    std::vector<ShaderCache> out;
    const int64_t replication = core_.duration_ms(db, scope, "application", a->id, "replicationSeconds");
    for (const repo::Association& as : repo::associations_of_application(db, scope, a->id)) {
      auto g = repo::find_stream_group(db, scope, as.group_id);
      if (!g) continue;
      const std::string family(stream_class_family(g->stream_class));
      auto it = std::find_if(out.begin(), out.end(), [&](const ShaderCache& c) {
        return c.id == hex64(fnv1a(a->id + "/" + family)) + hex64(fnv1a(family, fnv1a(a->id)));
      });
      if (it == out.end()) {
        ShaderCache c;
        c.id = hex64(fnv1a(a->id + "/" + family)) + hex64(fnv1a(family, fnv1a(a->id)));
        c.storage_bytes = 64ll * 1024 * 1024 + static_cast<int64_t>(fnv1a(c.id) % (448ull * 1024 * 1024));
        c.updated_ms = std::max(as.created_ms, a->updated_ms) + replication;
        c.status = a->status != A::Ready ? "INITIALIZED" : now < c.updated_ms ? "PROCESSING" : "READY";
        if (now < c.updated_ms) c.updated_ms = std::max(as.created_ms, a->updated_ms);
        out.push_back(std::move(c));
        it = out.end() - 1;
      }
      it->group_ids.push_back(g->id);
    }
    return out;
  });
}

// ---- admin ------------------------------------------------------------------------------

Result<Application> Applications::force_status(const Scope& scope, std::string_view identifier,
                                               std::string_view status, std::optional<std::string> reason,
                                               bool force) {
  auto to = parse_enum<ApplicationStatus>(status);
  if (!to)
    return validation("'" + std::string(status) +
                      "' is not an application status; the statuses are INITIALIZED, PROCESSING, READY, DELETING "
                      "and ERROR");
  if (*to == A::Error) {
    if (!reason) reason = "internalError";
    if (!is_application_reason(*reason))
      return validation("'" + *reason + "' is not a StatusReason of an application; use internalError, "
                        "accessDenied or sourceModified");
  } else if (reason) {
    return validation("a " + std::string(status) + " application has no StatusReason");
  }
  return core_.transact([&](Store& db, int64_t now) -> Result<Application> {
    auto a = require(db, scope, identifier, now);
    if (!a) return a;
    if (auto st = lifecycle_.force(db, scope, *a, *to, reason, force, now); !st) return std::move(st).take_error();
    describe(db, scope, *a, now);
    return a;
  });
}

Result<std::vector<HistoryEntry>> Applications::history(const Scope& scope, std::string_view identifier) {
  return core_.transact([&](Store& db, int64_t) -> Result<std::vector<HistoryEntry>> {
    auto id = resolve_id(scope, identifier, ResourceType::Application);
    if (!id) return std::move(id).take_error();
    auto entries = repo::history(db, scope, kKind, *id);
    if (entries.empty()) return not_found("Application " + *id + " was not found");
    return entries;
  });
}

}  // namespace gls
