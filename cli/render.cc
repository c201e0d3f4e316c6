// Renderings of executions and history events; see render.h.
#include "cli/render.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "common/strings.h"

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
  if (!e.correlation_id.empty()) o.Set("correlation_id", Value::String(e.correlation_id));
  if (e.priority != 0) o.Set("priority", Value::Int(e.priority));
  if (!e.idempotency_key.empty()) o.Set("idempotency_key", Value::String(e.idempotency_key));
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
  if (!e.correlation_id.empty()) rows.push_back({"correlation", e.correlation_id});
  if (e.priority != 0) rows.push_back({"priority", absl::StrCat(e.priority)});
  if (!e.idempotency_key.empty()) rows.push_back({"idempotency key", e.idempotency_key});
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

Value TaskJson(const TaskInfo& t) {
  Object o;
  o.Set("id", Value::String(t.id));
  o.Set("type", Value::String(t.type));
  o.Set("status", Value::String(std::string(TaskStatusName(t.status))));
  o.Set("attempt", Value::Int(t.attempt));
  o.Set("delivery", Value::Int(t.delivery));
  o.Set("input", t.input);
  o.Set("output", t.output);
  o.Set("error", t.error);
  o.Set("worker_id", t.worker_id.empty() ? Value() : Value::String(t.worker_id));
  o.Set("scheduled_at", TimeValue(t.scheduled_ms));
  o.Set("started_at", TimeValue(t.started_ms));
  o.Set("lease_expires_at", TimeValue(t.lease_expires_ms));
  o.Set("ended_at", TimeValue(t.ended_ms));
  return Value::MakeObject(std::move(o));
}

std::string OpenTasksText(const std::vector<TaskInfo>& tasks) {
  std::vector<std::vector<std::string>> rows;
  for (const TaskInfo& t : tasks) {
    if (!IsTaskOpen(t.status)) continue;
    std::string text = absl::StrCat(t.type, " attempt ", t.attempt, " ",
                                    ToAbsl(TaskStatusName(t.status)));
    if (t.status == TaskStatus::kInProgress) {
      absl::StrAppend(&text, " (delivery ", t.delivery, ") worker ", t.worker_id, " since ",
                      FormatTimeMs(t.started_ms), ", lease until ",
                      FormatTimeMs(t.lease_expires_ms));
    } else {
      absl::StrAppend(&text, " since ", FormatTimeMs(t.scheduled_ms));
    }
    rows.push_back({"task " + t.id, std::move(text)});
  }
  return rows.empty() ? std::string() : FormatTable(rows);
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
