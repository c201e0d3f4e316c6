// `weft status ID`: one execution: status, workflow@version, times, input, output or error,
// and the tasks it waits on: SCHEDULED, or IN_PROGRESS with their worker, start time and
// lease expiry.
#include <iostream>

#include "cli/cli_common.h"
#include "cli/render.h"

namespace weft::cli {
namespace {

struct StatusOptions {
  std::string id;
  bool json = false;
};

int RunStatus(const GlobalOptions& global, const StatusOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<ExecutionInfo> execution = (*engine)->GetExecution(options.id);
  if (!execution.ok()) return Fail(execution.status());
  absl::StatusOr<std::vector<TaskInfo>> tasks = (*engine)->Tasks(options.id);
  if (!tasks.ok()) return Fail(tasks.status());
  if (options.json) {
    Value json = ExecutionJson(*execution);
    List open;
    for (const TaskInfo& t : *tasks) {
      if (IsTaskOpen(t.status)) open.push_back(TaskJson(t));
    }
    Object o = json.as_object();
    o.Set("tasks", Value::MakeList(std::move(open)));
    std::cout << Value::MakeObject(std::move(o)).ToJson() << "\n";
  } else {
    std::cout << ExecutionText(*execution) << OpenTasksText(*tasks);
  }
  return kExitOk;
}

}  // namespace

void RegisterStatus(const CommandContext& context) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* cmd = context.app.add_subcommand(
      "status", "Show an execution: status, version, times, output or error, open tasks");
  cmd->add_option("ID", options->id, "the execution id")->required();
  cmd->add_flag("--json", options->json, "print one JSON object");
  cmd->callback([&context, options] {
    context.exit_code = RunStatus(context.global, *options);
  });
}

}  // namespace weft::cli
