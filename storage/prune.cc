// See prune.h.
#include "storage/prune.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/history.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage/search_index.h"
#include "storage/task_logs.h"

namespace weft::storage {
namespace {

bool Finished(ExecutionStatus s) {
  return s == ExecutionStatus::kCompleted || s == ExecutionStatus::kFailed ||
         s == ExecutionStatus::kTerminated;
}

// The millisecond time in a ULID's first 10 characters (Crockford base32); nullopt when `id`
// is not a ULID. An execution cannot have been created, nor ended, before its id's time.
std::optional<int64_t> UlidMs(std::string_view id) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  if (id.size() != 26) return std::nullopt;
  int64_t ms = 0;
  for (size_t i = 0; i < 10; ++i) {
    const size_t digit = kAlphabet.find(id[i]);
    if (digit == std::string_view::npos) return std::nullopt;
    ms = ms * 32 + static_cast<int64_t>(digit);
  }
  return ms;
}

absl::StatusOr<std::optional<ExecutionRow>> ReadRow(const Txn& txn, std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn.Get(Table::kExecutions, id));
  if (!bytes) return std::optional<ExecutionRow>();
  absl::StatusOr<ExecutionRow> row = DecodeExecution(*bytes);
  if (!row.ok()) {
    return absl::DataLossError(
        absl::StrCat("corrupt executions row of ", ToAbsl(id), ": ", row.status().message()));
  }
  return std::optional<ExecutionRow>(*std::move(row));
}

// Keys of `t` starting with `prefix`, copied (a cursor must not walk rows being deleted).
absl::StatusOr<std::vector<std::string>> KeysWithPrefix(const Txn& txn, Table t,
                                                        std::string_view prefix) {
  std::vector<std::string> keys;
  WEFT_RETURN_IF_ERROR(txn.ScanStored(t, prefix, [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  }));
  return keys;
}

}  // namespace

absl::StatusOr<PrunablePage> ListPrunable(const Txn& txn, int64_t ended_before_ms,
                                          const std::vector<ExecutionStatus>& statuses,
                                          size_t limit, const std::string& after) {
  std::vector<uint8_t> wanted;
  for (ExecutionStatus s : statuses) {
    if (Finished(s)) wanted.push_back(static_cast<uint8_t>(s));
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  PrunablePage page;
  if (limit == 0) limit = 1;
  // by_start (status, created ms, id) from format 6; a store before it, read as it is, keeps
  // by_status (status, id), which format 10 no longer keeps.
  const bool by_start = txn.env().has_table(Table::kByStart);
  const Table index = by_start ? Table::kByStart : Table::kByStatus;
  const size_t id_at = by_start ? 1 + 8 : 1;
  for (uint8_t status : wanted) {
    if (!after.empty() && status < static_cast<uint8_t>(after[0])) continue;
    const bool resuming = !after.empty() && status == static_cast<uint8_t>(after[0]);
    MDB_cursor* cursor = nullptr;
    int rc = mdb_cursor_open(txn.raw(), txn.env().dbi(index), &cursor);
    if (rc != MDB_SUCCESS) {
      return LmdbStatus(rc, absl::StrCat("opening a cursor on ", ToAbsl(TableName(index))));
    }
    const std::string start = resuming ? after : StatusPrefix(status);
    MDB_val k{start.size(), const_cast<char*>(start.data())};
    MDB_val v{0, nullptr};
    absl::Status failed;
    for (rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      const std::string_view key(static_cast<const char*>(k.mv_data), k.mv_size);
      if (key.size() <= id_at || static_cast<uint8_t>(key[0]) != status) break;
      if (resuming && key == after) continue;
      const std::string_view id = key.substr(id_at);
      // An execution cannot have ended before it was created (or, by its id, started).
      const std::optional<int64_t> since =
          by_start ? std::optional<int64_t>(static_cast<int64_t>(ReadBigEndian64(key.substr(1))))
                   : UlidMs(id);
      if (since && *since >= ended_before_ms) break;  // this one and every later one is too new
      absl::StatusOr<std::optional<ExecutionRow>> row = ReadRow(txn, id);
      if (!row.ok()) {
        failed = row.status();
        break;
      }
      if (!*row || !Finished((*row)->info.status) || (*row)->info.ended_ms <= 0 ||
          (*row)->info.ended_ms >= ended_before_ms) {
        continue;
      }
      page.ids.emplace_back(id);
      if (page.ids.size() >= limit) {
        page.next = std::string(key);
        break;
      }
    }
    mdb_cursor_close(cursor);
    if (!failed.ok()) return failed;
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      return LmdbStatus(rc, absl::StrCat("scanning ", ToAbsl(TableName(index))));
    }
    if (!page.next.empty()) return page;
  }
  return page;
}

absl::StatusOr<bool> IsPrunable(const Txn& txn, std::string_view id, int64_t ended_before_ms) {
  WEFT_ASSIGN_OR_RETURN(std::optional<ExecutionRow> row, ReadRow(txn, id));
  return row && Finished(row->info.status) && row->info.ended_ms > 0 &&
         row->info.ended_ms < ended_before_ms;
}

absl::StatusOr<uint64_t> DeleteExecutions(Txn& txn, const std::vector<std::string>& ids) {
  uint64_t rows = 0;
  auto del = [&](Table t, std::string_view key) -> absl::Status {
    WEFT_RETURN_IF_ERROR(txn.Delete(t, key));
    ++rows;
    return absl::OkStatus();
  };
  absl::flat_hash_set<std::string> gone;
  for (const std::string& id : ids) {
    if (id.empty()) continue;
    WEFT_ASSIGN_OR_RETURN(std::optional<ExecutionRow> row, ReadRow(txn, id));
    if (!row) continue;
    gone.insert(id);
    // Tasks: the row, its queue entry (a finished execution should have none), the index and
    // the task's log.
    const std::string task_prefix = ExecTaskPrefix(id);
    WEFT_ASSIGN_OR_RETURN(auto exec_tasks, KeysWithPrefix(txn, Table::kExecTasks, task_prefix));
    for (const std::string& key : exec_tasks) {
      const std::string_view task_id = std::string_view(key).substr(task_prefix.size());
      WEFT_ASSIGN_OR_RETURN(auto task_bytes, txn.Get(Table::kTasks, task_id));
      if (task_bytes) {
        absl::StatusOr<TaskRow> task = DecodeTask(*task_bytes);
        if (task.ok()) WEFT_RETURN_IF_ERROR(txn.Delete(Table::kQueue, QueueKey(task->info.type, task_id)));
        WEFT_RETURN_IF_ERROR(del(Table::kTasks, task_id));
      }
      WEFT_ASSIGN_OR_RETURN(const uint64_t log_rows, TaskLogStore(txn).DeleteFor(task_id));
      rows += log_rows;
      WEFT_RETURN_IF_ERROR(del(Table::kExecTasks, key));
    }
    // The history before the state row, which links to its newest event.
    WEFT_ASSIGN_OR_RETURN(const uint64_t events, DeleteHistory(txn, id));
    rows += events;
    WEFT_ASSIGN_OR_RETURN(auto wait_keys, KeysWithPrefix(txn, Table::kWaits, WaitPrefix(id)));
    for (const std::string& key : wait_keys) WEFT_RETURN_IF_ERROR(del(Table::kWaits, key));
    // by_status: the row's own status, and any stale entry under another status.
    for (uint8_t s = 0; s <= static_cast<uint8_t>(ExecutionStatus::kPaused); ++s) {
      WEFT_ASSIGN_OR_RETURN(auto present, txn.Get(Table::kByStatus, StatusKey(s, id)));
      if (present) WEFT_RETURN_IF_ERROR(del(Table::kByStatus, StatusKey(s, id)));
    }
    WEFT_RETURN_IF_ERROR(DropSearchEntries(txn, id, *row));
    WEFT_ASSIGN_OR_RETURN(auto state, txn.Get(Table::kExecState, id));
    if (state) WEFT_RETURN_IF_ERROR(del(Table::kExecState, id));
    WEFT_RETURN_IF_ERROR(del(Table::kExecutions, id));
  }
  if (gone.empty() || !txn.env().has_table(Table::kTimers)) return rows;
  // Timers are keyed by due time: one walk finds those of every deleted execution.
  std::vector<std::string> timers;
  WEFT_RETURN_IF_ERROR(
      txn.ScanStored(Table::kTimers, "", [&](std::string_view key, std::string_view) {
        std::optional<TimerKeyParts> parts = ParseTimerKey(key);
        if (parts && gone.contains(parts->execution_id) &&
            parts->kind != static_cast<uint8_t>(TimerKind::kSchedule)) {
          timers.emplace_back(key);
        }
        return true;
      }));
  for (const std::string& key : timers) WEFT_RETURN_IF_ERROR(del(Table::kTimers, key));
  return rows;
}

absl::StatusOr<StoreSize> MeasureStore(const Txn& txn) {
  StoreSize size;
  for (size_t i = 0; i < static_cast<size_t>(Table::kCount); ++i) {
    const Table t = static_cast<Table>(i);
    if (!txn.env().has_table(t)) continue;
    MDB_stat stat;
    const int rc = mdb_stat(txn.raw(), txn.env().dbi(t), &stat);
    if (rc != MDB_SUCCESS) return LmdbStatus(rc, "reading a table's statistics");
    size.rows += stat.ms_entries;
    size.pages += stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages;
  }
  return size;
}

}  // namespace weft::storage
