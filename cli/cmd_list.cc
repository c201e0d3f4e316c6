// `weft list [--status S] [--limit N]`: executions, newest first.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "cli/render.h"

namespace weft::cli {
namespace {

struct ListOptions {
  std::string status;
  size_t limit = 50;
  bool json = false;
};

// "RUNNING, COMPLETED, FAILED or TERMINATED", from the enum itself.
std::string StatusNames() {
  constexpr ExecutionStatus kAll[] = {ExecutionStatus::kRunning, ExecutionStatus::kCompleted,
                                      ExecutionStatus::kFailed, ExecutionStatus::kTerminated,
                                      ExecutionStatus::kPaused};
  std::string names;
  for (size_t i = 0; i < std::size(kAll); ++i) {
    if (i > 0) names += i + 1 == std::size(kAll) ? " or " : ", ";
    names += std::string(ExecutionStatusName(kAll[i]));
  }
  return names;
}

int RunList(const GlobalOptions& global, const ListOptions& options) {
  std::optional<ExecutionStatus> status;
  if (!options.status.empty()) {
    status = ParseExecutionStatus(options.status);
    if (!status) {
      return Fail(absl::StrCat("unknown status `", options.status, "` (expected ",
                               StatusNames(), ")"));
    }
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<std::vector<ExecutionInfo>> executions =
      (*engine)->ListExecutions(status, options.limit);
  if (!executions.ok()) return Fail(executions.status());
  if (options.json) {
    List list;
    for (const ExecutionInfo& e : *executions) list.push_back(ExecutionJson(e));
    std::cout << Value::MakeList(std::move(list)).ToJson() << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "WORKFLOW", "STATUS", "CREATED"}};
  for (const ExecutionInfo& e : *executions) {
    rows.push_back({e.id, absl::StrCat(e.workflow, "@", e.version),
                    std::string(ExecutionStatusName(e.status)), FormatTimeMs(e.created_ms)});
  }
  std::cout << FormatTable(rows);
  return kExitOk;
}

}  // namespace

void RegisterList(const CommandContext& context) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* cmd = context.app.add_subcommand("list", "List executions, newest first");
  cmd->add_option("--status", options->status,
                  "only executions in this status: " + StatusNames() + " (any case)");
  cmd->add_option("--limit", options->limit, "at most this many (default: 50)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", options->json, "print one JSON array");
  cmd->callback([&context, options] {
    context.exit_code = RunList(context.global, *options);
  });
}

}  // namespace weft::cli
