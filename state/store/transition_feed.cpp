#include "state/store/transition_feed.hpp"

#include <algorithm>

namespace gls {

void TransitionFeed::stage(TransitionEvent event) {
  if (listeners_.any()) staged_.push_back(std::move(event));
}

void TransitionFeed::committed() {
  if (staged_.empty()) return;
  std::vector<TransitionEvent> batch;
  batch.swap(staged_);
  listeners_.notify(batch);
}

}  // namespace gls
