#include "state/export_archive.hpp"

#include <boost/crc.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>

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

}  // namespace

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
  namespace fs = std::filesystem;
  const std::string& uri = *s.export_uri;
  constexpr std::string_view prefix = "s3://";
  if (uri.rfind(prefix, 0) != 0) return internal("the export URI is not an S3 URI: " + uri);
  std::string rest = uri.substr(prefix.size());
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0) return internal("the export URI names no object: " + uri);
  fs::path relative = fs::path(rest.substr(0, slash)) / rest.substr(slash + 1);
  for (const auto& part : relative)
    if (part == ".." || part == ".") return internal("the export URI may not contain . or .. segments: " + uri);
  fs::path target = fs::path(export_dir) / relative;

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
  std::string bytes = zip.finish();

  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return internal("cannot create " + target.parent_path().string() + ": " + ec.message());
  fs::path tmp = target;
  tmp += ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return internal("cannot write " + tmp.string());
  }
  fs::rename(tmp, target, ec);
  if (ec) return internal("cannot move the export into place at " + target.string() + ": " + ec.message());
  return ok();
}

}  // namespace gls
