// `weft versions NAME`: every deployed version of a workflow, oldest first; `weft versions gc`
// and `weft versions delete` are cmd_versions_gc.cc.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "cli/cmd_versions_gc.h"

namespace weft::cli {
namespace {

struct VersionsOptions {
  std::string workflow;
  bool json = false;
};

Value VersionJson(const VersionInfo& v) {
  Object o;
  o.Set("workflow", Value::String(v.workflow));
  o.Set("version", Value::Int(v.version));
  o.Set("hash", Value::String(v.hash));
  o.Set("deployed_at", TimeValue(v.deployed_at_ms));
  o.Set("source_file", Value::String(v.source_file));
  return Value::MakeObject(std::move(o));
}

int RunVersions(const GlobalOptions& global, const VersionsOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<std::vector<VersionInfo>> versions = (*engine)->Versions(options.workflow);
  if (!versions.ok()) return Fail(versions.status());
  if (options.json) {
    List list;
    for (const VersionInfo& v : *versions) list.push_back(VersionJson(v));
    std::cout << Value::MakeList(std::move(list)).ToJson() << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"VERSION", "HASH", "DEPLOYED", "SOURCE"}};
  for (const VersionInfo& v : *versions) {
    rows.push_back({absl::StrCat(v.version), ShortHash(v.hash), FormatTimeMs(v.deployed_at_ms),
                    v.source_file});
  }
  std::cout << FormatTable(rows);
  return kExitOk;
}

}  // namespace

void RegisterVersions(const CommandContext& context) {
  auto options = std::make_shared<VersionsOptions>();
  CLI::App* cmd = context.app.add_subcommand(
      "versions", "List a workflow's versions: number, hash, deploy time, source file");
  cmd->add_option("NAME", options->workflow, "the workflow name (required without gc or delete)");
  cmd->add_flag("--json", options->json, "print one JSON array (full hashes)");
  RegisterVersionLifecycle(context, *cmd);
  cmd->require_subcommand(0, 1);
  cmd->callback([&context, options, cmd] {
    if (!cmd->get_subcommands().empty()) return;  // gc or delete ran
    if (options->workflow.empty()) {
      Fail("weft versions needs NAME (or `gc [NAME]`, `delete NAME VERSION`)");
      context.exit_code = kExitUsage;
      return;
    }
    context.exit_code = RunVersions(context.global, *options);
  });
}

}  // namespace weft::cli
