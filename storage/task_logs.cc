// See task_logs.h.
#include "storage/task_logs.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"

namespace weft::storage {

absl::Status TaskLogStore::Append(std::string_view task_id,
                                  const std::vector<std::string>& lines, int64_t created_ms,
                                  uint32_t max_entries) {
  if (task_id.empty()) return absl::InvalidArgumentError("a task log needs a task id");
  WEFT_ASSIGN_OR_RETURN(uint32_t count, Count(task_id));
  if (static_cast<uint64_t>(count) + lines.size() > max_entries) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task ", ToAbsl(task_id), " has ", count, " log entries; at most ", max_entries,
        " are kept per task"));
  }
  for (const std::string& line : lines) {
    WEFT_RETURN_IF_ERROR(txn_.Put(Table::kTaskLogs, TaskLogKey(task_id, ++count),
                                  BigEndian64(static_cast<uint64_t>(created_ms)) + line));
  }
  return absl::OkStatus();
}

absl::StatusOr<TaskLogRow> DecodeTaskLog(std::string_view key, std::string_view value) {
  if (key.size() < 5 || value.size() < 8) {
    return absl::DataLossError("corrupt task log row: too short");
  }
  TaskLogRow row;
  row.seq = ReadBigEndian32(key.substr(key.size() - 4));
  row.created_ms = static_cast<int64_t>(ReadBigEndian64(value));
  row.log = std::string(value.substr(8));
  return row;
}

absl::StatusOr<std::vector<TaskLogRow>> TaskLogStore::List(std::string_view task_id) const {
  std::vector<TaskLogRow> out;
  if (!txn_.env().has_table(Table::kTaskLogs)) return out;
  absl::Status bad;
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(
      Table::kTaskLogs, TaskLogPrefix(task_id), [&](std::string_view key, std::string_view v) {
        absl::StatusOr<TaskLogRow> row = DecodeTaskLog(key, v);
        if (!row.ok()) {
          bad = row.status();
          return false;
        }
        out.push_back(*std::move(row));
        return true;
      }));
  WEFT_RETURN_IF_ERROR(bad);
  return out;
}

absl::StatusOr<uint32_t> TaskLogStore::Count(std::string_view task_id) const {
  if (!txn_.env().has_table(Table::kTaskLogs)) return 0u;
  // Sequence numbers run 1, 2, ... without gaps: the last one is the count.
  uint32_t last = 0;
  const std::string prefix = TaskLogPrefix(task_id);
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(
      Table::kTaskLogs, prefix,
      [&](std::string_view key, std::string_view) {
        if (key.size() == prefix.size() + 4) last = ReadBigEndian32(key.substr(prefix.size()));
        return false;
      },
      /*reverse=*/true));
  return last;
}

absl::StatusOr<uint64_t> TaskLogStore::DeleteFor(std::string_view task_id) {
  if (!txn_.env().has_table(Table::kTaskLogs)) return 0u;
  std::vector<std::string> keys;
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(Table::kTaskLogs, TaskLogPrefix(task_id),
                                       [&](std::string_view key, std::string_view) {
                                         keys.emplace_back(key);
                                         return true;
                                       }));
  for (const std::string& key : keys) WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kTaskLogs, key));
  return keys.size();
}

absl::Status AddTaskLogTables(Txn&) { return absl::OkStatus(); }

}  // namespace weft::storage
