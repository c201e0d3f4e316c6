// `weft prune --older-than 30d [--status completed,failed,terminated] [--archive FILE.jsonl]
// [--dry-run]`: deletes finished executions that ended longer ago than the age, with every row
// they own (Engine::Prune), in transactions of at most 500 executions. With --archive each one
// is first appended to FILE as one JSON line {"execution", "history", "tasks"}, and the file is
// synced, before its batch is deleted. RUNNING and PAUSED executions are never touched.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/cli_common.h"
#include "cli/render.h"

namespace weft::cli {
namespace {

struct PruneCliOptions {
  std::string older_than;
  std::string status;
  std::string archive;
  bool dry_run = false;
  bool json = false;
};

std::string ArchiveLine(const ExecutionArchive& entry) {
  List history;
  for (const HistoryEvent& e : entry.history) history.push_back(HistoryEventJson(e));
  List tasks;
  for (const TaskInfo& t : entry.tasks) tasks.push_back(TaskJson(t));
  Object o;
  o.Set("execution", ExecutionJson(entry.info));
  o.Set("history", Value::MakeList(std::move(history)));
  o.Set("tasks", Value::MakeList(std::move(tasks)));
  if (!entry.task_logs.empty()) {  // by task id: [{log, createdTime}, ...]
    Object logs;
    for (const auto& [task_id, lines] : entry.task_logs) {
      List items;
      for (const TaskLog& l : lines) {
        items.push_back(Value::MakeObject(
            Object({{"log", Value::String(l.log)}, {"createdTime", Value::Int(l.created_ms)}})));
      }
      logs.Set(task_id, Value::MakeList(std::move(items)));
    }
    o.Set("task_logs", Value::MakeObject(std::move(logs)));
  }
  return absl::StrCat(Value::MakeObject(std::move(o)).ToJson(), "\n");
}

absl::Status ErrnoStatus(std::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(std::string(what), " `", path, "`: ", std::strerror(errno)));
}

// Appends a batch's lines and syncs the file: only then may the batch be deleted.
absl::Status AppendAndSync(int fd, const std::string& path,
                           const std::vector<ExecutionArchive>& batch) {
  std::string bytes;
  for (const ExecutionArchive& entry : batch) bytes += ArchiveLine(entry);
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot write the archive", path);
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return ErrnoStatus("cannot sync the archive", path);
  return absl::OkStatus();
}

int RunPrune(const GlobalOptions& global, const PruneCliOptions& options) {
  absl::StatusOr<absl::Duration> age = ParseAge(options.older_than, "--older-than");
  if (!age.ok()) return Fail(age.status());
  PruneOptions prune;
  prune.older_than = *age;
  prune.dry_run = options.dry_run;
  if (!options.status.empty()) {
    for (absl::string_view name : absl::StrSplit(options.status, ',', absl::SkipEmpty())) {
      std::optional<ExecutionStatus> s = ParseExecutionStatus(std::string(name));
      if (!s || !IsEnded(*s)) {
        return Fail(absl::StrCat("bad --status `", std::string(name),
                                 "`: expected completed, failed or terminated"));
      }
      prune.statuses.push_back(*s);
    }
  }
  int fd = -1;
  if (!options.archive.empty() && !options.dry_run) {
    fd = open(options.archive.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return Fail(ErrnoStatus("cannot open the archive", options.archive));
    prune.archive = [fd, &options](const std::vector<ExecutionArchive>& batch) {
      return AppendAndSync(fd, options.archive, batch);
    };
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  absl::StatusOr<PruneResult> result =
      engine.ok() ? (*engine)->Prune(prune) : absl::StatusOr<PruneResult>(engine.status());
  if (fd >= 0) close(fd);
  if (!result.ok()) return Fail(result.status());
  if (options.json) {
    Object o;
    o.Set("executions", Value::Int(static_cast<int64_t>(result->executions)));
    o.Set("rows", Value::Int(static_cast<int64_t>(result->rows)));
    o.Set("eventMessages", Value::Int(static_cast<int64_t>(result->event_messages)));
    o.Set("dryRun", Value::Bool(options.dry_run));
    std::cout << Value::MakeObject(std::move(o)).ToJson() << "\n";
    return kExitOk;
  }
  if (options.dry_run) {
    std::cout << result->executions << " executions would be deleted\n";
  } else {
    std::cout << "deleted " << result->executions << " executions (" << result->rows
              << " rows)\n";
  }
  if (result->event_messages > 0) {
    std::cout << result->event_messages
              << (options.dry_run ? " event message records would be deleted\n"
                                  : " event message records deleted\n");
  }
  return kExitOk;
}

}  // namespace

void RegisterPrune(const CommandContext& context) {
  auto options = std::make_shared<PruneCliOptions>();
  CLI::App* cmd = context.app.add_subcommand("prune", "Delete old finished executions");
  cmd->footer(
      "Deletes COMPLETED, FAILED and TERMINATED executions that ended longer ago than "
      "--older-than, with their history, tasks and every other row they own, 500 per "
      "transaction. RUNNING and PAUSED executions are never deleted. --archive appends each "
      "execution to FILE as one JSON line {\"execution\", \"history\", \"tasks\"} and syncs it "
      "before deleting. Without --status, event handlers' message records older than the age "
      "go too. `weft run/work --retention AGE` does the same in the background.");
  cmd->add_option("--older-than", options->older_than, "age, like 30d, 36h or 90m")->required();
  cmd->add_option("--status", options->status,
                  "comma-separated: completed, failed, terminated (default: all three)");
  cmd->add_option("--archive", options->archive, "append deleted executions to this JSONL file");
  cmd->add_flag("--dry-run", options->dry_run, "count what would be deleted; delete nothing");
  cmd->add_flag("--json", options->json, "print one JSON object {executions, rows, eventMessages, dryRun}");
  cmd->callback([&context, options] { context.exit_code = RunPrune(context.global, *options); });
}

}  // namespace weft::cli
