// Batched commits: several transactions in one SQLite transaction, each in
// a savepoint of its own (state/store/store.hpp).
#include <spdlog/spdlog.h>

#include "state/store/store.hpp"

namespace gls {

namespace {
// Runs a statement that returns no rows; false when it fails.
bool run_quietly(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
}  // namespace

bool Store::batch_over_bound() const {
  return batch_size_ >= batch_limit_ || std::chrono::steady_clock::now() - batch_began_ > batch_age_;
}

void Store::begin_in_batch() {
  if (batch_open_.load() && joins_batches && batch_over_bound()) commit_batch();
  const bool alone = !batch_open_.load() && !joins_batches;
  if (!batch_open_.load()) {
    prepare("BEGIN IMMEDIATE").run();
    flush_.store(Flush::Unclaimed);
    batch_open_.store(true);
    batch_changed_ = false;
    batch_size_ = 0;
    batch_began_ = std::chrono::steady_clock::now();
  }
  changes_at_savepoint_ = sqlite3_total_changes64(db_);
  // A transaction that will commit with no other in it needs no savepoint
  // (which would copy every page it changes aside, in case it rolls back).
  if (alone) {
    ++batch_size_;
    return;
  }
  try {
    prepare("SAVEPOINT batched").run();
  } catch (...) {
    // Nothing of this transaction's to undo; the batch must not stay open
    // on a thread that will not flush it.
    if (!joins_batches) flush();
    throw;
  }
  in_savepoint_ = true;
  ++batch_size_;
  staged_at_savepoint_ = transitions_.staged();
  deltas_.savepoint();
}

void Store::commit_in_batch() {
  if (in_savepoint_) {  // else alone (begin_in_batch)
    prepare("RELEASE batched").run();
    in_savepoint_ = false;
  }
  // A transaction that changed nothing gives an answer nothing more to wait for.
  if (sqlite3_total_changes64(db_) != changes_at_savepoint_ && !batch_changed_) {
    batch_changed_ = true;
    answer_seq_.store(commit_seq_.load() + 1);
  }
  if (!joins_batches) commit_batch();
}

void Store::rollback_in_batch() {
  reserved_ = {};
  if (in_savepoint_) {
    in_savepoint_ = false;
    transitions_.rolled_back_to(staged_at_savepoint_);
    // An I/O error or a full disk may have made SQLite roll back the whole
    // transaction itself; then ROLLBACK TO has nothing to roll back to.
    if (sqlite3_get_autocommit(db_) || !run_quietly(db_, "ROLLBACK TO batched") ||
        !run_quietly(db_, "RELEASE batched")) {
      const std::string why = sqlite3_errmsg(db_);
      if (!sqlite3_get_autocommit(db_)) run_quietly(db_, "ROLLBACK");
      lose_batch(why);
    } else {
      deltas_.rolled_back_to_savepoint();
    }
  } else if (batch_open_.load() && !joins_batches) {
    // Alone in its transaction (begin_in_batch): nothing else to keep.
    run_quietly(db_, "ROLLBACK");
    batch_open_.store(false);
    deltas_.clear();
    transitions_.rolled_back();
    return;
  }
  if (!joins_batches && batch_open_.load()) flush();
}

void Store::commit_batch() {
  if (!batch_open_.load()) return;
  flush_.store(Flush::Unclaimed);
  try {
    deltas_.write(*this);
  } catch (const StoreError& e) {
    if (!sqlite3_get_autocommit(db_)) run_quietly(db_, "ROLLBACK");
    lose_batch(e.what());
    throw;
  }
  if (!run_quietly(db_, "COMMIT")) {
    std::string why = sqlite3_errmsg(db_);
    if (!sqlite3_get_autocommit(db_)) run_quietly(db_, "ROLLBACK");
    lose_batch(why);
    throw StoreError("cannot commit: " + why);
  }
  batch_open_.store(false);
  if (batch_changed_) {
    // The sequence answers were told to wait for (answer_seq_).
    const uint64_t seq = commit_seq_.fetch_add(1, std::memory_order_acq_rel) + 1;
    syncer_->committed(seq);
    batch_changed_ = false;
  }
  // After the sequence moved: a reader that finds reads no longer held
  // finds the commit's sequence too (Core::settled_version).
  snapshot_reads_held_.store(false);
  transitions_.committed();
}

// The batch was rolled back as a whole: what its transactions did (and
// answers that wait for it may show) is gone. Reads stay held until the
// next commit, so no snapshot is taken as current meanwhile.
void Store::lose_batch(const std::string& why) {
  reserved_ = {};
  deltas_.clear();
  batch_open_.store(false);
  flush_.store(Flush::Unclaimed);
  in_savepoint_ = false;
  transitions_.rolled_back();
  if (batch_changed_) {
    batch_changed_ = false;
    spdlog::critical("committing a batch of {} transactions to {} failed: {}; no write is acknowledged from now on",
                     batch_size_, path_, why);
    syncer_->fail();
  }
}

bool Store::claim_flush() {
  Flush unclaimed = Flush::Unclaimed;
  return batch_open_.load() && flush_.compare_exchange_strong(unclaimed, Flush::Claimed);
}

bool Store::flush() {
  std::lock_guard lock(mu_);
  if (depth_ > 0 || !batch_open_.load()) return true;
  try {
    commit_batch();
    return true;
  } catch (const StoreError&) {
    return false;  // lose_batch() said why
  }
}

void Store::flush_soon() {
  std::lock_guard lock(mu_);
  if (!batch_open_.load()) return;
  // Checked under the lock that flush_deferred() takes: a sync that ends
  // after this finds the flag, one that ended before leaves the syncer idle.
  if (syncer_->busy()) {
    flush_.store(Flush::AfterSync);
    return;
  }
  flush();
}

void Store::flush_deferred() {
  std::lock_guard lock(mu_);
  if (flush_.load() == Flush::AfterSync) flush();
}

void Store::hold_snapshot_reads() {
  std::lock_guard lock(mu_);
  if (batch_open_.load()) snapshot_reads_held_.store(true);
}

}  // namespace gls
