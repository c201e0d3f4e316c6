// See schedule_slots.h.
#include "engine/schedule_slots.h"

#include <algorithm>

#include "engine/value_builders.h"

namespace weft::engine {

absl::StatusOr<CompiledSchedule> CompileSchedule(const Schedule& schedule) {
  absl::StatusOr<schedule::CronExpression> cron = schedule::CronExpression::Parse(schedule.cron);
  if (!cron.ok()) return cron.status();
  absl::StatusOr<absl::TimeZone> zone = schedule::LoadZone(schedule.zone);
  if (!zone.ok()) return zone.status();
  return CompiledSchedule{*std::move(cron), *zone, schedule.start_ms, schedule.end_ms};
}

int64_t NextSlot(const CompiledSchedule& schedule, int64_t after_ms) {
  if (schedule.start_ms > 0) after_ms = std::max(after_ms, schedule.start_ms - 1);
  std::optional<absl::Time> next =
      schedule.cron.Next(absl::FromUnixMillis(after_ms), schedule.zone);
  if (!next) return 0;
  const int64_t ms = absl::ToUnixMillis(*next);
  if (schedule.end_ms > 0 && ms > schedule.end_ms) return 0;
  return ms;
}

Value SlotInput(const Schedule& schedule, const bytecode::Program& program, int64_t slot_ms) {
  Value input = schedule.input.is_object() ? schedule.input : Value::MakeObject(Object());
  for (const bytecode::Param& param : program.params) {
    if (param.name == kScheduledTimeParam) input = With(input, param.name.c_str(), Value::Int(slot_ms));
    if (param.name == kScheduleNameParam) input = With(input, param.name.c_str(), Str(schedule.name));
  }
  return input;
}

}  // namespace weft::engine
