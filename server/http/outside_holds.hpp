// What threads other than the I/O threads hold of the transport: a request
// body's tap (BodySource) and the callback that gives a deferred answer
// (DeferredResponse), counted by tokens; a streamed body's sink
// (BodyStream), not counted (an event stream's may be held as long as its
// subscription). The server owns the hand-off's safety itself: once its I/O
// threads have stopped, it ends those bodies, waits (within a bound) for
// the tokens to go, and then fences every holder off, so that no other
// thread reaches a connection, or the io_context, from then on, whatever
// the order in which the program tears down the rest.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace gls {

class OutsideHolds : public std::enable_shared_from_this<OutsideHolds> {
 public:
  // A token for one thing handed to another thread: counted until the last
  // copy goes.
  using Token = std::shared_ptr<void>;
  Token take();

  // Calls `f(strong)` with the object `weak` names, if it still exists and
  // the fence is not up. The reference `f` is given goes before reach()
  // returns, and fence() waits for it: an object destroyed by its going
  // is destroyed before the fence is up.
  template <class T, class F>
  bool reach(const std::weak_ptr<T>& weak, F&& f) {
    if (!enter()) return false;
    struct Leave {
      OutsideHolds* holds;
      ~Leave() { holds->leave(); }
    } leave_after{this};
    auto strong = weak.lock();  // goes before leave_after
    if (strong) f(strong);
    return strong != nullptr;
  }

  // Waits until every token has gone, or `deadline` has passed (false).
  bool wait_released(std::chrono::steady_clock::time_point deadline);
  // The transport sends nothing more from now on (its I/O threads stop):
  // a holder that hands it an answer learns that the answer is dropped.
  void stop_sending() { sending_ = false; }
  bool sending() const { return sending_; }
  // From now on reach() does nothing; returns once no call of it is in
  // progress. Once is enough; later calls return at once.
  void fence();

 private:
  bool enter();
  void leave();
  void let_go();

  std::mutex mu_;
  std::condition_variable changed_;
  size_t held_ = 0;    // tokens alive
  size_t inside_ = 0;  // reach() calls in progress
  bool fenced_ = false;
  std::atomic<bool> sending_{true};
};

}  // namespace gls
