// Plain HTTP request and response values.
//
// The transport (server/http/, the only user of Beast's templates) turns
// bytes into an HttpRequest and an HttpResponse back into bytes; everything
// else in the server works on these values and never sees Beast.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gls {

class BodySource;
struct DeferredResponse;

struct HttpRequest {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string peer;  // remote address, for logs
  // Set instead of `body` for a body handled while it arrives (a PUT of
  // the large-body route, /_gls/state): the handler answers with a
  // DeferredResponse and reads it from here.
  std::shared_ptr<BodySource> body_source;

  // The first header named `name` (lower case), or empty.
  std::string_view header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
  std::string_view path() const {
    auto q = target.find('?');
    return std::string_view(target).substr(0, q);
  }
  std::string_view query() const {
    auto q = target.find('?');
    return q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
  }
};

// What the transport should do with the connection after the response.
enum class ConnectionFault {
  None,
  Reset,      // abort the connection (RST) without answering
  Close,      // close the connection without answering
  Malformed,  // answer bytes that are not valid HTTP, then close
};

// The write end of a response body that is sent as it is produced (e.g.
// server-sent events). Thread-safe: any thread may write.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Queues bytes for the client. False once the connection is gone: the
  // producer should then let go of the stream.
  virtual bool write(std::string bytes) = 0;
  // False once the connection is gone.
  virtual bool open() const = 0;
  // Ends a body that ends (StreamedBody::ends) after what was written.
  virtual void end() = 0;
  // Closes the connection without ending the body, so that the client
  // sees it cut short (the producer failed half way).
  virtual void abort() = 0;
  // For a producer that must not outrun the client: blocks until fewer than
  // half the bytes the connection holds for a slow client are still unsent
  // (true), the connection is gone, or `at_most` passes (false). Never call
  // it on an I/O thread: they are what sends the bytes.
  virtual bool wait_for_room(std::chrono::milliseconds at_most) = 0;
};

// What the transport says when it stops reading a streamed request body
// before its end: a refusal (too large, malformed), or the client gone.
struct BodyRefusal {
  int status = 0;  // 0: the client went away or the read timed out
  std::string code;
  std::string message;
};

// The read end of a request body that is handled while it arrives. The
// connection reads ahead at most a few pieces, and stops reading while
// they are not taken (the client's sending waits). Thread-safe.
class BodySource {
 public:
  virtual ~BodySource() = default;
  enum class Got { Bytes, Nothing, End, Stopped };
  // Waits up to `at_most` for bytes: Bytes (in `bytes`, what had arrived),
  // Nothing yet, End of the body, or Stopped (`why` says why). Never call
  // it on an I/O thread: they are what reads the bytes.
  virtual Got read(std::string& bytes, BodyRefusal& why, std::chrono::milliseconds at_most) = 0;
};

// A response whose body is written as it is produced: the connection stays
// open and carries what the producer writes until the client goes away or
// the server shuts down, or, for a body that `ends`, until the producer
// ends it.
struct StreamedBody {
  // Called once, on the connection's I/O thread, before the response head is
  // sent: whatever is written from then on reaches the client in order.
  std::function<void(std::shared_ptr<BodyStream>)> start;
  // Written whenever `keepalive` passes (e.g. an SSE comment), so that an
  // idle stream stays open through proxies and a vanished client is noticed.
  std::string keepalive_bytes;
  std::chrono::milliseconds keepalive{15'000};
  // The producer ends the body (BodyStream::end); the connection then
  // closes, and the answer says so (Connection: close).
  bool ends = false;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  ConnectionFault fault = ConnectionFault::None;
  bool close = false;  // close the connection after this response
  // Hold the response (or the fault) this long before sending it.
  std::chrono::milliseconds delay{0};
  // When set, `body` is ignored and the body is streamed.
  std::shared_ptr<StreamedBody> stream;
  // When set, this response is a placeholder: the answer comes later.
  std::shared_ptr<DeferredResponse> deferred;
  // A static asset any web page may load (Access-Control-Allow-Origin: *).
  bool public_asset = false;
  // Hold the response until the writes up to this commit sequence are
  // durable (HttpServer::durability_listener); 0 when it waits for none.
  uint64_t durable_after = 0;

  void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

// What became of a deferred answer when it was given.
enum class Delivery {
  Sending,         // handed to its connection, which sends it
  ServerStopping,  // the transport had stopped sending: dropped
  ClientGone,      // its connection was gone: dropped
};

// A response given later: once the handler has dealt with the request's
// streamed body (HttpRequest::body_source), or, for a request read whole,
// once work on another thread has answered it (the connection then stays
// open as the request asked).
struct DeferredResponse {
  using Answer = std::function<Delivery(HttpResponse)>;
  // Called once, on the connection's I/O thread, as the body starts to
  // arrive. `answer` is to be called once, from any thread (it posts to the
  // connection): the connection then sends that answer, with the headers
  // of the placeholder response that it lacks, and closes unless the whole
  // body had been read by then. Once the transport has stopped sending
  // (its I/O threads stop at shutdown, within the shutdown grace), `answer`
  // does nothing and says so (and the request's body reads as Stopped).
  // An answer given in the instant the transport stops may be lost all
  // the same.
  std::function<void(Answer answer)> start;
};

}  // namespace gls
