// A build without GStreamer's WebRTC support: no peer is ever made, and
// every session gets the inert answer.
#include "media/stream_peer.hpp"

namespace gls::media {

bool webrtc_built() { return false; }
std::string webrtc_description() { return "built without GStreamer WebRTC support"; }
std::string missing_elements() { return {}; }
std::shared_ptr<StreamPeer> make_stream_peer(Strand, PeerSetup, PeerCallbacks) { return nullptr; }

}  // namespace gls::media
