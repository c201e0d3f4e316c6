// See verify.h. Each table is scanned once with its stored values; references to other tables
// are looked up in the same transaction, so memory stays small whatever the store's size. A row
// already reported as damaged is not reported again by the checks that reference it.
#include "storage/verify.h"

#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/aliases.h"
#include "storage/events.h"
#include "storage/keys.h"
#include "storage/outbox.h"
#include "storage/records.h"
#include "storage/schedules.h"
#include "storage/task_logs.h"
#include "value/value_codec.h"
#include "weft/value.h"

namespace weft::storage {
namespace {

class Verifier {
 public:
  explicit Verifier(const Txn& txn) : txn_(txn) {}

  absl::Status Run() {
    for (size_t i = 0; i < static_cast<size_t>(Table::kCount); ++i) {
      const Table t = static_cast<Table>(i);
      if (!txn_.env().has_table(t)) {
        // A table of a later format is added by the upgrade to it, not missing.
        if (TableSinceFormat(t) <= txn_.env().format()) Report(t, "", "the table is missing");
        continue;
      }
      WEFT_RETURN_IF_ERROR(txn_.ScanStored(t, "", [&](std::string_view key,
                                                      std::string_view stored) {
        ++report_.rows;
        std::optional<std::string_view> value = Unseal(t, key, stored);
        if (value) CheckRow(t, key, *value);
        return true;
      }));
    }
    return absl::OkStatus();
  }

  VerifyReport Take() { return std::move(report_); }

 private:
  enum class Found { kAbsent, kDamaged, kPresent };

  void Report(Table t, std::string_view key, std::string problem) {
    report_.damage.push_back({t, std::string(key), std::move(problem)});
  }

  // The value of a stored row, or nullopt (reported) when its checksum or shape is wrong.
  std::optional<std::string_view> Unseal(Table t, std::string_view key, std::string_view stored) {
    if (TableValueKind(t) == ValueKind::kIndex && !stored.empty()) {
      Report(t, key, absl::StrCat("an index row holds ", stored.size(), " bytes instead of none"));
      return std::nullopt;
    }
    if (TableValueKind(t) != ValueKind::kRecord || !txn_.checksums()) return stored;
    absl::StatusOr<std::string_view> value = UnsealRecord(t, key, stored);
    if (value.ok()) return *value;
    Report(t, key, stored.size() < 4 ? "is shorter than its checksum"
                                     : "does not match its checksum");
    return std::nullopt;
  }

  // Looks `key` up in `t`; a damaged row counts as found (it was or will be reported).
  Found Lookup(Table t, std::string_view key, std::string* value = nullptr) {
    absl::StatusOr<std::optional<std::string_view>> got = txn_.Get(t, key);
    if (!got.ok()) return Found::kDamaged;
    if (!*got) return Found::kAbsent;
    if (value != nullptr) *value = std::string(**got);
    return Found::kPresent;
  }

  void Require(Table t, std::string_view key, Table other, std::string_view other_key,
               std::string_view what) {
    if (Lookup(other, other_key) == Found::kAbsent) {
      Report(t, key, absl::StrCat(ToAbsl(what), " (no key `", DescribeKey(other_key),
                                  "` in table `", ToAbsl(TableName(other)), "`)"));
    }
  }

  template <typename Row>
  bool Decodes(Table t, std::string_view key, const absl::StatusOr<Row>& row) {
    if (row.ok()) return true;
    Report(t, key, absl::StrCat("does not decode: ", row.status().message()));
    return false;
  }

  void CheckRow(Table t, std::string_view key, std::string_view value) {
    switch (t) {
      case Table::kMeta:
      case Table::kCount:
        return;
      case Table::kBytecode:
        if (value.empty()) Report(t, key, "the bytecode is empty");
        return;
      case Table::kVersions: {
        absl::StatusOr<VersionRow> row = DecodeVersion(value);
        if (Decodes(t, key, row)) {
          Require(t, key, Table::kBytecode, row->hash, "its bytecode is missing");
        }
        return;
      }
      case Table::kExecutions: {
        absl::StatusOr<ExecutionRow> row = DecodeExecution(value);
        if (!Decodes(t, key, row)) return;
        Require(t, key, Table::kExecState, key, "its state is missing");
        Require(t, key, Table::kBytecode, row->info.hash, "its bytecode is missing");
        if (txn_.env().format() < kNoStatusIndexFormat) {
          Require(t, key, Table::kByStatus,
                  StatusKey(static_cast<uint8_t>(row->info.status), key),
                  absl::StrCat("its status (", static_cast<int>(row->info.status),
                               ") has no row in `by_status`"));
        }
        if (txn_.env().has_table(Table::kByType)) {
          const uint8_t s = static_cast<uint8_t>(row->info.status);
          Require(t, key, Table::kByType,
                  SearchKey(TypeIndexPrefix(row->info.workflow), s, row->info.created_ms, key),
                  "it has no row in `by_type`");
          Require(t, key, Table::kByStart, SearchKey("", s, row->info.created_ms, key),
                  "it has no row in `by_start`");
        }
        if (txn_.env().has_table(Table::kByVersion)) {
          Require(t, key, Table::kByVersion,
                  VersionIndexKey(row->info.workflow, row->info.version, key),
                  absl::StrCat("it has no row in `by_version` (", row->info.workflow, "@",
                               row->info.version, ")"));
        }
        return;
      }
      case Table::kExecState: {
        absl::StatusOr<ExecStateRow> row = DecodeExecState(value);
        if (!Decodes(t, key, row)) return;
        Require(t, key, Table::kExecutions, key, "its execution is missing");
        if (!row->program_hash.empty()) {  // a row written before format 6
          Require(t, key, Table::kBytecode, row->program_hash, "its bytecode is missing");
        }
        if (row->history_head != 0) {
          Require(t, key, Table::kHistoryLog, BigEndian64(row->history_head),
                  "its newest history event is missing");
        }
        return;
      }
      case Table::kHistoryLog:
        return CheckHistoryLog(key, value);
      case Table::kHistory:
        if (Decodes(t, key, DecodeHistory(value))) RequireExecution(t, key, key.size() - 5);
        return;
      case Table::kTasks:
        return CheckTask(key, value);
      case Table::kWaits: {
        if (Decodes(t, key, DecodeWaitOfFormat(value, txn_.env().format()))) {
          RequireExecution(t, key, key.size() - 9);
        }
        return;
      }
      case Table::kTimers:
        return CheckTimer(key, value);
      case Table::kExecTasks:
      case Table::kQueue:
        return CheckTaskIndex(t, key);
      case Table::kByStatus:
        if (txn_.env().format() >= kNoStatusIndexFormat) {
          Report(t, key, "by_status is not kept from format 10 (by_start lists by status)");
          return;
        }
        return CheckStatusIndex(key);
      case Table::kSchedules:
        return CheckSchedule(key, value);
      case Table::kTaskDefs: {
        absl::StatusOr<Value> def = Value::FromJson(value);
        if (!def.ok() || !def->is_object()) Report(t, key, "the TaskDef is not a JSON object");
        return;
      }
      case Table::kByType:
      case Table::kByStart:
      case Table::kByCorrelation:
      case Table::kByIdempotency:
        return CheckSearchIndex(t, key);
      case Table::kSources:
        Require(t, key, Table::kBytecode, key, "the source of a bytecode the store does not hold");
        return;
      case Table::kTaskLogs:
        // task id \0 seq: the log of a task the store holds.
        if (Decodes(t, key, DecodeTaskLog(key, value)) && key.size() > 5) {
          Require(t, key, Table::kTasks, key.substr(0, key.size() - 5), "its task is missing");
        }
        return;
      case Table::kEventHandlers:
        return CheckEventHandler(key, value);
      case Table::kEventMessages:
        Decodes(t, key, DecodeEventMessage(key, value));
        return;
      case Table::kAliases:
        return CheckAlias(key, value);
      case Table::kByVersion:
        return CheckVersionIndex(key);
      case Table::kOutbox:
        // A published message stands alone: its execution may be pruned before NATS acks it.
        Decodes(t, key, DecodeOutbox(key, value));
        return;
    }
  }

  // A logged history event (history.h) belongs to an execution that exists, and links to an
  // event before it of the same execution.
  void CheckHistoryLog(std::string_view key, std::string_view value) {
    if (key.size() != 8) {
      Report(Table::kHistoryLog, key, "the key is not a log number");
      return;
    }
    const uint64_t number = ReadBigEndian64(key);
    absl::StatusOr<HistoryLogRow> row = DecodeHistoryLog(value, number);
    if (!Decodes(Table::kHistoryLog, key, row)) return;
    Require(Table::kHistoryLog, key, Table::kExecutions, row->execution_id,
            "its execution is missing");
    if (row->prev == 0) return;
    std::string before;
    const Found found = Lookup(Table::kHistoryLog, BigEndian64(row->prev), &before);
    if (found == Found::kAbsent) {
      Report(Table::kHistoryLog, key,
             absl::StrCat("the event before it (log number ", row->prev, ") is missing"));
    }
    if (found != Found::kPresent) return;
    absl::StatusOr<HistoryLogRow> prev = DecodeHistoryLog(before, row->prev);
    if (prev.ok() && (prev->execution_id != row->execution_id || prev->seq >= row->seq)) {
      Report(Table::kHistoryLog, key,
             absl::StrCat("it links to log number ", row->prev, " (execution ",
                          prev->execution_id, ", seq ", prev->seq, "), not an earlier event of ",
                          row->execution_id));
    }
  }

  // An alias (aliases.h) decodes and points at versions the store holds.
  void CheckAlias(std::string_view key, std::string_view value) {
    absl::StatusOr<VersionAlias> alias = DecodeAlias(key, value);
    if (!Decodes(Table::kAliases, key, alias)) return;
    for (const AliasTarget& t : alias->targets) {
      Require(Table::kAliases, key, Table::kVersions, VersionKey(alias->workflow, t.version),
              "it points at a version the store does not hold");
    }
  }

  // A by_version entry (version_index.h) names an execution of that workflow and version.
  void CheckVersionIndex(std::string_view key) {
    const size_t sep = key.find('\0');
    if (sep == std::string_view::npos || key.size() < sep + 7 || key[sep + 5] != '\0') {
      Report(Table::kByVersion, key, "the key is malformed");
      return;
    }
    const std::string_view workflow = key.substr(0, sep), id = key.substr(sep + 6);
    const uint32_t version = ReadBigEndian32(key.substr(sep + 1));
    std::string bytes;
    const Found found = Lookup(Table::kExecutions, id, &bytes);
    if (found == Found::kAbsent) Report(Table::kByVersion, key, "its execution is missing");
    if (found != Found::kPresent) return;
    absl::StatusOr<ExecutionRow> row = DecodeExecution(bytes);
    if (row.ok() && (row->info.workflow != workflow || row->info.version != version)) {
      Report(Table::kByVersion, key,
             absl::StrCat("its execution is ", row->info.workflow, "@", row->info.version,
                          ", not this row's ", ToAbsl(workflow), "@", version));
    }
  }

  // A search index entry (search_index.h) names an execution that exists.
  void CheckSearchIndex(Table t, std::string_view key) {
    size_t id_at = std::string_view::npos;
    if (t == Table::kByStart) {
      id_at = 9;
    } else if (const size_t sep = key.find('\0'); sep != std::string_view::npos) {
      if (t == Table::kByType) id_at = sep + 10;
      if (t == Table::kByCorrelation) id_at = sep + 1;
      if (t == Table::kByIdempotency) {
        const size_t second = key.find('\0', sep + 1);
        if (second != std::string_view::npos) id_at = second + 1;
      }
    }
    if (id_at == std::string_view::npos || id_at >= key.size()) {
      Report(t, key, "the key is malformed");
      return;
    }
    Require(t, key, Table::kExecutions, key.substr(id_at), "its execution is missing");
  }

  // An event handler is a JSON object whose `name` is its key.
  void CheckEventHandler(std::string_view key, std::string_view value) {
    absl::StatusOr<Value> def = Value::FromJson(value);
    if (!def.ok() || !def->is_object()) {
      Report(Table::kEventHandlers, key, "the handler is not a JSON object");
      return;
    }
    const Value* name = def->as_object().Find("name");
    if (name == nullptr || !name->is_string() || name->as_string() != key) {
      Report(Table::kEventHandlers, key, "the handler's `name` is not its key");
    }
  }

  // A schedule that is not paused and has a next slot has its timer.
  void CheckSchedule(std::string_view key, std::string_view value) {
    absl::StatusOr<Schedule> row = DecodeSchedule(value);
    if (!Decodes(Table::kSchedules, key, row)) return;
    if (!row->paused && row->next_ms != 0) {
      Require(Table::kSchedules, key, Table::kTimers, ScheduleTimerKey(key, row->next_ms),
              "the timer of its next slot is missing");
    }
  }

  // A key `execution id \0 ...` whose id ends at `end`: the execution must exist.
  void RequireExecution(Table t, std::string_view key, size_t end) {
    if (end > key.size() || key.find('\0') != end) {
      Report(t, key, "the key does not have this table's shape");
      return;
    }
    Require(t, key, Table::kExecutions, key.substr(0, end), "its execution is missing");
  }

  void CheckTask(std::string_view key, std::string_view value) {
    absl::StatusOr<TaskRow> row = DecodeTask(value);
    if (!Decodes(Table::kTasks, key, row)) return;
    const std::string& exec = row->info.execution_id;
    Require(Table::kTasks, key, Table::kExecutions, exec, "its execution is missing");
    Require(Table::kTasks, key, Table::kExecTasks, ExecTaskKey(exec, key),
            "it is not listed under its execution");
    if (IsTaskOpen(row->info.status)) {
      Require(Table::kTasks, key, Table::kQueue, QueueKey(row->info.type, key),
              absl::StrCat("it is ", ToAbsl(TaskStatusName(row->info.status)),
                           " but not in the queue"));
    }
  }

  // exec_tasks: execution id \0 task id; queue: task type \0 task id.
  void CheckTaskIndex(Table t, std::string_view key) {
    const size_t sep = key.find('\0');
    if (sep == std::string_view::npos) {
      Report(t, key, "the key does not have this table's shape");
      return;
    }
    const std::string_view owner = key.substr(0, sep), task_id = key.substr(sep + 1);
    std::string bytes;
    Found found = Lookup(Table::kTasks, task_id, &bytes);
    if (found == Found::kAbsent) {
      Report(t, key, absl::StrCat("its task `", DescribeKey(task_id), "` is missing"));
    }
    if (found != Found::kPresent) return;
    absl::StatusOr<TaskRow> task = DecodeTask(bytes);
    if (!task.ok()) return;  // reported with the task
    if (t == Table::kExecTasks && task->info.execution_id != owner) {
      Report(t, key, absl::StrCat("its task belongs to execution `",
                                  DescribeKey(task->info.execution_id), "`"));
    }
    if (t == Table::kQueue && task->info.type != owner) {
      Report(t, key, absl::StrCat("its task has type `", DescribeKey(task->info.type), "`"));
    }
    if (t == Table::kQueue && !IsTaskOpen(task->info.status)) {
      Report(t, key, absl::StrCat("its task has status ", static_cast<int>(task->info.status),
                                  ", not SCHEDULED (0) or IN_PROGRESS (4)"));
    }
  }

  void CheckStatusIndex(std::string_view key) {
    if (key.empty()) {
      Report(Table::kByStatus, key, "the key is empty");
      return;
    }
    const std::string_view id = key.substr(1);
    std::string bytes;
    Found found = Lookup(Table::kExecutions, id, &bytes);
    if (found == Found::kAbsent) Report(Table::kByStatus, key, "its execution is missing");
    if (found != Found::kPresent) return;
    absl::StatusOr<ExecutionRow> row = DecodeExecution(bytes);
    if (row.ok() && static_cast<uint8_t>(row->info.status) != static_cast<uint8_t>(key[0])) {
      Report(Table::kByStatus, key,
             absl::StrCat("its execution has status ", static_cast<int>(row->info.status),
                          ", not this row's ", static_cast<int>(static_cast<uint8_t>(key[0]))));
    }
  }

  void CheckTimer(std::string_view key, std::string_view value) {
    std::optional<TimerKeyParts> parts = ParseTimerKey(key);
    if (!parts) {
      Report(Table::kTimers, key, "the key does not have this table's shape");
      return;
    }
    if (parts->kind == static_cast<uint8_t>(TimerKind::kSchedule)) {
      Require(Table::kTimers, key, Table::kSchedules, parts->execution_id,
              "its schedule is missing");
      return;
    }
    Require(Table::kTimers, key, Table::kExecutions, parts->execution_id,
            "its execution is missing");
    if (parts->wait_id != 0) {
      Require(Table::kTimers, key, Table::kWaits, WaitKey(parts->execution_id, parts->wait_id),
              "its wait is missing");
    }
    if (!value.empty()) Require(Table::kTimers, key, Table::kTasks, value, "its task is missing");
  }

  const Txn& txn_;
  VerifyReport report_;
};

}  // namespace

std::string DescribeDamage(const Damage& damage) {
  return absl::StrCat("table `", ToAbsl(TableName(damage.table)), "`, key `",
                      DescribeKey(damage.key), "`: ", damage.problem);
}

absl::StatusOr<VerifyReport> VerifyStore(const Env& env) {
  WEFT_ASSIGN_OR_RETURN(Txn txn, Txn::BeginRead(env));
  Verifier verifier(txn);
  WEFT_RETURN_IF_ERROR(verifier.Run());
  return verifier.Take();
}

}  // namespace weft::storage
