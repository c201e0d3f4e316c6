// Task attempts: scheduling one (task row, queue entry, timers), withdrawing one, a worker's
// take (a delivery), its result or heartbeat, an expired lease or a delivery lost with the
// process, and a failed attempt's retry.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/runtime_errors.h"
#include "engine/task_policy.h"
#include "engine/transitions/internal.h"

namespace weft::engine {
namespace {

// Appends one event to an execution's history without decoding its checkpoint: a take or a
// lost delivery changes nothing the VM sees, only the history and its counter in the state
// row. An execution the cache holds is appended to there.
absl::Status AppendTaskEvent(TransitionEnv& env, std::string_view exec_id, HistoryType type,
                             std::string_view task_id, const ObjectWriter& details) {
  if (env.primary.empty()) env.primary = std::string(exec_id);
  if (env.quarantined != nullptr && !env.quarantined->empty() &&
      env.quarantined->contains(ToAbsl(exec_id))) {
    return absl::FailedPreconditionError(
        absl::StrCat("execution ", ToAbsl(exec_id), " is quarantined after a fault"));
  }
  if (auto it = env.cache->lives.find(ToAbsl(exec_id)); it != env.cache->lives.end()) {
    Live& live = *it->second;
    WEFT_RETURN_IF_ERROR(AppendHistory(env, live, type, task_id, details));
    // FlushLiveCache writes the state row with the new counter at the batch's end: a dirty
    // one with its new checkpoint, a clean one with the stored checkpoint bytes as they are.
    live.counters_dirty = true;
    return absl::OkStatus();
  }
  WEFT_ASSIGN_OR_RETURN(std::optional<ExecStateRow> row, env.store.GetState(exec_id));
  if (!row) {
    return absl::DataLossError(absl::StrCat("execution ", ToAbsl(exec_id), " has no state"));
  }
  WEFT_RETURN_IF_ERROR(env.store.AppendHistory(
      exec_id, *row,
      storage::HistoryEventView{env.now_ms, type, task_id, details.EncodeInPlace()}));
  return env.store.PutState(exec_id, *row);
}

// Whether a result answers the task's current delivery (see TaskResultCommand::delivery).
bool AnswersCurrentDelivery(const storage::TaskRow& task, const TaskResultCommand& cmd) {
  if (task.info.status != TaskStatus::kInProgress) return false;
  return cmd.delivery != 0 ? cmd.delivery == task.info.delivery
                           : cmd.worker_id == task.info.worker_id;
}

}  // namespace

absl::Status ScheduleAttempt(TransitionEnv& env, Live& live, uint64_t wait_id, WaitRow wait,
                             const WaitRow* before, uint32_t attempt) {
  const TaskPolicy policy = ParsePolicy(wait.policy);
  storage::TaskRow task;
  task.info.execution_id = live.id;
  task.info.type = wait.task_type;
  // The input moves to the task row: the wait record of an attempt in flight does not repeat
  // it (AttemptFailed puts it back for the next attempt).
  task.info.input = std::move(wait.input);
  wait.input = Value();
  task.info.attempt = attempt;
  task.info.status = TaskStatus::kScheduled;
  task.info.scheduled_ms = env.now_ms;
  // Each attempt picks its domain anew, as Conductor does for every task it schedules.
  task.info.domain = TaskDomainFor(live.info.task_to_domain, task.info.type, env.domain_active);
  task.info.workflow_priority = live.info.priority;
  task.seq = live.row.next_task_seq++;
  task.wait_id = wait_id;
  std::string task_id = env.ids.Next(env.now_ms);
  WEFT_RETURN_IF_ERROR(env.store.AddTask(task_id, task));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTaskScheduled, task_id,
                                     ObjectWriter()
                                         .String("type", task.info.type)
                                         .Int("attempt", attempt)
                                         .Add("input", task.info.input)
                                         .Int("wait", static_cast<int64_t>(wait_id))));
  wait.kind = WaitKind::kTask;
  wait.task_id = task_id;
  wait.attempt = attempt;
  wait.held_attempt = 0;
  wait.retry_due = 0;
  wait.attempt_due = policy.timeout_ms > 0 ? env.now_ms + policy.timeout_ms : 0;
  wait.schedule_due = policy.schedule_timeout_ms > 0 ? env.now_ms + policy.schedule_timeout_ms : 0;
  WEFT_RETURN_IF_ERROR(env.store.PutWait(live.id, wait_id, wait, before));
  env.effects.ready.push_back(ReadyTask{std::move(task_id), live.id, std::move(task.info.type),
                                        attempt, std::move(task.info.input), policy.priority,
                                        policy.heartbeat_ms, 0, std::move(task.info.domain),
                                        task.info.workflow_priority});
  return absl::OkStatus();
}

// Withdraws a task attempt that has not finished.
absl::Status CancelTask(TransitionEnv& env, Live& live, std::string_view task_id) {
  WEFT_ASSIGN_OR_RETURN(auto task, env.store.GetTaskKeepingInput(task_id));
  if (!task || !IsTaskOpen(task->info.status)) return absl::OkStatus();
  task->info.status = TaskStatus::kCanceled;
  task->info.ended_ms = env.now_ms;
  WEFT_RETURN_IF_ERROR(env.store.PutTask(task_id, *task));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTaskCanceled, std::string(task_id),
                                     Obj({{"type", Str(task->info.type)},
                                          {"attempt", Value::Int(task->info.attempt)}})));
  env.effects.canceled.emplace_back(task_id);
  return absl::OkStatus();
}

// A task attempt failed (or timed out): retry it per its policy, or end the wait.
absl::Status AttemptFailed(TransitionEnv& env, Live& live, uint64_t wait_id, const WaitRow& wait,
                           const storage::TaskRow& task, std::string_view task_id,
                           std::string_view message, const Value& details, bool terminal,
                           bool timed_out) {
  const TaskPolicy policy = ParsePolicy(wait.policy);
  const uint32_t attempt = task.info.attempt;
  const bool in_time =
      policy.total_timeout_ms == 0 || env.now_ms - wait.first_ms < policy.total_timeout_ms;
  WaitRow next = wait;  // the attempt's timers go; the next attempt takes this one's input
  next.attempt_due = 0;
  next.schedule_due = 0;
  WEFT_ASSIGN_OR_RETURN(next.input, storage::TaskInput(task));
  // Retries count from this run's first attempt: a retried execution gets its budget again.
  const uint32_t first_attempt = std::max<uint32_t>(1, wait.first_attempt);
  const uint32_t tries = attempt - first_attempt + 1;
  if (!terminal && in_time && tries <= policy.retries) {
    // 63 bits, so the history's int holds the very seed the jitter is drawn from.
    const uint64_t seed = DeriveSeed(live.id, wait_id * 1000003 + attempt) >> 1;
    const int64_t delay = RetryDelayMs(policy, tries + 1, UnitFromSeed(seed));
    WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTaskRetryScheduled,
                                       std::string(task_id),
                                       Obj({{"next_attempt", Value::Int(attempt + 1)},
                                            {"delay_ms", Value::Int(delay)},
                                            {"jitter_seed", Value::Int(static_cast<int64_t>(seed))}})));
    // The execution's row is written too: it holds the history and task counters just used.
    if (delay == 0) {
      WEFT_RETURN_IF_ERROR(ScheduleAttempt(env, live, wait_id, std::move(next), &wait, attempt + 1));
      return Persist(env, live);
    }
    next.retry_due = env.now_ms + delay;
    WEFT_RETURN_IF_ERROR(env.store.PutWait(live.id, wait_id, next, &wait));
    return Persist(env, live);
  }
  WEFT_RETURN_IF_ERROR(env.store.DropWait(live.id, wait_id, wait));
  const Value error =
      TaskFailureError(task.info.type, task_id, attempt, message, details, timed_out);
  vm::RunResult r;
  if (policy.optional && !wait.compensation) {
    WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTaskOptionalFailed,
                                       std::string(task_id), Obj({{"error", error}})));
    r = vm::Resume(live.program->program, live.vm, wait_id, vm::Outcome{true, Value()}, Ctx(env));
  } else {
    r = vm::Resume(live.program->program, live.vm, wait_id, vm::Outcome{false, error}, Ctx(env));
  }
  return Apply(env, live, std::move(r), /*notify_parent=*/true);
}

absl::Status ApplyTaskTaken(TransitionEnv& env, const TaskTakenCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(auto task, env.store.GetTaskKeepingInput(cmd.task_id));
  // Finished or withdrawn meanwhile (a timeout, a cancel): the worker's result will be ignored.
  if (!task || !IsTaskOpen(task->info.status) || cmd.delivery <= task->info.delivery) {
    return absl::OkStatus();
  }
  TaskInfo& t = task->info;
  // The history first: it refuses a quarantined execution before anything is written.
  WEFT_RETURN_IF_ERROR(AppendTaskEvent(env, t.execution_id, HistoryType::kTaskStarted,
                                       cmd.task_id,
                                       ObjectWriter()
                                           .String("worker", cmd.worker_id)
                                           .Int("attempt", t.attempt)
                                           .Int("delivery", cmd.delivery)
                                           .Int("started_ms", cmd.started_ms)
                                           .Int("lease_expires_ms", cmd.lease_expires_ms)));
  t.status = TaskStatus::kInProgress;
  t.worker_id = cmd.worker_id;
  t.started_ms = cmd.started_ms;
  t.delivery = cmd.delivery;
  t.lease_expires_ms = cmd.lease_expires_ms;
  task->delivery_kind = cmd.kind;
  return env.store.PutTask(cmd.task_id, *task);
}

absl::Status ApplyTaskResultImpl(TransitionEnv& env, const TaskResultCommand& cmd) {
  // The input is read only for a retry (AttemptFailed, through TaskInput).
  WEFT_ASSIGN_OR_RETURN(auto task, env.store.GetTaskKeepingInput(cmd.task_id));
  if (!task) return absl::NotFoundError(absl::StrCat("no task `", cmd.task_id, "`"));
  TaskInfo& t = task->info;

  if (!AnswersCurrentDelivery(*task, cmd)) {
    // Never applied twice, never from a stale delivery: recorded for inspection and dropped.
    ++env.effects.results_ignored;
    WEFT_RETURN_IF_ERROR(AppendTaskEvent(env, t.execution_id, HistoryType::kTaskResultIgnored,
                                         cmd.task_id,
                                         ObjectWriter()
                                             .String("worker", cmd.worker_id)
                                             .String("task_status", TaskStatusName(t.status))
                                             .Int("delivery", cmd.delivery)
                                             .Int("current_delivery", t.delivery)));
    if (!IsTaskOpen(t.status)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "task ", cmd.task_id, " already ", ToAbsl(TaskStatusName(t.status)), "; result ignored"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "task ", cmd.task_id, " is out under delivery ", t.delivery, ", not ", cmd.delivery,
        " (its lease expired and it was handed out again); result ignored"));
  }
  WEFT_ASSIGN_OR_RETURN(Live* live, LoadReferenced(env, t.execution_id));
  // The worker, start time and delivery stay as the take recorded them.
  t.status = cmd.ok ? TaskStatus::kCompleted : TaskStatus::kFailed;
  t.ended_ms = env.now_ms;
  t.lease_expires_ms = 0;
  task->delivery_kind = storage::DeliveryKind::kNone;
  if (cmd.ok) {
    t.output = cmd.value;
  } else {
    t.error = Obj({{"message", Str(cmd.reason)}, {"details", cmd.value},
                   {"terminal", Value::Bool(cmd.terminal)}});
  }
  WEFT_RETURN_IF_ERROR(env.store.PutTask(cmd.task_id, *task));
  WEFT_RETURN_IF_ERROR(AppendHistory(
      env, *live,
      cmd.ok ? HistoryType::kTaskCompleted
             : (cmd.timed_out ? HistoryType::kTaskTimedOut : HistoryType::kTaskFailed),
      cmd.task_id,
      ObjectWriter().Int("attempt", t.attempt).Add(cmd.ok ? "output" : "error",
                                                   cmd.ok ? t.output : t.error)));

  WEFT_ASSIGN_OR_RETURN(std::optional<WaitRow> wait, env.store.GetWait(live->id, task->wait_id));
  if (!wait || wait->kind != WaitKind::kTask || wait->task_id != cmd.task_id ||
      IsEnded(live->info.status)) {
    // The execution no longer waits on this attempt: recorded, nothing resumes.
    return Persist(env, *live);
  }
  if (!cmd.ok) {
    return AttemptFailed(env, *live, task->wait_id, *wait, *task, cmd.task_id, cmd.reason,
                         cmd.value, cmd.terminal, cmd.timed_out);
  }
  WEFT_RETURN_IF_ERROR(env.store.DropWait(live->id, task->wait_id, *wait));
  vm::RunResult r = vm::Resume(live->program->program, live->vm, task->wait_id,
                               vm::Outcome{true, t.output}, Ctx(env));
  return Apply(env, *live, std::move(r), /*notify_parent=*/true);
}

absl::Status ApplyLeaseExpiredImpl(TransitionEnv& env, const LeaseExpiredCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(auto task, env.store.GetTaskKeepingInput(cmd.task_id));
  // A result, a timeout or a cancel came first; or another delivery holds the task already.
  if (!task || task->info.status != TaskStatus::kInProgress ||
      task->info.delivery != cmd.delivery) {
    return absl::OkStatus();
  }
  TaskInfo& t = task->info;
  const std::string previous_worker = t.worker_id;
  ObjectWriter details;
  if (cmd.reopen_reason.empty()) {
    details.String("worker", previous_worker)
        .Int("attempt", t.attempt)
        .Int("delivery", t.delivery)
        .Int("next_delivery", t.delivery + 1);
  } else {
    details.String("previous_worker", previous_worker)
        .Int("attempt", t.attempt)
        .Int("delivery", t.delivery + 1)
        .String("reason", cmd.reopen_reason);
  }
  WEFT_RETURN_IF_ERROR(AppendTaskEvent(
      env, t.execution_id,
      cmd.reopen_reason.empty() ? HistoryType::kLeaseExpired : HistoryType::kTaskRedelivered,
      cmd.task_id, details));
  // Back to SCHEDULED; the delivery count stays, so the next take is delivery + 1.
  t.status = TaskStatus::kScheduled;
  t.worker_id.clear();
  t.started_ms = 0;
  t.lease_expires_ms = 0;
  task->delivery_kind = storage::DeliveryKind::kNone;
  WEFT_RETURN_IF_ERROR(env.store.PutTask(cmd.task_id, *task));
  ReadyTask again = cmd.task;
  again.delivery = t.delivery;
  env.effects.ready.push_back(std::move(again));
  return absl::OkStatus();
}

absl::Status ApplyHeartbeatImpl(TransitionEnv& env, const HeartbeatCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(auto task, env.store.GetTaskKeepingInput(cmd.task_id));
  if (!task) return absl::NotFoundError(absl::StrCat("no task `", cmd.task_id, "`"));
  if (task->info.status != TaskStatus::kInProgress) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task ", cmd.task_id, " is ", ToAbsl(TaskStatusName(task->info.status)),
        ", not IN_PROGRESS"));
  }
  if (task->info.worker_id != cmd.worker_id ||
      (cmd.delivery != 0 && cmd.delivery != task->info.delivery)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task ", cmd.task_id, " is held by delivery ", task->info.delivery, " (worker `",
        task->info.worker_id, "`); the heartbeat of worker `", cmd.worker_id,
        "` extends nothing"));
  }
  if (cmd.progress.is_null() && cmd.lease_expires_ms == 0) return absl::OkStatus();
  // partial output, replaced by the final one
  if (!cmd.progress.is_null()) task->info.output = cmd.progress;
  if (cmd.lease_expires_ms != 0) task->info.lease_expires_ms = cmd.lease_expires_ms;
  return env.store.PutTask(cmd.task_id, *task);
}

absl::Status ApplyTaskResult(TransitionEnv& env, const TaskResultCommand& cmd) {
  return Drained(env, ApplyTaskResultImpl(env, cmd));
}
absl::Status ApplyLeaseExpired(TransitionEnv& env, const LeaseExpiredCommand& cmd) {
  return Drained(env, ApplyLeaseExpiredImpl(env, cmd));
}
absl::Status ApplyHeartbeat(TransitionEnv& env, const HeartbeatCommand& cmd) {
  return Drained(env, ApplyHeartbeatImpl(env, cmd));
}

}  // namespace weft::engine
