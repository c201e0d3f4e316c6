// Renderings of executions and history events; see render.h.
#include "cli/render.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"

namespace weft::cli {

Value ExecutionJson(const ExecutionInfo& e) {
  Object o;
  o.Set("id", Value::String(e.id));
  o.Set("workflow", Value::String(e.workflow));
  o.Set("version", Value::Int(e.version));
  o.Set("hash", Value::String(e.hash));
  o.Set("status", Value::String(std::string(ExecutionStatusName(e.status))));
  o.Set("input", e.input);
  o.Set("output", e.output);
  o.Set("error", e.error);
  o.Set("created_at", TimeValue(e.created_ms));
  o.Set("updated_at", TimeValue(e.updated_ms));
  o.Set("ended_at", TimeValue(e.ended_ms));
  o.Set("parent_id", e.parent_id.empty() ? Value() : Value::String(e.parent_id));
  return Value::MakeObject(std::move(o));
}

std::string ExecutionText(const ExecutionInfo& e) {
  std::vector<std::vector<std::string>> rows = {
      {"id", e.id},
      {"workflow", absl::StrCat(e.workflow, "@", e.version, " (", ShortHash(e.hash), ")")},
      {"status", std::string(ExecutionStatusName(e.status))},
      {"created", FormatTimeMs(e.created_ms)},
      {"updated", FormatTimeMs(e.updated_ms)},
      {"ended", FormatTimeMs(e.ended_ms)},
      {"input", e.input.ToJson()},
  };
  if (!e.parent_id.empty()) rows.insert(rows.begin() + 2, {"parent", e.parent_id});
  if (e.status == ExecutionStatus::kCompleted) rows.push_back({"output", e.output.ToJson()});
  if (!e.error.is_null()) rows.push_back({"error", e.error.ToJson()});
  if (e.status == ExecutionStatus::kFailed) {
    rows.push_back({"hint", absl::StrCat("`weft retry ", e.id,
                                         "` continues it from the failed step; `weft restart ",
                                         e.id, "` runs it again from the beginning")});
  }
  if (e.status == ExecutionStatus::kPaused) {
    rows.push_back({"hint", absl::StrCat("schedules no new task until `weft resume ", e.id, "`")});
  }
  return FormatTable(rows);
}

Value HistoryEventJson(const HistoryEvent& e) {
  Object o;
  o.Set("seq", Value::Int(e.seq));
  o.Set("time", TimeValue(e.time_ms));
  o.Set("type", Value::String(e.type));
  o.Set("task_id", e.task_id.empty() ? Value() : Value::String(e.task_id));
  o.Set("details", e.details);
  return Value::MakeObject(std::move(o));
}

int ReportEnded(const ExecutionInfo& done, bool pretty) {
  switch (done.status) {
    case ExecutionStatus::kCompleted:
      std::cout << (pretty ? done.output.ToPrettyJson() : done.output.ToJson()) << "\n";
      return kExitOk;
    case ExecutionStatus::kFailed:
      return Fail(absl::StrCat("execution ", done.id, " failed: ", ErrorMessage(done.error)));
    case ExecutionStatus::kTerminated:
      return Fail(absl::StrCat("execution ", done.id, " was terminated: ",
                               ErrorMessage(done.error)));
    default:
      return Fail(absl::StrCat("execution ", done.id, " is ",
                               std::string(ExecutionStatusName(done.status))));
  }
}

std::string ErrorMessage(const Value& error) {
  if (error.is_string()) return error.as_string();
  if (error.is_object()) {
    const Value* message = error.as_object().Find("message");
    if (message != nullptr && message->is_string()) return message->as_string();
  }
  return error.ToJson();
}

}  // namespace weft::cli
