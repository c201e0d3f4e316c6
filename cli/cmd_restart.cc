// `weft restart ID`: an ended execution runs again from its beginning.
#include "cli/control.h"

namespace weft::cli {

void RegisterRestart(const CommandContext& context) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = context.app.add_subcommand(
      "restart", "Run an ended execution again from the beginning");
  cmd->footer(
      "Same id, same input, same version; the history is kept and gains EXECUTION_RESTARTED. "
      "Its tasks then wait for workers, e.g. `weft work ID --worker NAME=COMMAND`. Only a "
      "COMPLETED, FAILED or TERMINATED execution can be restarted.");
  cmd->add_option("ID", *id, "the execution id")->required();
  cmd->callback([&context, id] {
    context.exit_code = ControlExecution(context.global, *id,
                                         [&](Engine& engine) { return engine.Restart(*id); });
  });
}

}  // namespace weft::cli
