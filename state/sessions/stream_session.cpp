#include "state/sessions/stream_session.hpp"

namespace gls {

bool holds_capacity(const StreamSession& s) { return s.placed && !is_final(s.status); }

bool is_final(SessionStatus s) { return s == SessionStatus::Terminated || s == SessionStatus::Error; }

}  // namespace gls
