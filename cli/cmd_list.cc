// `weft list [--status S] [--workflow NAME] [--correlation ID] [--limit N]`: executions,
// newest first, through Engine::SearchExecutions (the store's search indexes), the call
// `GET /api/workflow/search` makes.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "cli/render.h"

namespace weft::cli {
namespace {

struct ListOptions {
  std::string status;
  std::string workflow;
  std::string correlation;
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
  absl::StatusOr<std::vector<ExecutionInfo>> executions;
  if (options.workflow.empty() && options.correlation.empty()) {
    // Any store, also a format-5 one open read-only: the by_status index.
    executions = (*engine)->ListExecutions(status, options.limit);
  } else {
    ExecutionQuery query;
    query.workflow = options.workflow;
    if (status) query.statuses = {*status};
    query.id_or_correlation = options.correlation;
    query.correlation_only = true;
    query.limit = options.limit;
    absl::StatusOr<ExecutionPage> page = (*engine)->SearchExecutions(query);
    if (page.ok()) executions = std::move(page->executions);
    else executions = page.status();
  }
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
  cmd->add_option("--workflow", options->workflow, "only executions of this workflow");
  cmd->add_option("--correlation", options->correlation,
                  "only executions started with this correlation id");
  cmd->add_option("--limit", options->limit, "at most this many (default: 50)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", options->json, "print one JSON array");
  cmd->callback([&context, options] {
    context.exit_code = RunList(context.global, *options);
  });
}

}  // namespace weft::cli
