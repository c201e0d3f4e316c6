// The rows of task logs (table `task_logs`, format 7 on; docs/format/lmdb.md): Conductor's
// TaskExecLog, the lines a worker adds to a task (POST /api/tasks/{taskId}/log, or a
// TaskResult's `logs`). Key: task id \0 seq(u32 BE), seq 1, 2, ... in the order they were
// added; value: created ms(u64 BE) then the log text. The engine asks for operations (append,
// list, delete a task's) and never touches the keys. The rows go with their execution
// (DeleteExecutions).
//
// Same contract as TaskDefStore: every call belongs to the caller's transaction. In a store of
// an older format opened read-only the table does not exist yet: reads find nothing.
#ifndef WEFT_STORAGE_TASK_LOGS_H_
#define WEFT_STORAGE_TASK_LOGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"

namespace weft::storage {

struct TaskLogRow {
  uint32_t seq = 0;
  int64_t created_ms = 0;
  std::string log;
};

class TaskLogStore {
 public:
  explicit TaskLogStore(Txn& txn) : txn_(txn) {}

  // Appends `lines` to the task's log, each created at `created_ms`. FailedPrecondition, adding
  // nothing, when the task would then have more than `max_entries`. REQUIRES: a write
  // transaction.
  absl::Status Append(std::string_view task_id, const std::vector<std::string>& lines,
                      int64_t created_ms, uint32_t max_entries);
  // The task's log, oldest first.
  absl::StatusOr<std::vector<TaskLogRow>> List(std::string_view task_id) const;
  // How many lines the task has.
  absl::StatusOr<uint32_t> Count(std::string_view task_id) const;
  // Deletes the task's log; the rows deleted. REQUIRES: a write transaction.
  absl::StatusOr<uint64_t> DeleteFor(std::string_view task_id);

 private:
  Txn& txn_;
};

// Decodes a row's value; DataLoss when it is shorter than its time.
absl::StatusOr<TaskLogRow> DecodeTaskLog(std::string_view key, std::string_view value);

// Format 6 -> 7: the `task_logs` table, which the upgrade step creates. Nothing stored
// changes (format 6 kept task logs in the server's memory only).
absl::Status AddTaskLogTables(Txn& txn);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_TASK_LOGS_H_
