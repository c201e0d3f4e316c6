// The search indexes of executions (format 6): by workflow type, status and start time
// (`by_type`), by status and start time (`by_start`), by correlation id and by idempotency key.
// Storage owns them: ExecutionStore::PutExecution keeps them in the same transaction as the
// execution's header, DeleteExecutions (prune.h) drops them with the execution, and the
// 5 -> 6 upgrade builds them from the executions already stored (BackfillSearchIndexes).
// SearchExecutions answers Engine::SearchExecutions from them: it reads the index keys of the
// workflow and statuses asked for, and decodes only the rows of the page it returns.
#ifndef WEFT_STORAGE_SEARCH_INDEX_H_
#define WEFT_STORAGE_SEARCH_INDEX_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "storage/records.h"
#include "weft/engine.h"

namespace weft::storage {

// What an execution's index entries are keyed by, as stored.
struct IndexedAs {
  ExecutionStatus status = ExecutionStatus::kRunning;
  int64_t created_ms = 0;
  uint32_t version = 0;  // by_version (version_index.h); migration changes it
};

// Moves the entries of execution `id` (by_version's too, version_index.h) from `before` (nullopt: a new execution, which also
// gets its correlation and idempotency entries) to `row`'s status and start time. A no-op
// on a store without the tables (a format-5 store open read-only never writes).
absl::Status PutSearchEntries(Txn& txn, std::string_view id, const ExecutionRow& row,
                              std::optional<IndexedAs> before);
// Drops every entry of execution `id` (`row` is its header), under any status.
absl::Status DropSearchEntries(Txn& txn, std::string_view id, const ExecutionRow& row);

// The id of the newest execution of `workflow` that holds idempotency key `key`; nullopt when
// none does.
absl::StatusOr<std::optional<std::string>> FindIdempotent(const Txn& txn,
                                                          std::string_view workflow,
                                                          std::string_view key);

// The ids of every execution started with correlation id `correlation_id`, oldest first (ids
// are ULIDs); none for an empty id or a store without the index.
absl::StatusOr<std::vector<std::string>> FindByCorrelationId(const Txn& txn,
                                                             std::string_view correlation_id);

// FailedPrecondition when the store has no search indexes (format 5 open read-only).
absl::StatusOr<ExecutionPage> SearchExecutions(const Txn& txn, const ExecutionQuery& query);

// 5 -> 6: the entries of every execution stored (one walk of `executions`).
absl::Status BackfillSearchIndexes(Txn& txn);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_SEARCH_INDEX_H_
