// `weft versions gc [NAME] [--dry-run] [--json]` and `weft versions delete NAME VERSION`:
// deleting versions nothing refers to (docs/versioning.md, "Version lifecycle").
#include "cli/cmd_versions_gc.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "server/version_gc_json.h"

namespace weft::cli {
namespace {

struct GcOptions {
  std::string workflow;
  bool dry_run = false;
  bool json = false;
};

struct DeleteOptions {
  std::string workflow;
  uint32_t version = 0;
};

int RunGc(const GlobalOptions& global, const GcOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, options.dry_run);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<std::vector<CollectedVersion>> judged =
      (*engine)->CollectVersions(options.workflow, options.dry_run);
  if (!judged.ok()) return Fail(judged.status());
  if (options.json) {
    std::cout << server::CollectedToJson(*judged).ToJson() << "\n";
    return kExitOk;
  }
  size_t deleted = 0;
  for (const CollectedVersion& v : *judged) {
    const std::string name = absl::StrCat(v.workflow, "@", v.version);
    if (v.deleted) {
      ++deleted;
      std::cout << (options.dry_run ? "would delete " : "deleted ") << name << "\n";
    } else {
      std::cout << "kept " << name << ": " << v.reason << "\n";
    }
  }
  std::cout << deleted << (options.dry_run ? " would be deleted, " : " deleted, ") << judged->size() - deleted
            << " kept\n";
  return kExitOk;
}

int RunDelete(const GlobalOptions& global, const DeleteOptions& options) {
  if (options.version == 0) {
    Fail("the version must be a positive integer, as `weft versions NAME` lists them");
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  if (absl::Status s = (*engine)->DeleteVersion(options.workflow, options.version); !s.ok()) {
    return Fail(s);
  }
  std::cout << "deleted " << options.workflow << "@" << options.version << "\n";
  return kExitOk;
}

}  // namespace

void RegisterVersionLifecycle(const CommandContext& context, CLI::App& versions) {
  auto gc = std::make_shared<GcOptions>();
  CLI::App* cmd = versions.add_subcommand(
      "gc",
      "Delete every version nothing refers to (executions, aliases, pinned schedules, "
      "event handlers, NAME@N calls), keeping each workflow's latest");
  cmd->add_option("NAME", gc->workflow, "only this workflow's versions (default: every workflow)");
  cmd->add_flag("--dry-run", gc->dry_run, "say what would be deleted and kept; change nothing");
  cmd->add_flag("--json", gc->json,
                "print one JSON array, as POST /api/weft/versions/gc answers (docs/server.md)");
  cmd->callback([&context, gc] { context.exit_code = RunGc(context.global, *gc); });
  auto del = std::make_shared<DeleteOptions>();
  cmd = versions.add_subcommand("delete",
                                "Delete one version with all its rows; refused, naming them, while anything "
                                "refers to it, and for the latest");
  cmd->add_option("NAME", del->workflow, "the workflow")->required();
  cmd->add_option("VERSION", del->version, "the version number (1, 2, ...)")->required();
  cmd->callback([&context, del] { context.exit_code = RunDelete(context.global, *del); });
}

}  // namespace weft::cli
