// Response bodies of reads, kept for as long as the store has not changed.
//
// A body is kept under the store's commit sequence read BEFORE the read that
// rendered it began (Store::commit_sequence(), which a commit bumps only once
// its changes are visible). While the sequence still has that value, no
// commit has happened since, so the store holds what the body shows: it is
// served again as it is. Any commit, by any thread, for any reason (an API or
// admin write, a deadline fired by the clock), moves the sequence and makes
// every kept body unusable; the next keep() drops them.
//
// The caller must only ask for a body when no deadline is due or being
// fired (a read would fire it first), and only keep the bodies of reads
// whose answer depends on the store and the key alone. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gls::api {

class RenderCache {
 public:
  // What the kept keys and bodies may take together; past it, all go.
  static constexpr size_t kMaxBytes = 4 * 1024 * 1024;
  static constexpr size_t kMaxBody = 64 * 1024;

  // The body kept for `key` at store version `version`, into `body`.
  bool find(uint64_t version, std::string_view key, std::string& body) {
    std::lock_guard lock(mu_);
    if (version != version_) return false;
    auto it = bodies_.find(key);
    if (it == bodies_.end()) return false;
    body = it->second;
    return true;
  }

  // Keeps `body` for `key`, rendered from the store as it was at `version`
  // or later. A body older than what is kept is dropped.
  void keep(uint64_t version, std::string_view key, std::string_view body) {
    if (body.size() > kMaxBody) return;
    std::lock_guard lock(mu_);
    if (version < version_) return;
    const size_t size = key.size() + body.size();
    if (version > version_ || bytes_ + size > kMaxBytes) {
      bodies_.clear();
      bytes_ = 0;
      version_ = version;
    }
    auto [it, added] = bodies_.try_emplace(std::string(key));
    if (!added) bytes_ -= it->first.size() + it->second.size();
    it->second.assign(body);
    bytes_ += size;
  }

  size_t size() {
    std::lock_guard lock(mu_);
    return bodies_.size();
  }
  size_t bytes() {
    std::lock_guard lock(mu_);
    return bytes_;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::mutex mu_;
  uint64_t version_ = 0;
  size_t bytes_ = 0;  // of the keys and bodies kept
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> bodies_;
};

}  // namespace gls::api
