// `weft run FILE --input JSON --worker NAME=CMD...`: deploy FILE, start its workflow, run the
// given commands as workers in this process until the execution ends, print its output.
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cli/cli_common.h"
#include "cli/compile_file.h"
#include "cli/render.h"
#include "cli/worker_spec.h"
#include "weft/command_worker.h"

namespace weft::cli {
namespace {

struct RunOptions {
  std::string file;
  std::string input = "{}";
  std::vector<std::string> workers;
  std::string workflow;
  std::string timeout = "60s";
  bool pretty = false;
};

void WarnAboutUnusedWorkers(const bytecode::Program& program,
                            const std::map<std::string, std::string>& workers) {
  for (const auto& [name, command] : workers) {
    bool used = false;
    for (const bytecode::TaskDecl& task : program.tasks) used = used || task.name == name;
    if (!used) {
      Warn(absl::StrCat("--worker ", name, ": workflow `", program.workflow_name,
                        "` never calls a task `", name, "`"));
    }
  }
}

// Everything that can be refused before the store is touched.
struct Plan {
  Value input;
  absl::Duration timeout;
  std::map<std::string, std::string> workers;
  CompiledFile file;
  std::string workflow;
};

int MakePlan(const RunOptions& options, Plan& plan) {
  bool parsed = absl::ParseDuration(options.timeout, &plan.timeout);
  if (!parsed || plan.timeout <= absl::ZeroDuration()) {
    return Fail(absl::StrCat("bad --timeout `", options.timeout,
                             "`: expected a duration like 30s, 5m or 1h30m"));
  }
  absl::StatusOr<std::map<std::string, std::string>> workers = ParseWorkerSpecs(options.workers);
  if (!workers.ok()) return Fail(workers.status());
  plan.workers = *std::move(workers);
  absl::StatusOr<Value> input = ParseInputArgument(options.input);
  if (!input.ok()) return Fail(input.status());
  plan.input = *std::move(input);
  absl::StatusOr<CompiledFile> file = CompileFile(options.file);
  if (!file.ok()) return Fail(file.status());
  plan.file = *std::move(file);
  if (!ReportDiagnostics(plan.file)) return kExitFailure;
  absl::StatusOr<const bytecode::Program*> program = SelectWorkflow(plan.file, options.workflow);
  if (!program.ok()) return Fail(program.status());
  plan.workflow = (*program)->workflow_name;
  std::vector<std::string> missing = MissingWorkers(**program, plan.workers);
  if (!missing.empty()) {
    return Fail(absl::StrCat("workflow `", plan.workflow, "` calls tasks that have no worker: ",
                             absl::StrJoin(missing, ", "),
                             " (add --worker NAME=COMMAND for each)"));
  }
  WarnAboutUnusedWorkers(**program, plan.workers);
  return kExitOk;
}

int Report(const ExecutionInfo& done, bool pretty) {
  switch (done.status) {
    case ExecutionStatus::kCompleted:
      std::cout << (pretty ? done.output.ToPrettyJson() : done.output.ToJson()) << "\n";
      return kExitOk;
    case ExecutionStatus::kFailed:
      return Fail(absl::StrCat("execution ", done.id, " failed: ", ErrorMessage(done.error)));
    default:
      return Fail(absl::StrCat("execution ", done.id, " ended ",
                               std::string(ExecutionStatusName(done.status))));
  }
}

int RunRun(const GlobalOptions& global, const RunOptions& options) {
  Plan plan;
  if (int code = MakePlan(options, plan); code != kExitOk) return code;
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  // No single task may outlive the whole run: a hung command is killed at the same deadline.
  CommandWorkerOptions worker_options;
  worker_options.timeout = plan.timeout;
  for (const auto& [name, command] : plan.workers) {
    (*engine)->RegisterWorker(name, CommandWorker(command, worker_options));
  }
  absl::StatusOr<std::vector<DeployedWorkflow>> deployed =
      (*engine)->Deploy(plan.file.path, plan.file.source);
  if (!deployed.ok()) return Fail(deployed.status());
  if (absl::Status s = (*engine)->StartWorkers(); !s.ok()) return Fail(s);
  absl::StatusOr<std::string> id = (*engine)->Start(plan.workflow, plan.input);
  if (!id.ok()) return Fail(id.status());
  absl::StatusOr<ExecutionInfo> done = (*engine)->AwaitExecution(*id, plan.timeout);
  if (absl::IsDeadlineExceeded(done.status())) {
    return Fail(absl::StrCat("execution ", *id, " did not end within ",
                             absl::FormatDuration(plan.timeout), " (see `weft status ", *id,
                             "`)"));
  }
  if (!done.ok()) return Fail(done.status());
  return Report(*done, options.pretty);
}

}  // namespace

void RegisterRun(const CommandContext& context) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = context.app.add_subcommand(
      "run", "Deploy FILE, start it, and run its tasks with commands until it ends");
  cmd->footer(
      "Runs each --worker command in this process until the execution ends, then prints its "
      "output as JSON on stdout and exits 0; when the execution fails, prints the error on "
      "stderr and exits 1. A worker command reads the task input as JSON on stdin (with "
      "WEFT_TASK_ID, WEFT_EXECUTION_ID, WEFT_TASK_TYPE and WEFT_ATTEMPT in its environment) "
      "and prints the task output as JSON on stdout; a non-zero exit fails the task with the "
      "end of its stderr as the reason. Every task the workflow calls needs a worker.");
  cmd->add_option("FILE", options->file, "the .wf file")->required();
  cmd->add_option("--input", options->input,
                  "the input: a JSON object, or @FILE to read it from a file (default: {})");
  cmd->add_option("--worker", options->workers,
                  "NAME=COMMAND: run COMMAND (with /bin/sh -c) for each task of type NAME; "
                  "repeat for every task the workflow calls")
      ->allow_extra_args(false);
  cmd->add_option("--workflow", options->workflow,
                  "the workflow to start when FILE declares several");
  cmd->add_option("--timeout", options->timeout,
                  "stop waiting after this long (e.g. 30s, 5m; default: 60s) and exit 1; a "
                  "worker command still running then is killed");
  cmd->add_flag("--pretty", options->pretty, "indent the output JSON");
  cmd->callback([&context, options] {
    context.exit_code = RunRun(context.global, *options);
  });
}

}  // namespace weft::cli
