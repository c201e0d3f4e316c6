// Carrying out what the VM asked for: each request of a run (a task, a timer, a signal wait, a
// child, a cancellation), the runs that immediate answers cause, and the end of an execution
// (its output or error, its failure workflow, its parent).

#include "absl/strings/str_cat.h"
#include "bytecode/system_tasks.h"
#include "common/check.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/payload_limits.h"
#include "engine/runtime_errors.h"
#include "engine/task_policy.h"
#include "engine/transitions/internal.h"
#include "storage/registry.h"

namespace weft::engine {

absl::Status HandleRequest(TransitionEnv& env, Live& live, const vm::Request& req,
                           std::vector<Immediate>& immediate) {
  using Kind = vm::Request::Kind;
  const bytecode::Program& program = live.program->program;
  switch (req.kind) {
    case Kind::kTask: {
      WEFT_CHECK(req.task_index < program.tasks.size());
      const bytecode::TaskDecl& decl = program.tasks[req.task_index];
      if (const uint64_t bytes = PayloadBytesIfNear(req.input, env.limits->max_task_input_bytes);
          bytes > env.limits->max_task_input_bytes) {
        immediate.push_back({req.wait_id, vm::Outcome{false, LimitExceededError(OverLimitMessage(
            absl::StrCat("the input of task `", decl.name, "`"), bytes,
            env.limits->max_task_input_bytes, "max_task_input_bytes"))}});
        return absl::OkStatus();
      }
      if (decl.name == bytecode::kPublishTaskType) return QueuePublish(env, live, req, immediate);
      const auto prior = live.prior_attempts.find(req.wait_id);
      const uint32_t first_attempt = prior == live.prior_attempts.end() ? 1 : prior->second + 1;
      WaitRow wait;
      wait.task_type = decl.name;
      wait.input = req.input;
      wait.policy = MergePolicy(decl.policy, req.policy);
      wait.first_ms = env.now_ms;
      wait.first_attempt = first_attempt;
      wait.compensation = req.compensation;
      if (live.info.status == ExecutionStatus::kPaused) {
        // Held back until the execution resumes: no new task while paused.
        wait.kind = WaitKind::kHeld;
        wait.held_attempt = first_attempt;
        return env.store.PutWait(live.id, req.wait_id, wait, nullptr);
      }
      return ScheduleAttempt(env, live, req.wait_id, std::move(wait), nullptr, first_attempt);
    }
    case Kind::kTimer: {
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTimerStarted, "",
                                         Obj({{"wait", Value::Int(static_cast<int64_t>(req.wait_id))},
                                              {"due_ms", Value::Int(req.due_ms)}})));
      WaitRow wait;
      wait.kind = WaitKind::kTimer;
      wait.due_ms = req.due_ms;
      return env.store.PutWait(live.id, req.wait_id, wait, nullptr);
    }
    case Kind::kSignal: {
      WaitRow wait;
      wait.kind = WaitKind::kSignal;
      wait.signal = req.name;
      wait.timeout_due = req.due_ms;
      return env.store.PutWait(live.id, req.wait_id, wait, nullptr);
    }
    case Kind::kChild:
    case Kind::kStartChild: {
      const bool detached = req.kind == Kind::kStartChild;
      // A detached start begins a new top-level execution; only attached children nest.
      const uint32_t depth = detached ? 0 : live.child_depth + 1;
      if (depth > env.limits->max_child_depth) {
        immediate.push_back({req.wait_id, vm::Outcome{false, LimitExceededError(absl::StrCat(
            "cannot start workflow `", req.name, "`: child workflows nest at most ",
            env.limits->max_child_depth, " levels deep"))}});
        return absl::OkStatus();
      }
      if (const uint64_t bytes = PayloadBytesIfNear(req.input, env.limits->max_input_bytes);
          bytes > env.limits->max_input_bytes) {
        immediate.push_back({req.wait_id, vm::Outcome{false, LimitExceededError(OverLimitMessage(
            absl::StrCat("the input of workflow `", req.name, "`"), bytes,
            env.limits->max_input_bytes, "max_input_bytes"))}});
        return absl::OkStatus();
      }
      absl::StatusOr<StartCommand> child =
          PrepareStart(env, req.name, req.version, req.input, detached ? "" : live.id,
                       detached ? 0 : req.wait_id, depth, DeriveSeed(live.id, req.wait_id));
      if (!child.ok()) {
        if (!absl::IsNotFound(child.status()) && !absl::IsInvalidArgument(child.status())) {
          return child.status();
        }
        immediate.push_back({req.wait_id, vm::Outcome{false,
            ChildStartFailedError(req.name, ToStd(child.status().message()))}});
        return absl::OkStatus();
      }
      const std::string child_id = child->execution_id;
      QueueStart(env, *std::move(child));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kChildStarted, "",
                                         Obj({{"workflow", Str(req.name)},
                                              {"child_id", Str(child_id)},
                                              {"detached", Value::Bool(detached)}})));
      if (detached) {
        immediate.push_back({req.wait_id, vm::Outcome{true, Str(child_id)}});
        return absl::OkStatus();
      }
      // A child that ends within this transaction resumes this wait through Drain.
      WaitRow wait;
      wait.kind = WaitKind::kChild;
      wait.child_id = child_id;
      wait.workflow = req.name;
      return env.store.PutWait(live.id, req.wait_id, wait, nullptr);
    }
    case Kind::kCancel: {
      WEFT_ASSIGN_OR_RETURN(std::optional<WaitRow> wait, env.store.GetWait(live.id, req.wait_id));
      if (!wait) return absl::OkStatus();
      if (wait->kind == WaitKind::kTask) {
        WEFT_RETURN_IF_ERROR(CancelTask(env, live, wait->task_id));
      } else if (wait->kind == WaitKind::kChild) {
        env.cache->work.push_back(Work{Work::Kind::kTerminateChild, {}, wait->child_id, {}, 0});
      }
      return env.store.DropWait(live.id, req.wait_id, *wait);
    }
  }
  return absl::OkStatus();
}

// The failure workflow gets the fields of `full` it declares as parameters: input checking
// rejects unknown fields, and a handler should not have to take them all (`workflow` cannot
// even be a parameter name, it is a keyword). Unchanged when the handler is not deployed.
absl::StatusOr<Value> FailureInputFor(TransitionEnv& env, std::string_view handler,
                                      const Value& full) {
  WEFT_ASSIGN_OR_RETURN(std::optional<storage::VersionRow> row,
                        storage::LatestVersion(env.txn, handler));
  if (!row) return full;
  WEFT_ASSIGN_OR_RETURN(ProgramPtr program, env.programs.Get(env.txn, row->hash));
  std::vector<Object::Entry> kept;
  for (const auto& [key, value] : full.as_object().entries()) {
    for (const bytecode::Param& param : program->program.params) {
      if (param.name == key) kept.emplace_back(key, value);
    }
  }
  return Value::MakeObject(Object(std::move(kept)));
}

// Ends the execution: header, status index, history; the failure workflow; the parent.
absl::Status EndExecution(TransitionEnv& env, Live& live, const vm::RunResult& run,
                          bool notify_parent) {
  vm::RunResult over;  // the run, failed, when its output is too big to keep
  if (run.status == vm::RunStatus::kCompleted) {
    if (const uint64_t bytes = PayloadBytesIfNear(run.output, env.limits->max_output_bytes);
        bytes > env.limits->max_output_bytes) {
      over.status = vm::RunStatus::kFailed;
      over.error = LimitExceededError(OverLimitMessage("the execution's output", bytes,
                                                  env.limits->max_output_bytes,
                                                  "max_output_bytes"));
    }
  }
  const vm::RunResult& r = over.status == vm::RunStatus::kFailed ? over : run;
  const bool completed = r.status == vm::RunStatus::kCompleted;
  SetStatus(live, completed ? ExecutionStatus::kCompleted : ExecutionStatus::kFailed);
  if (completed) {
    live.info.output = r.output;
  } else {
    live.info.error = r.error;
    live.row.retry_checkpoint = live.before;  // Retry continues from here
  }
  live.info.ended_ms = env.now_ms;
  live.header_dirty = true;
  WEFT_RETURN_IF_ERROR(AppendHistory(
      env, live, completed ? HistoryType::kExecutionCompleted : HistoryType::kExecutionFailed, "",
      ObjectWriter().Add(completed ? "output" : "error", completed ? r.output : r.error)));
  const bytecode::Program& program = live.program->program;
  WEFT_RETURN_IF_ERROR(env.store.DropExecutionTimer(live.id, ExecutionDeadline(live)));
  env.effects.ended.push_back(live.id);
  if (!completed && !program.failure_workflow.empty()) {
    Value input = Obj({{"execution_id", Str(live.id)}, {"workflow", Str(live.info.workflow)},
                       {"version", Value::Int(live.info.version)},
                       {"reason", Get(r.error, "message")}, {"error", r.error},
                       {"input", live.info.input}});
    WEFT_ASSIGN_OR_RETURN(input, FailureInputFor(env, program.failure_workflow, input));
    absl::StatusOr<StartCommand> handler = PrepareStart(env, program.failure_workflow, 0, input,
                                                        "", 0, 0, DeriveSeed(live.id, 0));
    WEFT_RETURN_IF_ERROR(AppendHistory(
        env, live, HistoryType::kFailureWorkflow, "",
        handler.ok() ? Obj({{"workflow", Str(program.failure_workflow)},
                            {"execution_id", Str(handler->execution_id)}})
                     : Obj({{"workflow", Str(program.failure_workflow)},
                            {"error", Str(ToStd(handler.status().message()))}})));
    if (handler.ok()) {
      QueueStart(env, *std::move(handler));
    } else if (!absl::IsNotFound(handler.status()) && !absl::IsInvalidArgument(handler.status())) {
      return handler.status();
    }
  }
  if (notify_parent) QueueParentResume(env, live.info, live.parent_wait);
  return absl::OkStatus();
}

// Carries out a run's requests (and the runs that immediate answers cause), ends the
// execution when the VM did, and persists it.
absl::Status Apply(TransitionEnv& env, Live& live, vm::RunResult result, bool notify_parent) {
  // The runs the immediate answers cause, in order after `result`: most transitions have none,
  // so nothing is allocated for them.
  std::vector<vm::RunResult> runs;
  size_t next = 0;
  for (vm::RunResult* run = &result; run != nullptr;
       run = next < runs.size() ? &runs[next++] : nullptr) {
    vm::RunResult r = std::move(*run);
    if (r.ignored) continue;
    std::vector<Immediate> immediate;
    for (const vm::Request& req : r.requests) {
      WEFT_RETURN_IF_ERROR(HandleRequest(env, live, req, immediate));
    }
    if (r.status != vm::RunStatus::kWaiting) {
      WEFT_RETURN_IF_ERROR(EndExecution(env, live, r, notify_parent));
      break;  // nothing runs after the end
    }
    for (const vm::Request& req : r.requests) {
      if (req.compensation) {
        WEFT_RETURN_IF_ERROR(AppendHistory(
            env, live, HistoryType::kCompensating, "",
            Obj({{"task", Str(live.program->program.tasks.at(req.task_index).name)},
                 {"error", live.vm.failure}})));
      }
    }
    for (Immediate& i : immediate) {
      vm::RunContext ctx;
      ctx.now_ms = env.now_ms;
      runs.push_back(vm::Resume(live.program->program, live.vm, i.wait_id, std::move(i.outcome), ctx));
    }
    if (next == runs.size() && !IsEnded(live.info.status) && live.vm.failure.is_null() &&
        live.row.next_history_seq > env.limits->max_history_events) {
      // Its history is full: the execution fails as if it timed out (compensations run).
      runs.push_back(vm::Abort(
          live.program->program, live.vm,
          LimitExceededError(absl::StrCat("the execution's history reached its limit of ",
                                     env.limits->max_history_events,
                                     " events (max_history_events)")),
          Ctx(env)));
    }
  }
  return Persist(env, live);
}

absl::Status CloseWait(TransitionEnv& env, Live& live, uint64_t wait_id) {
  WEFT_ASSIGN_OR_RETURN(std::optional<WaitRow> wait, env.store.GetWait(live.id, wait_id));
  if (!wait) return absl::OkStatus();
  return env.store.DropWait(live.id, wait_id, *wait);
}

}  // namespace weft::engine
