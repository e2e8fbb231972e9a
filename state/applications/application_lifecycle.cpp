#include "state/applications/application_lifecycle.hpp"

#include "state/applications/applications.hpp"
#include "state/lifecycle/lifecycle_impl.hpp"
#include "state/tags/tags.hpp"

namespace gls {

namespace {

using A = ApplicationStatus;
using E = ApplicationEvent;
using T = ApplicationTimer;
using R = ReasonRule;

bool delete_now(TimerFiring<ApplicationMachine>& f) {
  if (f.resource.status == A::Deleting)
    f.owner.lifecycle().end(f.db, f.scope, f.resource, f.timer.due_ms);
  return false;  // the application is gone, not in another status
}

// clang-format off
// The whole application lifecycle; DELETING ends with the application gone.
constexpr Transition<A, E> kRows[] = {
    // from          event          to             StatusReason
    {A::Initialized, E::Processing, A::Processing, R::Clear},
    {A::Initialized, E::Fail,       A::Error,      R::FromEvent},
    {A::Processing,  E::Ready,      A::Ready,      R::Clear},
    {A::Processing,  E::Fail,       A::Error,      R::FromEvent},
    {A::Ready,       E::Fail,       A::Error,      R::FromEvent},
    {A::Ready,       E::Delete,     A::Deleting,   R::Clear},
    {A::Error,       E::Delete,     A::Deleting,   R::Clear},
};

constexpr StatusTimer<ApplicationMachine> kTimers[] = {
    {A::Initialized, T::Processing, "initializedSeconds"},
    {A::Processing,  T::Ready,      "processingSeconds"},
    {A::Deleting,    T::Deleted,    "deletingSeconds"},
};

constexpr TimerEventRow<ApplicationMachine> kTimerEvents[] = {
    {T::Processing, "processing", E::Processing},
    {T::Ready,      "ready",      E::Ready},
    {T::Deleted,    "deleted",    E::Delete, Cause::Timer, delete_now},
};
// clang-format on

}  // namespace

const LifecycleTables<ApplicationMachine> ApplicationMachine::kTables = {
    gls::kRows, gls::kTimers, {}, {}, gls::kTimerEvents};

std::string_view to_string(ApplicationEvent e) {
  switch (e) {
    case E::Processing: return "processing";
    case E::Ready: return "ready";
    case E::Fail: return "fail";
    case E::Delete: return "DeleteApplication";
  }
  return "?";
}

int64_t ApplicationMachine::duration_ms(Core& core, Store& db, const Scope& scope, const Application& a,
                                        std::string_view name) {
  return core.duration_ms(db, scope, "application", a.id, name);
}

void ApplicationMachine::save(Store& db, const Scope& scope, const Application& a, int64_t) {
  repo::update_application(db, scope, a);
}

void ApplicationMachine::erase(Core&, Store& db, const Scope& scope, Application& a) {
  repo::delete_application(db, scope, a.id);
  tags::remove_all(db, scope, application_arn(scope, a.id));
}

template <class F>
void ApplicationMachine::visit(Core&, Store& db, const Scope& scope, std::string_view key, F&& f) {
  if (auto a = repo::find_application(db, scope, key)) f(*a);
}

template class Lifecycle<ApplicationMachine>;

}  // namespace gls
