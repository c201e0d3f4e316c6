// Conductor's scheduler JSON (WorkflowSchedule / SaveScheduleRequest) and Weft's Schedule, both
// ways: the map docs/schedules.md ("Conductor's scheduler") documents. The server's
// /api/scheduler routes read requests with ScheduleFromConductor and answer with
// ScheduleToConductor; the CLI's client mode (client_schedules_events.cc) reads the answers back with
// ScheduleFromConductor, so the Weft-only fields (overlap, next slot, counters) travel too.
#ifndef WEFT_SERVER_CONDUCTOR_SCHEDULE_H_
#define WEFT_SERVER_CONDUCTOR_SCHEDULE_H_

#include "absl/status/statusor.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::server {

// A WorkflowSchedule: Conductor's fields (name, cronExpression, zoneId, startWorkflowRequest
// {name, version, input}, scheduleStartTime, scheduleEndTime, paused,
// runCatchupScheduleInstances, createTime, updatedTime) and Weft's (overlapPolicy,
// nextRunTime, lastRunTime, lastExecutionId, runs, skipped, lastError, state).
Value ScheduleToConductor(const Schedule& schedule);

// Reads a SaveScheduleRequest or a WorkflowSchedule: InvalidArgument naming the field when one
// is missing or of the wrong type. Unknown fields (description, createdBy, tags) are ignored.
absl::StatusOr<Schedule> ScheduleFromConductor(const Value& body);

}  // namespace weft::server

#endif  // WEFT_SERVER_CONDUCTOR_SCHEDULE_H_
