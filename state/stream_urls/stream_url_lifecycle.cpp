#include "state/stream_urls/stream_url_lifecycle.hpp"

#include "state/lifecycle/lifecycle_impl.hpp"
#include "state/stream_urls/stream_urls.hpp"

namespace gls {

namespace {

using U = StreamUrlStatus;
using E = StreamUrlEvent;
using T = StreamUrlTimer;
using R = ReasonRule;

std::optional<int64_t> expiry(const StreamUrl& u) { return u.expires_ms; }
bool active(const StreamUrl& u) { return u.status == U::Active; }

// clang-format off
constexpr Transition<U, E> kRows[] = {
    // from           event             to               StatusReason
    {U::Active,       E::Expire,        U::Expired,      R::Clear},
    {U::Active,       E::UsedUp,        U::LimitReached, R::Clear},
    {U::Active,       E::Revoke,        U::Revoked,      R::FromEvent},
    {U::Expired,      E::Revoke,        U::Revoked,      R::FromEvent},
    {U::LimitReached, E::Revoke,        U::Revoked,      R::FromEvent},
    {U::Revoked,      E::SessionsEnded, U::Revoked,      R::Set, "revokedAndSessionsTerminated"},
};

constexpr LifetimeTimer<StreamUrlMachine> kLifetimeTimers[] = {
    {T::Expired, expiry, active},
};

// A URL that is no longer ACTIVE has no deadline left.
constexpr StatusEntry<StreamUrlMachine> kEntries[] = {
    {U::Expired,      true},
    {U::LimitReached, true},
    {U::Revoked,      true},
};

constexpr TimerEventRow<StreamUrlMachine> kTimerEvents[] = {
    {T::Expired, "expired", E::Expire},
};
// clang-format on

}  // namespace

const LifecycleTables<StreamUrlMachine> StreamUrlMachine::kTables = {
    gls::kRows, {}, gls::kLifetimeTimers, gls::kEntries, gls::kTimerEvents};

std::string_view to_string(StreamUrlEvent e) {
  switch (e) {
    case E::Expire: return "expire";
    case E::UsedUp: return "usedUp";
    case E::Revoke: return "RevokeStreamUrl";
    case E::SessionsEnded: return "sessionsEnded";
  }
  return "?";
}

void StreamUrlMachine::save(Store& db, const Scope& scope, const StreamUrl& u, int64_t) {
  repo::update_stream_url(db, scope, u);
}

template <class F>
void StreamUrlMachine::visit(Core&, Store& db, const Scope& scope, std::string_view key, F&& f) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return;
  if (auto u = repo::find_stream_url(db, scope, key.substr(0, slash), key.substr(slash + 1))) f(*u);
}

template class Lifecycle<StreamUrlMachine>;

}  // namespace gls
