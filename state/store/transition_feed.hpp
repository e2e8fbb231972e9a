// The feed of status transitions: who hears about a resource changing status.
//
// repo::record_transition stages every transition it writes to the history;
// the store hands the staged transitions to the listeners only once the
// transaction that wrote them has committed (for a batch of transactions,
// once the batch has), and drops them when it rolls back (only those of a
// savepoint rolled back alone), so a listener never hears of a change that
// did not happen.
//
// Guarantees:
// - Listeners hear committed transitions in commit order, each transaction's
//   transitions in the order they were recorded (the store lock is held
//   while they are told, so two commits never interleave).
// - A listener must be quick and must not use the store; it may run on any
//   thread. subscribe/unsubscribe are safe from any thread, but not from
//   inside a listener.
#pragma once

#include "state/listeners.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "state/ids.hpp"

namespace gls {

struct TransitionEvent {
  Scope scope;
  std::string kind;      // "streamsession", "application", ...
  std::string resource;  // e.g. "sg-1AB2C3De4/ABC123def4567"
  std::optional<std::string> from;
  std::string to;
  std::optional<std::string> reason;
  std::string cause;  // api, timer, admin, fault
  int64_t time_ms = 0;
};

class TransitionFeed {
 public:
  using Listener = std::function<void(const std::vector<TransitionEvent>& committed)>;

  TransitionFeed() = default;
  TransitionFeed(const TransitionFeed&) = delete;
  TransitionFeed& operator=(const TransitionFeed&) = delete;

  // Returns a handle for unsubscribe().
  int subscribe(Listener listener) { return listeners_.add(std::move(listener)); }
  void unsubscribe(int handle) { listeners_.remove(handle); }

  // Called by the store, under its lock: a transition written in the
  // transaction in progress, that transaction's commit, its rollback; and,
  // for a savepoint inside a batch of transactions, how many were staged
  // before it began and dropping those staged since.
  void stage(TransitionEvent event);
  // Whether stage() keeps anything: the caller need not build an event otherwise.
  bool listened() const { return listeners_.any(); }
  void committed();
  void rolled_back() { staged_.clear(); }
  size_t staged() const { return staged_.size(); }
  void rolled_back_to(size_t staged) {
    if (staged < staged_.size()) staged_.erase(staged_.begin() + static_cast<std::ptrdiff_t>(staged), staged_.end());
  }

 private:
  std::vector<TransitionEvent> staged_;  // guarded by the store lock
  // Nothing is staged while nobody listens; the transitions have happened,
  // so a listener that fails only misses them.
  Listeners<const std::vector<TransitionEvent>&> listeners_{"a transition listener"};
};

}  // namespace gls
