// gls-local's side of the stream module (media/stream_module.hpp): at
// start-up it only looks for the module's file; the module is loaded once,
// by the first stream or the first description of the stream.
#include "media/stream_module.hpp"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

namespace gls::media {

namespace {

// Beside the binary (a build directory), in ../lib/gls-local (as installed:
// /usr/bin and /usr/lib/gls-local), then where this build wrote it (tests
// and benchmarks run from the build tree).
std::optional<std::string> find_module() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  std::error_code error;
  const fs::path binary = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    candidates.push_back(binary.parent_path() / kStreamModuleFile);
    candidates.push_back(binary.parent_path() / ".." / "lib" / "gls-local" / kStreamModuleFile);
  }
  candidates.emplace_back(GLS_STREAM_MODULE_BUILD_PATH);
  for (const fs::path& candidate : candidates)
    if (fs::is_regular_file(candidate, error)) return candidate.lexically_normal().string();
  return std::nullopt;
}

const std::optional<std::string>& module_path() {
  static const std::optional<std::string> path = find_module();
  return path;
}

struct Loaded {
  const StreamModule* module = nullptr;
  std::string error;  // why there is none
};

// The module, loaded once and never unloaded (GStreamer cannot be).
const Loaded& loaded() {
  static const Loaded once = [] {
    Loaded l;
    if (!module_path()) {
      l.error = "the stream module " + std::string(kStreamModuleFile) + " is not installed";
      return l;
    }
    void* handle = dlopen(module_path()->c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      l.error = why ? why : "dlopen failed";
      return l;
    }
    using Entry = const StreamModule* (*)();
    const auto entry = reinterpret_cast<Entry>(dlsym(handle, kStreamModuleEntry));
    const StreamModule* module = entry ? entry() : nullptr;
    if (!module || !module->release || std::string_view(module->release) != GLS_VERSION) {
      l.error = *module_path() + " is not the stream module of gls-local " GLS_VERSION;
      return l;
    }
    l.module = module;
    return l;
  }();
  return once;
}

}  // namespace

bool webrtc_built() { return module_path().has_value(); }

std::string webrtc_description() {
  const Loaded& l = loaded();
  return l.module ? l.module->description() : l.error;
}

std::string missing_elements() {
  const Loaded& l = loaded();
  if (!l.module) return "the stream module did not load: " + l.error;
  const std::string missing = l.module->missing_elements();
  return missing.empty() ? missing : "GStreamer elements missing: " + missing;
}

std::shared_ptr<StreamPeer> make_stream_peer(Strand strand, PeerSetup setup, PeerCallbacks callbacks) {
  const Loaded& l = loaded();
  if (!l.module) {
    spdlog::error("stream {}: no stream, the stream module did not load: {}", setup.session_id, l.error);
    return nullptr;
  }
  return l.module->make_peer(std::move(strand), std::move(setup), std::move(callbacks));
}

}  // namespace gls::media
