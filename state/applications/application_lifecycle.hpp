// The application lifecycle, as data for the lifecycle engine
// (state/lifecycle/lifecycle.hpp); the tables are in application_lifecycle.cpp.
//
// INITIALIZED -> PROCESSING -> READY on the emulator's clock; ERROR through
// the admin API; DELETING (DeleteApplication), then gone.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "state/lifecycle/lifecycle.hpp"
#include "state/store/records.hpp"

namespace gls {

class Applications;

enum class ApplicationEvent { Processing, Ready, Fail, Delete };
std::string_view to_string(ApplicationEvent e);

enum class ApplicationTimer { Processing, Ready, Deleted };

struct ApplicationMachine : RecordSpec<Application, ApplicationStatus, ApplicationEvent, ApplicationTimer> {
  using Owner = Applications;
  static constexpr std::string_view kKind = "application";
  static constexpr std::string_view kGone = "DELETED";  // what the history shows once it is gone

  static const LifecycleTables<ApplicationMachine> kTables;

  static std::string key(const Application& a) { return a.id; }
  static std::string describe(const Application& a) { return "Application " + a.id; }
  static int64_t duration_ms(Core& core, Store& db, const Scope& scope, const Application& a,
                             std::string_view name);
  static void save(Store& db, const Scope& scope, const Application& a, int64_t at);
  static void erase(Core& core, Store& db, const Scope& scope, Application& a);
  template <class F>
  static void visit(Core& core, Store& db, const Scope& scope, std::string_view key, F&& f);
};

using ApplicationLifecycle = Lifecycle<ApplicationMachine>;

extern template class Lifecycle<ApplicationMachine>;  // instantiated with its tables

}  // namespace gls
