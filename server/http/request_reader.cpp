// Beast's request parser behind RequestReader. Beast checks its header
// limit against each call's window only, lets chunk extensions and trailers
// through uncounted and throws when a field is too long for its container,
// so the budget is kept here, across calls, and nothing it throws leaves.
#include "http/request_reader.hpp"

#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/parser.hpp>
#include <algorithm>
#include <cctype>
#include <functional>
#include <utility>

namespace gls {

namespace http = boost::beast::http;

namespace {

// Beast's string body, but a Content-Length reserves at most a small
// body's room ahead: a streamed body is taken out piece by piece.
struct RequestBody {
  using value_type = std::string;
  static constexpr uint64_t kReserveAtMost = 1024 * 1024;

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      if (length) body_.reserve(static_cast<size_t>(std::min(*length, kReserveAtMost)));
      ec = {};
    }
    template <class Buffers>
    std::size_t put(const Buffers& buffers, boost::beast::error_code& ec) {
      for (const auto b : boost::beast::buffers_range_ref(buffers)) body_.append(static_cast<const char*>(b.data()), b.size());
      ec = {};
      return boost::beast::buffer_bytes(buffers);
    }
    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace

struct RequestReader::Parser {
  http::request_parser<RequestBody> beast;
  // Beast keeps a reference to the callback: it lives here, beside it.
  std::function<void(std::uint64_t, std::string_view, boost::beast::error_code&)> on_chunk_header;
};

namespace {
// Whether the request is the one that may send a body up to the larger bound.
bool takes_large_body(const ReadLimits& limits, const http::request<RequestBody>& m) {
  if (limits.large_body_target.empty() || m.method() != http::verb::put) return false;
  std::string_view target = m.target();
  target = target.substr(0, target.find('?'));
  return target == limits.large_body_target;
}
}  // namespace

api::ApiError header_too_large(size_t header_limit) {
  return {"RequestHeaderFieldsTooLargeException", 431,
          "The request line, headers, chunk extensions and trailers are larger than " +
              std::to_string(header_limit) + " bytes"};
}

RequestReader::RequestReader(ReadLimits limits) : limits_(limits) { reset(); }
RequestReader::~RequestReader() = default;

void RequestReader::reset() {
  parser_ = std::make_unique<Parser>();
  // Beast refuses a Content-Length over its limit while it reads the header,
  // before the target is known: it gets the larger bound, and the request's
  // own is applied once the header is complete.
  body_limit_ = std::max(limits_.body_limit, limits_.large_body_limit);
  large_body_ = false;
  parser_->beast.body_limit(body_limit_);
  parser_->on_chunk_header = [this](std::uint64_t size, std::string_view extensions, boost::beast::error_code& ec) {
    header_bytes_ += extensions.size();
    if (size == 0) {
      // The last chunk: Beast has found the end of the trailer in what it was
      // given, which starts at this chunk's line; all of it counts.
      auto end = current_.find("\r\n\r\n");
      header_bytes_ += end == std::string_view::npos ? current_.size() : end + 4;
    }
    if (header_bytes_ > limits_.header_limit) ec = http::error::header_limit;
  };
  parser_->beast.on_chunk_header(parser_->on_chunk_header);
  state_ = State::NeedMore;
  started_ = false;
  header_reported_ = false;
  header_bytes_ = 0;
  keep_alive_ = false;
  version_ = 11;
}

void RequestReader::refuse(api::ApiError e) {
  state_ = State::Refused;
  refusal_ = std::move(e);
}

// A body over this request's bound, of `length` bytes when it said so.
void RequestReader::refuse_body(std::optional<uint64_t> length) {
  const std::string limit = std::to_string(body_limit_) + " bytes";
  std::string message = length ? "The request body is " + std::to_string(*length) + " bytes; the limit is " + limit
                               : "The request body is larger than " + limit;
  if (large_body_) message += " (" + std::string(limits_.large_body_setting) + ")";
  refuse(api::payload_too_large(message));
}

size_t RequestReader::parse(std::string_view data) {
  if (state_ == State::Done || state_ == State::Refused) return 0;
  auto& p = parser_->beast;
  size_t consumed = 0;
  while (consumed < data.size()) {
    const std::string_view rest = data.substr(consumed);
    const bool in_header = !p.is_header_done();
    // The window Beast may look at for the header is what the budget has left.
    if (in_header) p.header_limit(static_cast<std::uint32_t>(budget_left()));
    boost::beast::error_code ec;
    size_t used = 0;
    current_ = rest;
    try {
      used = p.put(boost::asio::const_buffer(rest.data(), rest.size()), ec);
    } catch (const std::length_error&) {
      current_ = {};
      refuse(header_too_large(limits_.header_limit));
      return consumed;
    } catch (const std::exception& e) {
      current_ = {};
      refuse(api::bad_request(std::string("Malformed HTTP request: ") + e.what()));
      return consumed;
    }
    current_ = {};
    consumed += used;
    if (used > 0) started_ = true;
    if (in_header) {
      header_bytes_ += used;
      if (header_bytes_ > limits_.header_limit) {
        refuse(header_too_large(limits_.header_limit));
        return consumed;
      }
    }
    if (ec == http::error::need_more) {
      if (used == 0) break;
      continue;
    }
    if (ec == http::error::header_limit || (in_header && ec == http::error::buffer_overflow)) {
      refuse(header_too_large(limits_.header_limit));
      return consumed;
    }
    if (ec == http::error::body_limit) {
      if (!header_reported_) {
        // Beast refused the Content-Length while reading the header, with the
        // larger bound: the request line says which bound is this request's.
        large_body_ = takes_large_body(limits_, p.get());
        body_limit_ = large_body_ ? limits_.large_body_limit : limits_.body_limit;
      }
      refuse_body(std::nullopt);
      return consumed;
    }
    if (ec) {
      refuse(api::bad_request("Malformed HTTP request: " + ec.message()));
      return consumed;
    }
    if (p.is_header_done() && !header_reported_) {
      header_reported_ = true;
      p.eager(true);  // the body in as few calls as the bytes allow
      const auto& m = p.get();
      keep_alive_ = m.keep_alive();
      version_ = m.version();
      if (version_ >= 11 && m.find(http::field::host) == m.end()) {
        refuse(api::bad_request("An HTTP/1.1 request must have a Host header"));
        return consumed;
      }
      large_body_ = takes_large_body(limits_, m);
      body_limit_ = large_body_ ? limits_.large_body_limit : limits_.body_limit;
      p.body_limit(body_limit_);
      if (auto length = p.content_length(); length && *length > body_limit_) {
        refuse_body(*length);
        return consumed;
      }
      state_ = p.is_done() ? State::Done : State::HeaderReady;
      return consumed;
    }
    if (p.is_done()) {
      state_ = State::Done;
      return consumed;
    }
    if (used == 0) break;
  }
  state_ = p.is_done() ? State::Done : State::NeedMore;
  return consumed;
}

bool RequestReader::expects_continue() const {
  const auto& m = parser_->beast.get();
  auto it = m.find(http::field::expect);
  return it != m.end() && boost::beast::iequals(it->value(), "100-continue");
}

std::optional<uint64_t> RequestReader::content_length() const {
  auto length = parser_->beast.content_length();
  return length ? std::optional<uint64_t>(*length) : std::nullopt;
}

bool RequestReader::is_head() const { return parser_->beast.get().method() == http::verb::head; }

HttpRequest RequestReader::head(std::string peer) const {
  const auto& message = parser_->beast.get();
  HttpRequest req;
  req.method = std::string(message.method_string());
  req.target = std::string(message.target());
  req.headers.reserve(8);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  req.peer = std::move(peer);
  return req;
}

HttpRequest RequestReader::take(std::string peer) {
  HttpRequest req = head(std::move(peer));
  req.body = take_body();
  return req;
}

std::string RequestReader::take_body() { return std::exchange(parser_->beast.get().body(), std::string()); }

}  // namespace gls
