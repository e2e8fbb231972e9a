#include "state/store/records.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace gls {

namespace {
template <class E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

template <class E, size_t N>
std::string_view name_of(const Names<E, N>& names, E e) {
  for (const auto& [v, n] : names)
    if (v == e) return n;
  return "";
}
template <class E, size_t N>
std::optional<E> parse(const Names<E, N>& names, std::string_view s) {
  for (const auto& [v, n] : names)
    if (n == s) return v;
  return std::nullopt;
}

constexpr Names<SessionStatus, 8> kSession = {{
    {SessionStatus::Activating, "ACTIVATING"},
    {SessionStatus::Active, "ACTIVE"},
    {SessionStatus::Connected, "CONNECTED"},
    {SessionStatus::PendingClientReconnection, "PENDING_CLIENT_RECONNECTION"},
    {SessionStatus::Reconnecting, "RECONNECTING"},
    {SessionStatus::Terminating, "TERMINATING"},
    {SessionStatus::Terminated, "TERMINATED"},
    {SessionStatus::Error, "ERROR"},
}};
constexpr Names<ApplicationStatus, 5> kApplication = {{
    {ApplicationStatus::Initialized, "INITIALIZED"},
    {ApplicationStatus::Processing, "PROCESSING"},
    {ApplicationStatus::Ready, "READY"},
    {ApplicationStatus::Deleting, "DELETING"},
    {ApplicationStatus::Error, "ERROR"},
}};
constexpr Names<StreamGroupStatus, 7> kGroup = {{
    {StreamGroupStatus::Activating, "ACTIVATING"},
    {StreamGroupStatus::UpdatingLocations, "UPDATING_LOCATIONS"},
    {StreamGroupStatus::Active, "ACTIVE"},
    {StreamGroupStatus::ActiveWithErrors, "ACTIVE_WITH_ERRORS"},
    {StreamGroupStatus::Error, "ERROR"},
    {StreamGroupStatus::Deleting, "DELETING"},
    {StreamGroupStatus::Expired, "EXPIRED"},
}};
constexpr Names<LocationStatus, 4> kLocation = {{
    {LocationStatus::Activating, "ACTIVATING"},
    {LocationStatus::Active, "ACTIVE"},
    {LocationStatus::Error, "ERROR"},
    {LocationStatus::Removing, "REMOVING"},
}};
constexpr Names<StreamUrlStatus, 4> kUrl = {{
    {StreamUrlStatus::Active, "ACTIVE"},
    {StreamUrlStatus::Expired, "EXPIRED"},
    {StreamUrlStatus::Revoked, "REVOKED"},
    {StreamUrlStatus::LimitReached, "LIMIT_REACHED"},
}};
}  // namespace

std::string_view to_string(SessionStatus s) { return name_of(kSession, s); }
std::optional<SessionStatus> parse_session_status(std::string_view s) { return parse(kSession, s); }
std::string_view to_string(ApplicationStatus s) { return name_of(kApplication, s); }
std::optional<ApplicationStatus> parse_application_status(std::string_view s) { return parse(kApplication, s); }
std::string_view to_string(StreamGroupStatus s) { return name_of(kGroup, s); }
std::optional<StreamGroupStatus> parse_stream_group_status(std::string_view s) { return parse(kGroup, s); }
std::string_view to_string(LocationStatus s) { return name_of(kLocation, s); }
std::optional<LocationStatus> parse_location_status(std::string_view s) { return parse(kLocation, s); }
std::string_view to_string(StreamUrlStatus s) { return name_of(kUrl, s); }
std::optional<StreamUrlStatus> parse_stream_url_status(std::string_view s) { return parse(kUrl, s); }

bool holds_capacity(const StreamSession& s) { return s.placed && !is_final(s.status); }

bool is_final(SessionStatus s) { return s == SessionStatus::Terminated || s == SessionStatus::Error; }

int64_t session_capacity(const GroupLocation& l) {
  // MaximumCapacity caps always-on plus on-demand; the deprecated
  // OnDemandCapacity adds to always-on when no maximum is given.
  int64_t total = l.maximum ? *l.maximum : l.always_on + l.on_demand.value_or(0);
  return std::max(l.always_on, total);
}

int64_t allocated_capacity(const GroupLocation& l) {
  if (l.status == LocationStatus::Removing) return l.allocated;
  const int64_t want = std::max(l.always_on, l.allocated + l.target_idle.value_or(0));
  return std::max(l.allocated, std::min(want, session_capacity(l)));
}

int64_t idle_capacity(const GroupLocation& l) { return allocated_capacity(l) - l.allocated; }

int64_t stream_class_tenancy(std::string_view c) {
  if (c.size() < 6 || c.substr(0, 3) != "gen") return 0;
  if (c.find("win2022") != std::string_view::npos) return 1;
  if (c.ends_with("_high")) return 2;
  if (c == "gen6n_medium") return 4;
  if (c == "gen6n_small") return 12;
  return 1;
}

std::string_view stream_class_family(std::string_view c) { return c.substr(0, c.find('_')); }

}  // namespace gls
