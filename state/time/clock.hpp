// VirtualClock: the emulator's own time.
//
// In `real` mode it runs at `scale` times wall speed from an anchor; in
// `manual` mode it stands still until advanced or set. Either way it never
// goes backwards: advancing by a negative amount or setting an earlier time is
// refused, and a reading is never lower than an earlier one. All times are
// milliseconds since the Unix epoch. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "state/result.hpp"

namespace gls {

enum class ClockMode { Real, Manual };

// How fast the clock may run in real mode, in emulator seconds per wall
// second: slower than this a timer's wall-clock wait would overflow, faster
// there is nothing left to simulate.
inline constexpr double kMinTimeScale = 1e-3;
inline constexpr double kMaxTimeScale = 1e6;

// Milliseconds from a count of seconds that may be anything a double holds
// (NaN included): rounded, and saturated to the range of int64_t rather
// than overflowing.
int64_t seconds_to_ms(double seconds);
// A double clamped into int64_t's range, NaN as 0.
int64_t saturate_to_int64(double value);

std::string_view to_string(ClockMode m);
bool parse_clock_mode(std::string_view s, ClockMode& out);

struct ClockReading {
  int64_t now_ms;
  ClockMode mode;
  double scale;
};

// Where the clock stood at a wall-clock instant: enough to carry on after a
// restart (in real mode, emulator time keeps running while stopped).
struct ClockAnchor {
  int64_t emu_ms;
  int64_t wall_ms;  // system clock
  ClockMode mode;
  double scale;
  // The emulator time this anchor gives at wall time `wall_now_ms`.
  int64_t project(int64_t wall_now_ms) const;
};

class VirtualClock {
 public:
  // Starts at `start_ms` emulator time.
  VirtualClock(ClockMode mode, double scale, int64_t start_ms);

  int64_t now_ms() const;
  ClockReading read() const;
  // The current reading as an anchor (to persist).
  ClockAnchor anchor() const;

  // Moves time forward by `ms` (>= 0) in either mode.
  Status advance(int64_t ms);
  // Jumps to `ms`, which must not be earlier than now.
  Status set(int64_t ms);
  // Changes mode and/or scale (kMinTimeScale..kMaxTimeScale) from now on;
  // time does not jump.
  Status set_mode(ClockMode mode, double scale);

  // Wall-clock time until the emulator reaches `due_ms`; max() when the
  // clock is manual (it will only get there by being advanced).
  std::chrono::steady_clock::duration wall_time_until(int64_t due_ms) const;

  static int64_t wall_now_ms();

 private:
  int64_t now_locked() const;
  void reanchor_locked(int64_t emu_ms);

  mutable std::mutex mu_;
  ClockMode mode_;
  double scale_;
  int64_t anchor_emu_ms_;
  std::chrono::steady_clock::time_point anchor_wall_;
  mutable int64_t last_reading_ms_;
};

}  // namespace gls
