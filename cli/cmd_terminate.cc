// `weft terminate ID [--reason TEXT]`: ends a RUNNING or PAUSED execution as TERMINATED.
#include "cli/control.h"

namespace weft::cli {

void RegisterTerminate(const CommandContext& context) {
  struct Options {
    std::string id;
    std::string reason = "terminated from the command line";
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = context.app.add_subcommand(
      "terminate", "End a running or paused execution as TERMINATED");
  cmd->footer(
      "Cancels its tasks (a running worker's late result is ignored), drops its timers and "
      "terminates the child workflows it waits on (not ones it started detached). No "
      "compensation runs. The reason is recorded in the history (EXECUTION_TERMINATED) and "
      "as the execution's error. Refused for an execution that has already ended.");
  cmd->add_option("ID", options->id, "the execution id")->required();
  cmd->add_option("--reason", options->reason, "why, for the history")->capture_default_str();
  cmd->callback([&context, options] {
    context.exit_code = ControlExecution(context.global, options->id, [&](Engine& engine) {
      return engine.Terminate(options->id, options->reason);
    });
  });
}

}  // namespace weft::cli
