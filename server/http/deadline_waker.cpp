#include "http/deadline_waker.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "state/emulator.hpp"

namespace gls {

namespace net = boost::asio;

struct DeadlineWaker::Impl : std::enable_shared_from_this<DeadlineWaker::Impl> {
  Impl(net::io_context& io, Emulator& e) : strand(net::make_strand(io)), timer(strand), emu(e) {}

  // On the strand: arm for the scheduler's next deadline (if the clock runs).
  void arm() {
    if (stopped) return;
    const int64_t due = emu.scheduler().next_due();
    if (due == Scheduler::kNever) {
      timer.cancel();
      armed_for = Scheduler::kNever;
      return;
    }
    auto wait = emu.clock().wall_time_until(due);
    if (wait == std::chrono::steady_clock::duration::max()) {  // manual clock
      timer.cancel();
      armed_for = Scheduler::kNever;
      return;
    }
    armed_for = due;
    timer.expires_after(wait);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopped) return;
      self->armed_for = Scheduler::kNever;
      try {
        self->emu.catch_up();
      } catch (const std::exception& e) {
        // (A store that fails now will likely fail again: wait before retrying rather than spin.)
        spdlog::error("firing deadlines failed: {}; trying again in a second", e.what());
        self->timer.expires_after(std::chrono::seconds(1));
        self->timer.async_wait([self](const boost::system::error_code& wec) {
          if (!wec) self->arm();
        });
        return;
      }
      self->arm();
    });
  }

  net::strand<net::io_context::executor_type> strand;
  net::steady_timer timer;
  Emulator& emu;
  int64_t armed_for = Scheduler::kNever;
  bool stopped = false;
};

DeadlineWaker::DeadlineWaker(net::io_context& io, Emulator& emu) : impl_(std::make_shared<Impl>(io, emu)) {}

DeadlineWaker::~DeadlineWaker() {
  impl_->emu.scheduler().set_listener(nullptr);
}

void DeadlineWaker::start() {
  std::weak_ptr<Impl> weak = impl_;
  impl_->emu.scheduler().set_listener([weak](int64_t) {
    // Called inside store transactions: only hand over to the strand.
    if (auto self = weak.lock()) net::post(self->strand, [self] { self->arm(); });
  });
  net::post(impl_->strand, [self = impl_] { self->arm(); });
}

void DeadlineWaker::stop() {
  net::post(impl_->strand, [self = impl_] {
    self->stopped = true;
    self->timer.cancel();
  });
}

}  // namespace gls
