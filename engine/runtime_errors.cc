// See runtime_errors.h.
#include "engine/runtime_errors.h"

#include "absl/strings/str_cat.h"
#include "bytecode/system_tasks.h"
#include "common/strings.h"
#include "engine/value_builders.h"
#include "vm/errors.h"
#include "vm/vm.h"

namespace weft::engine {

Value LimitExceededError(std::string_view message) {
  return Obj({{"code", Str(vm::kLimitExceeded)}, {"message", Str(message)}});
}

Value ChildFailedError(std::string_view workflow, std::string_view child_id,
                       ExecutionStatus status, const Value& error) {
  std::string message =
      status == ExecutionStatus::kTerminated
          ? absl::StrCat("child workflow `", ToAbsl(workflow), "` was terminated")
          : absl::StrCat("child workflow `", ToAbsl(workflow), "` failed");
  if (const Value& m = Get(error, "message"); m.is_string()) {
    absl::StrAppend(&message, ": ", m.as_string());
  }
  return Obj({{"code", Str(vm::kChildFailed)}, {"message", Str(message)},
              {"workflow", Str(workflow)}, {"child_id", Str(child_id)}, {"details", error}});
}

Value ChildStartFailedError(std::string_view workflow, std::string_view why) {
  return Obj({{"code", Str(vm::kChildFailed)},
              {"message", Str(absl::StrCat("cannot start workflow `", ToAbsl(workflow), "`: ",
                                           ToAbsl(why)))},
              {"workflow", Str(workflow)}});
}

Value TerminatedError(std::string_view reason) {
  return Obj({{"code", Str(vm::kTerminated)}, {"message", Str(reason)}});
}

Value ExecutionTimeoutError(int64_t timeout_ms) {
  return Obj({{"code", Str(vm::kTimeout)},
              {"message", Str(absl::StrCat("the execution did not finish within its timeout of ",
                                           timeout_ms, " ms"))}});
}

Value SignalTimeoutError(std::string_view signal) {
  return Obj({{"code", Str(vm::kTimeout)},
              {"message", Str(absl::StrCat("signal `", ToAbsl(signal), "` did not arrive in time"))},
              {"signal", Str(signal)}});
}

Value QuarantinedError(std::string_view reason) {
  return Obj({{"code", Str(vm::kQuarantined)},
              {"message", Str(absl::StrCat("execution quarantined after a fault: ",
                                           ToAbsl(reason)))}});
}

Value PublishFailedError(std::string_view message) {
  return Obj({{"code", Str(vm::kPublishFailed)}, {"message", Str(message)},
              {"task", Str(bytecode::kPublishTask)}});
}

Value TaskFailureError(std::string_view task_type, std::string_view task_id, uint32_t attempt,
                       std::string_view message, const Value& details, bool timed_out) {
  Value error = vm::MakeTaskFailure(task_type, task_id, attempt, message, details);
  return timed_out ? With(error, "code", Str(vm::kTimeout)) : error;
}

}  // namespace weft::engine
