// `weft status ID`: one execution: status, workflow@version, times, input, output or error.
#include <iostream>

#include "cli/cli_common.h"
#include "cli/render.h"

namespace weft::cli {
namespace {

struct StatusOptions {
  std::string id;
  bool json = false;
};

int RunStatus(const GlobalOptions& global, const StatusOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<ExecutionInfo> execution = (*engine)->GetExecution(options.id);
  if (!execution.ok()) return Fail(execution.status());
  if (options.json) {
    std::cout << ExecutionJson(*execution).ToJson() << "\n";
  } else {
    std::cout << ExecutionText(*execution);
  }
  return kExitOk;
}

}  // namespace

void RegisterStatus(const CommandContext& context) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* cmd = context.app.add_subcommand(
      "status", "Show an execution: status, version, times, output or error");
  cmd->add_option("ID", options->id, "the execution id")->required();
  cmd->add_flag("--json", options->json, "print one JSON object");
  cmd->callback([&context, options] {
    context.exit_code = RunStatus(context.global, *options);
  });
}

}  // namespace weft::cli
