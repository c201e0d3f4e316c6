// The typed rows of a Weft store and their byte encodings (FlatBuffers schemas in this folder;
// docs/format/lmdb.md). Decoding treats bytes as untrusted: the FlatBuffers verifier and the
// file identifier are checked first, and a bad row is a DataLoss status, never a crash.
#ifndef WEFT_STORAGE_RECORDS_H_
#define WEFT_STORAGE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::storage {

enum class HistoryType : uint8_t {
#define HISTORY(e, name) e,
#include "storage/history_types.def"
#undef HISTORY
};
std::string_view HistoryTypeName(HistoryType type);

struct VersionRow {
  uint32_t version = 0;
  std::string hash;
  int64_t deployed_at_ms = 0;
  std::string source_file;
  std::string definition;  // the registered Conductor WorkflowDef JSON; empty for .wf source
  bool retired = false;    // unregistered: no new starts (format 6 on)
};

// The mutable part of a RUNNING execution.
struct ExecStateRow {
  std::string checkpoint;    // vm checkpoint bytes
  std::string waiting_task;  // task id the VM waits on; empty when none
  uint32_t next_history_seq = 1;
  uint32_t next_task_seq = 1;
  int64_t updated_ms = 0;
  std::string program_hash;  // the pinned bytecode, in rows written before format 6 only: the
                             // `executions` row's hash is the one to use (ExecutionInfo::hash)
  std::string retry_checkpoint;  // FAILED: the checkpoint before the failure; empty otherwise
  // The log number of the execution's newest event in `history_log` (format 10 on); 0 when it
  // has none there. ExecutionStore::AppendHistory moves it with next_history_seq.
  uint64_t history_head = 0;
};

// An execution's header row: what the API shows (ExecutionInfo) plus the engine's own fields.
struct ExecutionRow {
  ExecutionInfo info;
  uint64_t parent_wait = 0;  // the parent's wait this execution ends; 0 when detached or top
  uint32_t child_depth = 0;  // 0 for a top-level start; the parent's depth + 1 for a child
};

// Who holds a task's current delivery, which decides what a restart does with it. Stored as a
// byte: append only.
enum class DeliveryKind : uint8_t {
  kNone = 0,       // not out with a worker
  kInProcess = 1,  // the engine's own worker pool (and the command workers it runs): the
                   // delivery dies with the process, so a restart hands the task out at once
  kExternal = 2,   // taken with PollTask: the worker may outlive the engine, so its lease
                   // stands across a restart until it expires
};

struct TaskRow {
  TaskInfo info;  // info.delivery, info.lease_expires_ms: the current delivery
  uint32_t seq = 0;
  uint64_t wait_id = 0;
  DeliveryKind delivery_kind = DeliveryKind::kNone;
  // Set only by DecodeTaskKeepingInput: the input's stored bytes (empty: a null input), with
  // info.input left null. EncodeTask writes them back as they are. A take, a result or a
  // lease changes everything but the input, so it neither decodes nor encodes it.
  std::optional<std::string> stored_input;
};

// The kinds of durable timer (the byte in a timers key). Stored: append only.
enum class TimerKind : uint8_t {
  kWake = 1,              // `sleep`
  kSignalTimeout = 2,     // `await signal(..., timeout:)`
  kRetry = 3,             // the next attempt of a task is due
  kAttemptTimeout = 4,    // a task attempt's `timeout`
  kExecutionTimeout = 5,  // the workflow's `timeout`
  kScheduleTimeout = 6,   // a task attempt not picked up within `schedule_timeout`
  kSchedule = 7,          // a schedule's next slot: the key holds the schedule's name where the
                          // others hold an execution id, and wait id 0 (format 5 on)
};

// The kind of a wait record (wait_record.fbs). Stored: append only.
enum class WaitKind : uint8_t {
  kTask = 1,    // a task attempt is scheduled or running, or its retry is due
  kHeld = 2,    // a task held back while the execution is paused
  kTimer = 3,   // `sleep`
  kSignal = 4,  // `await signal(...)`
  kChild = 5,   // an attached child execution
};

// What stands outside the VM for one open wait. The `*_due` fields name the timers the wait
// owns (0: none); ExecutionStore puts and drops them with the record.
struct WaitRow {
  WaitKind kind = WaitKind::kTask;
  // kTask, kHeld
  std::string task_type;
  Value input;   // kHeld, and kTask between attempts; an attempt in flight has it in its task
  Value policy;  // the merged task policy (engine/task_policy.h)
  int64_t first_ms = 0;
  uint32_t first_attempt = 1;
  bool compensation = false;
  std::string task_id;        // kTask: the current attempt
  uint32_t attempt = 0;       // kTask: its number
  uint32_t held_attempt = 0;  // kHeld: the attempt to schedule on resume; 0: the first
  int64_t retry_due = 0;      // kTask: TimerKind::kRetry
  int64_t attempt_due = 0;    // kTask: TimerKind::kAttemptTimeout (its value: task_id)
  int64_t schedule_due = 0;   // kTask: TimerKind::kScheduleTimeout (its value: task_id)
  // kTimer
  int64_t due_ms = 0;         // TimerKind::kWake
  // kSignal
  std::string signal;
  int64_t timeout_due = 0;    // TimerKind::kSignalTimeout
  // kChild
  std::string child_id;
  std::string workflow;
};

struct HistoryRow {
  int64_t time_ms = 0;
  HistoryType type = HistoryType::kExecutionStarted;
  std::string task_id;
  Value details;
};

// An event being appended, by reference: its details already in their binary form
// (value_codec.h; from EncodeValueInPlace or an ObjectWriter), or empty for null. It saves
// building the details as a Value on the writer's hot path.
struct HistoryEventView {
  int64_t time_ms = 0;
  HistoryType type = HistoryType::kExecutionStarted;
  std::string_view task_id;
  std::span<const uint8_t> details;
};
// A row as an event to append: its details encoded into this thread's warm value builder (valid
// until the thread's next value encode). For an append that uses it at once.
HistoryEventView ViewOfHistoryRow(const HistoryRow& row);

// A `history_log` record (format 10): one event, the execution and position it belongs to,
// and the log number of that execution's event before it (0: none in the log).
struct HistoryLogRow {
  std::string execution_id;
  uint32_t seq = 0;
  uint64_t prev = 0;
  HistoryRow event;
};

// Encode... returns a record's bytes. Encode...InPlace leaves them in this thread's warm record
// builder, valid until the thread's next record encode: for a caller that puts them at once
// (ExecutionStore, on every transition), saving a copy of each record.

std::string EncodeVersion(const VersionRow& row);
absl::StatusOr<VersionRow> DecodeVersion(std::string_view bytes);

// The id is the key, not part of the value: Decode leaves info.id empty.
std::string EncodeExecution(const ExecutionRow& row);
std::string_view EncodeExecutionInPlace(const ExecutionRow& row);
absl::StatusOr<ExecutionRow> DecodeExecution(std::string_view bytes);

std::string EncodeExecState(const ExecStateRow& row);
std::string_view EncodeExecStateInPlace(const ExecStateRow& row);
absl::StatusOr<ExecStateRow> DecodeExecState(std::string_view bytes);

// The task id is the key: Decode leaves info.id empty.
// REQUIRES: info.input is null when stored_input is set.
std::string EncodeTask(const TaskRow& row);
std::string_view EncodeTaskInPlace(const TaskRow& row);
absl::StatusOr<TaskRow> DecodeTask(std::string_view bytes);
absl::StatusOr<TaskRow> DecodeTaskKeepingInput(std::string_view bytes);
// The task's input: info.input, or its stored bytes decoded.
absl::StatusOr<Value> TaskInput(const TaskRow& row);

// Format 4 on: a WaitRecord table. DecodeLegacyWait reads the Weft-value form of formats 2 and 3
// (for the upgrade and read-only opens of such stores).
std::string EncodeWait(const WaitRow& row);
std::string_view EncodeWaitInPlace(const WaitRow& row);
absl::StatusOr<WaitRow> DecodeWait(std::string_view bytes);
absl::StatusOr<WaitRow> DecodeLegacyWait(std::string_view bytes);
// The wait record decoder for a store of `format`.
absl::StatusOr<WaitRow> DecodeWaitOfFormat(std::string_view bytes, uint32_t format);

// Format 5 on. The name is the key: Decode leaves it empty. A policy byte this weft does not
// know is DataLoss.
std::string EncodeSchedule(const Schedule& row);
absl::StatusOr<Schedule> DecodeSchedule(std::string_view bytes);

std::string EncodeHistory(const HistoryRow& row);
absl::StatusOr<HistoryRow> DecodeHistory(std::string_view bytes);
std::string EncodeHistoryLog(std::string_view execution_id, uint32_t seq, uint64_t prev,
                             const HistoryRow& event);
std::string_view EncodeHistoryLogInPlace(std::string_view execution_id, uint32_t seq,
                                         uint64_t prev, const HistoryEventView& event);
inline std::string EncodeHistoryLog(const HistoryLogRow& row) {
  return EncodeHistoryLog(row.execution_id, row.seq, row.prev, row.event);
}
// DataLoss unless the record names an execution and a seq, and links only backwards (prev is
// below `number`, the record's own log number).
absl::StatusOr<HistoryLogRow> DecodeHistoryLog(std::string_view bytes, uint64_t number);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_RECORDS_H_
