// A schedule's slots and what each slot's execution is started with, shared by the API
// (engine/schedules.cc), which checks a schedule before storing it, and the transitions
// (engine/transitions/schedules.cc), which fire it (docs/schedules.md).
#ifndef WEFT_ENGINE_SCHEDULE_SLOTS_H_
#define WEFT_ENGINE_SCHEDULE_SLOTS_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bytecode/program.h"
#include "schedule/cron.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::engine {

// The parameters through which a slot's execution learns its slot and its schedule.
inline constexpr std::string_view kScheduledTimeParam = "_scheduledTime";
inline constexpr std::string_view kScheduleNameParam = "_scheduleName";

// The most slots one firing handles in one transaction (a catch-up after a long downtime goes
// on in the next one, at once).
inline constexpr int kMaxSlotsPerFiring = 256;

struct CompiledSchedule {
  schedule::CronExpression cron;
  absl::TimeZone zone;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
};

// The schedule's expression and zone, parsed; InvalidArgument naming what is wrong.
absl::StatusOr<CompiledSchedule> CompileSchedule(const Schedule& schedule);

// The first slot strictly after `after_ms` and at or after the start; 0 when there is none
// (past the end, or never again).
int64_t NextSlot(const CompiledSchedule& schedule, int64_t after_ms);

// The input of the execution of `slot_ms`: the schedule's input (an object, or {} for null)
// with `_scheduledTime` and `_scheduleName` set for each one `program` declares.
Value SlotInput(const Schedule& schedule, const bytecode::Program& program, int64_t slot_ms);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_SCHEDULE_SLOTS_H_
