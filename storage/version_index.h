// The executions of each version (format 9, table `by_version`: workflow \0 version(u32 BE)
// \0 execution id), and deleting a version with every row it owns. Storage keeps the index
// itself: PutSearchEntries (search_index.h) writes an execution's entry with its header and
// moves it when `weft migrate` changes the header's version, DropSearchEntries (prune)
// removes it, and the 8 -> 9 upgrade builds it from the executions stored. `weft versions
// delete` and `weft versions gc` ask it which executions still refer to a version without
// reading any other execution.
#ifndef WEFT_STORAGE_VERSION_INDEX_H_
#define WEFT_STORAGE_VERSION_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "weft/engine.h"

namespace weft::storage {

// Moves execution `id`'s entry from `before` (nullopt: none yet) to info's workflow and
// version. A no-op on a store without the table (an older format open read-only).
absl::Status PutVersionEntry(Txn& txn, std::string_view id, const ExecutionInfo& info,
                             std::optional<uint32_t> before);
absl::Status DropVersionEntry(Txn& txn, std::string_view id, const ExecutionInfo& info);

struct VersionExecutions {
  uint64_t count = 0;
  std::vector<std::string> first_ids;  // the oldest `max_ids` (ids are ULIDs)
};
// The executions stored with `workflow` at `version`, any status: one range of the index.
// FailedPrecondition on a store without the index (an older format open read-only).
absl::StatusOr<VersionExecutions> ExecutionsOfVersion(const Txn& txn, std::string_view workflow,
                                                      uint32_t version, size_t max_ids);

// Deletes version `version` of `workflow`: its `versions` row, and its bytecode and source
// when no other version row names that hash and no execution holds it. NotFound when there is
// no such version; FailedPrecondition when executions of it are stored (the index says so).
// The caller checks the referrers that are not storage's (aliases, schedules, handlers, other
// programs). REQUIRES: a write transaction on a store of format 9.
absl::Status DeleteVersion(Txn& txn, std::string_view workflow, uint32_t version);

// 8 -> 9: the table `by_version`, which the upgrade's step creates, filled from the
// executions stored (one walk of `executions`).
absl::Status AddVersionIndexTables(Txn& txn);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_VERSION_INDEX_H_
