// Deploying: compile a .wf file and record each workflow's bytecode as a new version, all in
// one write transaction, so a failed compile or a crash leaves the registry as it was.
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "bytecode/hash.h"
#include "bytecode/serialize.h"
#include "common/status_macros.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "engine/engine_impl.h"
#include "storage/registry.h"

namespace weft::engine {

absl::StatusOr<std::vector<DeployedWorkflow>> EngineImpl::Deploy(std::string_view source_path,
                                                                 std::string_view source) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  compiler::CompileOutput compiled = compiler::Compile(source_path, source);
  if (compiled.diagnostics.has_errors()) {
    return absl::InvalidArgumentError(diag::RenderAll(compiled.diagnostics, source_path, source));
  }
  if (compiled.workflows.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(ToAbsl(source_path), ": no workflow to deploy"));
  }
  // Serialize outside the write transaction: it is the slow part and needs no store.
  struct Item {
    std::string name, hash, bytes;
  };
  std::vector<Item> items;
  for (const bytecode::Program& program : compiled.workflows) {
    std::string bytes = bytecode::SerializeProgram(program);
    items.push_back({program.workflow_name, bytecode::ContentHash(bytes), std::move(bytes)});
  }
  const int64_t now = clock_->NowMs();
  auto record = [&]() -> absl::StatusOr<std::vector<DeployedWorkflow>> {
    WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginWrite(*env_));
    std::vector<DeployedWorkflow> deployed;
    for (const Item& item : items) {
      WEFT_ASSIGN_OR_RETURN(storage::RegisterResult r,
                            storage::RegisterVersion(txn, item.name, item.hash, item.bytes,
                                                     source_path, now));
      WEFT_RETURN_IF_ERROR(storage::RegisterSource(txn, item.hash, source));
      deployed.push_back({item.name, r.version, item.hash, r.created});
    }
    WEFT_RETURN_IF_ERROR(txn.Commit());
    return deployed;
  };
  absl::StatusOr<std::vector<DeployedWorkflow>> deployed = record();
  // A full map is grown (doubled, up to its maximum) and the deploy tried again.
  while (!deployed.ok() && storage::IsMapFull(deployed.status())) {
    WEFT_RETURN_IF_ERROR(env_->GrowMap());
    deployed = record();
  }
  return deployed;
}

absl::StatusOr<std::vector<DeployedWorkflow>> EngineImpl::DeployFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read `", path, "`"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Deploy(path, buffer.str());
}

absl::StatusOr<std::vector<VersionInfo>> EngineImpl::Versions(std::string_view workflow) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(std::vector<storage::VersionRow> rows, storage::ListVersions(txn, workflow));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("no workflow `", ToAbsl(workflow), "` is deployed"));
  }
  std::vector<VersionInfo> out;
  for (storage::VersionRow& r : rows) {
    out.push_back({std::string(workflow), r.version, std::move(r.hash), r.deployed_at_ms,
                   std::move(r.source_file), std::move(r.definition), r.retired});
  }
  return out;
}

namespace {

// The row of `version` of `workflow` (0: the latest); NotFound when there is none.
absl::StatusOr<storage::VersionRow> FindVersion(const storage::Txn& txn, std::string_view workflow,
                                                uint32_t version) {
  std::optional<storage::VersionRow> row;
  if (version == 0) {
    WEFT_ASSIGN_OR_RETURN(row, storage::LatestVersion(txn, workflow));
  } else {
    WEFT_ASSIGN_OR_RETURN(row, storage::GetVersion(txn, workflow, version));
  }
  if (!row) {
    return absl::NotFoundError(version == 0
                                   ? absl::StrCat("no workflow `", ToAbsl(workflow), "` is deployed")
                                   : absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ",
                                                  version));
  }
  return *std::move(row);
}

}  // namespace

absl::StatusOr<std::string> EngineImpl::Source(std::string_view workflow, uint32_t version) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(storage::VersionRow row, FindVersion(txn, workflow, version));
  WEFT_ASSIGN_OR_RETURN(auto source, storage::GetSource(txn, row.hash));
  if (!source) {
    return absl::NotFoundError(absl::StrCat(
        "the source of `", ToAbsl(workflow), "@", row.version,
        "` is not stored: it was deployed before store format 6; deploy `", row.source_file,
        "` again to store it"));
  }
  return std::string(*source);
}

absl::StatusOr<std::string> EngineImpl::Bytecode(std::string_view workflow, uint32_t version) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(storage::VersionRow row, FindVersion(txn, workflow, version));
  WEFT_ASSIGN_OR_RETURN(auto bytes, storage::GetBytecode(txn, row.hash));
  if (!bytes) return absl::DataLossError(absl::StrCat("bytecode ", row.hash, " is missing"));
  return std::string(*bytes);
}

absl::StatusOr<std::vector<VersionInfo>> EngineImpl::Workflows() {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(std::vector<storage::NamedVersionRow> rows, storage::LatestVersions(txn));
  std::vector<VersionInfo> out;
  for (storage::NamedVersionRow& r : rows) {
    out.push_back({std::move(r.workflow), r.row.version, std::move(r.row.hash),
                   r.row.deployed_at_ms, std::move(r.row.source_file),
                   std::move(r.row.definition), r.row.retired});
  }
  return out;
}

}  // namespace weft::engine
