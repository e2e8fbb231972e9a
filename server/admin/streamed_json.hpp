// Large JSON answers (GET and PUT /_gls/state) written in pieces as the
// client takes them, so that an answer holds a few pieces in memory however
// large the document.
//
// A document is written by a producer on a worker thread of its own: it
// renders into a JsonPieces, which hands the text so far to the connection
// every piece's worth and waits while the client has not taken the earlier
// ones. Workers are kept for later answers (each holds the store's read
// connection of its thread, so that one thread a dump would leak one); their
// number is the most answers ever produced at once.
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
  // While kept, pieces are kept in memory instead (for text written where
  // nothing may wait for the client: under the store's lock).
  void keep(bool on);
  // Sends what is kept and the rest, and ends the body.
  void finish();

  struct ClientGone {};

 private:
  void send(std::string piece);
  std::string take();

  BodyStream& out_;
  const std::atomic<bool>& stopping_;
  rapidjson::StringBuffer text_;
  JsonWriter writer_{text_};
  bool keeping_ = false;
  std::deque<std::string> kept_;
};

class StreamedJson {
 public:
  StreamedJson() = default;
  StreamedJson(const StreamedJson&) = delete;
  StreamedJson& operator=(const StreamedJson&) = delete;
  // Stops the answers in progress (their clients see them cut short) and
  // joins the workers.
  ~StreamedJson();

  // A 200 application/json answer whose body `produce` writes on a worker.
  // A producer that throws cuts the answer short (the error is logged).
  HttpResponse answer(std::function<void(JsonPieces&)> produce);

 private:
  void submit(std::function<void()> job);
  void work();

  std::atomic<bool> stopping_{false};
  std::mutex mu_;  // guards what follows
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> workers_;
  size_t idle_ = 0;  // workers waiting for a job no one has claimed
  bool stopped_ = false;
};

}  // namespace gls
