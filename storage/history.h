// An execution's history: its events, numbered 1, 2, ... (seq), never rewritten.
//
// Two places hold them (docs/format/lmdb.md, "History"):
//   - `history_log` (format 10 on): every new event, appended at the table's end under the next
//     log number, in commit order. So one commit's events fill shared pages at one end of the
//     tree, where rows keyed by execution would dirty a page in the middle of the tree for each
//     execution the commit touched. Each record names its execution and seq and links to the
//     execution's event before (`prev`); the state row holds the newest one's number
//     (ExecStateRow::history_head).
//   - `history`, keyed by execution id and seq: the events written before format 10, and an
//     event appended when the execution's state row cannot be read (a quarantine), which then
//     has no link to move.
// A reader merges both in seq order. When the state row is unreadable, the log is searched
// whole for the execution's records instead of walking the lost link.
#ifndef WEFT_STORAGE_HISTORY_H_
#define WEFT_STORAGE_HISTORY_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "storage/records.h"

namespace weft::storage {

struct HistoryEntry {
  uint32_t seq = 0;
  HistoryRow row;
};

// Appends the execution's next event: seq `state.next_history_seq`, which it advances, linked
// to `state.history_head`, which it moves to the new record. The caller writes `state` in the
// same transaction. REQUIRES: the store is of format 10 or later (a write transaction is).
absl::Status AppendHistoryEvent(Txn& txn, std::string_view id, ExecStateRow& state,
                                const HistoryEventView& event);
absl::Status AppendHistoryEvent(Txn& txn, std::string_view id, ExecStateRow& state,
                                const HistoryRow& row);

// A `history` row under (id, seq): for an execution whose state row cannot be read.
absl::Status PutHistoryRow(Txn& txn, std::string_view id, uint32_t seq, const HistoryRow& row);

// Every event of `id`, in seq order. A damaged record, a missing or crossed link, or two events
// with one seq is DataLoss.
absl::StatusOr<std::vector<HistoryEntry>> ReadHistory(const Txn& txn, std::string_view id);

// The seq after the last event of `id`, from the history itself (not the state row's counter).
absl::StatusOr<uint32_t> NextHistorySeq(const Txn& txn, std::string_view id);

// Deletes every event of `id` (both tables); returns how many. Call it before the state row
// goes: the link to the newest event is there.
absl::StatusOr<uint64_t> DeleteHistory(Txn& txn, std::string_view id);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_HISTORY_H_
