// `weft work [ID...] --worker NAME=CMD... [--timeout D] [--virtual-time]`: serve the store's
// tasks with commands, like `weft run` but for executions that already exist: ones started
// with `weft start`, retried with `weft retry` or restarted with `weft restart`.
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bytecode/system_tasks.h"
#include "cli/cli_common.h"
#include "cli/interrupt.h"
#include "cli/nats_option.h"
#include "cli/render.h"
#include "cli/worker_spec.h"

namespace weft::cli {
namespace {

struct WorkOptions {
  std::vector<std::string> ids;
  std::vector<std::string> workers;
  std::string timeout;  // empty: 60s with IDs, none without
  bool virtual_time = false;
  bool pretty = false;
  int concurrency = 0;  // 0: one per core
  std::string retention;  // empty: keep finished executions forever
  std::string nats;       // --nats: the NATS server of `publish`
};

// Tasks these executions wait on that no --worker (and no system task) serves: they would
// never finish, so say so up front.
void WarnAboutUnservedTasks(Engine& engine, const std::vector<std::string>& ids,
                            const std::map<std::string, std::string>& workers) {
  for (const std::string& id : ids) {
    absl::StatusOr<std::vector<TaskInfo>> tasks = engine.Tasks(id);
    if (!tasks.ok()) continue;
    for (const TaskInfo& t : *tasks) {
      if (t.status == TaskStatus::kScheduled && workers.count(t.type) == 0 &&
          !bytecode::IsSystemTask(t.type)) {
        Warn(absl::StrCat("execution ", id, " waits on task `", t.type,
                          "` and no --worker serves it"));
      }
    }
  }
}

int AwaitAll(Engine& engine, const WorkOptions& options, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  int code = kExitOk;
  for (const std::string& id : options.ids) {
    absl::StatusOr<ExecutionInfo> done = AwaitUnlessInterrupted(
        engine, id, std::max(deadline - absl::Now(), absl::ZeroDuration()));
    if (InterruptSignal() != 0) return kExitFailure;  // the caller stops the engine
    if (absl::IsDeadlineExceeded(done.status())) {
      return Fail(absl::StrCat("execution ", id, " did not end within ",
                               absl::FormatDuration(timeout), " (see `weft status ", id, "`)"));
    }
    if (!done.ok()) return Fail(done.status());
    if (ReportEnded(*done, options.pretty) != kExitOk) code = kExitFailure;
  }
  return code;
}

int RunWork(const GlobalOptions& global, const WorkOptions& options) {
  std::optional<absl::Duration> timeout;
  if (!options.timeout.empty()) {
    absl::StatusOr<absl::Duration> parsed = ParseTimeout(options.timeout);
    if (!parsed.ok()) return Fail(parsed.status());
    timeout = *parsed;
  } else if (!options.ids.empty()) {
    timeout = absl::Seconds(60);
  }
  absl::StatusOr<std::map<std::string, std::string>> workers = ParseWorkerSpecs(options.workers);
  if (!workers.ok()) return Fail(workers.status());
  absl::Duration retention;
  if (!options.retention.empty()) {
    absl::StatusOr<absl::Duration> age = ParseAge(options.retention, "--retention");
    if (!age.ok()) return Fail(age.status());
    retention = *age;
  }
  CatchInterrupts();
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(
      global, /*read_only=*/false, options.virtual_time, options.concurrency, retention,
      options.nats);
  if (!engine.ok()) return Fail(engine.status());
  for (const std::string& id : options.ids) {
    if (absl::StatusOr<ExecutionInfo> e = (*engine)->GetExecution(id); !e.ok()) {
      return Fail(e.status());
    }
  }
  RegisterCommandWorkers(**engine, *workers, timeout.value_or(absl::InfiniteDuration()));
  WarnAboutUnservedTasks(**engine, options.ids, *workers);
  if (absl::Status s = (*engine)->StartWorkers(); !s.ok()) return Fail(s);
  int code = kExitOk;
  if (options.ids.empty()) {
    // Serves until the --timeout, Ctrl-C or SIGTERM.
    SleepUntilInterrupted(timeout ? absl::Now() + *timeout : absl::InfiniteFuture());
  } else {
    code = AwaitAll(**engine, options, *timeout);
  }
  if (InterruptSignal() != 0) return StopOnInterrupt(*engine);
  return code;
}

}  // namespace

void RegisterWork(const CommandContext& context) {
  auto options = std::make_shared<WorkOptions>();
  CLI::App* cmd = context.app.add_subcommand(
      "work", "Run the store's tasks with commands until the given executions end");
  cmd->footer(
      "The worker side of `weft start`, `weft retry` and `weft restart`: runs each --worker "
      "command (as `weft run` does; see `weft run --help`) for the tasks waiting in the store, "
      "and fires due timers. With execution IDs, stops once all of them have ended, prints "
      "each one's output as a JSON line in the order given, and exits 0 when all COMPLETED "
      "(1 otherwise, with the errors on stderr). Without IDs, serves every execution until "
      "--timeout (then exits 0) or Ctrl-C or SIGTERM.\n\n"
      "SIGINT (Ctrl-C) or SIGTERM kills the worker commands still running, closes the store "
      "cleanly and exits 130 or 143; their tasks are not failed but run again the next time "
      "the store is served. A worker command never outlives `weft work`, even one killed with "
      "SIGKILL.\n\n"
      "While it runs, it holds the store (one writer at a time): `weft signal`, `terminate`, "
      "`pause` and the other writing commands are refused until it ends. Send signals before "
      "it, or use `weft run --signal`.");
  cmd->add_option("ID", options->ids, "executions to wait for (default: serve until stopped)");
  cmd->add_option("--worker", options->workers,
                  "NAME=COMMAND: run COMMAND (with /bin/sh -c) for each task of type NAME; "
                  "repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--timeout", options->timeout,
                  "stop after this long (e.g. 30s, 5m; default: 60s with IDs, none without); "
                  "with IDs, not ending by then exits 1");
  cmd->add_flag("--virtual-time", options->virtual_time,
                "simulated time: timers fire as soon as nothing else is happening");
  cmd->add_option("--concurrency", options->concurrency, kConcurrencyHelp)
      ->check(CLI::Range(1, kMaxConcurrency));
  cmd->add_option("--retention", options->retention,
                  "delete finished executions that ended longer ago than this (e.g. 7d) in the "
                  "background, as `weft prune` does");
  AddNatsOption(*cmd, options->nats);
  cmd->add_flag("--pretty", options->pretty, "indent the output JSON");
  cmd->callback([&context, options] {
    context.exit_code = RunWork(context.global, *options);
  });
}

}  // namespace weft::cli
