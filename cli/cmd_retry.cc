// `weft retry ID`: a FAILED execution continues from the step that failed.
#include "cli/control.h"

namespace weft::cli {

void RegisterRetry(const CommandContext& context) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = context.app.add_subcommand(
      "retry", "Continue a failed execution from the step that failed");
  cmd->footer(
      "The execution goes back to the checkpoint taken just before the failure, on the same "
      "version, and is RUNNING again: the failed step runs again (a failed task gets a new "
      "attempt), and nothing before it is repeated. Its tasks then wait for workers, e.g. "
      "`weft work ID --worker NAME=COMMAND`. Only a FAILED execution can be retried; to run "
      "one again from its beginning, use `weft restart`.");
  cmd->add_option("ID", *id, "the execution id")->required();
  cmd->callback([&context, id] {
    context.exit_code = ControlExecution(context.global, *id,
                                         [&](Engine& engine) { return engine.Retry(*id); });
  });
}

}  // namespace weft::cli
