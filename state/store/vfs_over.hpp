// A VFS of the emulator's own, over another: the base VFS's in everything
// but how it opens files, registered under a name of its own (never as the
// default), unregistered when this goes.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

namespace gls {

class VfsOver {
 public:
  using Open = int (*)(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags);

  // `open` finds `owner` as vfs->pAppData; SQLite gives each file it opens
  // `file_size` bytes. The name is `kind` and a number of this process.
  VfsOver(sqlite3_vfs* base, std::string_view kind, void* owner, Open open, int file_size);
  // Every connection opened through name() must be closed by then.
  ~VfsOver();
  VfsOver(const VfsOver&) = delete;
  VfsOver& operator=(const VfsOver&) = delete;

  const char* name() const { return name_.c_str(); }

 private:
  sqlite3_vfs vfs_;
  std::string name_;
};

}  // namespace gls
