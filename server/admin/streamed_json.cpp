#include "admin/streamed_json.hpp"

#include <spdlog/spdlog.h>

#include "admin/admin_json.hpp"

namespace gls {

void JsonPieces::next() {
  if (text_.GetSize() >= kPieceBytes) send(take());
}

void JsonPieces::finish() {
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

void StreamedJson::stop() {
  stopping_ = true;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_)
    if (t.joinable()) t.join();
}

StreamedJson::Slot StreamedJson::reserve() {
  size_t taken = taken_->load();
  do {
    if (taken >= max_documents_) return nullptr;
  } while (!taken_->compare_exchange_weak(taken, taken + 1));
  return Slot(taken_.get(), [counter = taken_](const void*) { counter->fetch_sub(1); });
}

HttpResponse StreamedJson::busy() const {
  const std::string documents =
      max_documents_ == 1 ? "a state document" : std::to_string(max_documents_) + " state documents";
  HttpResponse r = admin_error(503, "ServiceUnavailableException",
                               "The emulator is writing or reading " + documents +
                                   " (GET and PUT /_gls/state), the most it serves at once (--max-state-documents); "
                                   "try again once one has finished");
  r.set_header("Retry-After", "1");
  return r;
}

HttpResponse StreamedJson::answer(Slot slot, std::function<void(JsonPieces&)> produce) {
  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", "application/json");
  r.stream = std::make_shared<StreamedBody>();
  r.stream->ends = true;
  // Called on the connection's I/O thread: the document is written elsewhere.
  r.stream->start = [this, slot = std::move(slot), produce = std::move(produce)](std::shared_ptr<BodyStream> out) {
    submit([this, slot, produce, out = std::move(out)] {
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

HttpResponse StreamedJson::later(Slot slot, Work work) {
  HttpResponse r;
  r.deferred = std::make_shared<DeferredResponse>();
  r.deferred->start = [this, slot = std::move(slot), work = std::move(work)](DeferredResponse::Answer reply) {
    submit([this, slot, work, reply = std::move(reply)] {
      HttpResponse out;
      try {
        out = work(slot, stopping_);
      } catch (const std::exception& e) {
        spdlog::error("an admin request failed: {}", e.what());
        out = admin_error(500, "InternalServerException", std::string("admin request failed: ") + e.what());
      }
      reply(std::move(out));
    });
  };
  return r;
}

void StreamedJson::submit(std::function<void()> job) {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  jobs_.push_back(std::move(job));
  // Jobs hold slots, so they are never more than the workers may be.
  if (jobs_.size() > idle_ && workers_.size() < max_documents_) workers_.emplace_back([this] { work(); });
  wake_.notify_one();
}

void StreamedJson::work() {
  std::unique_lock lock(mu_);
  for (;;) {
    while (!stopped_ && jobs_.empty()) {
      ++idle_;
      wake_.wait(lock);
      --idle_;
    }
    if (stopped_) return;
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    job = nullptr;  // the connection and slot it holds go now, not at the next job
    lock.lock();
  }
}

}  // namespace gls
