// Fires the scheduler's deadlines as they fall due while the clock runs in
// real mode, without polling: one timer, armed for the earliest pending
// deadline and re-armed whenever an earlier one appears. In manual mode it
// sleeps: time only moves when the admin API moves it.
//
// Reads never depend on it (every transaction fires what is due first); it
// makes transitions happen on time for observers such as --auto-connect
// chains and the event stream.
#pragma once

#include <cstdint>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace gls {

class Emulator;

class DeadlineWaker {
 public:
  DeadlineWaker(boost::asio::io_context& io, Emulator& emu);
  ~DeadlineWaker();
  DeadlineWaker(const DeadlineWaker&) = delete;
  DeadlineWaker& operator=(const DeadlineWaker&) = delete;

  // Starts listening to the scheduler and arms for its next deadline.
  void start();
  // Cancels the timer; safe from any thread.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gls
