// JSON and text renderings of executions and history events, shared by `status`, `list`,
// `history` and `run`.
#ifndef WEFT_CLI_RENDER_H_
#define WEFT_CLI_RENDER_H_

#include <string>

#include "weft/engine.h"
#include "weft/value.h"

namespace weft::cli {

// {"id", "workflow", "version", "hash", "status", "input", "output", "error", "created_at",
//  "updated_at", "ended_at", "parent_id"}; times as ISO 8601 UTC strings (null when unset).
Value ExecutionJson(const ExecutionInfo& e);
// Aligned "key  value" lines for people.
std::string ExecutionText(const ExecutionInfo& e);
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
