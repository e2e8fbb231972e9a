#include "state/listeners.hpp"

#include <spdlog/spdlog.h>

namespace gls {

void report_listener_failure(std::string_view what, const std::exception& e) {
  spdlog::error("{} failed: {}", what, e.what());
}

}  // namespace gls
