// Transitions written to the history in runs: while a HistoryBatch is open on
// this thread, repo::record_transition keeps the rows in memory and they are
// inserted many to a statement, in the order they were recorded (one
// statement per row costs more than the row itself when a clock advance
// applies thousands of transitions).
//
// Every read of the history through the repository (repo::history,
// repo::count, the wipes) writes the kept rows first, so the transaction
// always sees its own history. The transition feed hears each transition as
// before, once the transaction commits. Call finish() on every way out of
// the batch, before the transaction ends (a batch destroyed unfinished drops
// what it kept: only right if its transaction is rolled back). A batch
// opened while one is open on this thread joins it.
#pragma once

#include "state/store/store.hpp"

namespace gls::repo {

class HistoryBatch {
 public:
  explicit HistoryBatch(Store& db);
  ~HistoryBatch();
  HistoryBatch(const HistoryBatch&) = delete;
  HistoryBatch& operator=(const HistoryBatch&) = delete;
  void finish();

 private:
  Store& db_;
  bool owner_;
};

// Inserts what the open HistoryBatch of `db` keeps (nothing without one).
void write_pending_history(Store& db);

}  // namespace gls::repo
