// Included before every source file (CMake: -include): RapidJSON's checks of
// its own preconditions (GetString on a number, a missing member read with
// operator[]) throw instead of being compiled out. Every input is validated
// before it is read, so a throw here is a bug in the emulator: the request
// that met it gets a 500 and the process goes on, instead of reading freed or
// null memory.
#pragma once

#include <stdexcept>

namespace gls {
struct JsonMisuse : std::logic_error {
  using std::logic_error::logic_error;
};
}  // namespace gls

#define RAPIDJSON_ASSERT(x) ((x) ? static_cast<void>(0) : throw ::gls::JsonMisuse("RapidJSON precondition failed: " #x))
