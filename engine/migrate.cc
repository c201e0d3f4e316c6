// Engine::MigrateExecution and MigrateExecutions: live migration's entry points. Each
// execution moves in its own writer command (transitions/migrate.cc), so a crash in the middle
// of a group leaves every execution either on its old version or on the new one.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "storage/registry.h"

namespace weft::engine {

absl::StatusOr<MigrationResult> EngineImpl::MigrateExecution(std::string_view id, uint32_t to_version,
                                                             bool dry_run) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_RETURN_IF_ERROR(RefuseWhileStalled("no migrations"));
  MigrateCommand cmd;
  cmd.execution_id = std::string(id);
  cmd.to_version = to_version;
  cmd.dry_run = dry_run;
  cmd.result = std::make_shared<MigrationResult>();
  auto result = cmd.result;
  WEFT_RETURN_IF_ERROR(writer_->SubmitAndWait(std::move(cmd)));
  return *result;
}

absl::StatusOr<std::vector<MigrationResult>> EngineImpl::MigrateExecutions(std::string_view workflow,
                                                                           uint32_t from_version,
                                                                           uint32_t to_version,
                                                                           bool dry_run) {
  {
    WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
    WEFT_ASSIGN_OR_RETURN(auto from, storage::GetVersion(txn, workflow, from_version));
    if (!from) {
      return absl::NotFoundError(
          absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ", from_version));
    }
  }
  // The ids first: the moves change nothing the query selects on but the version.
  std::vector<std::string> ids;
  ExecutionQuery query;
  query.workflow = std::string(workflow);
  query.statuses = {ExecutionStatus::kRunning, ExecutionStatus::kPaused};
  query.ascending = true;
  query.limit = 1000;
  for (;;) {
    WEFT_ASSIGN_OR_RETURN(ExecutionPage page, SearchExecutions(query));
    for (const ExecutionInfo& e : page.executions) {
      if (e.version == from_version) ids.push_back(e.id);
    }
    if (page.executions.size() < query.limit) break;
    query.offset += page.executions.size();
  }
  std::vector<MigrationResult> out;
  for (const std::string& id : ids) {
    absl::StatusOr<MigrationResult> r = MigrateExecution(id, to_version, dry_run);
    if (r.ok()) {
      out.push_back(*std::move(r));
      continue;
    }
    // It ended meanwhile: it has nothing left to move. Anything else stops the group.
    if (!absl::IsFailedPrecondition(r.status()) && !absl::IsNotFound(r.status())) {
      return r.status();
    }
    MigrationResult skipped;
    skipped.execution_id = id;
    skipped.workflow = std::string(workflow);
    skipped.from_version = from_version;
    skipped.reason = std::string(r.status().message());
    out.push_back(std::move(skipped));
  }
  return out;
}

}  // namespace weft::engine
