// What the metadata API (docs/server.md, "Metadata") asks of the engine: a workflow version
// deployed under an explicit number with the Conductor WorkflowDef it came from, retiring a
// version, every version of every workflow, and Conductor task definitions
// (storage/taskdefs.h). Each change is one write transaction; a full map is grown and the
// change tried again, as Deploy does.
#include "absl/strings/str_cat.h"
#include "bytecode/hash.h"
#include "bytecode/serialize.h"
#include "common/name_limits.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "engine/engine_impl.h"
#include "engine/write_with_growth.h"
#include "storage/registry.h"
#include "storage/taskdefs.h"

namespace weft::engine {
namespace {

VersionInfo ToInfo(std::string workflow, storage::VersionRow r) {
  return {std::move(workflow), r.version,         std::move(r.hash), r.deployed_at_ms,
          std::move(r.source_file), std::move(r.definition), r.retired};
}

}  // namespace

absl::StatusOr<DeployedWorkflow> EngineImpl::RegisterVersion(const VersionRegistration& reg) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  if (reg.version == 0) return absl::InvalidArgumentError("a workflow version is 1 or more");
  compiler::CompileOutput compiled = compiler::Compile(reg.source_name, reg.source);
  if (compiled.diagnostics.has_errors()) {
    return absl::InvalidArgumentError(
        diag::RenderAll(compiled.diagnostics, reg.source_name, reg.source));
  }
  const bytecode::Program* program = nullptr;
  for (const bytecode::Program& p : compiled.workflows) {
    if (p.workflow_name == reg.workflow) program = &p;
  }
  if (program == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(reg.source_name, ": no workflow `",
                                                   reg.workflow, "` in the source"));
  }
  const std::string bytes = bytecode::SerializeProgram(*program);
  const std::string hash = bytecode::ContentHash(bytes);
  const int64_t now = clock_->NowMs();
  WEFT_ASSIGN_OR_RETURN(storage::RegisterResult r,
                        WriteWithGrowth<storage::RegisterResult>(*env_, [&](storage::Txn& txn) {
                          return storage::RegisterVersionAt(txn, reg.workflow, reg.version, hash,
                                                            bytes, reg.source_name,
                                                            reg.definition, reg.overwrite, now);
                        }));
  return DeployedWorkflow{reg.workflow, r.version, hash, r.created};
}

absl::Status EngineImpl::RetireVersion(std::string_view workflow, uint32_t version) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  return WriteWithGrowth<bool>(*env_, [&](storage::Txn& txn) -> absl::StatusOr<bool> {
           WEFT_RETURN_IF_ERROR(storage::RetireVersion(txn, workflow, version));
           return true;
         }).status();
}

absl::StatusOr<std::vector<VersionInfo>> EngineImpl::AllVersions() {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(auto rows, storage::ListAllVersions(txn));
  std::vector<VersionInfo> out;
  out.reserve(rows.size());
  for (auto& [workflow, row] : rows) out.push_back(ToInfo(std::move(workflow), std::move(row)));
  return out;
}

absl::Status EngineImpl::PutTaskDefs(const std::vector<TaskDefinition>& defs) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  for (const TaskDefinition& d : defs) {
    WEFT_RETURN_IF_ERROR(CheckNameLength("task definition", d.name));
  }
  return WriteWithGrowth<bool>(*env_, [&](storage::Txn& txn) -> absl::StatusOr<bool> {
           storage::TaskDefStore store(txn);
           for (const TaskDefinition& d : defs) WEFT_RETURN_IF_ERROR(store.Put(d.name, d.json));
           return true;
         }).status();
}

absl::StatusOr<TaskDefinition> EngineImpl::GetTaskDef(std::string_view name) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> json, storage::TaskDefStore(txn).Get(name));
  if (!json) {
    return absl::NotFoundError(absl::StrCat("No such taskType found by name: ", ToAbsl(name)));
  }
  return TaskDefinition{std::string(name), *std::move(json)};
}

absl::StatusOr<std::vector<TaskDefinition>> EngineImpl::ListTaskDefs() {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(auto rows, storage::TaskDefStore(txn).List());
  std::vector<TaskDefinition> out;
  for (auto& [name, json] : rows) out.push_back({std::move(name), std::move(json)});
  return out;
}

absl::Status EngineImpl::DeleteTaskDef(std::string_view name) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_ASSIGN_OR_RETURN(bool deleted,
                        WriteWithGrowth<bool>(*env_, [&](storage::Txn& txn) {
                          return storage::TaskDefStore(txn).Delete(name);
                        }));
  if (!deleted) {
    return absl::NotFoundError(absl::StrCat(
        "Cannot remove the task - no such task definition: ", ToAbsl(name)));
  }
  return absl::OkStatus();
}

}  // namespace weft::engine
