// `weft pause ID`: a RUNNING execution becomes PAUSED and schedules no new task.
#include "cli/control.h"

namespace weft::cli {

void RegisterPause(const CommandContext& context) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = context.app.add_subcommand(
      "pause", "Pause a running execution: it schedules no new task until resumed");
  cmd->footer(
      "Tasks already handed to workers may still finish and their results apply; signals and "
      "timers are still taken. Tasks the execution reaches while paused wait until "
      "`weft resume ID`. Only a RUNNING execution can be paused.");
  cmd->add_option("ID", *id, "the execution id")->required();
  cmd->callback([&context, id] {
    context.exit_code = ControlExecution(context.global, *id,
                                         [&](Engine& engine) { return engine.Pause(*id); });
  });
}

}  // namespace weft::cli
