#include "http/timed_socket.hpp"

#include <algorithm>

namespace gls {

TimedSocket::TimedSocket(Socket socket, Clock::duration period)
    // A period of nothing would wake the timer without end.
    : state_(std::make_shared<State>(std::move(socket),
                                     std::max<Clock::duration>(period, std::chrono::milliseconds(1)))) {}

void TimedSocket::expires_at(Clock::time_point deadline) {
  State& s = *state_;
  s.deadline = deadline;
  s.expired = false;
  // A wait already pending for this deadline or an earlier one will do:
  // it compares when it wakes.
  if (deadline < s.armed_for) arm(state_, deadline);
}

void TimedSocket::cancel() {
  boost::system::error_code ignored;
  state_->socket.cancel(ignored);
}

bool TimedSocket::begin() {
  State& s = *state_;
  if (s.expired) return false;
  ++s.in_progress;
  return true;
}

void TimedSocket::arm(const std::shared_ptr<State>& state, Clock::time_point at) {
  State& s = *state;
  s.armed_for = at;
  s.timer.expires_at(at);  // a wait pending for later ends with operation_aborted
  s.timer.async_wait([weak = std::weak_ptr<State>(state)](const boost::system::error_code& ec) { on_timer(weak, ec); });
}

// Every wake compares the deadline as it is now, so a wake that had already
// completed when the timer was armed anew does no harm.
void TimedSocket::on_timer(const std::weak_ptr<State>& weak, const boost::system::error_code& ec) {
  if (ec) return;  // armed anew, or the socket is gone
  const std::shared_ptr<State> s = weak.lock();
  if (!s) return;
  s->armed_for = Clock::time_point::max();
  if (s->deadline == Clock::time_point::max()) return;
  const auto now = Clock::now();
  if (now < s->deadline) {
    // Not yet: wake again by the deadline, and no later than a period from
    // now, so that any deadline expires_after() sets meanwhile is met.
    arm(s, std::min(s->deadline, now + s->period));
    return;
  }
  if (s->in_progress > 0) {
    boost::system::error_code ignored;
    s->socket.close(ignored);  // what is in progress fails
  } else {
    s->expired = true;
  }
}

}  // namespace gls
