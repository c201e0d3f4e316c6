// Task policy: retries with backoff, timeouts, `optional` and priority. A policy is an object
// (docs/language.md, "Task policy"): the task's declared one with the call site's keys over
// it. The engine applies it; the VM only ever sees a task's final outcome.
#ifndef WEFT_ENGINE_TASK_POLICY_H_
#define WEFT_ENGINE_TASK_POLICY_H_

#include <cstdint>
#include <string>

#include "weft/value.h"

namespace weft::engine {

struct TaskPolicy {
  int64_t retries = 0;              // attempts after the first
  std::string backoff = "fixed";    // fixed | linear | exponential
  int64_t delay_ms = 1000;          // the base retry delay
  double backoff_scale = 1;         // linear: delay * scale * attempt
  int64_t max_delay_ms = 0;         // 0: no cap
  double jitter = 0;                // 0..1: up to this fraction of the delay is taken off
  int64_t timeout_ms = 0;           // per attempt; 0: none
  int64_t heartbeat_ms = 0;         // a running attempt must report within this; 0: none
  int64_t schedule_timeout_ms = 0;  // from scheduled to picked up; 0: none
  int64_t total_timeout_ms = 0;     // across all attempts; 0: none
  bool optional = false;            // a final failure yields null and the workflow goes on
  int64_t priority = 0;             // higher first among ready tasks of one type
};

// `declared` with `override` on top; either may be null. Unknown keys are ignored (the
// compiler rejects them).
Value MergePolicy(const Value& declared, const Value& override);
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
