#include "state/store/transition_feed.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace gls {

int TransitionFeed::subscribe(Listener listener) {
  std::lock_guard lock(mu_);
  int handle = next_handle_++;
  listeners_.emplace_back(handle, std::move(listener));
  listening_ = listeners_.size();
  return handle;
}

void TransitionFeed::unsubscribe(int handle) {
  std::lock_guard lock(mu_);
  std::erase_if(listeners_, [handle](const auto& l) { return l.first == handle; });
  listening_ = listeners_.size();
}

void TransitionFeed::stage(TransitionEvent event) {
  if (listening_.load(std::memory_order_relaxed) > 0) staged_.push_back(std::move(event));
}

void TransitionFeed::committed() {
  if (staged_.empty()) return;
  std::vector<TransitionEvent> batch;
  batch.swap(staged_);
  std::lock_guard lock(mu_);
  for (auto& [handle, listener] : listeners_) {
    try {
      listener(batch);
    } catch (const std::exception& e) {
      // The transitions have happened; a listener that fails only misses them.
      spdlog::error("a transition listener failed: {}", e.what());
    }
  }
}

}  // namespace gls
