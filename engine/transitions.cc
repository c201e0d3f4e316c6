// See transitions.h.
#include "engine/transitions.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "common/check.h"
#include "common/status_macros.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "vm/checkpoint.h"
#include "vm/vm.h"

namespace weft::engine {
namespace {

using storage::ExecStateRow;
using storage::HistoryRow;
using storage::HistoryType;
using storage::Table;


Value Obj(std::initializer_list<std::pair<const char*, Value>> fields) {
  std::vector<Object::Entry> entries;
  entries.reserve(fields.size());
  for (const auto& [k, v] : fields) entries.emplace_back(k, v);
  return Value::MakeObject(Object(std::move(entries)));
}

absl::Status AppendHistory(TransitionEnv& env, std::string_view execution_id, ExecStateRow& state,
                           HistoryType type, std::string task_id, Value details) {
  HistoryRow row{env.now_ms, type, std::move(task_id), std::move(details)};
  return env.txn.Put(Table::kHistory, storage::HistoryKey(execution_id, state.next_history_seq++),
                     storage::EncodeHistory(row));
}

absl::StatusOr<ExecStateRow> LoadExecState(TransitionEnv& env, std::string_view execution_id) {
  auto bytes = env.txn.Get(Table::kExecState, execution_id);
  if (!bytes.ok()) return bytes.status();
  if (!*bytes) return absl::DataLossError(absl::StrCat("execution ", ToAbsl(execution_id), " has no state"));
  return storage::DecodeExecState(**bytes);
}

// Schedules the task the VM suspended on: task record, its queue entry, history.
absl::Status ScheduleTask(TransitionEnv& env, std::string_view execution_id,
                          const bytecode::Program& program, ExecStateRow& state,
                          const vm::RunResult& r) {
  WEFT_CHECK(r.task_index < program.tasks.size());
  storage::TaskRow task;
  task.info.execution_id = std::string(execution_id);
  task.info.type = program.tasks[r.task_index].name;
  task.info.input = r.task_input;
  task.info.attempt = 1;
  task.info.status = TaskStatus::kScheduled;
  task.info.scheduled_ms = env.now_ms;
  task.seq = state.next_task_seq++;
  std::string task_id = env.ids.Next(env.now_ms);
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kTasks, task_id, storage::EncodeTask(task)));
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kExecTasks, storage::ExecTaskKey(execution_id, task_id), {}));
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kQueue, storage::QueueKey(task.info.type, task_id), {}));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, execution_id, state, HistoryType::kTaskScheduled, task_id,
                                     Obj({{"type", Value::String(task.info.type)},
                                          {"attempt", Value::Int(task.info.attempt)},
                                          {"input", task.info.input}})));
  state.waiting_task = task_id;
  env.effects.ready.push_back(
      ReadyTask{std::move(task_id), std::string(execution_id), task.info.type, 1, task.info.input});
  return absl::OkStatus();
}

// Records the end of an execution: its header gets the status and result, the status index
// moves, and the history says how it ended.
absl::Status EndExecution(TransitionEnv& env, std::string_view execution_id, ExecStateRow& state,
                          const vm::RunResult& r) {
  auto bytes = env.txn.Get(Table::kExecutions, execution_id);
  if (!bytes.ok()) return bytes.status();
  if (!*bytes) return absl::DataLossError(absl::StrCat("execution ", ToAbsl(execution_id), " has no record"));
  absl::StatusOr<ExecutionInfo> info = storage::DecodeExecution(**bytes);
  if (!info.ok()) return info.status();
  const bool completed = r.status == vm::RunStatus::kCompleted;
  info->status = completed ? ExecutionStatus::kCompleted : ExecutionStatus::kFailed;
  if (completed) {
    info->output = r.output;
  } else {
    info->error = r.error;
  }
  info->updated_ms = env.now_ms;
  info->ended_ms = env.now_ms;
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kExecutions, execution_id, storage::EncodeExecution(*info)));
  WEFT_RETURN_IF_ERROR(env.txn.Delete(
      Table::kByStatus,
      storage::StatusKey(static_cast<uint8_t>(ExecutionStatus::kRunning), execution_id)));
  WEFT_RETURN_IF_ERROR(env.txn.Put(
      Table::kByStatus, storage::StatusKey(static_cast<uint8_t>(info->status), execution_id), {}));
  WEFT_RETURN_IF_ERROR(AppendHistory(
      env, execution_id, state,
      completed ? HistoryType::kExecutionCompleted : HistoryType::kExecutionFailed, "",
      completed ? Obj({{"output", r.output}}) : Obj({{"error", r.error}})));
  state.waiting_task.clear();
  env.effects.ended.emplace_back(execution_id);
  return absl::OkStatus();
}

// Persists what one VM run did, then the new checkpoint.
absl::Status Persist(TransitionEnv& env, std::string_view execution_id,
                     const bytecode::Program& program, ExecStateRow& state,
                     const vm::ExecState& vm_state, const vm::RunResult& r) {
  if (r.status == vm::RunStatus::kSuspended) {
    WEFT_RETURN_IF_ERROR(ScheduleTask(env, execution_id, program, state, r));
  } else {
    WEFT_RETURN_IF_ERROR(EndExecution(env, execution_id, state, r));
  }
  state.checkpoint = vm::EncodeCheckpoint(vm_state);
  state.updated_ms = env.now_ms;
  env.effects.checkpoint_bytes += state.checkpoint.size();
  ++env.effects.checkpoints;
  return env.txn.Put(Table::kExecState, execution_id, storage::EncodeExecState(state));
}

}  // namespace

absl::Status ApplyStart(TransitionEnv& env, const StartCommand& cmd) {
  WEFT_CHECK(cmd.program != nullptr);
  ExecutionInfo info;
  info.workflow = cmd.workflow;
  info.version = cmd.version;
  info.hash = cmd.hash;
  info.input = cmd.input;
  info.status = ExecutionStatus::kRunning;
  info.created_ms = info.updated_ms = env.now_ms;
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kExecutions, cmd.execution_id, storage::EncodeExecution(info)));
  WEFT_RETURN_IF_ERROR(env.txn.Put(
      Table::kByStatus,
      storage::StatusKey(static_cast<uint8_t>(ExecutionStatus::kRunning), cmd.execution_id), {}));
  ExecStateRow state;
  state.program_hash = cmd.hash;
  WEFT_RETURN_IF_ERROR(AppendHistory(env, cmd.execution_id, state, HistoryType::kExecutionStarted, "",
                                     Obj({{"workflow", Value::String(cmd.workflow)},
                                          {"version", Value::Int(cmd.version)},
                                          {"hash", Value::String(cmd.hash)},
                                          {"input", cmd.input}})));
  const bytecode::Program& program = cmd.program->program;
  vm::ExecState vm_state = vm::NewExecState(program, cmd.args, cmd.seed);
  vm::RunContext ctx;
  ctx.now_ms = env.now_ms;
  vm::RunResult r = vm::Run(program, vm_state, ctx);
  return Persist(env, cmd.execution_id, program, state, vm_state, r);
}

absl::Status ApplyTaskResult(TransitionEnv& env, const TaskResultCommand& cmd) {
  auto bytes = env.txn.Get(Table::kTasks, cmd.task_id);
  if (!bytes.ok()) return bytes.status();
  if (!*bytes) return absl::NotFoundError(absl::StrCat("no task `", cmd.task_id, "`"));
  absl::StatusOr<storage::TaskRow> task = storage::DecodeTask(**bytes);
  if (!task.ok()) return task.status();
  TaskInfo& t = task->info;
  absl::StatusOr<ExecStateRow> state = LoadExecState(env, t.execution_id);
  if (!state.ok()) return state.status();

  if (t.status != TaskStatus::kScheduled) {
    // Never applied twice: the result is recorded for inspection and otherwise dropped.
    ++env.effects.results_ignored;
    WEFT_RETURN_IF_ERROR(AppendHistory(
        env, t.execution_id, *state, HistoryType::kTaskResultIgnored, cmd.task_id,
        Obj({{"worker", Value::String(cmd.worker_id)},
             {"task_status", Value::String(std::string(TaskStatusName(t.status)))}})));
    WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kExecState, t.execution_id, storage::EncodeExecState(*state)));
    return absl::FailedPreconditionError(absl::StrCat("task ", cmd.task_id, " already ",
                                                      ToAbsl(TaskStatusName(t.status)), "; result ignored"));
  }

  t.status = cmd.ok ? TaskStatus::kCompleted : TaskStatus::kFailed;
  t.worker_id = cmd.worker_id;
  t.started_ms = cmd.started_ms;
  t.ended_ms = env.now_ms;
  Value task_error;
  if (cmd.ok) {
    t.output = cmd.value;
  } else {
    task_error = Obj({{"message", Value::String(cmd.reason)}, {"details", cmd.value}});
    t.error = task_error;
  }
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kTasks, cmd.task_id, storage::EncodeTask(*task)));
  WEFT_RETURN_IF_ERROR(env.txn.Delete(Table::kQueue, storage::QueueKey(t.type, cmd.task_id)));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, t.execution_id, *state, HistoryType::kTaskStarted, cmd.task_id,
                                     Obj({{"worker", Value::String(cmd.worker_id)},
                                          {"attempt", Value::Int(t.attempt)},
                                          {"started_ms", Value::Int(cmd.started_ms)}})));
  WEFT_RETURN_IF_ERROR(AppendHistory(
      env, t.execution_id, *state, cmd.ok ? HistoryType::kTaskCompleted : HistoryType::kTaskFailed,
      cmd.task_id,
      cmd.ok ? Obj({{"attempt", Value::Int(t.attempt)}, {"output", t.output}})
             : Obj({{"attempt", Value::Int(t.attempt)}, {"error", task_error}})));

  if (state->waiting_task != cmd.task_id) {
    // The execution no longer waits on this task (it ended meanwhile): record, don't resume.
    return env.txn.Put(Table::kExecState, t.execution_id, storage::EncodeExecState(*state));
  }
  absl::StatusOr<ProgramPtr> loaded = env.programs.Get(env.txn, state->program_hash);
  if (!loaded.ok()) return loaded.status();
  const bytecode::Program* program = &(*loaded)->program;
  // A stored checkpoint is untrusted: it must decode, and then fit its program, before the VM
  // touches it.
  absl::StatusOr<vm::ExecState> vm_state = vm::DecodeCheckpoint(state->checkpoint);
  absl::Status fits = vm_state.ok() ? vm::CheckStateFits(*program, (*loaded)->depths, *vm_state)
                                    : vm_state.status();
  if (!fits.ok()) {
    return absl::DataLossError(absl::StrCat("checkpoint of execution ", t.execution_id,
                                            " is corrupt: ", fits.message()));
  }
  vm::RunContext ctx;
  ctx.now_ms = env.now_ms;
  if (cmd.ok) {
    vm::RunResult r = vm::ResumeWithTaskOutput(*program, *vm_state, t.output, ctx);
    return Persist(env, t.execution_id, *program, *state, *vm_state, r);
  }
  Value failure = vm::MakeTaskFailure(t.type, cmd.task_id, t.attempt, cmd.reason, cmd.value);
  vm::RunResult r = vm::ResumeWithTaskFailure(*program, *vm_state, failure, ctx);
  return Persist(env, t.execution_id, *program, *state, *vm_state, r);
}

absl::Status ApplyLeaseExpired(TransitionEnv& env, const LeaseExpiredCommand& cmd) {
  auto bytes = env.txn.Get(Table::kTasks, cmd.task_id);
  if (!bytes.ok()) return bytes.status();
  if (!*bytes) return absl::OkStatus();
  absl::StatusOr<storage::TaskRow> task = storage::DecodeTask(**bytes);
  if (!task.ok()) return task.status();
  if (task->info.status != TaskStatus::kScheduled) return absl::OkStatus();
  absl::StatusOr<ExecStateRow> state = LoadExecState(env, task->info.execution_id);
  if (!state.ok()) return state.status();
  WEFT_RETURN_IF_ERROR(AppendHistory(env, task->info.execution_id, *state, HistoryType::kLeaseExpired,
                                     cmd.task_id, Obj({{"worker", Value::String(cmd.worker_id)}})));
  return env.txn.Put(Table::kExecState, task->info.execution_id, storage::EncodeExecState(*state));
}

}  // namespace weft::engine
