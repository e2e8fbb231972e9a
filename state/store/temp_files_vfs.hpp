// Where SQLite's temporary files of a file database go.
//
// The writer keeps a transaction's sub-journal (the pages a savepoint or a
// statement may have to put back) in memory up to a bound, then in a file;
// a sort too large for its cache also goes to a file. SQLite puts such
// files in the system's temporary directory; the emulator writes only where
// it was told, so a database opened through this VFS has them in its own
// directory instead, unlinked as soon as they are open (they are never
// seen, and vanish with the process). Everything else is the default VFS's.
#pragma once

#include <sqlite3.h>

#include <string>

#include "state/store/vfs_over.hpp"

namespace gls {

class TempFilesBeside {
 public:
  // Registers a VFS, under a name of its own, for the database at `path`.
  // It is unregistered with this: every connection opened through name()
  // must be closed by then.
  explicit TempFilesBeside(const std::string& path);

  // The name to open connections with (sqlite3_open_v2's zVfs).
  const char* name() const { return vfs_.name(); }

 private:
  static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags);

  sqlite3_vfs* base_;
  std::string prefix_;  // "<database path>-tmp-", as its WAL is "<database path>-wal"
  VfsOver vfs_;
};

}  // namespace gls
