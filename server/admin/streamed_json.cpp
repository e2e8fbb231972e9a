#include "admin/streamed_json.hpp"

#include <spdlog/spdlog.h>

namespace gls {

void JsonPieces::next() {
  if (text_.GetSize() < kPieceBytes) return;
  if (keeping_) return kept_.push_back(take());
  send(take());
}

void JsonPieces::keep(bool on) {
  keeping_ = on;
  if (on) return;
  while (!kept_.empty()) {
    send(std::move(kept_.front()));
    kept_.pop_front();
  }
}

void JsonPieces::finish() {
  keep(false);
  if (text_.GetSize() > 0) send(take());
  out_.end();
}

std::string JsonPieces::take() {
  std::string piece(text_.GetString(), text_.GetSize());
  text_.Clear();
  return piece;
}

void JsonPieces::send(std::string piece) {
  // A short wait at a time, so that a stopping server is noticed.
  while (!out_.wait_for_room(std::chrono::milliseconds(200)))
    if (!out_.open() || stopping_.load()) throw ClientGone{};
  if (!out_.write(std::move(piece))) throw ClientGone{};
}

StreamedJson::~StreamedJson() {
  stopping_ = true;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

HttpResponse StreamedJson::answer(std::function<void(JsonPieces&)> produce) {
  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", "application/json");
  r.stream = std::make_shared<StreamedBody>();
  r.stream->ends = true;
  // Called on the connection's strand: the document is written elsewhere.
  r.stream->start = [this, produce = std::move(produce)](std::shared_ptr<BodyStream> out) {
    submit([this, produce, out = std::move(out)] {
      JsonPieces pieces(*out, stopping_);
      try {
        produce(pieces);
        pieces.finish();
      } catch (const JsonPieces::ClientGone&) {
        out->abort();
      } catch (const std::exception& e) {
        spdlog::error("a streamed JSON answer failed half way: {}", e.what());
        out->abort();
      }
    });
  };
  return r;
}

void StreamedJson::submit(std::function<void()> job) {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  jobs_.push_back(std::move(job));
  if (idle_ > 0) {
    --idle_;
    wake_.notify_one();
  } else {
    workers_.emplace_back([this] { work(); });
  }
}

void StreamedJson::work() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopped_ || !jobs_.empty(); });
    if (stopped_) return;
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    job = nullptr;  // the connection it holds goes now, not at the next job
    lock.lock();
    ++idle_;
  }
}

}  // namespace gls
