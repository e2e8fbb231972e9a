// The seam between gls-local and its stream module, gls-local-stream.so: the
// module alone links GStreamer, and gls-local loads it with the first stream
// (or the first description of the stream), so that a start-up without
// streams maps none of GStreamer's libraries (about 4 ms and 3 MiB a process).
//
// The module and the binary must come from one build: the table passes C++
// types (std::string, std::shared_ptr, PeerSetup) across. Its release tells
// a module of another release apart, which gls-local does not load.
#pragma once

#include <memory>
#include <string>

#include "media/stream_peer.hpp"

namespace gls::media {

// The module's side of stream_peer.hpp's functions.
struct StreamModule {
  const char* release = nullptr;                // GLS_VERSION of the module's build
  std::string (*description)() = nullptr;       // "GStreamer 1.22.0"
  std::string (*missing_elements)() = nullptr;  // the GStreamer elements not installed, space separated
  std::shared_ptr<StreamPeer> (*make_peer)(Strand, PeerSetup, PeerCallbacks) = nullptr;
};

// The module's file name, and the function it exports (returning its StreamModule).
inline constexpr const char* kStreamModuleFile = "gls-local-stream.so";
inline constexpr const char* kStreamModuleEntry = "gls_local_stream_module";

}  // namespace gls::media
