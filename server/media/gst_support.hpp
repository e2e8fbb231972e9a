// What the GStreamer side of the stream shares (included by server/media's
// GStreamer files only): starting GStreamer once, and the ICE agent's set-up.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

namespace gls::media {

// gst_init, once per process; gst_deinit at its exit.
void init_gstreamer();

// Makes webrtcbin's ICE agent gather only `addresses` (libnice skips
// loopback interfaces unless told), without UPnP or ICE-TCP. False when the
// agent cannot be reached.
bool restrict_ice_to(GstElement* webrtcbin, const std::vector<std::string>& addresses);

}  // namespace gls::media
