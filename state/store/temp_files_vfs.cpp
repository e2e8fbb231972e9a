#include "state/store/temp_files_vfs.hpp"

#include <cstdint>
#include <cstdio>

namespace gls {

// A temporary file's name lives after the base VFS's file object, as long
// as the file: the base keeps a pointer to the name it was opened by.
TempFilesBeside::TempFilesBeside(const std::string& path)
    : base_(sqlite3_vfs_find(nullptr)),
      prefix_(path + "-tmp-"),
      vfs_(base_, "gls-temp-beside", this, &TempFilesBeside::open, base_->szOsFile + base_->mxPathname + 2) {}

int TempFilesBeside::open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  const auto* self = static_cast<const TempFilesBeside*>(vfs->pAppData);
  sqlite3_vfs* base = self->base_;
  if (name) return base->xOpen(base, name, file, flags, out_flags);
  // A temporary file (SQLite asks for one by passing no name): named here,
  // beside the database; the base VFS deletes it as it opens it
  // (SQLITE_OPEN_DELETEONCLOSE).
  char* slot = reinterpret_cast<char*>(file) + base->szOsFile;
  const size_t room = static_cast<size_t>(base->mxPathname) + 2;
  uint64_t random = 0;
  sqlite3_randomness(sizeof random, &random);
  const int n = std::snprintf(slot, room, "%s%016llx", self->prefix_.c_str(), static_cast<unsigned long long>(random));
  if (n < 0 || static_cast<size_t>(n) + 2 > room) return SQLITE_CANTOPEN;
  slot[n + 1] = '\0';  // a name SQLite made would end in two NULs (sqlite3_uri_parameter reads past the first)
  return base->xOpen(base, slot, file, flags | SQLITE_OPEN_DELETEONCLOSE, out_flags);
}

}  // namespace gls
