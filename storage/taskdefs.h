// The rows of Conductor task definitions (table `taskdefs`, format 6 on; docs/format/lmdb.md):
// task type -> the TaskDef JSON as the metadata API stored it (Conductor's defaults filled in,
// createTime and updateTime set; conductor/workflow_def.h, NormalizeTaskDef). The engine asks
// for operations (put, get, list, delete) and never touches the keys.
//
// Same contract as ScheduleStore: every call belongs to the caller's transaction. In a store of
// an older format, opened read-only, the table does not exist yet: reads find nothing.
#ifndef WEFT_STORAGE_TASKDEFS_H_
#define WEFT_STORAGE_TASKDEFS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"

namespace weft::storage {

class TaskDefStore {
 public:
  explicit TaskDefStore(Txn& txn) : txn_(txn) {}

  // The stored JSON; nullopt when there is no TaskDef of that name.
  absl::StatusOr<std::optional<std::string>> Get(std::string_view name) const;
  // Every TaskDef as (name, JSON), by name.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> List() const;
  // Writes (or replaces) the TaskDef `name`. REQUIRES: a write transaction.
  absl::Status Put(std::string_view name, std::string_view json);
  // Deletes it; false when there was none. REQUIRES: a write transaction.
  absl::StatusOr<bool> Delete(std::string_view name);

 private:
  Txn& txn_;
};

}  // namespace weft::storage

#endif  // WEFT_STORAGE_TASKDEFS_H_
