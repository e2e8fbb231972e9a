// A JSON document for short texts (a request body, an attribute a record
// keeps as JSON text), parsed into a buffer of its own before the heap.
//
// A default rapidjson document takes a 64 KiB chunk from malloc for its
// first value, and glibc gives a chunk that large back through its slow,
// consolidating path: a StartStreamSession paid that twice. This one holds
// its first kBufferBytes itself and then grows by chunks of kChunkBytes.
// It is used exactly like rapidjson::Document, and is neither copied nor moved.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>

namespace gls {

namespace detail {
struct SmallJsonPool {
  static constexpr size_t kBufferBytes = 2048;
  static constexpr size_t kChunkBytes = 4096;
  alignas(16) char memory[kBufferBytes];
  rapidjson::MemoryPoolAllocator<> pool{memory, sizeof memory, kChunkBytes};
};
}  // namespace detail

class SmallJson : private detail::SmallJsonPool, public rapidjson::Document {
 public:
  SmallJson() : rapidjson::Document(&pool) {}
  SmallJson(const SmallJson&) = delete;
  SmallJson& operator=(const SmallJson&) = delete;
};

}  // namespace gls
