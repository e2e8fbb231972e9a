// Where exported session files land: every OutputUri stays below
// <export-dir>/<bucket>/, or is refused.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "state/sessions/export_archive.hpp"

using gls::export_path_segments;
using Segments = std::vector<std::string>;

TEST_CASE("export keys land below their bucket's folder") {
  struct Case {
    const char* uri;
    Segments where;
  };
  for (const Case& c : {
           Case{"s3://bucket/file.zip", {"bucket", "file.zip"}},
           Case{"s3://bucket/a/b/c.zip", {"bucket", "a", "b", "c.zip"}},
           // Empty segments name nothing: a key that looks absolute stays inside.
           Case{"s3://bucket//tmp/x/escape.zip", {"bucket", "tmp", "x", "escape.zip"}},
           Case{"s3://bucket///a//b.zip", {"bucket", "a", "b.zip"}},
           // Percent-escapes are kept as written; only their meaning is checked.
           Case{"s3://bucket/a%2Fb.zip", {"bucket", "a%2Fb.zip"}},
           Case{"s3://b/.hidden.zip", {"b", ".hidden.zip"}},
           Case{"s3://b/...zip", {"b", "...zip"}},
       }) {
    CAPTURE(c.uri);
    auto r = export_path_segments(c.uri);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    CHECK(*r == c.where);
  }
}

TEST_CASE("export keys that would leave, or that name nothing, are refused") {
  for (const char* uri : {"s3://bucket/../x.zip", "s3://bucket/a/../../x.zip", "s3://bucket/./x.zip",
                          "s3://bucket/%2e%2e/x.zip", "s3://bucket/%2E%2e/x.zip", "s3://bucket/.%2E/x.zip",
                          "s3://../x.zip", "s3://./x.zip", "s3://%2e%2e/x.zip", "s3:///tmp/x.zip", "s3://bucket",
                          "s3://bucket/", "s3://bucket//", "s3://", "https://bucket/x.zip", "s3://bucket/a\x01.zip",
                          "s3://bucket/a%00.zip", "s3://bucket/a%0a/x.zip"}) {
    CAPTURE(uri);
    auto r = export_path_segments(uri);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.error().kind == gls::ErrorKind::Validation);
  }
  CHECK_FALSE(export_path_segments("s3://bucket/" + std::string(256, 'a') + ".zip").ok());
}
