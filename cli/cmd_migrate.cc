// `weft migrate`: moves running executions to another version of their workflow at the
// point where they wait (docs/versioning.md), one execution or every one of a version.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"

namespace weft::cli {
namespace {

struct MigrateArgs {
  std::string id;
  std::string workflow;
  uint32_t from = 0;
  uint32_t to = 0;
  bool dry_run = false;
};

// One line per execution (and its points); true when it moved or would move.
bool Print(const MigrationResult& r, bool dry_run) {
  if (r.moved) {
    std::cout << r.execution_id << ": " << (dry_run ? "would move " : "moved ") << r.workflow << " v"
              << r.from_version << " -> v" << r.to_version << "\n";
    for (const std::string& point : r.points) std::cout << "  " << point << "\n";
  } else {
    std::cout << r.execution_id << ": " << (dry_run ? "would stay" : "stays") << " on v" << r.from_version
              << ": " << r.reason << "\n";
  }
  return r.moved;
}

int Run(const GlobalOptions& global, const MigrateArgs& args) {
  if (args.id.empty() == args.workflow.empty()) {
    std::cerr << "weft: error: give an execution ID, or --workflow NAME --from V\n";
    return kExitUsage;
  }
  if (!args.workflow.empty() && args.from == 0) {
    std::cerr << "weft: error: --workflow needs --from V, the version to move executions from\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  std::vector<MigrationResult> results;
  if (!args.id.empty()) {
    absl::StatusOr<MigrationResult> r = (*engine)->MigrateExecution(args.id, args.to, args.dry_run);
    if (!r.ok()) return Fail(r.status());
    results.push_back(*std::move(r));
  } else {
    auto r = (*engine)->MigrateExecutions(args.workflow, args.from, args.to, args.dry_run);
    if (!r.ok()) return Fail(r.status());
    results = *std::move(r);
    if (results.empty()) {
      std::cout << "no running executions of " << args.workflow << "@v" << args.from
                << "; nothing to migrate\n";
      return kExitOk;
    }
  }
  size_t moved = 0;
  for (const MigrationResult& r : results) moved += Print(r, args.dry_run) ? 1 : 0;
  const size_t stayed = results.size() - moved;
  std::cout << moved << (args.dry_run ? " would move, " : " moved, ") << stayed
            << (args.dry_run ? " would stay\n" : " stayed\n");
  if (stayed == 0) return kExitOk;
  return Fail(absl::StrCat(stayed, stayed == 1 ? " execution" : " executions", " cannot move; left on ",
                           stayed == 1 ? "its" : "their", " version, untouched"));
}

}  // namespace

void RegisterMigrate(const CommandContext& context) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* cmd =
      context.app.add_subcommand("migrate", "Move running executions to another version of their workflow");
  cmd->footer(
      "Each execution moves at the point where it waits, in one transaction: its frame is "
      "rewritten by the compiler's state map (see `weft deploy --check-migration`), its pending "
      "task, timer or signal wait carries over, and its history records EXECUTION_MIGRATED. "
      "One that cannot move stays on its version, untouched, and the reason is printed. "
      "--dry-run prints the same and changes nothing. Exit status: 0 when every execution "
      "moved (would move), 1 when one did not or on an error (unknown id or version, ended "
      "execution), 2 for bad usage.");
  cmd->add_option("ID", args->id, "the execution id");
  cmd->add_option("--workflow", args->workflow, "every running execution of this workflow...");
  cmd->add_option("--from", args->from, "...on this version");
  cmd->add_option("--to", args->to, "the version to move to (default: the latest)");
  cmd->add_flag("--dry-run", args->dry_run, "say what would move and what would not; change nothing");
  cmd->callback([&context, args] { context.exit_code = Run(context.global, *args); });
}

}  // namespace weft::cli
