// The structured error objects a failed execution ends with (RunResult::error, vm.h):
//   {"code": CODE, "message": TEXT, ["details": VALUE,] ["task": NAME,] "line": N, "column": N}
// Key order is fixed so that stored errors and golden run outputs are stable.
#ifndef WEFT_VM_ERRORS_H_
#define WEFT_VM_ERRORS_H_

#include <optional>
#include <string>
#include <string_view>

#include "vm/vm.h"
#include "weft/value.h"

namespace weft::vm {

inline constexpr std::string_view kWorkflowFailed = "WORKFLOW_FAILED";
inline constexpr std::string_view kRuntimeError = "RUNTIME_ERROR";
inline constexpr std::string_view kTaskFailed = "TASK_FAILED";
inline constexpr std::string_view kFuelExhausted = "FUEL_EXHAUSTED";
inline constexpr std::string_view kTimeout = "TIMEOUT";
inline constexpr std::string_view kChildFailed = "CHILD_FAILED";
inline constexpr std::string_view kCanceled = "CANCELED";
inline constexpr std::string_view kTerminated = "TERMINATED";
// A value went past a limit (Value::CheckLimits: depth, string/list/object width, total size),
// or the process ran out of memory while an operator or builtin built one; also a payload or
// child-depth limit of the engine (EngineLimits).
inline constexpr std::string_view kLimitExceeded = "LIMIT_EXCEEDED";
// An execution taken out of service after a fault of its records or its transition.
inline constexpr std::string_view kQuarantined = "QUARANTINED";
// A jq(...) call failed (the system task `jq`, bytecode/system_tasks.h): a compile or runtime
// error of the program, or its time or memory budget passed; details.error says which.
inline constexpr std::string_view kJqFailed = "JQ_FAILED";
// A publish(...) call was refused (the system task `publish`, bytecode/system_tasks.h): its
// subject or data is not one NATS can take. Never retried: the same call fails the same way.
inline constexpr std::string_view kPublishFailed = "PUBLISH_FAILED";

// `error` with "line" and "column" of `pos` added, unless it already has a position.
Value WithPosition(Value error, SourcePos pos);

// An error object with the given parts; `details` and `task` are left out when absent.
Value MakeError(std::string_view code, std::string message, SourcePos pos,
                std::optional<Value> details = std::nullopt,
                std::optional<std::string> task = std::nullopt);

// The error for `fail value`: a string is the message; anything else goes in "details".
Value WorkflowFailedError(const Value& failed, SourcePos pos);


}  // namespace weft::vm

#endif  // WEFT_VM_ERRORS_H_
