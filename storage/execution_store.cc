// See execution_store.h.
#include "storage/execution_store.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"

namespace weft::storage {
namespace {

uint8_t StatusByte(ExecutionStatus s) { return static_cast<uint8_t>(s); }

// The timers a wait record names: (kind, due, value).
struct OwnedTimer {
  TimerKind kind;
  int64_t due;
  std::string_view value;
};

std::vector<OwnedTimer> TimersOf(const WaitRow& w) {
  std::vector<OwnedTimer> out;
  auto add = [&](TimerKind kind, int64_t due, std::string_view value) {
    if (due != 0) out.push_back({kind, due, value});
  };
  add(TimerKind::kWake, w.due_ms, {});
  add(TimerKind::kSignalTimeout, w.timeout_due, {});
  add(TimerKind::kRetry, w.retry_due, {});
  add(TimerKind::kAttemptTimeout, w.attempt_due, w.task_id);
  add(TimerKind::kScheduleTimeout, w.schedule_due, w.task_id);
  return out;
}

bool Owns(const std::vector<OwnedTimer>& timers, const OwnedTimer& t) {
  for (const OwnedTimer& o : timers) {
    if (o.kind == t.kind && o.due == t.due && o.value == t.value) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::optional<ExecutionRow>> ExecutionStore::GetExecution(
    std::string_view id) const {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kExecutions, id));
  if (!bytes) return std::optional<ExecutionRow>();
  WEFT_ASSIGN_OR_RETURN(ExecutionRow row, DecodeExecution(*bytes));
  row.info.id = std::string(id);
  return std::optional<ExecutionRow>(std::move(row));
}

absl::Status ExecutionStore::PutExecution(std::string_view id, const ExecutionRow& row,
                                          std::optional<IndexedAs> indexed) {
  // by_status is not kept from format 10 (keys.h): by_start lists by status.
  WEFT_RETURN_IF_ERROR(PutSearchEntries(txn_, id, row, indexed));
  return txn_.Put(Table::kExecutions, id, EncodeExecutionInPlace(row));
}

absl::StatusOr<std::optional<ExecStateRow>> ExecutionStore::GetState(std::string_view id) const {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kExecState, id));
  if (!bytes) return std::optional<ExecStateRow>();
  WEFT_ASSIGN_OR_RETURN(ExecStateRow row, DecodeExecState(*bytes));
  return std::optional<ExecStateRow>(std::move(row));
}

absl::Status ExecutionStore::PutState(std::string_view id, const ExecStateRow& row) {
  return txn_.Put(Table::kExecState, id, EncodeExecStateInPlace(row));
}

absl::StatusOr<std::optional<TaskRow>> ExecutionStore::GetTask(std::string_view task_id) const {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kTasks, task_id));
  if (!bytes) return std::optional<TaskRow>();
  WEFT_ASSIGN_OR_RETURN(TaskRow row, DecodeTask(*bytes));
  return std::optional<TaskRow>(std::move(row));
}

absl::StatusOr<std::optional<TaskRow>> ExecutionStore::GetTaskKeepingInput(
    std::string_view task_id) const {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kTasks, task_id));
  if (!bytes) return std::optional<TaskRow>();
  WEFT_ASSIGN_OR_RETURN(TaskRow row, DecodeTaskKeepingInput(*bytes));
  return std::optional<TaskRow>(std::move(row));
}

absl::Status ExecutionStore::AddTask(std::string_view task_id, const TaskRow& row) {
  WEFT_RETURN_IF_ERROR(txn_.Put(Table::kTasks, task_id, EncodeTaskInPlace(row)));
  WEFT_RETURN_IF_ERROR(
      txn_.Put(Table::kExecTasks, ExecTaskKey(row.info.execution_id, task_id), {}));
  if (!IsTaskOpen(row.info.status)) return absl::OkStatus();
  return txn_.Put(Table::kQueue, QueueKey(row.info.type, task_id), {});
}

absl::Status ExecutionStore::PutTask(std::string_view task_id, const TaskRow& row) {
  WEFT_RETURN_IF_ERROR(txn_.Put(Table::kTasks, task_id, EncodeTaskInPlace(row)));
  // The stored row was open, so its queue entry is there: it stays while the task is open.
  if (IsTaskOpen(row.info.status)) return absl::OkStatus();
  return txn_.Delete(Table::kQueue, QueueKey(row.info.type, task_id));
}

absl::StatusOr<std::vector<std::string>> ExecutionStore::TaskIdsOf(
    std::string_view execution_id) const {
  std::vector<std::string> ids;
  const std::string prefix = ExecTaskPrefix(execution_id);
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(Table::kExecTasks, prefix,
                                       [&](std::string_view key, std::string_view) {
                                         ids.emplace_back(key.substr(prefix.size()));
                                         return true;
                                       }));
  return ids;
}

absl::Status ExecutionStore::DropQueueEntriesOf(std::string_view task_id) {
  std::vector<std::string> doomed;
  WEFT_RETURN_IF_ERROR(
      txn_.ScanPrefix(Table::kQueue, "", [&](std::string_view key, std::string_view) {
        const size_t sep = key.find('\0');
        if (sep != std::string_view::npos && key.substr(sep + 1) == task_id) {
          doomed.emplace_back(key);
        }
        return true;
      }));
  for (const std::string& key : doomed) WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kQueue, key));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<WaitRow>> ExecutionStore::GetWait(std::string_view id,
                                                               uint64_t wait_id) const {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kWaits, WaitKey(id, wait_id)));
  if (!bytes) return std::optional<WaitRow>();
  absl::StatusOr<WaitRow> row = DecodeWait(*bytes);
  if (!row.ok()) {
    return absl::DataLossError(absl::StrCat("wait record ", wait_id, " of execution ",
                                            ToAbsl(id), ": ", row.status().message()));
  }
  return std::optional<WaitRow>(*std::move(row));
}

absl::Status ExecutionStore::PutWait(std::string_view id, uint64_t wait_id, const WaitRow& row,
                                     const WaitRow* before) {
  const std::vector<OwnedTimer> now = TimersOf(row);
  if (before != nullptr) {
    for (const OwnedTimer& t : TimersOf(*before)) {
      if (!Owns(now, t)) WEFT_RETURN_IF_ERROR(DropTimer(id, wait_id, t.kind, t.due));
    }
  }
  const std::vector<OwnedTimer> old = before ? TimersOf(*before) : std::vector<OwnedTimer>{};
  for (const OwnedTimer& t : now) {
    if (!Owns(old, t)) WEFT_RETURN_IF_ERROR(PutTimer(id, wait_id, t.kind, t.due, t.value));
  }
  return txn_.Put(Table::kWaits, WaitKey(id, wait_id), EncodeWaitInPlace(row));
}

absl::Status ExecutionStore::DropWait(std::string_view id, uint64_t wait_id, const WaitRow& row) {
  for (const OwnedTimer& t : TimersOf(row)) {
    WEFT_RETURN_IF_ERROR(DropTimer(id, wait_id, t.kind, t.due));
  }
  return txn_.Delete(Table::kWaits, WaitKey(id, wait_id));
}

absl::StatusOr<std::vector<std::pair<uint64_t, WaitRow>>> ExecutionStore::WaitsOf(
    std::string_view id) const {
  std::vector<std::pair<uint64_t, WaitRow>> waits;
  absl::Status bad;
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(
      Table::kWaits, WaitPrefix(id), [&](std::string_view key, std::string_view value) {
        const uint64_t wait_id = ReadBigEndian64(key.substr(key.size() - 8));
        absl::StatusOr<WaitRow> row = DecodeWait(value);
        if (!row.ok()) {
          bad = absl::DataLossError(absl::StrCat("wait record ", wait_id, " of execution ",
                                                 ToAbsl(id), ": ", row.status().message()));
          return false;
        }
        waits.emplace_back(wait_id, *std::move(row));
        return true;
      }));
  if (!bad.ok()) return bad;
  return waits;
}

absl::Status ExecutionStore::DropWaitsAndTimersOf(std::string_view id) {
  std::vector<std::string> doomed;
  WEFT_RETURN_IF_ERROR(txn_.ScanStored(Table::kWaits, WaitPrefix(id),
                                       [&](std::string_view key, std::string_view) {
                                         doomed.emplace_back(key);
                                         return true;
                                       }));
  for (const std::string& key : doomed) WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kWaits, key));
  doomed.clear();
  WEFT_RETURN_IF_ERROR(
      txn_.ScanStored(Table::kTimers, "", [&](std::string_view key, std::string_view) {
        std::optional<TimerKeyParts> parts = ParseTimerKey(key);
        if (parts && parts->execution_id == id &&
            parts->kind != static_cast<uint8_t>(TimerKind::kSchedule)) {
          doomed.emplace_back(key);
        }
        return true;
      }));
  for (const std::string& key : doomed) WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kTimers, key));
  return absl::OkStatus();
}

absl::Status ExecutionStore::PutExecutionTimer(std::string_view id, int64_t due_ms) {
  return PutTimer(id, 0, TimerKind::kExecutionTimeout, due_ms, {});
}

absl::Status ExecutionStore::DropExecutionTimer(std::string_view id, int64_t due_ms) {
  return DropTimer(id, 0, TimerKind::kExecutionTimeout, due_ms);
}

absl::StatusOr<std::optional<std::string>> ExecutionStore::TakeTimer(std::string_view key) {
  WEFT_ASSIGN_OR_RETURN(auto value, txn_.Get(Table::kTimers, key));
  if (!value) return std::optional<std::string>();
  std::string out(*value);
  WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kTimers, key));
  return std::optional<std::string>(std::move(out));
}

absl::Status ExecutionStore::PutTimer(std::string_view id, uint64_t wait_id, TimerKind kind,
                                      int64_t due_ms, std::string_view value) {
  if (added_timers_ != nullptr) added_timers_->push_back(due_ms);
  return txn_.Put(Table::kTimers, TimerKey(due_ms, static_cast<uint8_t>(kind), id, wait_id),
                  value);
}

absl::Status ExecutionStore::DropTimer(std::string_view id, uint64_t wait_id, TimerKind kind,
                                       int64_t due_ms) {
  if (due_ms == 0) return absl::OkStatus();
  return txn_.Delete(Table::kTimers, TimerKey(due_ms, static_cast<uint8_t>(kind), id, wait_id));
}

}  // namespace weft::storage
