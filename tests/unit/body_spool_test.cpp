// Where a restore's body is kept while it arrives: an unlinked file beside
// the database (O_TMPFILE, or a named file unlinked at once where the file
// system has none), or memory for ":memory:". No way leaves a file behind.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "admin/body_spool.hpp"
#include "tests/unit/temp_dir.hpp"

namespace fs = std::filesystem;
using gls::BodySpool;
using gls::test::TempDir;

namespace {

// What the spool holds, read back as the loader reads it.
std::string kept(const BodySpool& spool) {
  gls::JsonOutline outline;
  spool.show(outline);
  if (outline.fd < 0) return std::string(outline.text);
  std::string text;
  char buf[4096];
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(outline.fd, buf, sizeof buf, at);
    REQUIRE(n >= 0);
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
    at += n;
  }
}

}  // namespace

TEST_CASE("BodySpool: a file beside the database, unlinked while open, gone once closed") {
  for (BodySpool::File how : {BodySpool::File::Unnamed, BodySpool::File::Named}) {
    CAPTURE(static_cast<int>(how));
    TempDir dir;
    {
      BodySpool spool((dir.path / "state.db").string(), how);
      REQUIRE(spool.error().empty());
      const std::string piece(100'000, 'x');
      CHECK(spool.append("{\"a\": \""));
      CHECK(spool.append(piece));
      CHECK(spool.append("\"}"));
      CHECK(kept(spool) == "{\"a\": \"" + piece + "\"}");
      // Nothing in the directory even while it is open: no name to leave behind.
      CHECK(dir.empty());
      gls::JsonOutline outline;
      spool.show(outline);
      CHECK(outline.fd >= 0);
      const fs::path target = fs::read_symlink("/proc/self/fd/" + std::to_string(outline.fd));
      CHECK(target.parent_path() == fs::canonical(dir.path));
    }
    CHECK(dir.empty());
  }
}

TEST_CASE("BodySpool: in memory for a database that names no place") {
  BodySpool spool(std::string{});
  CHECK(spool.append("{}"));
  gls::JsonOutline outline;
  spool.show(outline);
  CHECK(outline.fd == -1);
  CHECK(kept(spool) == "{}");
}

TEST_CASE("BodySpool: a directory it cannot write in says so, and takes nothing") {
  TempDir dir;
  for (BodySpool::File how : {BodySpool::File::Unnamed, BodySpool::File::Named}) {
    BodySpool spool((dir.path / "missing" / "state.db").string(), how);
    CHECK(spool.error().find("cannot make a temporary file in " + (dir.path / "missing").string()) == 0);
    CHECK(spool.error().find("No such file or directory") != std::string::npos);
    CHECK_FALSE(spool.append("{}"));
  }
  CHECK(dir.empty());
}
