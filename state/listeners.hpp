// A set of listeners that can be added and removed from any thread and are
// told of something in the order they were added. A listener that throws
// misses that one notice; the others still hear it.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace gls {

// Logs a listener's failure (in listeners.cpp, to keep spdlog out of headers).
void report_listener_failure(std::string_view what, const std::exception& e);

template <class... Args>
class Listeners {
 public:
  using Listener = std::function<void(Args...)>;

  // `what` names them in logs ("a transition listener").
  explicit Listeners(std::string_view what) : what_(what) {}

  // Returns a handle for remove().
  int add(Listener listener) {
    std::lock_guard lock(mu_);
    const int handle = next_handle_++;
    listeners_.emplace_back(handle, std::move(listener));
    count_ = listeners_.size();
    return handle;
  }

  void remove(int handle) {
    std::lock_guard lock(mu_);
    std::erase_if(listeners_, [handle](const auto& l) { return l.first == handle; });
    count_ = listeners_.size();
  }

  // Whether anyone listens, without taking the lock.
  bool any() const { return count_.load(std::memory_order_relaxed) > 0; }

  void notify(Args... args) {
    std::lock_guard lock(mu_);
    for (auto& [handle, listener] : listeners_) {
      try {
        listener(args...);
      } catch (const std::exception& e) {
        report_listener_failure(what_, e);
      }
    }
  }

 private:
  std::string_view what_;
  std::mutex mu_;
  std::vector<std::pair<int, Listener>> listeners_;
  std::atomic<size_t> count_{0};
  int next_handle_ = 1;
};

}  // namespace gls
