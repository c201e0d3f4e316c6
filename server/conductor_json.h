// Weft's tasks and executions as Conductor's JSON (Task, Workflow, WorkflowStatus, ...), and
// Conductor's names for Weft's states: the one place the two vocabularies meet
// (docs/server.md, "States and errors", documents the map).
#ifndef WEFT_SERVER_CONDUCTOR_JSON_H_
#define WEFT_SERVER_CONDUCTOR_JSON_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/service.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::server {

// Conductor's Task.Status name of a Weft task: SCHEDULED, IN_PROGRESS, COMPLETED, FAILED,
// FAILED_WITH_TERMINAL_ERROR (a terminal failure), TIMED_OUT (a timeout error code), CANCELED.
std::string_view ConductorTaskStatus(const TaskInfo& task);
// Conductor's Workflow.Status name: RUNNING, COMPLETED, FAILED, TIMED_OUT (a workflow that
// failed with code TIMEOUT), TERMINATED, PAUSED.
std::string_view ConductorWorkflowStatus(const ExecutionInfo& info);

// Conductor's Task JSON. `workflow_type` may be empty when not known.
Value TaskToConductor(const TaskInfo& task, std::string_view workflow_type);
// Conductor's taskToDomain as JSON, and back: InvalidArgument unless an object of strings
// (absent or null: empty). Engine::Start checks the sizes and domains.
Value TaskToDomainJson(const TaskToDomain& map);
absl::StatusOr<TaskToDomain> ParseTaskToDomain(const Value* v);
// Conductor's Workflow JSON; `tasks` is included when set.
Value ExecutionToConductor(const ExecutionInfo& info, const std::vector<TaskInfo>* tasks);
// Conductor's WorkflowSummary JSON (a search result): times as "yyyy-MM-ddTHH:mm:ss.SSSZ"
// strings, input and output as JSON text.
Value ExecutionSummaryToConductor(const ExecutionInfo& info);
// ms since the epoch as Conductor's summaries print it (UTC, ms precision).
std::string ConductorTime(int64_t ms);
// Conductor's WorkflowStatus JSON (GET /api/workflow/{id}/status).
Value ExecutionStatusToConductor(const ExecutionInfo& info, bool include_output);

// Reads a TaskResult body ({taskId, workerId, status, outputData, reasonForIncompletion,
// logs}) into a TaskUpdate; InvalidArgument naming the field when it is malformed.
absl::StatusOr<TaskUpdate> ParseTaskResult(const Value& body);

// The error message of a FAILED execution or task ("" when none).
std::string ErrorMessage(const Value& error);

}  // namespace weft::server

#endif  // WEFT_SERVER_CONDUCTOR_JSON_H_
