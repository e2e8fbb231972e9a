// Declarations of the state layer's shared parts, for headers that only
// refer to them (as <iosfwd> does for streams).
#pragma once

namespace gls {

class Cascades;      // state/cascades.hpp
class Core;          // state/core.hpp
class IdGenerator;   // state/ids.hpp
class SessionLifecycle;  // state/sessions/session_lifecycle.hpp
class Store;         // state/store/store.hpp
struct Timer;        // state/time/scheduler.hpp

}  // namespace gls
