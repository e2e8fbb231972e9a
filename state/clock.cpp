#include "state/clock.hpp"

#include <algorithm>
#include <cmath>

namespace gls {

std::string_view to_string(ClockMode m) { return m == ClockMode::Real ? "real" : "manual"; }

bool parse_clock_mode(std::string_view s, ClockMode& out) {
  if (s == "real") {
    out = ClockMode::Real;
    return true;
  }
  if (s == "manual") {
    out = ClockMode::Manual;
    return true;
  }
  return false;
}

int64_t ClockAnchor::project(int64_t wall_now_ms) const {
  if (mode == ClockMode::Manual || wall_now_ms <= wall_ms) return emu_ms;
  return emu_ms + static_cast<int64_t>(std::floor(static_cast<double>(wall_now_ms - wall_ms) * scale));
}

VirtualClock::VirtualClock(ClockMode mode, double scale, int64_t start_ms)
    : mode_(mode),
      scale_(scale),
      anchor_emu_ms_(start_ms),
      anchor_wall_(std::chrono::steady_clock::now()),
      last_reading_ms_(start_ms) {}

int64_t VirtualClock::wall_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t VirtualClock::now_locked() const {
  int64_t t = anchor_emu_ms_;
  if (mode_ == ClockMode::Real) {
    double elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - anchor_wall_).count();
    t += static_cast<int64_t>(std::floor(elapsed_ms * scale_));
  }
  last_reading_ms_ = std::max(last_reading_ms_, t);
  return last_reading_ms_;
}

void VirtualClock::reanchor_locked(int64_t emu_ms) {
  anchor_emu_ms_ = emu_ms;
  anchor_wall_ = std::chrono::steady_clock::now();
  last_reading_ms_ = std::max(last_reading_ms_, emu_ms);
}

int64_t VirtualClock::now_ms() const {
  std::lock_guard lock(mu_);
  return now_locked();
}

ClockReading VirtualClock::read() const {
  std::lock_guard lock(mu_);
  return {now_locked(), mode_, scale_};
}

ClockAnchor VirtualClock::anchor() const {
  std::lock_guard lock(mu_);
  return {now_locked(), wall_now_ms(), mode_, scale_};
}

Status VirtualClock::advance(int64_t ms) {
  if (ms < 0) return validation("the clock cannot go backwards: advanceSeconds must not be negative");
  std::lock_guard lock(mu_);
  reanchor_locked(now_locked() + ms);
  return ok();
}

Status VirtualClock::set(int64_t ms) {
  std::lock_guard lock(mu_);
  int64_t now = now_locked();
  if (ms < now)
    return validation("the clock cannot go backwards: " + std::to_string(ms / 1000.0) + " is before now (" +
                      std::to_string(now / 1000.0) + ")");
  reanchor_locked(ms);
  return ok();
}

Status VirtualClock::set_mode(ClockMode mode, double scale) {
  if (!(scale > 0) || !std::isfinite(scale) || scale > 1e6)
    return validation("scale must be a number greater than 0 and at most 1000000");
  std::lock_guard lock(mu_);
  reanchor_locked(now_locked());
  mode_ = mode;
  scale_ = scale;
  return ok();
}

std::chrono::steady_clock::duration VirtualClock::wall_time_until(int64_t due_ms) const {
  std::lock_guard lock(mu_);
  if (mode_ == ClockMode::Manual) return std::chrono::steady_clock::duration::max();
  int64_t remaining = due_ms - now_locked();
  if (remaining <= 0) return std::chrono::steady_clock::duration::zero();
  auto wall = std::chrono::duration<double, std::milli>(static_cast<double>(remaining) / scale_);
  // Round up so that the timer never fires a hair before the deadline.
  return std::chrono::ceil<std::chrono::steady_clock::duration>(wall) + std::chrono::milliseconds(1);
}

}  // namespace gls
