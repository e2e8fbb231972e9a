// Exported session files: where ExportStreamSessionFiles puts them, and the
// zip archive written under --export-dir when the session ends.
//
// The archive has the service's layout: application/, profile/ and temp/
// folders with the files the application made, and a manifest.json naming
// the session. It is written to <export-dir>/<bucket>/<key> (a temporary file
// renamed into place, so a reader never sees half an archive).
//
// Confinement: nothing an OutputUri says can put a file outside
// <export-dir>/<bucket>/. Empty key segments (a leading "/", "//") are
// dropped; a "." or ".." segment, also percent-encoded, or a control
// character is refused when the export is requested; and the archive is
// written through directory descriptors opened without following symbolic
// links, so a link planted inside the directory fails the export instead of
// leading out of it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "state/ids.hpp"
#include "state/store/records.hpp"
#include "state/result.hpp"

namespace gls {

// The final OutputUri: a folder URI (ending in "/") gets the service's file
// name YYYYMMDD-HHMMSS-<appId>-<sgId>-<sessionId>.zip, stamped at `at`.
std::string resolve_export_uri(std::string_view output_uri, const StreamSession& s, int64_t at);

// Where an s3://bucket/key URI lands below the export directory: the bucket,
// then the key's non-empty segments. A Validation error names what is wrong.
Result<std::vector<std::string>> export_path_segments(std::string_view output_uri);

Status write_export_archive(const std::string& export_dir, const Scope& scope, const StreamSession& s, int64_t at);

// Minimal stored (uncompressed) zip writing, enough for exports.
class ZipWriter {
 public:
  void add_directory(const std::string& name);  // name ends with "/"
  void add_file(const std::string& name, std::string_view data);
  std::string finish();  // the whole archive

 private:
  struct Entry {
    std::string name;
    uint32_t crc;
    uint32_t size;
    uint32_t offset;
  };
  void add(const std::string& name, std::string_view data);
  std::string out_;
  std::vector<Entry> entries_;
};

}  // namespace gls
