// The statuses of an execution and of a task (weft/engine.h), their names and parsing.
#ifndef WEFT_STATUSES_H_
#define WEFT_STATUSES_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace weft {

// Stored as a byte: append only.
// PAUSED executions keep running their code but schedule no new task until resumed.
enum class ExecutionStatus : uint8_t {
  kRunning = 0,
  kCompleted = 1,
  kFailed = 2,
  kTerminated = 3,
  kPaused = 4
};
// True for COMPLETED, FAILED and TERMINATED.
bool IsEnded(ExecutionStatus status);
// "RUNNING", "COMPLETED", ...; and back (case-insensitive), nullopt when unknown.
std::string_view ExecutionStatusName(ExecutionStatus status);
std::optional<ExecutionStatus> ParseExecutionStatus(std::string_view name);

// Stored as a byte: append only. A task is SCHEDULED until a worker takes it, IN_PROGRESS
// while a delivery of it is out under a lease, then COMPLETED, FAILED or CANCELED.
enum class TaskStatus : uint8_t {
  kScheduled = 0,
  kCompleted = 1,
  kFailed = 2,
  kCanceled = 3,
  kInProgress = 4
};
// "SCHEDULED", "IN_PROGRESS", ...
std::string_view TaskStatusName(TaskStatus status);
// True for SCHEDULED and IN_PROGRESS: the attempt has no outcome yet.
bool IsTaskOpen(TaskStatus status);

}  // namespace weft

#endif  // WEFT_STATUSES_H_
