// `weft deploy FILE`: compiles FILE and records each of its workflows as a new version in the
// store, unless its bytecode equals the latest version. Atomic: all workflows or none.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "cli/migration_check.h"
#include "compiler/compiler.h"
#include "weft/value.h"

namespace weft::cli {
namespace {

struct DeployOptions {
  std::string file;
  bool json = false;
  bool check_migration = false;
};

// True when `source` compiles without errors but declares no workflow (only tasks, or nothing).
bool DeclaresNoWorkflow(const std::string& path, const std::string& source) {
  const compiler::CompileOutput compiled = compiler::Compile(path, source);
  return compiled.ok() && compiled.workflows.empty();
}

int RunDeploy(const GlobalOptions& global, const DeployOptions& options) {
  absl::StatusOr<std::string> source = ReadFile(options.file);
  if (!source.ok()) return Fail(source.status());
  if (options.check_migration) return RunCheckMigration(global, options.file, *source);
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<std::vector<DeployedWorkflow>> deployed = (*engine)->Deploy(options.file, *source);
  // The engine refuses a file without workflows as it refuses one with errors; only the
  // latter has diagnostics to show, so tell them apart (compiling again, on this path only).
  if (absl::IsInvalidArgument(deployed.status()) && DeclaresNoWorkflow(options.file, *source)) {
    return Fail(absl::StrCat("`", options.file, "` declares no workflow; nothing to deploy"));
  }
  if (absl::IsInvalidArgument(deployed.status())) {
    absl::string_view diagnostics = deployed.status().message();
    std::cerr << std::string(diagnostics.data(), diagnostics.size());
    if (!diagnostics.empty() && diagnostics.back() != '\n') std::cerr << "\n";
    return Fail(absl::StrCat("`", options.file, "` has errors; nothing was deployed"));
  }
  if (!deployed.ok()) return Fail(deployed.status());
  if (options.json) {
    List items;
    for (const DeployedWorkflow& w : *deployed) {
      Object o;
      o.Set("workflow", Value::String(w.workflow));
      o.Set("version", Value::Int(w.version));
      o.Set("hash", Value::String(w.hash));
      o.Set("created", Value::Bool(w.created));
      items.push_back(Value::MakeObject(std::move(o)));
    }
    std::cout << Value::MakeList(std::move(items)).ToJson() << "\n";
    return kExitOk;
  }
  for (const DeployedWorkflow& w : *deployed) {
    std::cout << w.workflow << " v" << w.version << " (" << (w.created ? "created" : "unchanged")
              << ") " << ShortHash(w.hash) << "\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterDeploy(const CommandContext& context) {
  auto options = std::make_shared<DeployOptions>();
  CLI::App* cmd = context.app.add_subcommand(
      "deploy", "Compile FILE and store each workflow in it as a new version");
  cmd->footer(
      "A workflow whose bytecode equals its latest version is left unchanged. All workflows "
      "of FILE are recorded, or none. Prints one line per workflow: "
      "NAME vVERSION (created|unchanged) sha256:HASH");
  cmd->add_option("FILE", options->file, "the .wf file")->required();
  cmd->add_flag("--json", options->json,
                "print one JSON array of {workflow, version, hash, created}");
  cmd->add_flag("--check-migration", options->check_migration,
                "deploy nothing; for each older version with running executions, print which "
                "of its points map onto FILE's version (docs/migration.md). Exit status 1 when "
                "any does not");
  cmd->callback([&context, options] {
    context.exit_code = RunDeploy(context.global, *options);
  });
}

}  // namespace weft::cli
