#include "http/outside_holds.hpp"

namespace gls {

OutsideHolds::Token OutsideHolds::take() {
  {
    std::lock_guard lock(mu_);
    ++held_;
  }
  return Token(nullptr, [self = shared_from_this()](void*) { self->let_go(); });
}

void OutsideHolds::let_go() {
  {
    std::lock_guard lock(mu_);
    --held_;
  }
  changed_.notify_all();
}

bool OutsideHolds::wait_released(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return changed_.wait_until(lock, deadline, [&] { return held_ == 0; });
}

bool OutsideHolds::enter() {
  std::lock_guard lock(mu_);
  if (fenced_) return false;
  ++inside_;
  return true;
}

void OutsideHolds::leave() {
  {
    std::lock_guard lock(mu_);
    --inside_;
  }
  changed_.notify_all();
}

void OutsideHolds::fence() {
  stop_sending();
  std::unique_lock lock(mu_);
  fenced_ = true;
  changed_.wait(lock, [&] { return inside_ == 0; });
}

}  // namespace gls
