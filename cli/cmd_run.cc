// `weft run FILE --input JSON --worker NAME=CMD... [--signal NAME=JSON...] [--virtual-time]`:
// deploy FILE, start its workflow, deliver the given signals, run the given commands as
// workers in this process until the execution ends, print its output.
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cli/cli_common.h"
#include "cli/compile_file.h"
#include "cli/interrupt.h"
#include "cli/nats_option.h"
#include "cli/render.h"
#include "cli/signal_spec.h"
#include "cli/worker_spec.h"

namespace weft::cli {
namespace {

struct RunOptions {
  std::string file;
  std::string input = "{}";
  std::vector<std::string> workers;
  std::string workflow;
  std::vector<std::string> signals;
  std::string timeout = "60s";
  bool pretty = false;
  bool virtual_time = false;
  int concurrency = 0;  // 0: one per core
  std::string retention;  // empty: keep finished executions forever
  absl::Duration retention_age;  // parsed from `retention`
  std::string nats;              // --nats: the NATS server of `publish`
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
  std::vector<SignalSpec> signals;
  CompiledFile file;
  std::string workflow;
};

int MakePlan(const RunOptions& options, Plan& plan) {
  absl::StatusOr<absl::Duration> timeout = ParseTimeout(options.timeout);
  if (!timeout.ok()) return Fail(timeout.status());
  plan.timeout = *timeout;
  absl::StatusOr<std::map<std::string, std::string>> workers = ParseWorkerSpecs(options.workers);
  if (!workers.ok()) return Fail(workers.status());
  plan.workers = *std::move(workers);
  absl::StatusOr<std::vector<SignalSpec>> signals = ParseSignalSpecs(options.signals);
  if (!signals.ok()) return Fail(signals.status());
  plan.signals = *std::move(signals);
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

// Deploys and starts the workflow and delivers the --signal's, before any worker runs: a
// signal the workflow does not wait for yet is kept in its mailbox.
absl::StatusOr<std::string> StartAndSignal(Engine& engine, const Plan& plan) {
  absl::StatusOr<std::vector<DeployedWorkflow>> deployed =
      engine.Deploy(plan.file.path, plan.file.source);
  if (!deployed.ok()) return deployed.status();
  absl::StatusOr<std::string> id = engine.Start(plan.workflow, plan.input);
  if (!id.ok()) return id.status();
  for (const SignalSpec& signal : plan.signals) {
    // The execution may have ended before a signal it never waits for: say which one.
    if (absl::Status s = engine.Signal(*id, signal.name, signal.payload); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("--signal ", signal.name, ": ", s.message()));
    }
  }
  return id;
}

// The engine that runs the execution, after StartAndSignal ran on it (or on an earlier one).
absl::StatusOr<std::unique_ptr<Engine>> OpenAndStart(const GlobalOptions& global,
                                                     const RunOptions& options, const Plan& plan,
                                                     std::string& id) {
  // A virtual clock jumps whenever the engine is idle, which it is right after the start of
  // a workflow that sleeps: the jump could outrun the --signal's (a 2-day signal timeout
  // would fire before the signal is sent). So start and signal on the real clock first.
  const bool start_on_real_clock = options.virtual_time && !plan.signals.empty();
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      OpenEngine(global, /*read_only=*/false, options.virtual_time && !start_on_real_clock,
                 options.concurrency, options.retention_age, options.nats);
  if (!engine.ok()) return engine.status();
  absl::StatusOr<std::string> started = StartAndSignal(**engine, plan);
  if (!started.ok()) return started.status();
  id = *started;
  if (!start_on_real_clock) return engine;
  engine->reset();  // releases the store's lock
  return OpenEngine(global, /*read_only=*/false, /*virtual_time=*/true, options.concurrency,
                    options.retention_age, options.nats);
}

int RunRun(const GlobalOptions& global, const RunOptions& options) {
  Plan plan;
  if (int code = MakePlan(options, plan); code != kExitOk) return code;
  CatchInterrupts();
  std::string id;
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenAndStart(global, options, plan, id);
  if (!engine.ok()) return Fail(engine.status());
  // No single task may outlive the whole run: a hung command is killed at the same deadline.
  RegisterCommandWorkers(**engine, plan.workers, plan.timeout);
  if (absl::Status s = (*engine)->StartWorkers(); !s.ok()) return Fail(s);
  absl::StatusOr<ExecutionInfo> done = AwaitUnlessInterrupted(**engine, id, plan.timeout);
  if (InterruptSignal() != 0) return StopOnInterrupt(*engine);
  if (absl::IsDeadlineExceeded(done.status())) {
    return Fail(absl::StrCat("execution ", id, " did not end within ",
                             absl::FormatDuration(plan.timeout), " (see `weft status ", id,
                             "`)"));
  }
  if (!done.ok()) return Fail(done.status());
  return ReportEnded(*done, options.pretty);
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
      "end of its stderr as the reason. While it runs, it may print a line "
      "{\"weft\":\"heartbeat\",\"progress\":...} to report progress, and it may fail the task "
      "for good (no retry) with a line {\"weft\":\"fail\",\"terminal\":true,\"reason\":\"...\"}. "
      "Every task the workflow calls needs a worker, except `http`, which the engine runs.\n\n"
      "Each --signal NAME=JSON is sent to the execution right after it starts, in the order "
      "given, as `weft signal` would: a signal the workflow does not wait for yet is kept "
      "until it does, so a human-task workflow runs to its end in one command, e.g. "
      "--signal approved='{\"by\": \"ann\"}'.\n\n"
      "--virtual-time runs on a simulated clock that jumps to the next due timer whenever "
      "nothing else is happening: `sleep 30d` finishes at once, and timeouts fire in order. "
      "Times in the history are the simulated ones.\n\n"
      "SIGINT (Ctrl-C) or SIGTERM kills the worker commands, closes the store cleanly and "
      "exits 130 or 143; the execution stays RUNNING and `weft work` continues it. A worker "
      "command never outlives `weft run`, even one killed with SIGKILL.");
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
  cmd->add_option("--signal", options->signals,
                  "NAME=JSON: send signal NAME with payload JSON (or @FILE) right after the "
                  "start; repeatable, delivered in order")
      ->allow_extra_args(false);
  cmd->add_flag("--virtual-time", options->virtual_time,
                "simulated time: timers fire as soon as the execution has nothing else to do");
  cmd->add_option("--concurrency", options->concurrency, kConcurrencyHelp)
      ->check(CLI::Range(1, kMaxConcurrency));
  cmd->add_option("--retention", options->retention,
                  "delete finished executions that ended longer ago than this (e.g. 7d) in the "
                  "background, as `weft prune` does");
  AddNatsOption(*cmd, options->nats);
  cmd->add_flag("--pretty", options->pretty, "indent the output JSON");
  cmd->callback([&context, options] {
    if (!options->retention.empty()) {
      absl::StatusOr<absl::Duration> age = ParseAge(options->retention, "--retention");
      if (!age.ok()) {
        context.exit_code = Fail(age.status());
        return;
      }
      options->retention_age = *age;
    }
    context.exit_code = RunRun(context.global, *options);
  });
}

}  // namespace weft::cli
