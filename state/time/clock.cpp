#include "state/time/clock.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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

int64_t saturate_to_int64(double value) {
  if (std::isnan(value)) return 0;
  // 2^63 is exactly representable; every double below it converts safely.
  constexpr double kLimit = 9223372036854775808.0;
  if (value >= kLimit) return std::numeric_limits<int64_t>::max();
  if (value <= -kLimit) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

int64_t seconds_to_ms(double seconds) { return saturate_to_int64(std::round(seconds * 1000.0)); }

namespace {
// a + b without overflow.
int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return sum;
}
}  // namespace

int64_t ClockAnchor::project(int64_t wall_now_ms) const {
  if (mode == ClockMode::Manual || wall_now_ms <= wall_ms) return emu_ms;
  return saturating_add(emu_ms, saturate_to_int64(std::floor(static_cast<double>(wall_now_ms - wall_ms) * scale)));
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
    t = saturating_add(t, saturate_to_int64(std::floor(elapsed_ms * scale_)));
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
  reanchor_locked(saturating_add(now_locked(), ms));
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
  if (!(scale >= kMinTimeScale && scale <= kMaxTimeScale))
    return validation("scale must be a number from 0.001 to 1000000");
  std::lock_guard lock(mu_);
  reanchor_locked(now_locked());
  mode_ = mode;
  scale_ = scale;
  return ok();
}

std::chrono::steady_clock::duration VirtualClock::wall_time_until(int64_t due_ms) const {
  std::lock_guard lock(mu_);
  if (mode_ == ClockMode::Manual) return std::chrono::steady_clock::duration::max();
  const int64_t now = now_locked();
  if (due_ms <= now) return std::chrono::steady_clock::duration::zero();
  const double wall_ms = (static_cast<double>(due_ms) - static_cast<double>(now)) / scale_;
  // A wait longer than a year is as good as never: the timer is re-armed
  // whenever the clock or the deadlines change.
  constexpr double kYearMs = 365.0 * 24 * 3600 * 1000;
  if (!(wall_ms < kYearMs)) return std::chrono::hours(24 * 365);
  // Round up so that the timer never fires a hair before the deadline.
  return std::chrono::ceil<std::chrono::steady_clock::duration>(std::chrono::duration<double, std::milli>(wall_ms)) +
         std::chrono::milliseconds(1);
}

}  // namespace gls
