// `weft resume ID`: a PAUSED execution runs again and schedules the tasks it held back.
#include "cli/control.h"

namespace weft::cli {

void RegisterResume(const CommandContext& context) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = context.app.add_subcommand(
      "resume", "Resume a paused execution and schedule the tasks it held back");
  cmd->footer("Only a PAUSED execution can be resumed (see `weft pause`).");
  cmd->add_option("ID", *id, "the execution id")->required();
  cmd->callback([&context, id] {
    context.exit_code = ControlExecution(context.global, *id,
                                         [&](Engine& engine) { return engine.Resume(*id); });
  });
}

}  // namespace weft::cli
