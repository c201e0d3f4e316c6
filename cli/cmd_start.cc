// `weft start NAME [--version N] --input JSON`: starts an execution and prints its id. Workers
// (`weft run`, or an embedding program) take its tasks from the store's queues.
#include <iostream>

#include "cli/cli_common.h"

namespace weft::cli {
namespace {

struct StartCmdOptions {
  std::string workflow;
  uint32_t version = 0;
  std::string input = "{}";
};

int RunStart(const GlobalOptions& global, const StartCmdOptions& options) {
  absl::StatusOr<Value> input = ParseInputArgument(options.input);
  if (!input.ok()) return Fail(input.status());
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  StartOptions start;
  if (options.version != 0) start.version = options.version;
  absl::StatusOr<std::string> id = (*engine)->Start(options.workflow, *input, start);
  if (!id.ok()) return Fail(id.status());
  std::cout << *id << "\n";
  return kExitOk;
}

}  // namespace

void RegisterStart(const CommandContext& context) {
  auto options = std::make_shared<StartCmdOptions>();
  CLI::App* cmd = context.app.add_subcommand("start", "Start an execution; print its id");
  cmd->footer(
      "The execution is pinned to its version. Its tasks wait in the store until workers "
      "take them (an embedding program, or `weft run` on the same store).");
  cmd->add_option("NAME", options->workflow, "the workflow name")->required();
  cmd->add_option("--version", options->version, "an exact version (default: the latest)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--input", options->input,
                  "the input: a JSON object, or @FILE to read it from a file (default: {})");
  cmd->callback([&context, options] {
    context.exit_code = RunStart(context.global, *options);
  });
}

}  // namespace weft::cli
