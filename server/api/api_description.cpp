// The Amazon GameLift Streams API (version 2018-05-10) as data: its 30
// operations and every shape they reach, grouped by resource.
//
// Shape names follow the public API so that validation messages, the
// conformance test and SDK users all speak of the same things. Members that
// several outputs share (Create/Get/Update of one resource answer the same
// structure) are written once and reused.
#include "api/model.hpp"

#include <utility>

namespace gls::api {
namespace {

// ---- a small vocabulary for writing shapes --------------------------------

class Def {
 public:
  Def(std::string name, Type type) {
    shape_.name = std::move(name);
    shape_.type = type;
  }
  Def&& length(int64_t min, int64_t max) && { shape_.min = min; shape_.max = max; return std::move(*this); }
  Def&& min_length(int64_t min) && { shape_.min = min; return std::move(*this); }
  Def&& range(int64_t min, int64_t max) && { shape_.min = min; shape_.max = max; return std::move(*this); }
  Def&& at_least(int64_t min) && { shape_.min = min; return std::move(*this); }
  Def&& pattern(std::string p) && { shape_.pattern = std::move(p); return std::move(*this); }
  Def&& sensitive() && { shape_.sensitive = true; return std::move(*this); }
  Def&& server_fault() && { shape_.server_fault = true; return std::move(*this); }
  Def&& retryable(bool throttling) && {
    shape_.retryable = true;
    shape_.throttling = throttling;
    return std::move(*this);
  }
  Shape build() && { return std::move(shape_); }
  Shape& raw() { return shape_; }

 private:
  Shape shape_;
};

Def string(std::string n) { return Def(std::move(n), Type::String); }
Def integer(std::string n) { return Def(std::move(n), Type::Integer); }
Def long_(std::string n) { return Def(std::move(n), Type::Long); }
Def boolean(std::string n) { return Def(std::move(n), Type::Boolean); }
Def timestamp(std::string n) { return Def(std::move(n), Type::Timestamp); }

Def enumeration(std::string n, std::vector<std::string> values) {
  Def d(std::move(n), Type::String);
  d.raw().enum_values = std::move(values);
  return d;
}
Def list(std::string n, std::string member) {
  Def d(std::move(n), Type::List);
  d.raw().member_shape = std::move(member);
  return d;
}
Def map(std::string n, std::string key, std::string value) {
  Def d(std::move(n), Type::Map);
  d.raw().key_shape = std::move(key);
  d.raw().value_shape = std::move(value);
  return d;
}

struct M {
  Member m;
  M&& idempotency_token() && { m.idempotency_token = true; return std::move(*this); }
  M&& deprecated() && { m.deprecated = true; return std::move(*this); }
  M&& required() && { m.required = true; return std::move(*this); }
};
using Members = std::vector<M>;

// A body member; the target shape defaults to the member's own name.
M optional(std::string name, std::string shape = {}) {
  Member m;
  m.shape = shape.empty() ? name : std::move(shape);
  m.name = std::move(name);
  return {std::move(m)};
}
M required(std::string name, std::string shape = {}) {
  return optional(std::move(name), std::move(shape)).required();
}
// A URI label: always required, named on the wire as the member.
M label(std::string name, std::string shape = {}) {
  M m = required(std::move(name), std::move(shape));
  m.m.binding = Binding::Uri;
  m.m.wire_name = m.m.name;
  return m;
}
M query(std::string name, std::string shape, std::string key) {
  M m = optional(std::move(name), std::move(shape));
  m.m.binding = Binding::Query;
  m.m.wire_name = std::move(key);
  return m;
}

Members operator+(Members a, const Members& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Def structure(std::string n, const Members& members) {
  Def d(std::move(n), Type::Structure);
  for (const M& m : members) d.raw().members.push_back(m.m);
  return d;
}
Def error(std::string n, int status) {
  Def d = structure(std::move(n), {required("Message", "String")});
  d.raw().error_status = status;
  return d;
}

// ---- members shared by several structures ----------------------------------

const Members kListPage = {
    query("NextToken", "NextToken", "NextToken"),
    query("MaxResults", "MaxResults", "MaxResults"),
};
const Members kSessionListFilters = {
    query("Status", "StreamSessionStatus", "Status"),
    query("ExportFilesStatus", "ExportFilesStatus", "ExportFilesStatus"),
};
const Members kSessionAddress = {
    label("Identifier"),
    label("StreamSessionIdentifier", "Identifier"),
};
const Members kStreamUrlAddress = {
    label("Identifier"),
    label("StreamUrlIdentifier", "Identifier"),
};

const Members kApplication = {
    required("Arn", "Identifier"),
    optional("Description"),
    optional("RuntimeEnvironment"),
    optional("ExecutablePath"),
    optional("ApplicationLogPaths", "FilePaths"),
    optional("ApplicationLogOutputUri"),
    optional("ApplicationSourceUri"),
    optional("Id"),
    optional("Status", "ApplicationStatus"),
    optional("StatusReason", "ApplicationStatusReason"),
    optional("ReplicationStatuses"),
    optional("CreatedAt", "Timestamp"),
    optional("LastUpdatedAt", "Timestamp"),
    optional("AssociatedStreamGroups", "ArnList"),
};

const Members kStreamGroup = {
    required("Arn", "Identifier"),
    optional("Description"),
    optional("DefaultApplication"),
    optional("LocationStates"),
    optional("StreamClass"),
    optional("Id"),
    optional("Status", "StreamGroupStatus"),
    optional("StatusReason", "StreamGroupStatusReason"),
    optional("LastUpdatedAt", "Timestamp"),
    optional("CreatedAt", "Timestamp"),
    optional("ExpiresAt", "Timestamp"),
    optional("AssociatedApplications", "ArnList"),
};

const Members kStreamSession = {
    optional("Arn"),
    optional("Description"),
    optional("StreamGroupId", "Id"),
    optional("UserId"),
    optional("Status", "StreamSessionStatus"),
    optional("StatusReason", "StreamSessionStatusReason"),
    optional("Protocol"),
    optional("Location", "LocationName"),
    optional("SignalRequest"),
    optional("SignalResponse"),
    optional("ConnectionTimeoutSeconds"),
    optional("SessionLengthSeconds"),
    optional("AdditionalLaunchArgs", "GameLaunchArgList"),
    optional("AdditionalEnvironmentVariables", "EnvironmentVariables"),
    optional("PerformanceStatsConfiguration"),
    optional("LogFileLocationUri", "FileLocationUri"),
    optional("WebSdkProtocolUrl"),
    optional("LastUpdatedAt", "Timestamp"),
    optional("CreatedAt", "Timestamp"),
    optional("ApplicationArn", "Arn"),
    optional("ExportFilesMetadata"),
    optional("RoleArn", "IamRoleArn"),
    optional("DisplayConfiguration"),
};

// What a stream URL carries, before the sessions it has started.
const Members kStreamUrl = {
    required("Arn"),
    optional("StreamUrlId", "Id"),
    optional("StreamUrl", "StreamSessionStreamUrl"),
    optional("Status", "StreamUrlStatus"),
    optional("StatusReason", "StreamUrlStatusReason"),
    optional("ExpiresAt", "Timestamp"),
    optional("CreatedAt", "Timestamp"),
    optional("UsageLimit"),
    optional("RemainingUses"),
    optional("StreamGroupArn", "Arn"),
    optional("ApplicationArn", "Arn"),
    optional("Protocol"),
    optional("Locations", "LocationList"),
    optional("SessionLengthSeconds"),
    optional("Description"),
    optional("AdditionalLaunchArgs", "GameLaunchArgList"),
    optional("AdditionalEnvironmentVariables", "EnvironmentVariables"),
    optional("RoleArn", "IamRoleArn"),
    optional("DisplayConfiguration"),
};

const Members kAssociation = {
    label("Identifier"),
    required("ApplicationIdentifiers", "Identifiers"),
};
const Members kAssociationResult = {
    optional("Arn"),
    optional("ApplicationArns", "ArnList"),
};

std::vector<Shape> shapes() {
  std::vector<Def> defs;
  auto add = [&](Def d) { defs.push_back(std::move(d)); };

  // ---- errors: every operation may answer the first four --------------------
  add(error("AccessDeniedException", 403));
  add(error("ThrottlingException", 429).retryable(true));
  add(error("InternalServerException", 500).server_fault().retryable(false));
  add(error("ValidationException", 400));
  add(error("ResourceNotFoundException", 404));
  add(error("ConflictException", 409));
  add(error("ServiceQuotaExceededException", 402));
  add(error("StreamSessionAccessNotReadyException", 409).retryable(false));

  // ---- scalars used everywhere ----------------------------------------------
  add(string("String"));
  add(boolean("Boolean"));
  add(long_("Long"));
  add(timestamp("Timestamp"));
  add(string("Id").length(1, 32).pattern("[a-zA-Z0-9-]+"));
  // A resource is named by its ID or by its ARN.
  add(string("Identifier").length(1, 128).pattern(
      "(^[a-zA-Z0-9-]+$)|(^arn:aws:gameliftstreams:([^: ]*):([0-9]{12}):([^: ]*)$)"));
  add(list("Identifiers", "Identifier").length(1, 50));
  add(string("Arn").length(1, 128).pattern("arn:aws:gameliftstreams:([^: ]*):([0-9]{12}):([^: ]*)"));
  add(list("ArnList", "Arn"));
  add(string("Description").length(1, 80).pattern("[a-zA-Z0-9-_.!+@/][a-zA-Z0-9-_.!+@/ ]*"));
  add(string("ClientToken").length(32, 128).pattern(R"([\x21-\x7E]+)"));
  add(string("NextToken"));
  add(integer("MaxResults").range(1, 100));
  add(string("IamRoleArn").length(20, 2048).pattern(R"(arn:aws[a-zA-Z-]*:iam::\d{12}:role/.+)").sensitive());
  add(string("LocationName").length(1, 20).pattern("[a-zA-Z0-9-]+"));
  add(list("LocationList", "LocationName").min_length(1));
  add(list("LocationsList", "String").length(1, 100));

  // ---- tags ----------------------------------------------------------------
  add(string("TagKey").length(1, 128));
  add(string("TagValue").length(0, 256));
  add(map("Tags", "TagKey", "TagValue").length(1, 50));
  add(list("TagKeyList", "TagKey").length(0, 50));

  // ---- applications ----------------------------------------------------------
  add(enumeration("ApplicationStatus", {"INITIALIZED", "PROCESSING", "READY", "DELETING", "ERROR"}));
  add(enumeration("ApplicationStatusReason", {"internalError", "accessDenied", "sourceModified"}));
  add(enumeration("RuntimeEnvironmentType", {"PROTON", "WINDOWS", "UBUNTU"}));
  add(string("RuntimeEnvironmentVersion").length(1, 256));
  add(structure("RuntimeEnvironment", {
      required("Type", "RuntimeEnvironmentType"),
      required("Version", "RuntimeEnvironmentVersion"),
  }));
  add(string("ExecutablePath").length(1, 1024));
  add(string("ApplicationSourceUri").length(1, 1024));
  add(string("FilePath").length(0, 1024));
  add(list("FilePaths", "FilePath").length(0, 10));
  // Empty, or an S3 bucket with an optional prefix.
  add(string("ApplicationLogOutputUri").length(0, 1024).pattern(
      "$|^s3://([a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9])(/[a-zA-Z0-9._-]+)*/?"));
  add(enumeration("ReplicationStatusType", {"REPLICATING", "COMPLETED"}));
  add(structure("ReplicationStatus", {
      optional("Location", "LocationName"),
      optional("Status", "ReplicationStatusType"),
  }));
  add(list("ReplicationStatuses", "ReplicationStatus"));
  add(structure("ApplicationSummary", {
      required("Arn", "Identifier"),
      optional("Id"),
      optional("Description"),
      optional("Status", "ApplicationStatus"),
      optional("CreatedAt", "Timestamp"),
      optional("LastUpdatedAt", "Timestamp"),
      optional("RuntimeEnvironment"),
  }));
  add(list("ApplicationSummaryList", "ApplicationSummary"));
  add(enumeration("ShaderCacheStatus", {"INITIALIZED", "PROCESSING", "READY", "DELETING", "ERROR"}));
  add(structure("ShaderCacheSummary", {
      required("Identifier"),
      required("ApplicationArn", "Arn"),
      optional("Status", "ShaderCacheStatus"),
      optional("LastUpdatedAt", "Timestamp"),
      optional("StorageBytes", "Long"),
      optional("AssociatedStreamGroups", "ArnList"),
  }));
  add(list("ShaderCacheSummaryList", "ShaderCacheSummary").length(0, 1000));

  add(structure("CreateApplicationInput", {
      required("Description"),
      required("RuntimeEnvironment"),
      required("ExecutablePath"),
      required("ApplicationSourceUri"),
      optional("ApplicationLogPaths", "FilePaths"),
      optional("ApplicationLogOutputUri"),
      optional("Tags"),
      optional("ClientToken").idempotency_token(),
  }));
  add(structure("CreateApplicationOutput", kApplication));
  add(structure("GetApplicationInput", {label("Identifier")}));
  add(structure("GetApplicationOutput", kApplication));
  add(structure("ListApplicationsInput", kListPage));
  add(structure("ListApplicationsOutput", {
      optional("Items", "ApplicationSummaryList"),
      optional("NextToken"),
  }));
  add(structure("UpdateApplicationInput", {
      label("Identifier"),
      optional("Description"),
      optional("ApplicationLogPaths", "FilePaths"),
      optional("ApplicationLogOutputUri"),
  }));
  add(structure("UpdateApplicationOutput", kApplication));
  add(structure("DeleteApplicationInput", {label("Identifier")}));
  add(structure("ListApplicationShaderCachesInput", {label("Identifier")}));
  add(structure("ListApplicationShaderCachesOutput", {
      optional("Items", "ShaderCacheSummaryList"),
  }));

  // ---- stream groups and their locations -------------------------------------
  add(enumeration("StreamClass", {
      "gen4n_high", "gen4n_ultra", "gen4n_win2022",
      "gen5n_high", "gen5n_ultra", "gen5n_win2022",
      "gen6n_small", "gen6n_medium", "gen6n_high", "gen6n_ultra", "gen6n_ultra_win2022",
      "gen6n_pro", "gen6n_pro_win2022", "gen6n_small_win2022", "gen6n_medium_win2022",
      "gen6e_pro", "gen6e_pro_win2022",
  }));
  add(enumeration("StreamGroupStatus", {
      "ACTIVATING", "UPDATING_LOCATIONS", "ACTIVE", "ACTIVE_WITH_ERRORS", "ERROR", "DELETING", "EXPIRED",
  }));
  add(enumeration("StreamGroupStatusReason", {"internalError", "noAvailableInstances"}));
  add(enumeration("StreamGroupLocationStatus", {"ACTIVATING", "ACTIVE", "ERROR", "REMOVING"}));
  add(integer("AlwaysOnCapacity").at_least(0));
  add(integer("OnDemandCapacity").at_least(0));
  add(integer("TargetIdleCapacity").at_least(0));
  add(integer("MaximumCapacity").at_least(0));
  add(integer("CapacityValue").at_least(0));
  add(string("VpcId").length(1, 32));
  add(string("Ipv4CidrBlock").pattern(
      R"((([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3})"
      R"(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])/([0-9]|[1-2][0-9]|3[0-2]))"));
  add(list("Ipv4CidrBlockList", "Ipv4CidrBlock").length(1, 5));
  add(structure("VpcTransitConfiguration", {
      required("VpcId"),
      required("Ipv4CidrBlocks", "Ipv4CidrBlockList"),
  }));
  add(structure("VpcTransitConfigurationResponse", {
      optional("VpcId"),
      optional("Ipv4CidrBlocks", "Ipv4CidrBlockList"),
      optional("TransitGatewayId", "String"),
      optional("TransitGatewayResourceShareArn", "String"),
  }));
  add(structure("LocationConfiguration", {
      required("LocationName"),
      optional("AlwaysOnCapacity"),
      optional("OnDemandCapacity").deprecated(),
      optional("TargetIdleCapacity"),
      optional("MaximumCapacity"),
      optional("VpcTransitConfiguration"),
  }));
  add(list("LocationConfigurations", "LocationConfiguration").length(1, 100));
  add(structure("LocationState", {
      optional("LocationName"),
      optional("Status", "StreamGroupLocationStatus"),
      optional("AlwaysOnCapacity"),
      optional("OnDemandCapacity"),
      optional("TargetIdleCapacity"),
      optional("MaximumCapacity"),
      optional("RequestedCapacity", "CapacityValue"),
      optional("AllocatedCapacity", "CapacityValue"),
      optional("IdleCapacity", "CapacityValue"),
      optional("InternalVpcIpv4CidrBlock", "Ipv4CidrBlock"),
      optional("VpcTransitConfiguration", "VpcTransitConfigurationResponse"),
  }));
  add(list("LocationStates", "LocationState"));
  add(structure("DefaultApplication", {optional("Id"), optional("Arn")}));
  add(structure("StreamGroupSummary", {
      required("Arn", "Identifier"),
      optional("Id"),
      optional("Description"),
      optional("DefaultApplication"),
      optional("StreamClass"),
      optional("Status", "StreamGroupStatus"),
      optional("CreatedAt", "Timestamp"),
      optional("LastUpdatedAt", "Timestamp"),
      optional("ExpiresAt", "Timestamp"),
  }));
  add(list("StreamGroupSummaryList", "StreamGroupSummary"));

  add(structure("CreateStreamGroupInput", {
      required("Description"),
      required("StreamClass"),
      optional("DefaultApplicationIdentifier", "Identifier"),
      optional("LocationConfigurations"),
      optional("Tags"),
      optional("ClientToken").idempotency_token(),
  }));
  add(structure("CreateStreamGroupOutput", kStreamGroup));
  add(structure("GetStreamGroupInput", {label("Identifier")}));
  add(structure("GetStreamGroupOutput", kStreamGroup));
  add(structure("ListStreamGroupsInput", kListPage));
  add(structure("ListStreamGroupsOutput", {
      optional("Items", "StreamGroupSummaryList"),
      optional("NextToken"),
  }));
  add(structure("UpdateStreamGroupInput", {
      label("Identifier"),
      optional("LocationConfigurations"),
      optional("Description"),
      optional("DefaultApplicationIdentifier", "Identifier"),
  }));
  add(structure("UpdateStreamGroupOutput", kStreamGroup));
  add(structure("DeleteStreamGroupInput", {label("Identifier")}));
  add(structure("AddStreamGroupLocationsInput", {
      label("Identifier"),
      required("LocationConfigurations"),
  }));
  add(structure("AddStreamGroupLocationsOutput", {
      required("Identifier"),
      required("Locations", "LocationStates"),
  }));
  add(structure("RemoveStreamGroupLocationsInput", {
      label("Identifier"),
      query("Locations", "LocationsList", "locations").required(),
  }));
  add(structure("AssociateApplicationsInput", kAssociation));
  add(structure("AssociateApplicationsOutput", kAssociationResult));
  add(structure("DisassociateApplicationsInput", kAssociation));
  add(structure("DisassociateApplicationsOutput", kAssociationResult));

  // ---- stream sessions -----------------------------------------------------
  add(enumeration("Protocol", {"WebRTC"}));
  add(enumeration("StreamSessionStatus", {
      "ACTIVATING", "ACTIVE", "CONNECTED", "PENDING_CLIENT_RECONNECTION", "RECONNECTING",
      "TERMINATING", "TERMINATED", "ERROR",
  }));
  add(enumeration("StreamSessionStatusReason", {
      "internalError", "invalidSignalRequest", "placementTimeout", "applicationLogS3DestinationError",
      "assumeRoleFailed", "applicationExit", "connectionTimeout", "reconnectionTimeout",
      "maxSessionLengthTimeout", "idleTimeout", "apiTerminated",
  }));
  add(string("SignalRequest").min_length(1).sensitive());
  add(string("SignalResponse").sensitive());
  add(string("UserId").length(0, 1024).pattern("[-_a-zA-Z0-9/=+]*"));
  add(integer("ConnectionTimeoutSeconds").range(1, 3600));
  add(integer("SessionLengthSeconds").range(1, 86400));
  add(list("GameLaunchArgList", "String").length(0, 100));
  add(string("EnvironmentVariablesKeyString").length(1, 256).pattern("[_a-zA-Z][_a-zA-Z0-9]*"));
  add(string("EnvironmentVariablesValueString").length(0, 4096));
  add(map("EnvironmentVariables", "EnvironmentVariablesKeyString", "EnvironmentVariablesValueString")
          .length(0, 50));
  add(structure("PerformanceStatsConfiguration", {optional("SharedWithClient", "Boolean")}));
  add(integer("ResolutionWidth").range(320, 4096));
  add(integer("ResolutionHeight").range(320, 4096));
  add(structure("Resolution", {
      required("Width", "ResolutionWidth"),
      required("Height", "ResolutionHeight"),
  }));
  add(structure("DisplayConfiguration", {optional("Resolution")}));
  add(string("FileLocationUri"));
  add(string("WebSdkProtocolUrl"));
  add(enumeration("ExportFilesStatus", {"SUCCEEDED", "FAILED", "PENDING"}));
  add(string("ExportFilesReason").length(0, 1024));
  // An S3 folder (ending in "/") or a zip file.
  add(string("OutputUri").length(0, 1024).pattern(R"(s3://.*(/|\.zip|\.ZIP))"));
  add(structure("ExportFilesMetadata", {
      optional("Status", "ExportFilesStatus"),
      optional("StatusReason", "ExportFilesReason"),
      optional("OutputUri"),
  }));
  add(structure("StreamSessionSummary", {
      optional("Arn"),
      optional("UserId"),
      optional("Status", "StreamSessionStatus"),
      optional("StatusReason", "StreamSessionStatusReason"),
      optional("Protocol"),
      optional("LastUpdatedAt", "Timestamp"),
      optional("CreatedAt", "Timestamp"),
      optional("ApplicationArn", "Arn"),
      optional("ExportFilesMetadata"),
      optional("Location", "LocationName"),
      optional("RoleArn", "IamRoleArn"),
  }));
  add(list("StreamSessionSummaryList", "StreamSessionSummary"));
  add(string("SessionId").length(1, 256));
  add(string("StreamUrl"));
  add(string("TokenValue").length(0, 1024).sensitive());

  add(structure("StartStreamSessionInput", {
      optional("ClientToken").idempotency_token(),
      optional("Description"),
      label("Identifier"),
      required("Protocol"),
      required("SignalRequest"),
      required("ApplicationIdentifier", "Identifier"),
      optional("UserId"),
      optional("Locations", "LocationList"),
      optional("ConnectionTimeoutSeconds"),
      optional("SessionLengthSeconds"),
      optional("AdditionalLaunchArgs", "GameLaunchArgList"),
      optional("AdditionalEnvironmentVariables", "EnvironmentVariables"),
      optional("PerformanceStatsConfiguration"),
      optional("RoleArn", "IamRoleArn"),
      optional("DisplayConfiguration"),
  }));
  add(structure("StartStreamSessionOutput", kStreamSession));
  add(structure("GetStreamSessionInput", kSessionAddress));
  add(structure("GetStreamSessionOutput", kStreamSession));
  add(structure("ListStreamSessionsInput", kSessionListFilters + kListPage + Members{label("Identifier")}));
  add(structure("ListStreamSessionsOutput", {
      optional("Items", "StreamSessionSummaryList"),
      optional("NextToken"),
  }));
  add(structure("ListStreamSessionsByAccountInput", kSessionListFilters + kListPage));
  add(structure("ListStreamSessionsByAccountOutput", {
      optional("Items", "StreamSessionSummaryList"),
      optional("NextToken"),
  }));
  add(structure("TerminateStreamSessionInput", kSessionAddress));
  add(structure("CreateStreamSessionConnectionInput", Members{optional("ClientToken").idempotency_token()} +
                                                          kSessionAddress +
                                                          Members{required("SignalRequest")}));
  add(structure("CreateStreamSessionConnectionOutput", {optional("SignalResponse")}));
  add(structure("ExportStreamSessionFilesInput", kSessionAddress + Members{required("OutputUri")}));
  add(structure("ExportStreamSessionFilesOutput", {}));
  add(structure("CreateStreamSessionAdminShellInput", kSessionAddress));
  add(structure("CreateStreamSessionAdminShellOutput", {
      optional("SessionId"),
      optional("StreamUrl"),
      optional("TokenValue"),
  }));

  // ---- stream URLs ---------------------------------------------------------
  add(enumeration("StreamUrlStatus", {"ACTIVE", "EXPIRED", "REVOKED", "LIMIT_REACHED"}));
  add(enumeration("StreamUrlStatusReason", {
      "userRevoked", "revokedAndTerminatingSessions", "revokedAndSessionsTerminated",
      "streamGroupDeleted", "applicationDeleted",
  }));
  add(enumeration("RevocationMode", {"REVOKE_URL", "REVOKE_AND_TERMINATE_SESSIONS"}));
  add(string("StreamSessionStreamUrl").length(1, 2048).sensitive());
  add(integer("UrlExpiresAfterMinutes").at_least(1));
  add(integer("UsageLimit").at_least(1));
  add(integer("RemainingUses").at_least(0));
  add(structure("StreamUrlSummary", {
      required("Arn"),
      optional("StreamUrlId", "Id"),
      optional("StreamUrl", "StreamSessionStreamUrl"),
      optional("Status", "StreamUrlStatus"),
      optional("StatusReason", "StreamUrlStatusReason"),
      optional("ExpiresAt", "Timestamp"),
      optional("CreatedAt", "Timestamp"),
      optional("UsageLimit"),
      optional("RemainingUses"),
      optional("StreamGroupArn", "Arn"),
      optional("ApplicationArn", "Arn"),
      optional("SessionLengthSeconds"),
      optional("Description"),
  }));
  add(list("StreamUrlSummaryList", "StreamUrlSummary"));

  add(structure("CreateStreamUrlInput", {
      label("Identifier"),
      required("ApplicationIdentifier", "Identifier"),
      required("Protocol"),
      required("UrlExpiresAfterMinutes"),
      optional("UsageLimit"),
      optional("Description"),
      required("Locations", "LocationList"),
      optional("SessionLengthSeconds"),
      optional("AdditionalLaunchArgs", "GameLaunchArgList"),
      optional("AdditionalEnvironmentVariables", "EnvironmentVariables"),
      optional("RoleArn", "IamRoleArn"),
      optional("DisplayConfiguration"),
      optional("ClientToken").idempotency_token(),
  }));
  add(structure("CreateStreamUrlOutput", kStreamUrl));
  add(structure("GetStreamUrlInput", kStreamUrlAddress));
  add(structure("GetStreamUrlOutput", kStreamUrl + Members{optional("StreamSessions", "StreamSessionSummaryList")}));
  add(structure("ListStreamUrlsInput", Members{
      query("Status", "StreamUrlStatus", "Status"),
      query("StreamGroupIdentifier", "Identifier", "StreamGroupIdentifier"),
  } + kListPage));
  add(structure("ListStreamUrlsOutput", {
      optional("Items", "StreamUrlSummaryList"),
      optional("NextToken"),
  }));
  add(structure("RevokeStreamUrlInput", kStreamUrlAddress + Members{optional("RevocationMode")}));

  // ---- tagging ---------------------------------------------------------------
  add(structure("TagResourceRequest", {label("ResourceArn", "Arn"), required("Tags")}));
  add(structure("TagResourceResponse", {}));
  add(structure("UntagResourceRequest", {
      label("ResourceArn", "Arn"),
      query("TagKeys", "TagKeyList", "tagKeys").required(),
  }));
  add(structure("UntagResourceResponse", {}));
  add(structure("ListTagsForResourceRequest", {label("ResourceArn", "Arn")}));
  add(structure("ListTagsForResourceResponse", {optional("Tags")}));

  std::vector<Shape> out;
  out.reserve(defs.size());
  for (Def& d : defs) out.push_back(std::move(d).build());
  return out;
}

// ---- operations --------------------------------------------------------------

// Errors every operation may return; `op` adds them to each operation's own.
const std::vector<std::string> kEveryOperation = {
    "AccessDeniedException", "ThrottlingException", "InternalServerException", "ValidationException"};
const std::string kNotFound = "ResourceNotFoundException";
const std::string kConflict = "ConflictException";
const std::string kQuota = "ServiceQuotaExceededException";
const std::string kNotReady = "StreamSessionAccessNotReadyException";

Operation op(std::string name, std::string method, std::string uri, int status, std::string input,
             std::string output, std::vector<std::string> errors) {
  Operation o;
  o.name = std::move(name);
  o.method = std::move(method);
  o.uri = std::move(uri);
  o.success_status = status;
  o.input = std::move(input);
  o.output = std::move(output);
  o.errors = kEveryOperation;
  o.errors.insert(o.errors.end(), errors.begin(), errors.end());
  return o;
}

// A read whose answer the store alone decides (Operation::answer_follows_store).
// Not GetApplication: its replication statuses complete as the clock passes,
// with no commit. Not GetStreamUrl: its URL names the request's Host.
Operation store_read(Operation o) {
  o.answer_follows_store = true;
  return o;
}

// Waits for a live peer's answer when given an offer (Operation::may_await_peer).
Operation awaits_peer(Operation o) {
  o.may_await_peer = true;
  return o;
}

std::vector<Operation> operations() {
  const std::string sg = "/streamgroups/{Identifier}";
  const std::string session = sg + "/streamsessions/{StreamSessionIdentifier}";
  const std::string url = sg + "/streamurls/{StreamUrlIdentifier}";
  return {
      // applications
      op("CreateApplication", "POST", "/applications", 201, "CreateApplicationInput", "CreateApplicationOutput",
         {kConflict, kQuota}),
      op("GetApplication", "GET", "/applications/{Identifier}", 200, "GetApplicationInput", "GetApplicationOutput",
         {kNotFound}),
      op("ListApplications", "GET", "/applications", 200, "ListApplicationsInput", "ListApplicationsOutput", {}),
      op("UpdateApplication", "PATCH", "/applications/{Identifier}", 200, "UpdateApplicationInput",
         "UpdateApplicationOutput", {kNotFound}),
      op("DeleteApplication", "DELETE", "/applications/{Identifier}", 204, "DeleteApplicationInput", "",
         {kNotFound, kConflict}),
      op("ListApplicationShaderCaches", "GET", "/applications/{Identifier}/shadercaches", 200,
         "ListApplicationShaderCachesInput", "ListApplicationShaderCachesOutput", {kNotFound}),

      // stream groups
      op("CreateStreamGroup", "POST", "/streamgroups", 201, "CreateStreamGroupInput", "CreateStreamGroupOutput",
         {kNotFound, kConflict, kQuota}),
      store_read(op("GetStreamGroup", "GET", sg, 200, "GetStreamGroupInput", "GetStreamGroupOutput", {kNotFound})),
      op("ListStreamGroups", "GET", "/streamgroups", 200, "ListStreamGroupsInput", "ListStreamGroupsOutput", {}),
      op("UpdateStreamGroup", "PATCH", sg, 200, "UpdateStreamGroupInput", "UpdateStreamGroupOutput",
         {kNotFound, kConflict, kQuota}),
      op("DeleteStreamGroup", "DELETE", sg, 204, "DeleteStreamGroupInput", "", {kNotFound, kConflict}),
      op("AddStreamGroupLocations", "POST", sg + "/locations", 200, "AddStreamGroupLocationsInput",
         "AddStreamGroupLocationsOutput", {kNotFound, kQuota}),
      op("RemoveStreamGroupLocations", "DELETE", sg + "/locations", 204, "RemoveStreamGroupLocationsInput", "",
         {kNotFound}),
      op("AssociateApplications", "POST", sg + "/associations", 200, "AssociateApplicationsInput",
         "AssociateApplicationsOutput", {kNotFound, kQuota}),
      op("DisassociateApplications", "POST", sg + "/disassociations", 200, "DisassociateApplicationsInput",
         "DisassociateApplicationsOutput", {kNotFound}),

      // stream sessions
      awaits_peer(op("StartStreamSession", "POST", sg + "/streamsessions", 201, "StartStreamSessionInput",
                     "StartStreamSessionOutput", {kNotFound, kConflict})),
      store_read(
          op("GetStreamSession", "GET", session, 200, "GetStreamSessionInput", "GetStreamSessionOutput", {kNotFound})),
      op("ListStreamSessions", "GET", sg + "/streamsessions", 200, "ListStreamSessionsInput",
         "ListStreamSessionsOutput", {kNotFound}),
      op("ListStreamSessionsByAccount", "GET", "/streamsessions", 200, "ListStreamSessionsByAccountInput",
         "ListStreamSessionsByAccountOutput", {}),
      op("TerminateStreamSession", "DELETE", session, 204, "TerminateStreamSessionInput", "", {kNotFound}),
      awaits_peer(op("CreateStreamSessionConnection", "POST", session + "/connections", 200,
                     "CreateStreamSessionConnectionInput", "CreateStreamSessionConnectionOutput",
                     {kNotFound, kConflict})),
      op("ExportStreamSessionFiles", "PUT", session + "/exportfiles", 200, "ExportStreamSessionFilesInput",
         "ExportStreamSessionFilesOutput", {kNotFound}),
      op("CreateStreamSessionAdminShell", "POST", session + "/access", 200, "CreateStreamSessionAdminShellInput",
         "CreateStreamSessionAdminShellOutput", {kNotFound, kNotReady}),

      // stream URLs
      op("CreateStreamUrl", "POST", sg + "/streamurls", 201, "CreateStreamUrlInput", "CreateStreamUrlOutput",
         {kNotFound, kConflict, kQuota}),
      op("GetStreamUrl", "GET", url, 200, "GetStreamUrlInput", "GetStreamUrlOutput", {kNotFound}),
      op("ListStreamUrls", "GET", "/streamurls", 200, "ListStreamUrlsInput", "ListStreamUrlsOutput", {}),
      op("RevokeStreamUrl", "POST", url + "/revoke", 204, "RevokeStreamUrlInput", "", {kNotFound}),

      // tags
      op("TagResource", "POST", "/tags/{ResourceArn}", 200, "TagResourceRequest", "TagResourceResponse", {}),
      op("UntagResource", "DELETE", "/tags/{ResourceArn}", 200, "UntagResourceRequest", "UntagResourceResponse",
         {}),
      op("ListTagsForResource", "GET", "/tags/{ResourceArn}", 200, "ListTagsForResourceRequest",
         "ListTagsForResourceResponse", {}),
  };
}

}  // namespace

const Model& service_model() {
  static const Model model(shapes(), operations());
  return model;
}

}  // namespace gls::api
