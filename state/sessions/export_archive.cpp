#include "state/sessions/export_archive.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

namespace gls {

namespace {

std::string utc(int64_t ms, const char* format) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

void put16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& s, uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}

// DOS date and time of 1 January 2020, 00:00: zip timestamps are not the
// point of an export, and a fixed one keeps archives reproducible.
constexpr uint32_t kDosTime = 0;
constexpr uint32_t kDosDate = ((2020 - 1980) << 9) | (1 << 5) | 1;

// Decodes %XX escapes (leaving malformed ones as they are): enough to see
// what a segment would mean to a tool that decodes it.
std::string percent_decoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// A descriptor that closes itself.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Result<std::vector<std::string>> export_path_segments(std::string_view uri) {
  constexpr std::string_view prefix = "s3://";
  if (uri.rfind(prefix, 0) != 0) return validation("OutputUri must be an S3 URI such as s3://bucket/folder/");
  std::vector<std::string> segments;  // the bucket, then the key's segments
  std::string_view rest = uri.substr(prefix.size());
  bool first = true;
  while (!rest.empty() || first) {
    const size_t next = rest.find('/');
    const std::string_view segment = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    if (first && segment.empty()) return validation("OutputUri names no bucket: " + std::string(uri));
    first = false;
    if (segment.empty()) continue;  // "//" and a leading "/" of the key name nothing
    const std::string decoded = percent_decoded(segment);
    if (decoded == "." || decoded == ".." || segment == "." || segment == "..")
      return validation("OutputUri may not contain a '.' or '..' segment: " + std::string(uri));
    for (unsigned char c : decoded)
      if (c < 0x20 || c == 0x7F) return validation("OutputUri may not contain control characters");
    if (segment.size() > 255) return validation("OutputUri has a segment longer than 255 characters");
    segments.emplace_back(segment);
  }
  if (segments.size() < 2) return validation("OutputUri names a bucket but no object: " + std::string(uri));
  return segments;
}

std::string resolve_export_uri(std::string_view output_uri, const StreamSession& s, int64_t at) {
  std::string uri(output_uri);
  if (!uri.empty() && uri.back() == '/')
    uri += utc(at, "%Y%m%d-%H%M%S") + "-" + s.app_id + "-" + s.group_id + "-" + s.id + ".zip";
  return uri;
}

void ZipWriter::add(const std::string& name, std::string_view data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  Entry e{name, crc.checksum(), static_cast<uint32_t>(data.size()), static_cast<uint32_t>(out_.size())};
  put32(out_, 0x04034b50);
  put16(out_, 20);  // version needed
  put16(out_, 0);   // flags
  put16(out_, 0);   // stored
  put16(out_, kDosTime);
  put16(out_, kDosDate);
  put32(out_, e.crc);
  put32(out_, e.size);
  put32(out_, e.size);
  put16(out_, static_cast<uint32_t>(name.size()));
  put16(out_, 0);
  out_ += name;
  out_.append(data.data(), data.size());
  entries_.push_back(std::move(e));
}

void ZipWriter::add_directory(const std::string& name) { add(name, {}); }
void ZipWriter::add_file(const std::string& name, std::string_view data) { add(name, data); }

std::string ZipWriter::finish() {
  const auto cd_offset = static_cast<uint32_t>(out_.size());
  for (const Entry& e : entries_) {
    put32(out_, 0x02014b50);
    put16(out_, 20);  // version made by
    put16(out_, 20);  // version needed
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, kDosTime);
    put16(out_, kDosDate);
    put32(out_, e.crc);
    put32(out_, e.size);
    put32(out_, e.size);
    put16(out_, static_cast<uint32_t>(e.name.size()));
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, 0);
    put32(out_, e.name.back() == '/' ? 0x10 : 0);  // MS-DOS directory attribute
    put32(out_, e.offset);
    out_ += e.name;
  }
  const auto cd_size = static_cast<uint32_t>(out_.size()) - cd_offset;
  put32(out_, 0x06054b50);
  put16(out_, 0);
  put16(out_, 0);
  put16(out_, static_cast<uint32_t>(entries_.size()));
  put16(out_, static_cast<uint32_t>(entries_.size()));
  put32(out_, cd_size);
  put32(out_, cd_offset);
  put16(out_, 0);
  return std::move(out_);
}

Status write_export_archive(const std::string& export_dir, const Scope& scope, const StreamSession& s, int64_t at) {
  const std::string& uri = *s.export_uri;
  auto segments = export_path_segments(uri);
  if (!segments) return internal("the export URI cannot be written: " + segments.error().message);

  const std::string session_arn = stream_session_arn(scope, s.group_id, s.id);
  const std::string when = utc(at, "%Y-%m-%dT%H:%M:%SZ");
  ZipWriter zip;
  zip.add_directory("application/");
  zip.add_directory("application/logs/");
  zip.add_file("application/logs/application.log",
               when + " INFO stream session " + s.id + " of application " + s.app_id + " ended (" +
                   s.status_reason.value_or("apiTerminated") + ")\n");
  zip.add_directory("profile/");
  zip.add_file("profile/settings.json", "{\"userId\":\"" + s.user_id.value_or("") + "\"}\n");
  zip.add_directory("temp/");
  zip.add_file("manifest.json",
               "{\"streamSessionArn\":\"" + session_arn + "\",\"applicationArn\":\"" + application_arn(scope, s.app_id) +
                   "\",\"streamGroupArn\":\"" + stream_group_arn(scope, s.group_id) + "\",\"exportedAt\":\"" + when +
                   "\",\"folders\":[\"application/\",\"profile/\",\"temp/\"]}\n");
  const std::string bytes = zip.finish();

  // Down from the export directory one segment at a time, never through a
  // symbolic link: what is opened is what the names say, inside the directory.
  Fd dir(::open(export_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0) return internal("cannot open the export directory " + export_dir + ": " + errno_text());
  std::string where = export_dir;
  const std::vector<std::string>& parts = *segments;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    where += "/" + parts[i];
    if (::mkdirat(dir.fd, parts[i].c_str(), 0755) != 0 && errno != EEXIST)
      return internal("cannot create " + where + ": " + errno_text());
    Fd next(::openat(dir.fd, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (next.fd < 0) {
      const std::string why = errno_text();
      struct stat st {};
      const bool link = ::fstatat(dir.fd, parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
      return internal("cannot write the export under " + where + ": " +
                      (link ? std::string("it is a symbolic link, which exports never follow") : why));
    }
    dir = std::move(next);
  }
  const std::string& name = parts.back();
  const std::string tmp = "." + name + ".partial";
  {
    Fd out(::openat(dir.fd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (out.fd < 0) return internal("cannot write " + where + "/" + tmp + ": " + errno_text());
    size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = ::write(out.fd, bytes.data() + written, bytes.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return internal("cannot write " + where + "/" + tmp + ": " + errno_text());
      written += static_cast<size_t>(n);
    }
  }
  // rename() replaces a link at the target itself, never what it points to.
  if (::renameat(dir.fd, tmp.c_str(), dir.fd, name.c_str()) != 0)
    return internal("cannot move the export into place at " + where + "/" + name + ": " + errno_text());
  return ok();
}

}  // namespace gls
