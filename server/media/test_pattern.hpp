// The caption drawn on a stream's test pattern: lines of text in a small
// built-in bitmap font (printable ASCII), white on a dark box in the
// frame's top-left corner. Needs no font files and no GStreamer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gls::media {

// Draws `lines` onto an I420 frame of width x height (even sizes) whose
// planes are contiguous: Y (width x height), then U and V (a quarter each).
void draw_caption(uint8_t* frame, int width, int height, const std::vector<std::string>& lines);

// The size of such a frame in bytes.
constexpr size_t i420_size(int width, int height) {
  return static_cast<size_t>(width) * static_cast<size_t>(height) * 3 / 2;
}

}  // namespace gls::media
