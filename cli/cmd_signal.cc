// `weft signal ID NAME [--data JSON|@FILE]`: delivers a named signal with a payload to an
// execution (`await signal("NAME")` in the workflow).
#include "cli/control.h"

namespace weft::cli {
namespace {

struct SignalOptions {
  std::string id;
  std::string name;
  std::string data = "null";
};

int RunSignal(const GlobalOptions& global, const SignalOptions& options) {
  absl::StatusOr<Value> payload = ParseJsonArgument(options.data, "--data");
  if (!payload.ok()) return Fail(payload.status());
  return ControlExecution(global, options.id, [&](Engine& engine) {
    return engine.Signal(options.id, options.name, *payload);
  });
}

}  // namespace

void RegisterSignal(const CommandContext& context) {
  auto options = std::make_shared<SignalOptions>();
  CLI::App* cmd = context.app.add_subcommand(
      "signal", "Send a named signal with a JSON payload to an execution");
  cmd->footer(
      "The signal goes to the oldest `await signal(\"NAME\")` waiting for it; when none waits "
      "yet, it is kept for the next one, so a signal sent early is not lost. Signals are "
      "delivered exactly once, in the order they were sent. Prints the execution's id and its "
      "status afterwards (COMPLETED when the signal let it finish). Refused for an execution "
      "that has ended.");
  cmd->add_option("ID", options->id, "the execution id")->required();
  cmd->add_option("NAME", options->name, "the signal name")->required();
  cmd->add_option("--data", options->data,
                  "the payload: any JSON value, or @FILE to read it from a file (default: null)");
  cmd->callback([&context, options] {
    context.exit_code = RunSignal(context.global, *options);
  });
}

}  // namespace weft::cli
