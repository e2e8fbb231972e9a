// Where a restore's body (PUT /_gls/state) is kept while it arrives and
// until it is loaded. The emulator writes only where it was told: with a
// file database, in an unlinked file in the database's directory (gone once
// closed); with ":memory:", which names no place, in memory (as large as
// --state-body-limit lets a body be).
#pragma once

#include <string>
#include <string_view>

#include "admin/json_outline.hpp"

namespace gls {

class Store;

class BodySpool {
 public:
  // How the file beside the database is made: Unnamed (O_TMPFILE), falling
  // back to Named where the file system has no O_TMPFILE; Named makes a
  // named file (mkostemp) and unlinks it at once.
  enum class File { Unnamed, Named };

  // Beside the store's database, or in memory for ":memory:".
  explicit BodySpool(const Store& store);
  // Beside the database file `database` (its directory), or in memory when
  // `database` is empty.
  explicit BodySpool(const std::string& database, File how = File::Unnamed);
  ~BodySpool();
  BodySpool(const BodySpool&) = delete;
  BodySpool& operator=(const BodySpool&) = delete;

  // Why the body cannot be kept (what failed, and the system's reason);
  // empty while it can.
  const std::string& error() const { return error_; }
  // Keeps the bytes after those kept so far; false once they cannot be.
  bool append(std::string_view bytes);
  // Points the outline at the body kept so far; it must not outlive this.
  void show(JsonOutline& document) const;

 private:
  int fd_ = -1;  // the file's, else the body is in text_
  std::string text_;
  std::string error_;
};

}  // namespace gls
