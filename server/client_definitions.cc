// The client's deploying, versions, aliases and version lifecycle (see client.h): Weft's
// /api/weft/deploy, /api/weft/workflows/... and /api/weft/versions/gc. Registering a WorkflowDef
// and task definitions are Conductor's /api/metadata, not served through this client.
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/alias_json.h"
#include "server/remote_engine.h"
#include "server/version_gc_json.h"

namespace weft::server::remote {
namespace {

DeployedWorkflow DeployedFrom(const Value& d) {
  return {StringField(d, "workflow"), static_cast<uint32_t>(IntField(d, "version")), StringField(d, "hash"),
          Field(d, "created").is_bool() && Field(d, "created").as_bool()};
}

VersionInfo VersionFrom(const Value& v) {
  VersionInfo info;
  info.workflow = StringField(v, "workflow");
  info.version = static_cast<uint32_t>(IntField(v, "version"));
  info.hash = StringField(v, "hash");
  info.deployed_at_ms = IntField(v, "deployedAt");
  info.source_file = StringField(v, "sourceFile");
  return info;
}

std::string AliasPath(std::string_view workflow, std::string_view name) {
  return "/api/weft/workflows/" + Escape(workflow) + "/aliases/" + Escape(name);
}

}  // namespace

absl::StatusOr<std::vector<DeployedWorkflow>> RemoteEngine::Deploy(std::string_view source_path,
                                                                   std::string_view source) {
  return DecodeList<DeployedWorkflow>(
      CallJson("POST", "/api/weft/deploy?name=" + Escape(source_path), std::string(source)), DeployedFrom);
}

absl::StatusOr<std::vector<DeployedWorkflow>> RemoteEngine::DeployFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Deploy(path, text.str());
}

absl::StatusOr<std::vector<VersionInfo>> RemoteEngine::Versions(std::string_view workflow) {
  return DecodeList<VersionInfo>(CallJson("GET", "/api/weft/workflows/" + Escape(workflow) + "/versions"),
                                 VersionFrom);
}

absl::StatusOr<std::vector<VersionInfo>> RemoteEngine::Workflows() {
  return DecodeList<VersionInfo>(CallJson("GET", "/api/weft/workflows"), VersionFrom);
}

absl::StatusOr<std::string> RemoteEngine::Bytecode(std::string_view, uint32_t) {
  return Remote("reading bytecode");
}

// The metadata API is served as Conductor's /api/metadata endpoints, not through this client.
absl::StatusOr<DeployedWorkflow> RemoteEngine::RegisterVersion(const VersionRegistration&) {
  return Remote("registering a WorkflowDef");
}
absl::Status RemoteEngine::RetireVersion(std::string_view, uint32_t) {
  return Remote("unregistering a version");
}
absl::StatusOr<std::vector<VersionInfo>> RemoteEngine::AllVersions() {
  return Remote("listing every version");
}
absl::Status RemoteEngine::PutTaskDefs(const std::vector<TaskDefinition>&) {
  return Remote("task definitions");
}
absl::StatusOr<TaskDefinition> RemoteEngine::GetTaskDef(std::string_view) {
  return Remote("task definitions");
}
absl::StatusOr<std::vector<TaskDefinition>> RemoteEngine::ListTaskDefs() {
  return Remote("task definitions");
}
absl::Status RemoteEngine::DeleteTaskDef(std::string_view) { return Remote("task definitions"); }

absl::Status RemoteEngine::SetAlias(const VersionAlias& alias) {
  Value body = AliasToJson(alias);
  return CallOk("PUT", AliasPath(alias.workflow, alias.name), body.ToJson());
}

absl::Status RemoteEngine::DeleteAlias(std::string_view workflow, std::string_view name) {
  return CallOk("DELETE", AliasPath(workflow, name));
}

absl::StatusOr<std::vector<VersionAlias>> RemoteEngine::Aliases(std::string_view workflow) {
  absl::StatusOr<Value> list =
      CallJson("GET", workflow.empty() ? std::string("/api/weft/aliases")
                                       : "/api/weft/workflows/" + Escape(workflow) + "/aliases");
  if (!list.ok()) return list.status();
  if (!list->is_list()) return absl::InternalError("the server's alias list is not a list");
  return DecodeList<VersionAlias>(*list, AliasFromJson);
}

// Version lifecycle (routes_versions.cc).
absl::Status RemoteEngine::DeleteVersion(std::string_view workflow, uint32_t version) {
  return CallOk("DELETE", absl::StrCat("/api/weft/workflows/", Escape(workflow), "/versions/", version));
}

absl::StatusOr<std::vector<CollectedVersion>> RemoteEngine::CollectVersions(std::string_view workflow,
                                                                            bool dry_run) {
  absl::StatusOr<Value> list =
      CallJson("POST", absl::StrCat("/api/weft/versions/gc?workflow=", Escape(workflow),
                                    "&dryRun=", dry_run ? "true" : "false"));
  if (!list.ok()) return list.status();
  return CollectedFromJson(*list);
}

}  // namespace weft::server::remote
