// Task logs (Conductor's TaskExecLog): Engine::AddTaskLogs and TaskLogs over the store's
// `task_logs` rows (storage/task_logs.h). A log is added in its own write transaction, outside
// the writer's group commits: it changes no execution, only the task's log.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "engine/write_with_growth.h"
#include "storage/task_logs.h"

namespace weft::engine {
namespace {

absl::Status RequireTask(storage::Txn& txn, std::string_view task_id) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn.Get(storage::Table::kTasks, task_id));
  if (!bytes) return absl::NotFoundError(absl::StrCat("no task `", ToAbsl(task_id), "`"));
  return absl::OkStatus();
}

}  // namespace

absl::Status EngineImpl::AddTaskLogs(std::string_view task_id, std::vector<std::string> lines) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  const EngineLimits& limits = options_.limits;
  for (const std::string& line : lines) {
    if (line.size() > limits.max_task_log_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "a task log line is ", line.size(), " bytes long; at most ", limits.max_task_log_bytes,
          " are accepted"));
    }
  }
  if (lines.empty()) return absl::OkStatus();
  // The wall clock, also under virtual time: a log says when it was written.
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  return WriteWithGrowth<bool>(*env_, [&](storage::Txn& txn) -> absl::StatusOr<bool> {
           WEFT_RETURN_IF_ERROR(RequireTask(txn, task_id));
           WEFT_RETURN_IF_ERROR(storage::TaskLogStore(txn).Append(
               task_id, lines, now_ms, limits.max_task_log_entries));
           return true;
         }).status();
}

absl::StatusOr<std::vector<TaskLog>> EngineImpl::TaskLogs(std::string_view task_id) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_RETURN_IF_ERROR(RequireTask(txn, task_id));
  WEFT_ASSIGN_OR_RETURN(std::vector<storage::TaskLogRow> rows,
                        storage::TaskLogStore(txn).List(task_id));
  std::vector<TaskLog> out;
  out.reserve(rows.size());
  for (storage::TaskLogRow& r : rows) out.push_back(TaskLog{std::move(r.log), r.created_ms});
  return out;
}

}  // namespace weft::engine
