// What the GStreamer side of the stream shares (included by the stream
// module's files only: media/stream_module.hpp): starting GStreamer once,
// the ICE agent's set-up, and the module's functions.
#pragma once

#include <gst/gst.h>

#include <memory>
#include <string>
#include <vector>

#include "media/stream_peer.hpp"

namespace gls::media {

// gst_init, once per process; gst_deinit at its exit.
void init_gstreamer();

// The stream module's functions (media/stream_module.hpp).
std::string gstreamer_description();
std::string missing_gst_elements();
std::shared_ptr<StreamPeer> make_gst_peer(Strand strand, PeerSetup setup, PeerCallbacks callbacks);

// Makes webrtcbin's ICE agent gather only `addresses` (libnice skips
// loopback interfaces unless told), without UPnP or ICE-TCP. False when the
// agent cannot be reached.
bool restrict_ice_to(GstElement* webrtcbin, const std::vector<std::string>& addresses);

}  // namespace gls::media
