// A durable timer fell due: a sleep ends, a signal wait times out, a retry's next attempt is
// scheduled, an attempt or the whole execution times out; a schedule's slot is handed to
// schedules.cc.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/runtime_errors.h"
#include "engine/transitions/internal.h"
#include "storage/keys.h"

namespace weft::engine {

absl::Status ApplyTimerFiredImpl(TransitionEnv& env, const TimerFiredCommand& cmd) {
  std::optional<storage::TimerKeyParts> parts = storage::ParseTimerKey(cmd.key);
  if (parts && parts->kind == static_cast<uint8_t>(TimerKind::kSchedule)) {
    return ApplyScheduleFired(env, cmd.key, parts->execution_id, parts->due_ms);
  }
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> present, env.store.TakeTimer(cmd.key));
  if (!present) return absl::OkStatus();  // its wait ended another way
  const std::string task_id = *std::move(present);
  if (!parts) return absl::DataLossError("corrupt timer key");
  WEFT_ASSIGN_OR_RETURN(Live* live, LoadReferenced(env, parts->execution_id));
  if (IsEnded(live->info.status)) return absl::OkStatus();
  const uint64_t wait_id = parts->wait_id;
  const auto kind = static_cast<TimerKind>(parts->kind);
  if (kind == TimerKind::kExecutionTimeout) {
    const int64_t limit = live->program->program.timeout_ms;
    WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kExecutionTimedOut, "",
                                       Obj({{"timeout_ms", Value::Int(limit)}})));
    vm::RunResult r = vm::Abort(
        live->program->program, live->vm,
        ExecutionTimeoutError(limit), Ctx(env));
    return Apply(env, *live, std::move(r), /*notify_parent=*/true);
  }
  WEFT_ASSIGN_OR_RETURN(std::optional<WaitRow> wait, env.store.GetWait(live->id, wait_id));
  if (!wait) return Persist(env, *live);
  switch (kind) {
    case TimerKind::kWake: {
      WEFT_RETURN_IF_ERROR(env.store.DropWait(live->id, wait_id, *wait));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kTimerFired, "",
                                         Obj({{"wait", Value::Int(static_cast<int64_t>(wait_id))},
                                              {"due_ms", Value::Int(parts->due_ms)}})));
      vm::RunResult r = vm::Resume(live->program->program, live->vm, wait_id,
                                   vm::Outcome{true, Value()}, Ctx(env));
      return Apply(env, *live, std::move(r), true);
    }
    case TimerKind::kSignalTimeout: {
      WEFT_RETURN_IF_ERROR(env.store.DropWait(live->id, wait_id, *wait));
      const std::string& name = wait->signal;
      WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kSignalTimedOut, "",
                                         Obj({{"name", Str(name)}})));
      vm::RunResult r = vm::Resume(
          live->program->program, live->vm, wait_id,
          vm::Outcome{false, SignalTimeoutError(name)}, Ctx(env));
      return Apply(env, *live, std::move(r), true);
    }
    case TimerKind::kRetry: {
      WEFT_RETURN_IF_ERROR(Persist(env, *live));  // keep counters consistent before scheduling
      WaitRow retry = *wait;
      retry.retry_due = 0;
      const uint32_t next = wait->attempt + 1;
      if (live->info.status == ExecutionStatus::kPaused) {
        // No new attempt while paused: held, and scheduled with its number on resume.
        retry.kind = WaitKind::kHeld;
        retry.held_attempt = next;
        WEFT_RETURN_IF_ERROR(env.store.PutWait(live->id, wait_id, retry, &*wait));
        return Persist(env, *live);
      }
      WEFT_RETURN_IF_ERROR(ScheduleAttempt(env, *live, wait_id, std::move(retry), &*wait, next));
      return Persist(env, *live);
    }
    case TimerKind::kAttemptTimeout:
    case TimerKind::kScheduleTimeout: {
      if (wait->kind != WaitKind::kTask || wait->task_id != task_id) return Persist(env, *live);
      WEFT_ASSIGN_OR_RETURN(auto task, env.store.GetTask(task_id));
      if (!task || !IsTaskOpen(task->info.status)) return Persist(env, *live);
      if (kind == TimerKind::kScheduleTimeout &&
          (task->info.status == TaskStatus::kInProgress ||
           (env.is_started && env.is_started(task_id)))) {
        return Persist(env, *live);  // picked up in time; the attempt timeout still applies
      }
      const std::string reason = kind == TimerKind::kAttemptTimeout
                                     ? "the attempt did not finish within its timeout"
                                     : "no worker picked the task up within its schedule_timeout";
      task->info.status = TaskStatus::kFailed;
      task->info.ended_ms = env.now_ms;
      task->info.error = Obj({{"message", Str(reason)}, {"details", Value()}});
      WEFT_RETURN_IF_ERROR(env.store.PutTask(task_id, *task));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kTaskTimedOut, task_id,
                                         Obj({{"attempt", Value::Int(task->info.attempt)},
                                              {"reason", Str(reason)}})));
      env.effects.canceled.push_back(task_id);
      return AttemptFailed(env, *live, wait_id, *wait, *task, task_id, reason,
                           Value(), /*terminal=*/false, /*timed_out=*/true);
    }
    case TimerKind::kExecutionTimeout:
    case TimerKind::kSchedule:
      break;
  }
  return Persist(env, *live);
}

absl::Status ApplyTimerFired(TransitionEnv& env, const TimerFiredCommand& cmd) {
  return Drained(env, ApplyTimerFiredImpl(env, cmd));
}

}  // namespace weft::engine
