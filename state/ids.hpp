// Resource identifiers and ARNs.
//
// IDs: applications "a-", stream groups "sg-", stream URLs "su-", each
// followed by 9 letters and digits; stream sessions are 13 letters and
// digits. ARNs: arn:aws:gameliftstreams:REGION:ACCOUNT:TYPE/ID..., where a
// stream session's and a stream URL's ARN also name their stream group.
// Every API identifier may be given as the ID or the ARN; resolving one
// checks that an ARN names the expected type, account and region.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "state/result.hpp"

namespace gls {

// Which account and region a request acts in: resources never cross it.
struct Scope {
  std::string account;
  std::string region;
  bool operator==(const Scope&) const = default;
};

enum class ResourceType { Application, StreamGroup, StreamSession, StreamUrl };

std::string_view arn_type_name(ResourceType t);  // "application", "streamgroup", ...
std::string_view display_name(ResourceType t);   // "application", "stream group", ...

std::string application_arn(const Scope& s, std::string_view id);
std::string stream_group_arn(const Scope& s, std::string_view id);
std::string stream_session_arn(const Scope& s, std::string_view group_id, std::string_view id);
std::string stream_url_arn(const Scope& s, std::string_view group_id, std::string_view id);

struct Arn {
  std::string region;
  std::string account;
  std::string type;                // e.g. "streamgroup"
  std::vector<std::string> path;   // the parts after the type, e.g. {"sg-1AB2C3De4"}
};
std::optional<Arn> parse_arn(std::string_view s);

bool is_application_id(std::string_view s);
bool is_stream_group_id(std::string_view s);
bool is_stream_url_id(std::string_view s);
bool is_stream_session_id(std::string_view s);

// The resource ID that `identifier` (an ID or an ARN) names. An ARN of another
// type is a ValidationException; of another account or region, NotFound.
Result<std::string> resolve_id(const Scope& scope, std::string_view identifier, ResourceType type);

// For resources that live inside a stream group (sessions, stream URLs): the
// child ID, checking that an ARN names the same group as `group_id`.
Result<std::string> resolve_child_id(const Scope& scope, std::string_view group_id, std::string_view identifier,
                                     ResourceType type);

// Random IDs in the service's formats. Reproducible for a given seed.
class IdGenerator {
 public:
  explicit IdGenerator(uint64_t seed);
  std::string application();
  std::string stream_group();
  std::string stream_url();
  // 13 letters and digits, of which the first 5 count the sessions this
  // generator has named (in byte order, wrapping after 62^5) and the other
  // 8 are random: each new session's entries in the indexes keyed by its ID
  // go next to the previous one's instead of onto a random page (a start
  // makes about a third fewer writes; bench/README.md).
  std::string stream_session();
  std::string alphanumeric(size_t n);
  std::string hex(size_t n);
  // n characters, each drawn from `alphabet` by one draw of the generator
  // (alphanumeric() and hex() are this with their alphabets).
  std::string draw(size_t n, std::string_view alphabet);
  std::string uuid();

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
  uint64_t sessions_named_ = 0;
};

}  // namespace gls
