// Large JSON documents (GET and PUT /_gls/state) written in pieces as the
// client takes them, and read as they arrive, so that one holds a few
// pieces in memory however large it is.
//
// A document is written by a producer on a worker thread: it renders into
// a JsonPieces, which hands the text so far to the connection every
// piece's worth and waits while the client has not taken the earlier ones.
// A request body is read the same way, by work that answers later
// (later()).
//
// At most max_documents (--max-state-documents) are written or read at
// once, each from a Slot
// taken before its answer starts (a restore keeps its own from the body's
// first byte to the answer's last). Past that, a request is refused at
// once with 503 ServiceUnavailableException and Retry-After: 1 (busy()),
// not queued: a document may take its client minutes, and a client would
// rather be told than wait behind it unawares. The workers, as many as the
// documents at most, are kept for later ones (each holds the store's read
// connection of its thread, so that one thread a dump would leak one).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/render.hpp"
#include "http/http_types.hpp"

namespace gls {

// The producer's side of one answer.
class JsonPieces {
 public:
  // The text of about this many bytes goes out at a time.
  static constexpr size_t kPieceBytes = 64 * 1024;

  JsonPieces(BodyStream& out, const std::atomic<bool>& stopping) : out_(out), stopping_(stopping) {}

  JsonWriter& writer() { return writer_; }
  // Between two values: once the text so far makes a piece, it goes out,
  // after the client has taken what came before it. Throws ClientGone once
  // the client is gone (or the server stops): the producer then unwinds.
  void next();
  // Sends the rest, and ends the body.
  void finish();

  struct ClientGone {};

 private:
  void send(std::string piece);
  std::string take();

  BodyStream& out_;
  const std::atomic<bool>& stopping_;
  rapidjson::StringBuffer text_;
  JsonWriter writer_{text_};
};

class StreamedJson {
 public:
  // Serves at most `max_documents` at once (at least one).
  explicit StreamedJson(size_t max_documents = kDefaultMaxDocuments) : max_documents_(max_documents) {}
  StreamedJson(const StreamedJson&) = delete;
  StreamedJson& operator=(const StreamedJson&) = delete;
  // Stops the answers in progress (their clients see them cut short) and
  // joins the workers. The transport fences off what the workers hold of
  // its connections once it stops (http/outside_holds.hpp), so this may
  // come before or after the transport goes. Once is enough; the
  // destructor calls it too.
  void stop();
  ~StreamedJson() { stop(); }

  static constexpr size_t kDefaultMaxDocuments = 4;
  size_t max_documents() const { return max_documents_; }
  // One of the max_documents() places, free again once its last copy goes.
  using Slot = std::shared_ptr<const void>;
  // A free place, or nullptr when all are taken: then answer busy().
  Slot reserve();
  HttpResponse busy() const;

  // A 200 application/json answer whose body `produce` writes on a worker.
  // A producer that throws cuts the answer short (the error is logged).
  HttpResponse answer(Slot slot, std::function<void(JsonPieces&)> produce);
  // A placeholder for the answer that `work` gives on a worker (see
  // DeferredResponse), which may read the request's streamed body. It is
  // handed the slot (for the document it answers) and the flag that says
  // the server stops, which work that waits must heed.
  using Work = std::function<HttpResponse(Slot slot, const std::atomic<bool>& stopping)>;
  HttpResponse later(Slot slot, Work work);

 private:
  void submit(std::function<void()> job);
  void work();

  const size_t max_documents_;
  std::shared_ptr<std::atomic<size_t>> taken_ = std::make_shared<std::atomic<size_t>>(0);
  std::atomic<bool> stopping_{false};
  std::mutex mu_;  // guards what follows
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> workers_;
  size_t idle_ = 0;  // workers waiting for a job
  bool stopped_ = false;
};

}  // namespace gls
