// Taking an execution out of service after a fault, without loading its state: whatever of its
// rows still decode are withdrawn or marked (see ApplyQuarantine in transitions.h).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/runtime_errors.h"
#include "engine/transitions/internal.h"

namespace weft::engine {
namespace {

// Withdraws an execution's unfinished tasks, its wait records and its timers, reading only
// the rows that say where they are (its tasks through exec_tasks; its timers by a scan of the
// timers table, which only a quarantine pays for).
absl::Status WithdrawEverything(TransitionEnv& env, std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(std::vector<std::string> task_ids, env.store.TaskIdsOf(id));
  for (const std::string& task_id : task_ids) {
    absl::StatusOr<std::optional<storage::TaskRow>> task = env.store.GetTask(task_id);
    if (!task.ok()) {
      // Its type, and so its queue key, is unknown: find the queue entry by its id.
      WEFT_RETURN_IF_ERROR(env.store.DropQueueEntriesOf(task_id));
      env.effects.canceled.push_back(task_id);
      continue;
    }
    if (!*task || !IsTaskOpen((*task)->info.status)) continue;
    storage::TaskRow& row = **task;
    row.info.status = TaskStatus::kCanceled;
    row.info.ended_ms = env.now_ms;
    WEFT_RETURN_IF_ERROR(env.store.PutTask(task_id, row));
    env.effects.canceled.push_back(task_id);
  }
  return env.store.DropWaitsAndTimersOf(id);
}

}  // namespace

absl::Status ApplyQuarantine(TransitionEnv& env, std::string_view id, std::string_view reason) {
  WEFT_RETURN_IF_ERROR(WithdrawEverything(env, id));
  env.effects.ended.emplace_back(id);
  absl::StatusOr<std::optional<storage::ExecutionRow>> row = env.store.GetExecution(id);
  if (!row.ok() || !*row) return absl::OkStatus();  // nothing left to mark or to wake
  storage::ExecutionRow& header = **row;
  ExecutionInfo& info = header.info;
  const bool was_running = !IsEnded(info.status);
  if (was_running) {
    const storage::IndexedAs indexed{info.status, info.created_ms, info.version};
    info.status = ExecutionStatus::kFailed;
    info.error = QuarantinedError(reason);
    info.ended_ms = info.updated_ms = env.now_ms;
    WEFT_RETURN_IF_ERROR(env.store.PutExecution(id, header, indexed));
  }
  // The seq comes from the history itself: the state row's counter may be what is damaged.
  WEFT_ASSIGN_OR_RETURN(uint32_t seq, env.store.NextHistorySeq(id));
  const HistoryRow event{env.now_ms, HistoryType::kExecutionQuarantined, "",
                         Obj({{"reason", Str(reason)}})};
  if (absl::StatusOr<std::optional<ExecStateRow>> state = env.store.GetState(id);
      state.ok() && *state) {
    // Linked from the state row, whose counter moves past the event.
    (*state)->next_history_seq = std::max((*state)->next_history_seq, seq);
    WEFT_RETURN_IF_ERROR(env.store.AppendHistory(id, **state, event));
    WEFT_RETURN_IF_ERROR(env.store.PutState(id, **state));
  } else {
    WEFT_RETURN_IF_ERROR(env.store.AppendUnlinkedHistory(id, seq, event));
  }
  if (!was_running) return absl::OkStatus();
  QueueParentResume(env, info, header.parent_wait);
  return Drain(env);
}

}  // namespace weft::engine
