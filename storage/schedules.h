// The rows of schedules (table `schedules`, format 5 on; docs/format/lmdb.md) with the one
// invariant they carry: a schedule that is not paused and has a next slot has exactly one timer,
// `TimerKey(next_ms, kSchedule, name, 0)`, and no other schedule timer. The engine asks for
// operations (put this schedule, delete it) and never writes the timer itself, as with
// ExecutionStore's wait records.
//
// Same contract as ExecutionStore: every call through one ScheduleStore belongs to the caller's
// transaction; a record that does not decode is DataLoss. In a store of an older format, opened
// read-only, the table does not exist yet: reads find no schedule.
#ifndef WEFT_STORAGE_SCHEDULES_H_
#define WEFT_STORAGE_SCHEDULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "weft/engine.h"

namespace weft::storage {

// The timer key of a schedule's slot.
std::string ScheduleTimerKey(std::string_view name, int64_t due_ms);

class ScheduleStore {
 public:
  // `added_timers`, when given, gets the due time of every timer put (the timer service's wake).
  explicit ScheduleStore(Txn& txn, std::vector<int64_t>* added_timers = nullptr)
      : txn_(txn), added_timers_(added_timers) {}

  // row.name is set. nullopt when there is no such schedule.
  absl::StatusOr<std::optional<Schedule>> Get(std::string_view name) const;
  // Every schedule, by name.
  absl::StatusOr<std::vector<Schedule>> List() const;
  // Writes `row` under row.name; its timer follows it (see above). `before` is the stored row
  // it replaces (nullptr: a new schedule), whose timer is dropped when it differs.
  absl::Status Put(const Schedule& row, const Schedule* before);
  // Deletes the row and its timer.
  absl::Status Delete(const Schedule& row);

 private:
  Txn& txn_;
  std::vector<int64_t>* added_timers_;
};

}  // namespace weft::storage

#endif  // WEFT_STORAGE_SCHEDULES_H_
