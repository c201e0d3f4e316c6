// Task policy: retries with backoff, timeouts, `optional` and priority. A policy is an object
// (docs/language.md, "Task policy"): the task's declared one with the call site's keys over
// it. The engine applies it; the VM only ever sees a task's final outcome.
#ifndef WEFT_ENGINE_TASK_POLICY_H_
#define WEFT_ENGINE_TASK_POLICY_H_

#include <cstdint>
#include <string>

#include "weft/value.h"

namespace weft::engine {

// One member per key of common/task_policy_keys.def, holding its default until parsed.
struct TaskPolicy {
#define TASK_POLICY_KEY(field, key, check, read, type, fallback) type field = fallback;
#include "common/task_policy_keys.def"
#undef TASK_POLICY_KEY
  bool operator==(const TaskPolicy&) const = default;
};

// `declared` with `override` on top; either may be null. Unknown keys are ignored (the
// compiler rejects them).
Value MergePolicy(const Value& declared, const Value& override);
// Reads every key of common/task_policy_keys.def from `merged` (an object; anything else is
// the default policy). A key whose value has the wrong type keeps its default.
TaskPolicy ParsePolicy(const Value& merged);

// The delay before attempt `next_attempt` (2, 3, ...), Conductor's formulas: fixed `delay`,
// linear `delay * scale * (next_attempt - 1)`, exponential `delay * 2^(next_attempt - 2)`;
// capped by max_delay; then up to `jitter` of it taken off using `unit` in [0, 1), a number
// the caller derives from a recorded seed so that the delay is reproducible.
int64_t RetryDelayMs(const TaskPolicy& policy, uint32_t next_attempt, double unit);

// A number in [0, 1) from a seed: splitmix64 of it.
double UnitFromSeed(uint64_t seed);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_TASK_POLICY_H_
