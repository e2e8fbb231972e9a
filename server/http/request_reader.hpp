// Bytes in, requests out: the HTTP/1.1 request parser with the emulator's
// limits, kept apart from the sockets so that it can be tested and fuzzed
// on its own.
//
// Limits, and what exceeding them gets:
// - The request line and headers, every chunk extension and the trailer
//   fields together may take `header_limit` bytes: one byte more is a 431.
// - The body may take `body_limit` bytes: one byte more is a 413 (a
//   Content-Length over the limit is refused as soon as the header is read).
//   A PUT of `large_body_target` (the admin state restore) has its own
//   bound instead, `large_body_limit`, and its 413 names the setting
//   `large_body_setting` that raises it.
// - Malformed HTTP is a 400.
// Nothing that arrives can make the parser throw past parse(): a refusal is
// a state, never an exception.
//
// Use: reset(), then parse() what has arrived until the state is Done or
// Refused. The state HeaderReady comes once per request, when its header is
// complete, so that the caller can refuse early or answer
// `Expect: 100-continue` before reading the body; parse() then goes on.
// A body that streams_body() may be taken out as it arrives (take_body()
// after each parse()), so that it never stands whole in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "api/errors.hpp"
#include "http/http_types.hpp"

namespace gls {

struct ReadLimits {
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
  size_t large_body_limit = 1024 * 1024;
  std::string_view large_body_target;  // a path (the query aside); empty: none
  std::string_view large_body_setting = "--state-body-limit";
};

class RequestReader {
 public:
  enum class State { NeedMore, HeaderReady, Done, Refused };

  explicit RequestReader(ReadLimits limits);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Starts a new request.
  void reset();
  // Parses the bytes that have arrived (all of them, from the first byte not
  // yet consumed); returns how many it consumed. The state says what next.
  size_t parse(std::string_view data);
  State state() const { return state_; }
  // Whether any byte of the current request has been consumed.
  bool started() const { return started_; }
  // The header-and-trailer bytes used so far by this request.
  size_t header_bytes() const { return header_bytes_; }

  // Once the header is ready.
  bool expects_continue() const;
  std::optional<uint64_t> content_length() const;
  bool is_head() const;
  // The large-body request (see above), whose body is handled as it arrives.
  bool streams_body() const { return header_reported_ && large_body_; }
  // The request line and headers, without the body.
  HttpRequest head(std::string peer) const;
  // The body bytes parsed since the last call.
  std::string take_body();

  // Once Done: the request, and how to answer it.
  HttpRequest take(std::string peer);
  bool keep_alive() const { return keep_alive_; }
  unsigned version() const { return version_; }

  // Once Refused: the JSON error the client gets before the connection closes.
  const api::ApiError& refusal() const { return refusal_; }

 private:
  struct Parser;  // Beast's parser, in request_reader.cpp
  void refuse(api::ApiError e);
  void refuse_body(std::optional<uint64_t> length);
  size_t budget_left() const { return header_bytes_ >= limits_.header_limit ? 0 : limits_.header_limit - header_bytes_; }

  ReadLimits limits_;
  std::unique_ptr<Parser> parser_;
  State state_ = State::NeedMore;
  bool started_ = false;
  bool header_reported_ = false;
  size_t header_bytes_ = 0;
  size_t body_limit_ = 0;  // this request's: known once its header is
  bool large_body_ = false;  // whether this request has the larger bound
  std::string_view current_;  // what parse() was given, while it runs
  bool keep_alive_ = false;
  unsigned version_ = 11;
  api::ApiError refusal_;
};

// A refusal of the header limit (431), worded once for every place that needs it.
api::ApiError header_too_large(size_t header_limit);

}  // namespace gls
