// Retention at the storage level: which finished executions are old enough to delete, and
// deleting one execution with every row it owns. Storage owns the rows and their indexes, so
// this is the one place that knows everything an execution leaves in a store
// (docs/format/lmdb.md); the engine only decides when (Engine::Prune, EngineOptions::retention).
#ifndef WEFT_STORAGE_PRUNE_H_
#define WEFT_STORAGE_PRUNE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "weft/engine.h"

namespace weft::storage {

// A page of the scan below: execution ids, oldest first within each status.
struct PrunablePage {
  std::vector<std::string> ids;
  // Where the next page starts (pass it back as `after`); empty when the scan is complete.
  std::string next;
};

// Finished executions (COMPLETED, FAILED, TERMINATED; `statuses` narrows them, and anything
// else in it is ignored) whose ended_ms is before `ended_before_ms`. At most `limit` ids per
// page; `after` is the `next` of the previous page (empty for the first). The scan walks
// by_status, whose ids are ULIDs in creation order, and stops at the first execution created
// at or after the cutoff: it cannot have ended before it.
absl::StatusOr<PrunablePage> ListPrunable(const Txn& txn, int64_t ended_before_ms,
                                          const std::vector<ExecutionStatus>& statuses,
                                          size_t limit, const std::string& after = "");

// Whether the execution is finished and ended before `ended_before_ms` in this transaction:
// what a deletion checks again in its write transaction (the execution may have been
// restarted since the scan). False for an absent execution.
absl::StatusOr<bool> IsPrunable(const Txn& txn, std::string_view id, int64_t ended_before_ms);

// Deletes each execution and every row it owns, in the caller's write transaction:
// executions, exec_state, history, exec_tasks and each of its tasks (with any queue entry),
// waits, timers, its by_status row and its search entries (search_index.h). An absent id is skipped. Returns how many rows went.
// The timers table is keyed by due time, so it is walked once for the whole call.
absl::StatusOr<uint64_t> DeleteExecutions(Txn& txn, const std::vector<std::string>& ids);

// The number of entries in every table, summed (mdb_stat), and the pages they use: what
// retention keeps bounded.
struct StoreSize {
  uint64_t rows = 0;
  uint64_t pages = 0;  // branch + leaf + overflow pages of the tables
};
absl::StatusOr<StoreSize> MeasureStore(const Txn& txn);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_PRUNE_H_
