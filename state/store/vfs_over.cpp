#include "state/store/vfs_over.hpp"

#include <atomic>
#include <cstdint>

namespace gls {

VfsOver::VfsOver(sqlite3_vfs* base, std::string_view kind, void* owner, Open open, int file_size) {
  static std::atomic<uint64_t> next{1};
  name_ = std::string(kind) + "-" + std::to_string(next.fetch_add(1));
  vfs_ = *base;
  vfs_.pNext = nullptr;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = owner;
  vfs_.xOpen = open;
  vfs_.szOsFile = file_size;
  sqlite3_vfs_register(&vfs_, 0);
}

VfsOver::~VfsOver() { sqlite3_vfs_unregister(&vfs_); }

}  // namespace gls
