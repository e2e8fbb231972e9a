// A connection's socket and the one deadline its reads and writes must meet,
// with beast::tcp_stream's rules: the deadline applies to the operations in
// progress and to those started later; when it passes while one is in
// progress, the socket is closed and they fail; when it passes while none
// is, the next one fails at once, unless a new deadline is set first.
//
// Unlike tcp_stream, which arms and cancels a timer around every read and
// write, this one checks lazily: setting the deadline is a clock read and a
// store, and the connection's one timer wakes when the deadline it was armed
// for comes, then compares. A deadline set by expires_after() with at least
// `period` to go never needs an earlier wake, so a busy connection arms its
// timer about once a period rather than twice a request.
//
// Used on the connection's I/O thread only; a completion handler given to it
// must keep the TimedSocket alive until it is called (the connection's
// handlers hold the connection).
#pragma once

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>

namespace gls {

class TimedSocket {
 public:
  using executor_type = boost::asio::io_context::executor_type;
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, executor_type>;
  using Clock = std::chrono::steady_clock;

  // `period`: the shortest timeout given to expires_after(); shorter ones,
  // and expires_at(), still hold, at the cost of arming the timer anew.
  TimedSocket(Socket socket, Clock::duration period);
  TimedSocket(const TimedSocket&) = delete;
  TimedSocket& operator=(const TimedSocket&) = delete;

  executor_type get_executor() { return state_->socket.get_executor(); }
  Socket& socket() { return state_->socket; }

  void expires_after(Clock::duration timeout) { expires_at(Clock::now() + timeout); }
  void expires_at(Clock::time_point deadline);
  void expires_never() { expires_at(Clock::time_point::max()); }
  // The read and the write in progress end with operation_aborted.
  void cancel();

  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    if (!begin()) return fail(std::forward<Handler>(handler));
    state_->socket.async_read_some(buffers, finishing(std::forward<Handler>(handler)));
  }

  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    if (!begin()) return fail(std::forward<Handler>(handler));
    state_->socket.async_write_some(buffers, finishing(std::forward<Handler>(handler)));
  }

 private:
  using Timer = boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, executor_type>;
  // Shared with the timer's wait, which holds it weakly: a wait that has
  // already completed when the connection goes finds nothing to touch.
  struct State {
    State(Socket s, Clock::duration p) : socket(std::move(s)), timer(socket.get_executor()), period(p) {}
    Socket socket;
    Timer timer;
    const Clock::duration period;
    Clock::time_point deadline = Clock::time_point::max();
    // When the wait counted on wakes; max when none is.
    Clock::time_point armed_for = Clock::time_point::max();
    // Reads and writes started and not yet completed.
    int in_progress = 0;
    // The deadline passed with none in progress.
    bool expired = false;
  };

  // Whether an operation may start; counts it when it may.
  bool begin();
  static void arm(const std::shared_ptr<State>& state, Clock::time_point at);
  static void on_timer(const std::weak_ptr<State>& weak, const boost::system::error_code& ec);

  template <class Handler>
  auto finishing(Handler&& handler) {
    return [state = state_.get(), h = std::forward<Handler>(handler)](const boost::system::error_code& ec,
                                                                      std::size_t n) mutable {
      --state->in_progress;
      h(ec, n);
    };
  }

  template <class Handler>
  void fail(Handler&& handler) {
    boost::asio::post(get_executor(), [h = std::forward<Handler>(handler)]() mutable {
      h(boost::beast::error::timeout, std::size_t{0});
    });
  }

  std::shared_ptr<State> state_;
};

}  // namespace gls
