// `weft start NAME[@VERSION|@ALIAS] [--version N] --input JSON [--correlation ID] [--priority P]
// [--idempotency-key K [--idempotency-strategy S]]`: starts an execution and prints its id. Workers
// (`weft run`, or an embedding program) take its tasks from the store's queues.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"

namespace weft::cli {
namespace {

struct StartCmdOptions {
  std::string workflow;
  uint32_t version = 0;
  std::string input = "{}";
  std::string correlation;
  int32_t priority = 0;
  std::string idempotency_key;
  std::string idempotency_strategy = "FAIL";
};

int RunStart(const GlobalOptions& global, const StartCmdOptions& options) {
  absl::StatusOr<Value> input = ParseInputArgument(options.input);
  if (!input.ok()) return Fail(input.status());
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  StartOptions start;
  std::string workflow = options.workflow;
  if (const size_t at = workflow.rfind('@'); at != std::string::npos) {
    // NAME@VERSION or NAME@ALIAS
    const std::string after = workflow.substr(at + 1);
    workflow.resize(at);
    uint32_t version = 0;
    if (options.version != 0) return Fail("give NAME@VERSION, NAME@ALIAS or --version, not two");
    if (after.empty()) return Fail("`NAME@` needs a version or an alias after the @");
    if (absl::SimpleAtoi(after, &version) && version > 0) {
      start.version = version;
    } else {
      start.alias = after;
    }
  }
  if (options.version != 0) start.version = options.version;
  start.correlation_id = options.correlation;
  start.priority = options.priority;
  start.idempotency_key = options.idempotency_key;
  std::optional<IdempotencyStrategy> strategy =
      ParseIdempotencyStrategy(options.idempotency_strategy);
  if (!strategy) {
    return Fail(absl::StrCat("unknown idempotency strategy `", options.idempotency_strategy,
                             "` (expected FAIL, RETURN_EXISTING or FAIL_ON_RUNNING)"));
  }
  start.idempotency_strategy = *strategy;
  absl::StatusOr<std::string> id = (*engine)->Start(workflow, *input, start);
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
  cmd->add_option("NAME", options->workflow,
                  "the workflow name; NAME@VERSION pins a version, NAME@ALIAS starts through an alias "
                  "(`weft alias`)")
      ->required();
  cmd->add_option("--version", options->version, "an exact version (default: the latest)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--input", options->input,
                  "the input: a JSON object, or @FILE to read it from a file (default: {})");
  cmd->add_option("--correlation", options->correlation,
                  "a correlation id, for `weft list --correlation` and search");
  cmd->add_option("--priority", options->priority, "0..99, shown with the execution")
      ->check(CLI::Range(0, 99));
  cmd->add_option("--idempotency-key", options->idempotency_key,
                  "at most one execution of the workflow holds this key");
  cmd->add_option("--idempotency-strategy", options->idempotency_strategy,
                  "when the key is held: FAIL (default), RETURN_EXISTING (print that id) or "
                  "FAIL_ON_RUNNING (fail only while it runs)");
  cmd->callback([&context, options] {
    context.exit_code = RunStart(context.global, *options);
  });
}

}  // namespace weft::cli
