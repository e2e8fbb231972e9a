// The emulator: the Core (store, clock, scheduler, IDs, durations) with the
// domain wired on it, once: one object per kind of resource and the
// cascades between them. The server layer reaches the domain through it;
// the domain objects themselves get only what they use.
#pragma once

#include <memory>

#include "state/applications/applications.hpp"
#include "state/cascades.hpp"
#include "state/core.hpp"
#include "state/sessions/session_lifecycle.hpp"
#include "state/sessions/stream_sessions.hpp"
#include "state/stream_groups/stream_groups.hpp"
#include "state/stream_urls/stream_urls.hpp"
#include "state/tags/tags.hpp"

namespace gls {

class Emulator : public Core {
 public:
  Emulator(std::unique_ptr<Store> store, EmulatorConfig config);

  StreamSessions& sessions() { return sessions_; }
  Applications& applications() { return applications_; }
  StreamGroups& stream_groups() { return stream_groups_; }
  StreamUrls& stream_urls() { return stream_urls_; }
  Tags& tags() { return tags_; }
  SessionLifecycle& session_lifecycle() { return session_lifecycle_; }
  Cascades& cascades() { return cascades_; }

  // How sessions' offers are answered: live peers (set_stream_peers; the
  // default answers every offer inertly) and the protocol script's origin.
  SessionSignalling& signalling() { return session_lifecycle_.signalling(); }
  void set_stream_peers(std::shared_ptr<StreamPeers> peers) { signalling().set_peers(std::move(peers)); }
  // Core::wipe, and every live peer closes with the sessions it served.
  void wipe() {
    Core::wipe();
    signalling().peers()->close_all();
  }

 private:
  Core& core() { return *this; }

  // The cascades refer to domain objects declared after them; they use
  // none of them while being built.
  Cascades cascades_{sessions_, session_lifecycle_, stream_urls_};
  SessionLifecycle session_lifecycle_{core(), cascades_};
  StreamSessions sessions_{core(), session_lifecycle_};
  Applications applications_{core(), cascades_};
  StreamGroups stream_groups_{core(), cascades_};
  StreamUrls stream_urls_{core(), cascades_};
  Tags tags_{core()};
};

}  // namespace gls
