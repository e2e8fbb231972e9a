// Rendering records into the API's output shapes, as JSON.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/ids.hpp"
#include "state/store/records.hpp"

namespace gls {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

enum class SessionView {
  Full,     // GetStreamSession, StartStreamSession
  Summary,  // ListStreamSessions, GetStreamUrl
  Account,  // ListStreamSessionsByAccount: export metadata shows its status only
  Document, // state documents (GET /_gls/state): the full view and what restores it
};

// Writes a session as the JSON object of the given view.
void write_session(JsonWriter& w, const Scope& scope, const StreamSession& s, SessionView view);

enum class ResourceView {
  Full,     // Get/Create/Update outputs
  Summary,  // List outputs
};

void write_application(JsonWriter& w, const Scope& scope, const Application& a, ResourceView view);
void write_location_state(JsonWriter& w, StreamGroupStatus group_status, const GroupLocation& l);
void write_stream_group(JsonWriter& w, const Scope& scope, const StreamGroup& g, ResourceView view);
// A stream URL, reached through `endpoint` (e.g. http://127.0.0.1:8766);
// `sessions` (GetStreamUrl only) lists the sessions it started.
void write_stream_url(JsonWriter& w, const Scope& scope, const StreamUrl& u, ResourceView view,
                      std::string_view endpoint, const std::vector<StreamSession>* sessions = nullptr);
void write_arn_list(JsonWriter& w, std::string_view key, const std::vector<std::string>& arns);

// Compact JSON text of a value, as stored for echoed attributes.
std::string json_text(const rapidjson::Value& v);

// Small writing helpers.
void write_string(JsonWriter& w, std::string_view key, std::string_view value);
void write_string(JsonWriter& w, std::string_view key, const char* value);
void write_optional(JsonWriter& w, std::string_view key, const std::optional<std::string>& value);
void write_int(JsonWriter& w, std::string_view key, int64_t value);
void write_double(JsonWriter& w, std::string_view key, double value);
// The value, or null when there is none (the admin API's documents show every member).
void write_nullable(JsonWriter& w, std::string_view key, const std::optional<std::string>& value);
// {"k": "v", ...}
void write_string_map(JsonWriter& w, std::string_view key, const std::vector<std::pair<std::string, std::string>>& map);
void write_time(JsonWriter& w, std::string_view key, int64_t ms);
void write_raw(JsonWriter& w, std::string_view key, const std::optional<std::string>& json);
void write_key(JsonWriter& w, std::string_view key);

}  // namespace gls
