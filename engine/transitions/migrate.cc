// Live migration of one execution (MigrateCommand, docs/versioning.md): reads the target
// version and both versions' sources, plans the move (engine/migrate_plan.h) and, unless it is
// a dry run or the plan refuses, rewrites the execution's state, pins it to the new version
// and records EXECUTION_MIGRATED, all in the writer's transaction. Its waits (task rows,
// timers, signal waits, children) keep their wait ids, so they carry over untouched.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/migrate_plan.h"
#include "engine/transitions/internal.h"
#include "storage/registry.h"

namespace weft::engine {
namespace {

// The stored source of a version, or a refusal: versions deployed before format 6 have none.
absl::StatusOr<std::optional<std::string>> SourceOf(TransitionEnv& env, std::string_view hash) {
  WEFT_ASSIGN_OR_RETURN(auto source, storage::GetSource(env.txn, hash));
  if (!source) return std::optional<std::string>();
  return std::optional<std::string>(std::string(*source));
}

std::vector<std::string> PointsText(const std::vector<FiberMove>& moves) {
  std::vector<std::string> out;
  for (const FiberMove& m : moves) {
    out.push_back(absl::StrCat("fiber ", m.fiber, ": ", m.kind, " ", m.key, " ", m.old_line, ":",
                               m.old_column, " -> ", m.new_line, ":", m.new_column));
  }
  return out;
}

// Pins `live` to `to` with the planned state, moves its deadline timer when the new version's
// timeout differs, and records the move.
absl::Status Move(TransitionEnv& env, Live& live, const storage::VersionRow& to, ProgramPtr program,
                  MigrationPlan plan) {
  const uint32_t from = live.info.version;
  const int64_t old_deadline = ExecutionDeadline(live);
  live.vm = std::move(plan.state);
  live.program = std::move(program);
  live.info.version = to.version;
  live.info.hash = to.hash;
  live.header_dirty = true;
  const int64_t new_deadline = ExecutionDeadline(live);
  if (old_deadline != new_deadline) {
    WEFT_RETURN_IF_ERROR(env.store.DropExecutionTimer(live.id, old_deadline));
    if (new_deadline > 0) WEFT_RETURN_IF_ERROR(env.store.PutExecutionTimer(live.id, new_deadline));
  }
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionMigrated, "",
                                     Obj({{"from_version", Value::Int(from)},
                                          {"to_version", Value::Int(to.version)},
                                          {"points", MovesValue(plan.moves)}})));
  return Persist(env, live);
}

absl::Status ApplyMigrateImpl(TransitionEnv& env, const MigrateCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(Live * loaded, LoadLive(env, cmd.execution_id));
  Live& live = *loaded;
  const ExecutionStatus status = live.info.status;
  if (status != ExecutionStatus::kRunning && status != ExecutionStatus::kPaused) {
    return absl::FailedPreconditionError(absl::StrCat("cannot migrate execution ", cmd.execution_id,
                                                      ": it is ", ToAbsl(ExecutionStatusName(status)),
                                                      "; only running or paused ones move"));
  }
  WEFT_ASSIGN_OR_RETURN(storage::VersionRow to, FindVersion(env, live.info.workflow, cmd.to_version));
  MigrationResult& result = *cmd.result;
  result.execution_id = cmd.execution_id;
  result.workflow = live.info.workflow;
  result.from_version = live.info.version;
  result.to_version = to.version;
  if (to.version == live.info.version) {
    return absl::FailedPreconditionError(
        absl::StrCat("execution ", cmd.execution_id, " already runs version ", to.version));
  }
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> old_source, SourceOf(env, live.info.hash));
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> new_source, SourceOf(env, to.hash));
  if (!old_source || !new_source) {
    result.reason = absl::StrCat("version ", old_source ? to.version : live.info.version,
                                 " has no stored source (deployed before store format 6)");
    return absl::OkStatus();
  }
  WEFT_ASSIGN_OR_RETURN(ProgramPtr program, env.programs.Get(env.txn, to.hash));
  MigrationPlan plan =
      PlanMigration(live.info.workflow, {live.info.version, &live.program->program, *std::move(old_source)},
                    {to.version, &program->program, *std::move(new_source)}, live.vm, env.now_ms);
  if (!plan.ok) {
    result.reason = std::move(plan.reason);
    return absl::OkStatus();
  }
  result.moved = true;
  result.points = PointsText(plan.moves);
  if (cmd.dry_run) return absl::OkStatus();
  return Move(env, live, to, std::move(program), std::move(plan));
}

}  // namespace

absl::Status ApplyMigrate(TransitionEnv& env, const MigrateCommand& cmd) {
  return Drained(env, ApplyMigrateImpl(env, cmd));
}

}  // namespace weft::engine
