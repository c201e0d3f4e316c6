// `weft history ID`: an execution's append-only event history, one line per event.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "cli/history_text.h"
#include "cli/render.h"

namespace weft::cli {
namespace {

struct HistoryOptions {
  std::string id;
  bool json = false;
};

int RunHistory(const GlobalOptions& global, const HistoryOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  // History of an unknown id may simply be empty: ask for the execution first so that a typo
  // is an error rather than an empty listing.
  if (absl::StatusOr<ExecutionInfo> e = (*engine)->GetExecution(options.id); !e.ok()) {
    return Fail(e.status());
  }
  absl::StatusOr<std::vector<HistoryEvent>> events = (*engine)->History(options.id);
  if (!events.ok()) return Fail(events.status());
  if (options.json) {
    List list;
    for (const HistoryEvent& e : *events) list.push_back(HistoryEventJson(e));
    std::cout << Value::MakeList(std::move(list)).ToJson() << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"SEQ", "TIME", "EVENT", "TASK", "DETAILS"}};
  for (const HistoryEvent& e : *events) {
    rows.push_back({absl::StrCat(e.seq), FormatTimeMs(e.time_ms), e.type,
                    e.task_id.empty() ? "-" : e.task_id, HistoryDetailsText(e)});
  }
  std::cout << FormatTable(rows);
  return kExitOk;
}

}  // namespace

void RegisterHistory(const CommandContext& context) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* cmd = context.app.add_subcommand("history", "Show an execution's events");
  cmd->footer(
      "One line per event: sequence number, time (UTC), event type, task id and what happened "
      "(a task's type and input, a signal's name and payload, a retry's delay, a termination's "
      "reason, ...); --json gives every event's details as stored. The history is for "
      "inspection; executions never replay it.");
  cmd->add_option("ID", options->id, "the execution id")->required();
  cmd->add_flag("--json", options->json, "print one JSON array of events");
  cmd->callback([&context, options] {
    context.exit_code = RunHistory(context.global, *options);
  });
}

}  // namespace weft::cli
