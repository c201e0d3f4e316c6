// JSON and text renderings of executions and history events, shared by `status`, `list`,
// `history` and `run`.
#ifndef WEFT_CLI_RENDER_H_
#define WEFT_CLI_RENDER_H_

#include <string>
#include <vector>

#include "weft/engine.h"
#include "weft/value.h"

namespace weft::cli {

// {"id", "workflow", "version", "hash", "status", "input", "output", "error", "created_at",
//  "updated_at", "ended_at", "parent_id"}; times as ISO 8601 UTC strings (null when unset).
Value ExecutionJson(const ExecutionInfo& e);
// Aligned "key  value" lines for people.
std::string ExecutionText(const ExecutionInfo& e);
// {"id", "type", "status", "attempt", "delivery", "input", "output", "error", "worker_id",
//  "scheduled_at", "started_at", "lease_expires_at", "ended_at"}
Value TaskJson(const TaskInfo& t);
// One line per task that has no outcome yet, for `weft status`: its type, attempt and status,
// and for an IN_PROGRESS one its worker, start time and lease expiry. Empty when none.
std::string OpenTasksText(const std::vector<TaskInfo>& tasks);
// {"seq", "time", "type", "task_id", "details"}
Value HistoryEventJson(const HistoryEvent& e);
// The end of `weft run` and `weft work`: a COMPLETED execution's output as one JSON line on
// stdout (indented when `pretty`) and kExitOk; otherwise a `weft: error:` line saying how it
// ended, and kExitFailure.
int ReportEnded(const ExecutionInfo& done, bool pretty);
// The human message of an execution error ({"code", "message", ...}), else its JSON.
std::string ErrorMessage(const Value& error);

}  // namespace weft::cli

#endif  // WEFT_CLI_RENDER_H_
