// weft::CommandWorker: a task handler that runs a shell command per task. See
// include/weft/command_worker.h for the protocol a command follows.
#include "workers/command_worker.h"

#include <signal.h>
#include <string.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "workers/command_messages.h"

namespace weft::workers {
namespace {

constexpr size_t kShownStdoutBytes = 200;
constexpr size_t kShownCommandBytes = 80;

// The stderr tail as a reason suffix: trimmed, marked when its beginning was cut off.
// (Debian's abseil has its own string_view type, so std::string_view is trimmed by hand.)
std::string_view Trim(std::string_view s) {
  const char* kSpace = " \t\r\n\f\v";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

std::string StderrSuffix(const SubprocessResult& p) {
  std::string tail(Trim(p.stderr_tail));
  if (tail.empty()) return "";
  return absl::StrCat(": ", p.stderr_truncated ? "..." : "", tail);
}

Value Details(std::string_view command, const SubprocessResult& p) {
  Object details;
  details.Set("command", Value::String(std::string(command)));
  if (p.exited) details.Set("exit_status", Value::Int(p.exit_code));
  if (!p.exited && p.term_signal != 0) details.Set("signal", Value::Int(p.term_signal));
  if (p.timed_out) details.Set("timed_out", Value::Bool(true));
  details.Set("stderr", Value::String(p.stderr_tail));
  return Value::MakeObject(std::move(details));
}

std::string SignalName(int sig) {
  const char* description = strsignal(sig);
  return absl::StrCat(sig, description != nullptr ? absl::StrCat(" (", description, ")") : "");
}

}  // namespace

std::vector<std::string> TaskEnvironment(const TaskContext& task) {
  return {
      absl::StrCat("WEFT_TASK_ID=", task.task_id),
      absl::StrCat("WEFT_EXECUTION_ID=", task.execution_id),
      absl::StrCat("WEFT_TASK_TYPE=", task.task_type),
      absl::StrCat("WEFT_ATTEMPT=", task.attempt),
  };
}

TaskOutcome OutcomeFromProcess(std::string_view command, const SubprocessResult& p,
                               const CommandWorkerOptions& options) {
  // The command names the culprit; a long one is cut so the stderr tail stays readable.
  std::string shown(command.substr(0, kShownCommandBytes));
  std::string quoted =
      absl::StrCat("`", shown, command.size() > shown.size() ? "..." : "", "`");
  if (p.interrupted) {
    return TaskOutcome::Abandon(absl::StrCat(quoted, " was stopped: the worker is shutting down"));
  }
  if (p.timed_out) {
    return TaskOutcome::Fail(absl::StrCat(quoted, " timed out after ",
                                          absl::FormatDuration(options.timeout),
                                          StderrSuffix(p)),
                             Details(command, p));
  }
  if (p.stdout_overflow) {
    return TaskOutcome::Fail(absl::StrCat(quoted, " printed more than ", options.max_output_bytes,
                                          " bytes on stdout"),
                             Details(command, p));
  }
  if (!p.exited) {
    return TaskOutcome::Fail(
        absl::StrCat(quoted, " was killed by signal ", SignalName(p.term_signal), StderrSuffix(p)),
        Details(command, p));
  }
  // A `fail` message decides the outcome whatever the exit status; the last one wins.
  CommandStdout split = SplitCommandStdout(p.stdout_data);
  for (auto m = split.messages.rbegin(); m != split.messages.rend(); ++m) {
    if (m->kind == CommandMessage::Kind::kMalformed) {
      return TaskOutcome::Fail(absl::StrCat(quoted, " printed ", m->reason), Details(command, p));
    }
    if (m->kind != CommandMessage::Kind::kFail) continue;
    Value details = m->details.is_null() ? Details(command, p) : m->details;
    return m->terminal ? TaskOutcome::FailTerminal(m->reason, std::move(details))
                       : TaskOutcome::Fail(m->reason, std::move(details));
  }
  if (p.exit_code != 0) {
    return TaskOutcome::Fail(
        absl::StrCat(quoted, " exited with status ", p.exit_code, StderrSuffix(p)),
        Details(command, p));
  }
  std::string_view out = Trim(split.output);
  if (out.empty()) return TaskOutcome::Complete(Value::Null());
  absl::StatusOr<Value> value = Value::FromJson(out);
  if (!value.ok()) {
    std::string shown(out.substr(0, kShownStdoutBytes));
    return TaskOutcome::Fail(
        absl::StrCat(quoted, " printed output that is not JSON (", value.status().message(),
                     "); stdout began with: ", shown, out.size() > shown.size() ? "..." : ""),
        Details(command, p));
  }
  return TaskOutcome::Complete(*std::move(value));
}

TaskOutcome RunCommandTask(const std::string& command, const CommandWorkerOptions& options,
                           const TaskContext& task) {
  SubprocessOptions spawn;
  spawn.argv = {"/bin/sh", "-c", command};
  spawn.stdin_data = absl::StrCat(task.input.ToJson(), "\n");
  spawn.extra_env = TaskEnvironment(task);
  spawn.timeout = options.timeout;
  spawn.max_stdout_bytes = options.max_output_bytes;
  spawn.stderr_tail_bytes = options.stderr_tail_bytes;
  if (task.heartbeat) {
    // Acted on as the line arrives, while the command runs. A heartbeat the engine refuses
    // (the task timed out meanwhile) is dropped: the command's result will be ignored too.
    spawn.on_stdout_line = [&task](std::string_view line) {
      std::optional<CommandMessage> m = ParseCommandMessage(line);
      if (m && m->kind == CommandMessage::Kind::kHeartbeat) {
        task.heartbeat(std::move(m->progress)).IgnoreError();
      }
    };
  }
  absl::StatusOr<SubprocessResult> process = RunSubprocess(spawn);
  if (!process.ok()) {
    return TaskOutcome::Fail(
        absl::StrCat("cannot run `", command, "`: ", process.status().message()));
  }
  return OutcomeFromProcess(command, *process, options);
}

}  // namespace weft::workers

namespace weft {

void StopCommandWorkers() { workers::KillAllSubprocesses(); }

TaskHandler CommandWorker(std::string shell_command, CommandWorkerOptions options) {
  return [command = std::move(shell_command), options](const TaskContext& task) {
    return workers::RunCommandTask(command, options, task);
  };
}

}  // namespace weft
