// The rows of executions and everything that hangs off them, with every index and invariant
// kept here, so that the engine asks for operations ("add this task", "set this status",
// "drop this wait") and never writes a key:
//   - an execution's header with its `by_status` entry and its search entries (search_index.h:
//     by type, by start time, by correlation id, by idempotency key), and its state row;
//   - its append-only history;
//   - a task with its `exec_tasks` entry and its `queue` entry (present while SCHEDULED or
//     IN_PROGRESS);
//   - a wait record with the timers it names (WaitRow's `*_due` fields).
//
// This is the seam where another backend (PostgreSQL, for many engine processes on one
// database) plugs in; everything LMDB-specific is below it. The contract a backend keeps:
//   - Every call made through one ExecutionStore belongs to one transaction: all of them become
//     visible at its commit, atomically, or none does (a crash between is impossible).
//   - Reads see the transaction's own earlier writes.
//   - History sequence numbers of one execution are dense and ordered as appended; the engine
//     chooses them (ExecStateRow::next_history_seq). A backend may keep them apart from the
//     rows keyed by execution (LMDB appends them to one log, storage/history.h).
//   - Timers are read in due order (then kind, execution, wait); queue entries of one task type
//     in task-id order (ids are time-ordered ULIDs).
//   - Nothing here decides; a bad record is DataLoss, never skipped.
// docs/format/lmdb.md describes the LMDB layout behind it.
#ifndef WEFT_STORAGE_EXECUTION_STORE_H_
#define WEFT_STORAGE_EXECUTION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/history.h"
#include "storage/lmdb.h"
#include "storage/records.h"
#include "storage/search_index.h"

namespace weft::storage {

class ExecutionStore {
 public:
  // `added_timers`, when given, gets the due time of every timer put (the timer service's wake).
  explicit ExecutionStore(Txn& txn, std::vector<int64_t>* added_timers = nullptr)
      : txn_(txn), added_timers_(added_timers) {}

  Txn& txn() { return txn_; }

  // --- Executions.
  // The header; info.id is set. nullopt when there is no such execution.
  absl::StatusOr<std::optional<ExecutionRow>> GetExecution(std::string_view id) const;
  // Writes the header. `indexed` is the status and start time its index entries hold now
  // (nullopt: none, a new execution); the entries move to row.info's.
  absl::Status PutExecution(std::string_view id, const ExecutionRow& row,
                            std::optional<IndexedAs> indexed);
  // The newest execution of `workflow` holding idempotency key `key`; nullopt when none.
  absl::StatusOr<std::optional<std::string>> FindIdempotent(std::string_view workflow,
                                                            std::string_view key) const {
    return storage::FindIdempotent(txn_, workflow, key);
  }
  absl::StatusOr<std::optional<ExecStateRow>> GetState(std::string_view id) const;
  absl::Status PutState(std::string_view id, const ExecStateRow& row);

  // --- History (storage/history.h).
  // Appends the execution's next event, numbered state.next_history_seq (which it advances)
  // and linked from state.history_head (which it moves). Write `state` in this transaction.
  absl::Status AppendHistory(std::string_view id, ExecStateRow& state, const HistoryRow& row) {
    return AppendHistoryEvent(txn_, id, state, row);
  }
  absl::Status AppendHistory(std::string_view id, ExecStateRow& state,
                             const HistoryEventView& event) {
    return AppendHistoryEvent(txn_, id, state, event);
  }
  // An event of an execution whose state row cannot be read, under `seq` (NextHistorySeq).
  absl::Status AppendUnlinkedHistory(std::string_view id, uint32_t seq, const HistoryRow& row) {
    return PutHistoryRow(txn_, id, seq, row);
  }
  // The sequence number after the last event of `id`, read from the history itself.
  absl::StatusOr<uint32_t> NextHistorySeq(std::string_view id) const {
    return storage::NextHistorySeq(txn_, id);
  }
  // Every event of `id`, in seq order.
  absl::StatusOr<std::vector<HistoryEntry>> History(std::string_view id) const {
    return ReadHistory(txn_, id);
  }

  // --- Tasks.
  absl::StatusOr<std::optional<TaskRow>> GetTask(std::string_view task_id) const;
  // As GetTask, with the input left as its stored bytes (TaskRow::stored_input): for a
  // transition that does not read it, so that PutTask writes it back without re-encoding.
  absl::StatusOr<std::optional<TaskRow>> GetTaskKeepingInput(std::string_view task_id) const;
  // A new task: its row, its exec_tasks entry and, while unfinished, its queue entry.
  absl::Status AddTask(std::string_view task_id, const TaskRow& row);
  // An open task's new row: the stored row must be SCHEDULED or IN_PROGRESS (every caller
  // reads it and checks). Its queue entry stays while the new row is open and goes when it
  // finishes (a take does not rewrite it).
  absl::Status PutTask(std::string_view task_id, const TaskRow& row);
  // The ids of an execution's tasks, in the order they were added.
  absl::StatusOr<std::vector<std::string>> TaskIdsOf(std::string_view execution_id) const;
  // Removes every queue entry of `task_id`, whatever its type: for a task whose row is damaged.
  absl::Status DropQueueEntriesOf(std::string_view task_id);

  // --- Waits and their timers.
  absl::StatusOr<std::optional<WaitRow>> GetWait(std::string_view id, uint64_t wait_id) const;
  // Writes the record; puts each timer it names that `before` (the record it replaces, if any)
  // did not, and drops each one `before` named that it does not.
  absl::Status PutWait(std::string_view id, uint64_t wait_id, const WaitRow& row,
                       const WaitRow* before);
  // Removes the record and every timer it names.
  absl::Status DropWait(std::string_view id, uint64_t wait_id, const WaitRow& row);
  // Every wait record of `id`, by wait id. A record that does not decode is DataLoss.
  absl::StatusOr<std::vector<std::pair<uint64_t, WaitRow>>> WaitsOf(std::string_view id) const;
  // Removes every wait record of `id` and every timer of `id` (a scan of the timers table),
  // whether or not the records decode: for taking a damaged execution out of service.
  absl::Status DropWaitsAndTimersOf(std::string_view id);

  // --- The execution's own timer (its `timeout`), which no wait owns.
  absl::Status PutExecutionTimer(std::string_view id, int64_t due_ms);
  absl::Status DropExecutionTimer(std::string_view id, int64_t due_ms);
  // A fired timer: its value (a task id, or empty) after deleting it; nullopt when it is gone.
  absl::StatusOr<std::optional<std::string>> TakeTimer(std::string_view key);

 private:
  absl::Status PutTimer(std::string_view id, uint64_t wait_id, TimerKind kind, int64_t due_ms,
                        std::string_view value);
  absl::Status DropTimer(std::string_view id, uint64_t wait_id, TimerKind kind, int64_t due_ms);

  Txn& txn_;
  std::vector<int64_t>* added_timers_;
};

}  // namespace weft::storage

#endif  // WEFT_STORAGE_EXECUTION_STORE_H_
