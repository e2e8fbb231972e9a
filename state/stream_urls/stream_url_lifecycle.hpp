// The stream-URL lifecycle, as data for the lifecycle engine
// (state/lifecycle/lifecycle.hpp); the tables are in stream_url_lifecycle.cpp.
//
// ACTIVE until its ExpiresAt (EXPIRED), its UsageLimit is used up
// (LIMIT_REACHED), or it is revoked (REVOKED, with the reason the revocation
// gives; revokedAndTerminatingSessions becomes revokedAndSessionsTerminated
// once its sessions have ended). Leaving ACTIVE ends its expiry deadline.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "state/lifecycle/lifecycle.hpp"
#include "state/store/records.hpp"

namespace gls {

class StreamUrls;

enum class StreamUrlEvent { Expire, UsedUp, Revoke, SessionsEnded };
std::string_view to_string(StreamUrlEvent e);

enum class StreamUrlTimer { Expired };

struct StreamUrlMachine : RecordSpec<StreamUrl, StreamUrlStatus, StreamUrlEvent, StreamUrlTimer> {
  using Owner = StreamUrls;
  static constexpr std::string_view kKind = "streamurl";
  static constexpr std::string_view kGone = "GONE";  // stream URLs are never removed; never used

  static const LifecycleTables<StreamUrlMachine> kTables;

  static std::string key(const StreamUrl& u) { return u.group_id + "/" + u.id; }
  static std::string describe(const StreamUrl& u) { return "Stream URL " + u.id; }
  static int64_t duration_ms(Core&, Store&, const Scope&, const StreamUrl&, std::string_view) { return 0; }
  static void save(Store& db, const Scope& scope, const StreamUrl& u, int64_t at);
  static void erase(Core&, Store&, const Scope&, StreamUrl&) {}
  template <class F>
  static void visit(Core& core, Store& db, const Scope& scope, std::string_view key, F&& f);
};

using StreamUrlLifecycle = Lifecycle<StreamUrlMachine>;

extern template class Lifecycle<StreamUrlMachine>;  // instantiated with its tables

}  // namespace gls
