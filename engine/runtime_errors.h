// The runtime errors the engine raises in a workflow (they reach the VM as a failed outcome, or
// become an execution's error): one factory per kind, used by the engine and the tests alike,
// so that a code, message or field is spelled in one place. The codes are vm/errors.h's.
#ifndef WEFT_ENGINE_RUNTIME_ERRORS_H_
#define WEFT_ENGINE_RUNTIME_ERRORS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "weft/engine.h"
#include "weft/value.h"

namespace weft::engine {

// LIMIT_EXCEEDED: a payload, the child depth or the history went past its limit.
Value LimitExceededError(std::string_view message);
// CHILD_FAILED: a child execution failed or was terminated; `error` is its own error.
Value ChildFailedError(std::string_view workflow, std::string_view child_id,
                       ExecutionStatus status, const Value& error);
// CHILD_FAILED: a child could not start (not deployed, bad input).
Value ChildStartFailedError(std::string_view workflow, std::string_view why);
// TERMINATED: the execution was terminated.
Value TerminatedError(std::string_view reason);
// TIMEOUT: the execution did not finish within its `timeout`.
Value ExecutionTimeoutError(int64_t timeout_ms);
// TIMEOUT: `await signal(name, timeout:)` ran out.
Value SignalTimeoutError(std::string_view signal);
// QUARANTINED: the execution was taken out of service after a fault.
Value QuarantinedError(std::string_view reason);
// PUBLISH_FAILED: a publish(...) call with a subject or data NATS cannot take.
Value PublishFailedError(std::string_view message);
// A task's final failure, as the workflow sees it (TASK_FAILED, or TIMEOUT when the last
// attempt ran out of time).
Value TaskFailureError(std::string_view task_type, std::string_view task_id, uint32_t attempt,
                       std::string_view message, const Value& details, bool timed_out);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_RUNTIME_ERRORS_H_
