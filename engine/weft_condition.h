// Event handler conditions written as Weft expressions (evaluatorType `weft`, docs/events.md):
// the expression is compiled as the body of a one-line workflow whose parameter `event` is the
// message's payload, `workflow condition(event: any) { return (EXPR) }`, and run on the VM
// with a step budget. The events library cannot include the compiler or the VM (layering);
// the engine joins both, so it does this and registers it with events::RegisterWeftConditions.
#ifndef WEFT_ENGINE_WEFT_CONDITION_H_
#define WEFT_ENGINE_WEFT_CONDITION_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "weft/value.h"

namespace weft::engine {

// InvalidArgument with the compiler's diagnostics when `condition` is not a Weft expression.
absl::Status CheckWeftCondition(std::string_view condition);

// True when the expression is `true` for `payload`; false for any other value. An error
// (InvalidArgument) when it does not compile, fails (a missing field, a type error), waits
// (a condition cannot call tasks or await), or runs past its step budget.
absl::StatusOr<bool> EvaluateWeftCondition(std::string_view condition, const Value& payload);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_WEFT_CONDITION_H_
