// See schedules.h.
#include "storage/schedules.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace weft::storage {
namespace {

// The slot a row's timer stands for; 0 when it has none.
int64_t TimerDue(const Schedule& row) { return row.paused ? 0 : row.next_ms; }

}  // namespace

std::string ScheduleTimerKey(std::string_view name, int64_t due_ms) {
  return TimerKey(due_ms, static_cast<uint8_t>(TimerKind::kSchedule), name, 0);
}

absl::StatusOr<std::optional<Schedule>> ScheduleStore::Get(std::string_view name) const {
  if (!txn_.env().has_table(Table::kSchedules)) return std::optional<Schedule>();
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kSchedules, name));
  if (!bytes) return std::optional<Schedule>();
  absl::StatusOr<Schedule> row = DecodeSchedule(*bytes);
  if (!row.ok()) {
    return absl::DataLossError(
        absl::StrCat("schedule `", ToAbsl(name), "`: ", row.status().message()));
  }
  row->name = std::string(name);
  return std::optional<Schedule>(*std::move(row));
}

absl::StatusOr<std::vector<Schedule>> ScheduleStore::List() const {
  std::vector<Schedule> out;
  if (!txn_.env().has_table(Table::kSchedules)) return out;
  absl::Status bad;
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(
      Table::kSchedules, "", [&](std::string_view key, std::string_view value) {
        absl::StatusOr<Schedule> row = DecodeSchedule(value);
        if (!row.ok()) {
          bad = absl::DataLossError(
              absl::StrCat("schedule `", ToAbsl(key), "`: ", row.status().message()));
          return false;
        }
        row->name = std::string(key);
        out.push_back(*std::move(row));
        return true;
      }));
  if (!bad.ok()) return bad;
  return out;
}

absl::Status ScheduleStore::Put(const Schedule& row, const Schedule* before) {
  const int64_t due = TimerDue(row);
  const int64_t was = before != nullptr ? TimerDue(*before) : 0;
  if (was != 0 && was != due) {
    WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kTimers, ScheduleTimerKey(row.name, was)));
  }
  if (due != 0 && due != was) {
    if (added_timers_ != nullptr) added_timers_->push_back(due);
    WEFT_RETURN_IF_ERROR(txn_.Put(Table::kTimers, ScheduleTimerKey(row.name, due), ""));
  }
  return txn_.Put(Table::kSchedules, row.name, EncodeSchedule(row));
}

absl::Status ScheduleStore::Delete(const Schedule& row) {
  if (const int64_t due = TimerDue(row); due != 0) {
    WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kTimers, ScheduleTimerKey(row.name, due)));
  }
  return txn_.Delete(Table::kSchedules, row.name);
}

}  // namespace weft::storage
