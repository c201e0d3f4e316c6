// Starting executions and their children: a start (top-level, child, detached, failure
// workflow), prepared and checked at once and carried out through the work queue, and a child's
// end resuming its parent.
#include "absl/strings/str_cat.h"
#include "common/check.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/runtime_errors.h"
#include "engine/transitions/internal.h"
#include "storage/registry.h"

namespace weft::engine {

// An execution that ended resumes the parent waiting on it, through the work queue.
void QueueParentResume(TransitionEnv& env, const ExecutionInfo& info, uint64_t parent_wait) {
  if (parent_wait == 0) return;
  env.cache->work.push_back(Work{Work::Kind::kResumeParent, {}, {}, info, parent_wait});
}

// The version row of `workflow` at `version` (0: the latest); NotFound when there is none.
absl::StatusOr<storage::VersionRow> FindVersion(TransitionEnv& env, std::string_view workflow,
                                                uint32_t version) {
  std::optional<storage::VersionRow> row;
  if (version == 0) {
    WEFT_ASSIGN_OR_RETURN(row, storage::LatestVersion(env.txn, workflow));
  } else {
    WEFT_ASSIGN_OR_RETURN(row, storage::GetVersion(env.txn, workflow, version));
  }
  if (!row) {
    return absl::NotFoundError(
        version == 0 ? absl::StrCat("workflow `", ToAbsl(workflow), "` is not deployed")
                     : absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ", version));
  }
  return *std::move(row);
}

// new execution its id: everything a start needs, checked now, so that a bad start is answered
// at once (NotFound, InvalidArgument). The start itself is queued (Work::kStart).
absl::StatusOr<StartCommand> PrepareStart(TransitionEnv& env, std::string_view workflow,
                                          uint32_t version, const Value& input,
                                          std::string_view parent_id, uint64_t parent_wait,
                                          uint32_t child_depth, uint64_t seed) {
  WEFT_ASSIGN_OR_RETURN(const storage::VersionRow row, FindVersion(env, workflow, version));
  WEFT_ASSIGN_OR_RETURN(ProgramPtr program, env.programs.Get(env.txn, row.hash));
  WEFT_ASSIGN_OR_RETURN(std::vector<Value> args, vm::BindInput(program->program, input));
  StartCommand cmd;
  cmd.execution_id = env.ids.Next(env.now_ms);
  cmd.workflow = std::string(workflow);
  cmd.version = row.version;
  cmd.hash = row.hash;
  cmd.program = program;
  cmd.input = input;
  cmd.args = std::move(args);
  cmd.seed = seed;
  cmd.parent_id = std::string(parent_id);
  cmd.parent_wait = parent_wait;
  cmd.child_depth = child_depth;
  // A child inherits its parent's correlation id and priority, as in Conductor.
  if (auto it = env.cache->lives.find(cmd.parent_id); !cmd.parent_id.empty() &&
                                                       it != env.cache->lives.end()) {
    cmd.correlation_id = it->second->info.correlation_id;
    cmd.priority = it->second->info.priority;
    // Its taskToDomain too when it is a child the parent waits on (SUB_WORKFLOW); a detached
    // start (START_WORKFLOW) takes none, as Conductor's StartWorkflow task.
    if (parent_wait != 0) cmd.task_to_domain = it->second->info.task_to_domain;
  }
  return cmd;
}

void QueueStart(TransitionEnv& env, StartCommand cmd) {
  env.cache->work.push_back(Work{Work::Kind::kStart, std::move(cmd), {}, {}, 0});
}

// A child that just ended resumes the parent waiting on it, in the same transaction: with
// its output, or a CHILD_FAILED error when it failed or was terminated.
absl::Status ResumeParent(TransitionEnv& env, const ExecutionInfo& child, uint64_t parent_wait) {
  if (env.quarantined != nullptr && env.quarantined->contains(child.parent_id)) {
    return absl::OkStatus();  // out of service: nothing resumes it
  }
  WEFT_ASSIGN_OR_RETURN(Live* parent, LoadReferenced(env, child.parent_id));
  if (IsEnded(parent->info.status)) return absl::OkStatus();
  WEFT_RETURN_IF_ERROR(CloseWait(env, *parent, parent_wait));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, *parent, HistoryType::kChildEnded, "",
                                     Obj({{"child_id", Str(child.id)},
                                          {"status", Str(ExecutionStatusName(child.status))}})));
  vm::Outcome outcome =
      child.status == ExecutionStatus::kCompleted
          ? vm::Outcome{true, child.output}
          : vm::Outcome{false, ChildFailedError(child.workflow, child.id, child.status, child.error)};
  vm::RunResult r = vm::Resume(parent->program->program, parent->vm, parent_wait,
                               std::move(outcome), Ctx(env));
  return Apply(env, *parent, std::move(r), /*notify_parent=*/true);
}

// A start with an idempotency key, when an execution of the workflow already holds the key:
// OK to go on with the start, or why not. Checked in the start's own write transaction, and
// the key's entry is written with the new header (ExecutionStore::PutExecution), so two starts
// with one key cannot both pass.
absl::StatusOr<bool> PassesIdempotency(TransitionEnv& env, const StartCommand& cmd) {
  if (cmd.idempotency_key.empty()) return true;
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                        env.store.FindIdempotent(cmd.workflow, cmd.idempotency_key));
  if (!existing) return true;
  auto refused = [&](std::string_view why) {
    return absl::AlreadyExistsError(absl::StrCat(
        "workflow `", ToAbsl(cmd.workflow), "` already has execution ", *existing,
        " with idempotency key `", ToAbsl(cmd.idempotency_key), "`", ToAbsl(why)));
  };
  switch (cmd.idempotency_strategy) {
    case IdempotencyStrategy::kFail:
      return refused("");
    case IdempotencyStrategy::kReturnExisting:
      if (cmd.existing) *cmd.existing = *existing;
      return false;
    case IdempotencyStrategy::kFailOnRunning: {
      WEFT_ASSIGN_OR_RETURN(std::optional<storage::ExecutionRow> row,
                            env.store.GetExecution(*existing));
      if (row && !IsEnded(row->info.status)) {
        return refused(absl::StrCat(", which is ", ToAbsl(ExecutionStatusName(row->info.status))));
      }
      return true;
    }
  }
  return true;
}

absl::Status ApplyStartImpl(TransitionEnv& env, const StartCommand& cmd) {
  WEFT_CHECK(cmd.program != nullptr);
  WEFT_ASSIGN_OR_RETURN(const bool go, PassesIdempotency(env, cmd));
  if (!go) return absl::OkStatus();
  if (env.primary.empty()) env.primary = cmd.execution_id;
  auto owned = std::make_unique<Live>();
  Live& live = *owned;
  env.cache->lives[cmd.execution_id] = std::move(owned);
  live.id = cmd.execution_id;
  live.program = cmd.program;
  ExecutionInfo& info = live.info;
  info.id = cmd.execution_id;
  info.workflow = cmd.workflow;
  info.version = cmd.version;
  info.hash = cmd.hash;
  info.input = cmd.input;
  info.status = ExecutionStatus::kRunning;
  info.created_ms = info.updated_ms = env.now_ms;
  info.parent_id = cmd.parent_id;
  info.correlation_id = cmd.correlation_id;
  info.priority = cmd.priority;
  info.idempotency_key = cmd.idempotency_key;
  info.task_to_domain = cmd.task_to_domain;
  live.parent_wait = cmd.parent_wait;
  live.child_depth = cmd.child_depth;
  live.header_dirty = true;
  // The header holds the workflow, the input and the parent, and never changes them: the event
  // does not repeat them (format 10; EngineImpl::History shows them as before, from the header).
  // The version stays, since a live migration moves the header's.
  ObjectWriter started;
  started.Int("version", cmd.version);
  if (!cmd.alias.empty()) started.String("alias", cmd.alias);
  if (!cmd.schedule.empty()) {  // a schedule's slot (docs/schedules.md)
    started.String("schedule", cmd.schedule).Int("scheduled_time", cmd.scheduled_ms);
  }
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionStarted, "", started));
  const bytecode::Program& program = cmd.program->program;
  if (program.timeout_ms > 0) {
    WEFT_RETURN_IF_ERROR(env.store.PutExecutionTimer(live.id, env.now_ms + program.timeout_ms));
  }
  live.vm = vm::NewExecState(program, cmd.args, cmd.seed);
  vm::RunResult r = vm::Start(program, live.vm, Ctx(env));
  return Apply(env, live, std::move(r), /*notify_parent=*/true);
}

absl::Status ApplyStart(TransitionEnv& env, const StartCommand& cmd) {
  return Drained(env, ApplyStartImpl(env, cmd));
}

}  // namespace weft::engine
