// Control of a running execution: signals, terminate, pause, resume, retry and restart.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/runtime_errors.h"
#include "engine/transitions/internal.h"
#include "vm/checkpoint.h"

namespace weft::engine {

absl::Status TerminateExecution(TransitionEnv& env, Live& live, std::string_view reason,
                                bool notify_parent) {
  std::vector<Immediate> unused;
  for (const vm::Request& cancel : vm::CancelAll(live.vm)) {
    WEFT_RETURN_IF_ERROR(HandleRequest(env, live, cancel, unused));
  }
  // Held tasks and anything else left in the waits table go too.
  WEFT_ASSIGN_OR_RETURN(auto left, env.store.WaitsOf(live.id));
  for (auto& [wait_id, wait] : left) WEFT_RETURN_IF_ERROR(env.store.DropWait(live.id, wait_id, wait));
  SetStatus(live, ExecutionStatus::kTerminated);
  live.info.error = TerminatedError(reason);
  live.info.ended_ms = env.now_ms;
  live.header_dirty = true;
  WEFT_RETURN_IF_ERROR(env.store.DropExecutionTimer(live.id, ExecutionDeadline(live)));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionTerminated, "",
                                     Obj({{"reason", Str(reason)}})));
  env.effects.ended.push_back(live.id);
  if (notify_parent) QueueParentResume(env, live.info, live.parent_wait);
  return Persist(env, live);
}

absl::Status ApplySignalImpl(TransitionEnv& env, const SignalCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(Live* live, LoadLive(env, cmd.execution_id));
  if (IsEnded(live->info.status)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "execution ", cmd.execution_id, " is ", ToAbsl(ExecutionStatusName(live->info.status)),
        "; it takes no more signals"));
  }
  WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kSignalReceived, "",
                                     Obj({{"name", Str(cmd.name)}, {"payload", cmd.payload}})));
  vm::RunResult r =
      vm::DeliverSignal(live->program->program, live->vm, cmd.name, cmd.payload, Ctx(env));
  // The wait the VM says the signal woke goes, with its timeout.
  if (r.closed_wait != 0) WEFT_RETURN_IF_ERROR(CloseWait(env, *live, r.closed_wait));
  return Apply(env, *live, std::move(r), true);
}

// The highest attempt number of each task wait of an execution, from its task rows.
absl::StatusOr<absl::flat_hash_map<uint64_t, uint32_t>> LastAttempts(TransitionEnv& env,
                                                                            std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(std::vector<std::string> task_ids, env.store.TaskIdsOf(id));
  absl::flat_hash_map<uint64_t, uint32_t> last;
  for (const std::string& task_id : task_ids) {
    WEFT_ASSIGN_OR_RETURN(auto task, env.store.GetTask(task_id));
    if (!task) return absl::DataLossError(absl::StrCat("task ", task_id, " of ", ToAbsl(id), " is missing"));
    uint32_t& at = last[task->wait_id];
    at = std::max(at, task->info.attempt);
  }
  return last;
}

absl::Status ApplyControlImpl(TransitionEnv& env, const ControlCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(Live* loaded, LoadLive(env, cmd.execution_id));
  Live& live = *loaded;
  const ExecutionStatus status = live.info.status;
  auto invalid = [&](std::string_view what) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot ", ToAbsl(what), " execution ", cmd.execution_id, ": it is ",
                     ToAbsl(ExecutionStatusName(status))));
  };
  switch (cmd.kind) {
    case ControlKind::kTerminate:
      if (IsEnded(status)) return invalid("terminate");
      return TerminateExecution(env, live, cmd.reason.empty() ? "terminated" : cmd.reason, true);
    case ControlKind::kPause:
      if (status != ExecutionStatus::kRunning) return invalid("pause");
      SetStatus(live, ExecutionStatus::kPaused);
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionPaused, "", Value()));
      return Persist(env, live);
    case ControlKind::kResume: {
      if (status != ExecutionStatus::kPaused) return invalid("resume");
      SetStatus(live, ExecutionStatus::kRunning);
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionResumed, "", Value()));
      WEFT_ASSIGN_OR_RETURN(auto waits, env.store.WaitsOf(live.id));
      for (auto& [wait_id, wait] : waits) {
        if (wait.kind != WaitKind::kHeld) continue;
        const uint32_t attempt = wait.held_attempt > 0 ? wait.held_attempt : 1;
        WEFT_RETURN_IF_ERROR(ScheduleAttempt(env, live, wait_id, wait, &wait, attempt));
      }
      return Persist(env, live);
    }
    case ControlKind::kRetry: {
      if (status != ExecutionStatus::kFailed) return invalid("retry");
      if (live.row.retry_checkpoint.empty()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "execution ", cmd.execution_id, " failed before its first step; restart it instead"));
      }
      absl::StatusOr<vm::ExecState> state = vm::DecodeCheckpoint(live.row.retry_checkpoint);
      absl::Status fits = state.ok() ? vm::CheckStateFits(live.program->program,
                                                          live.program->depths, *state)
                                     : state.status();
      if (!fits.ok()) return absl::DataLossError(absl::StrCat("retry checkpoint: ", fits.message()));
      live.vm = *std::move(state);
      live.row.retry_checkpoint.clear();
      SetStatus(live, ExecutionStatus::kRunning);
      live.info.error = Value();
      live.info.ended_ms = 0;
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionRetried, "", Value()));
      WEFT_ASSIGN_OR_RETURN(live.prior_attempts, LastAttempts(env, live.id));
      vm::RunResult r;
      r.requests = vm::OpenRequests(live.vm);
      for (vm::Request& req : r.requests) {
        // A signal wait whose deadline passed (often the very failure being retried) gets its
        // timeout again from now; a sleep that is over simply ends.
        if (req.kind == vm::Request::Kind::kSignal && req.due_ms != 0 && req.due_ms <= env.now_ms &&
            req.timeout_ms > 0) {
          req.due_ms = env.now_ms + req.timeout_ms;
        }
      }
      absl::Status applied = Apply(env, live, std::move(r), true);
      live.prior_attempts.clear();
      return applied;
    }
    case ControlKind::kRestart: {
      if (!IsEnded(status)) return invalid("restart");
      WEFT_ASSIGN_OR_RETURN(std::vector<Value> args,
                            vm::BindInput(live.program->program, live.info.input));
      SetStatus(live, ExecutionStatus::kRunning);
      live.info.error = Value();
      live.info.output = Value();
      live.info.ended_ms = 0;
      live.row.retry_checkpoint.clear();
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionRestarted, "",
                                         Obj({{"version", Value::Int(live.info.version)}})));
      const bytecode::Program& program = live.program->program;
      if (program.timeout_ms > 0) {
        live.info.created_ms = env.now_ms;  // the deadline counts from the new start
        WEFT_RETURN_IF_ERROR(
            env.store.PutExecutionTimer(live.id, env.now_ms + program.timeout_ms));
      }
      live.vm = vm::NewExecState(program, std::move(args), cmd.seed);
      vm::RunResult r = vm::Start(program, live.vm, Ctx(env));
      return Apply(env, live, std::move(r), true);
    }
  }
  return absl::OkStatus();
}

absl::Status ApplySignal(TransitionEnv& env, const SignalCommand& cmd) {
  return Drained(env, ApplySignalImpl(env, cmd));
}
absl::Status ApplyControl(TransitionEnv& env, const ControlCommand& cmd) {
  return Drained(env, ApplyControlImpl(env, cmd));
}

}  // namespace weft::engine
