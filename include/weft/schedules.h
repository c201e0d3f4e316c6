// Schedules (docs/schedules.md): a workflow started on the slots of a cron expression, its
// catch-up and overlap policies, and the preview of a cron expression's next slots.
#ifndef WEFT_SCHEDULES_H_
#define WEFT_SCHEDULES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "weft/value.h"

namespace weft {

// What a schedule does with the slots that fell due while the engine was closed (before the
// engine opened). Stored as a byte: append only.
enum class CatchUpPolicy : uint8_t {
  kSkip = 0,    // they are skipped (counted in Schedule::skipped); the next slot runs
  kRunAll = 1,  // each one runs, in order, as soon as the engine opens
};
// What a schedule does with a slot while the execution of its previous slot is still RUNNING
// or PAUSED. Stored as a byte: append only.
enum class OverlapPolicy : uint8_t {
  kAllow = 0,  // start it anyway
  kSkip = 1,   // skip the slot (counted in Schedule::skipped)
};
// "SKIP", "RUN_ALL"; "ALLOW", "SKIP"; and back (case-insensitive), nullopt when unknown.
std::string_view CatchUpPolicyName(CatchUpPolicy policy);
std::optional<CatchUpPolicy> ParseCatchUpPolicy(std::string_view name);
std::string_view OverlapPolicyName(OverlapPolicy policy);
std::optional<OverlapPolicy> ParseOverlapPolicy(std::string_view name);

// A schedule: a workflow started on the slots of a cron expression in a time zone. The
// execution of a slot gets the schedule's input plus `_scheduledTime` (the slot, ms since the
// epoch) and `_scheduleName`, for each of the two the workflow declares as a parameter; its
// EXECUTION_STARTED event records both whatever it declares.
struct Schedule {
  std::string name;  // at most 128 bytes; the key
  std::string workflow;
  uint32_t version = 0;      // 0: the latest deployed version at each slot
  Value input;               // a JSON object (or null: {})
  std::string cron;          // 6 fields (with seconds) or 5; schedule/cron.h
  std::string zone = "UTC";  // an IANA time zone
  int64_t start_ms = 0;      // no slot before this (ms since the epoch); 0: none
  int64_t end_ms = 0;        // no slot after this; 0: none
  bool paused = false;
  CatchUpPolicy catch_up = CatchUpPolicy::kSkip;
  OverlapPolicy overlap = OverlapPolicy::kAllow;
  // Kept by the engine; ignored by CreateSchedule.
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t next_ms = 0;            // the next slot, its timer set; 0 while paused or once past end_ms
  int64_t last_slot_ms = 0;       // the last slot that ran or was skipped; 0: none yet
  std::string last_execution_id;  // the execution of the last slot that ran
  uint64_t runs = 0;              // slots that started an execution
  uint64_t skipped = 0;           // slots skipped (catch-up, overlap, or a start that failed)
  std::string last_error;         // why the last slot could not start; empty when it did
};

// The next `count` slots of a cron expression in `zone` strictly after `after_ms`, none after
// `end_ms` (0: no end). InvalidArgument naming what is wrong with the expression or the zone.
// For previews (`weft schedule next --cron`, Conductor's nextFewSchedules).
absl::StatusOr<std::vector<int64_t>> NextCronTimes(std::string_view cron, std::string_view zone,
                                                   int64_t after_ms, size_t count, int64_t end_ms = 0);

}  // namespace weft

#endif  // WEFT_SCHEDULES_H_
