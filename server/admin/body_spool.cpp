#include "admin/body_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "state/store/store.hpp"

namespace gls {

BodySpool::BodySpool(const Store& store) : BodySpool(store.in_memory() ? std::string() : store.path()) {}

BodySpool::BodySpool(const std::string& database, File how) {
  if (database.empty()) return;
  const std::filesystem::path parent = std::filesystem::path(database).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  if (how == File::Unnamed) {
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ >= 0) return;
  }
  // A file system without O_TMPFILE: a named file, unlinked at once.
  std::string path = database + "-state-body-XXXXXX";
  fd_ = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd_ < 0)
    error_ = "cannot make a temporary file in " + dir + ": " + std::strerror(errno);
  else
    ::unlink(path.c_str());
}

BodySpool::~BodySpool() {
  if (fd_ >= 0) ::close(fd_);
}

bool BodySpool::append(std::string_view bytes) {
  if (!error_.empty()) return false;
  if (fd_ < 0) {
    text_.append(bytes);
    return true;
  }
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = std::string("cannot write to its temporary file: ") + std::strerror(n < 0 ? errno : ENOSPC);
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void BodySpool::show(JsonOutline& document) const {
  document.fd = fd_;
  document.text = fd_ < 0 ? std::string_view(text_) : std::string_view();
}

}  // namespace gls
