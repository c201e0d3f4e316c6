// Read-only queries of EngineImpl: executions, listings, history and tasks. Each runs in one
// LMDB read transaction, so it sees a consistent snapshot and never blocks the writer.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "common/status_macros.h"
#include "bytecode/lines.h"
#include "bytecode/serialize.h"
#include "engine/engine_impl.h"
#include "storage/history.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage/search_index.h"
#include "storage/registry.h"
#include "vm/checkpoint.h"

namespace weft {

std::string_view ExecutionStatusName(ExecutionStatus status) {
  switch (status) {
    case ExecutionStatus::kRunning: return "RUNNING";
    case ExecutionStatus::kCompleted: return "COMPLETED";
    case ExecutionStatus::kFailed: return "FAILED";
    case ExecutionStatus::kTerminated: return "TERMINATED";
    case ExecutionStatus::kPaused: return "PAUSED";
  }
  return "UNKNOWN";
}

bool IsEnded(ExecutionStatus status) {
  return status == ExecutionStatus::kCompleted || status == ExecutionStatus::kFailed ||
         status == ExecutionStatus::kTerminated;
}

std::optional<ExecutionStatus> ParseExecutionStatus(std::string_view name) {
  for (auto s : {ExecutionStatus::kRunning, ExecutionStatus::kCompleted, ExecutionStatus::kFailed,
                 ExecutionStatus::kTerminated, ExecutionStatus::kPaused}) {
    if (absl::EqualsIgnoreCase(ToAbsl(name), ToAbsl(ExecutionStatusName(s)))) return s;
  }
  return std::nullopt;
}

namespace engine {
namespace {

absl::StatusOr<ExecutionInfo> ReadExecution(const storage::Txn& txn, std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn.Get(storage::Table::kExecutions, id));
  if (!bytes) return absl::NotFoundError(absl::StrCat("no execution `", ToAbsl(id), "`"));
  WEFT_ASSIGN_OR_RETURN(storage::ExecutionRow row, storage::DecodeExecution(*bytes));
  ExecutionInfo& info = row.info;
  info.id = std::string(id);
  if (info.status == ExecutionStatus::kRunning) {
    // A running execution's header is written once; its latest update time is in its state.
    WEFT_ASSIGN_OR_RETURN(auto state_bytes, txn.Get(storage::Table::kExecState, id));
    // A damaged state row does not hide the header (the writer quarantines the execution).
    absl::StatusOr<storage::ExecStateRow> state =
        state_bytes ? storage::DecodeExecState(*state_bytes)
                    : absl::StatusOr<storage::ExecStateRow>(absl::NotFoundError(""));
    if (state.ok()) {
      info.updated_ms = state->updated_ms;
    }
  }
  return info;
}

}  // namespace

absl::StatusOr<ExecutionInfo> EngineImpl::GetExecution(std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  return ReadExecution(txn, id);
}

std::vector<absl::StatusOr<ExecutionInfo>> EngineImpl::ReadExecutions(
    const std::vector<std::string>& ids) {
  std::vector<absl::StatusOr<ExecutionInfo>> out;
  out.reserve(ids.size());
  absl::StatusOr<storage::Txn> txn = storage::Txn::BeginRead(*env_);
  for (const std::string& id : ids) {
    out.push_back(txn.ok() ? ReadExecution(*txn, id) : txn.status());
  }
  return out;
}

absl::StatusOr<std::vector<ExecutionInfo>> EngineImpl::ListExecutions(
    std::optional<ExecutionStatus> status, size_t limit) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  std::vector<std::string> ids;
  auto collect = [&](std::string_view key, size_t skip) {
    ids.emplace_back(key.substr(skip));
    return ids.size() < limit;
  };
  // Ids are ULIDs and by_start's keys are status, created ms, id: reverse key order is newest
  // first. A store before format 6, read as it is, has no by_start but keeps by_status.
  if (status && txn.env().has_table(storage::Table::kByStart)) {
    WEFT_RETURN_IF_ERROR(txn.ScanPrefix(
        storage::Table::kByStart, storage::StatusPrefix(static_cast<uint8_t>(*status)),
        [&](std::string_view key, std::string_view) { return collect(key, 1 + 8); },
        /*reverse=*/true));
  } else if (status) {
    WEFT_RETURN_IF_ERROR(txn.ScanPrefix(
        storage::Table::kByStatus, storage::StatusPrefix(static_cast<uint8_t>(*status)),
        [&](std::string_view key, std::string_view) { return collect(key, 1); },
        /*reverse=*/true));
  } else {
    WEFT_RETURN_IF_ERROR(txn.ScanPrefix(
        storage::Table::kExecutions, "",
        [&](std::string_view key, std::string_view) { return collect(key, 0); },
        /*reverse=*/true));
  }
  std::vector<ExecutionInfo> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    WEFT_ASSIGN_OR_RETURN(ExecutionInfo info, ReadExecution(txn, id));
    out.push_back(std::move(info));
  }
  return out;
}

absl::StatusOr<ExecutionPage> EngineImpl::SearchExecutions(const ExecutionQuery& query) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  return storage::SearchExecutions(txn, query);
}

namespace {

std::string WaitName(vm::WaitKind kind) {
  switch (kind) {
    case vm::WaitKind::kNone: return "none";
    case vm::WaitKind::kTask: return "task";
    case vm::WaitKind::kTimer: return "timer";
    case vm::WaitKind::kSignal: return "signal";
    case vm::WaitKind::kChild: return "child";
    case vm::WaitKind::kStartChild: return "start";
    case vm::WaitKind::kJoin: return "join";
  }
  return "none";
}

// An EXECUTION_STARTED event's details as they always read: workflow, version, input,
// parent_id, then what else the start recorded (alias, schedule). From format 10 the event
// stores only what the header does not hold for good (the version, which a migration moves,
// and the rest); an older event has them all and is shown as stored.
Value StartedDetails(const ExecutionInfo& header, const Value& stored) {
  if (!stored.is_object() || stored.as_object().Find("workflow") != nullptr) return stored;
  const Value* version = stored.as_object().Find("version");
  std::vector<Object::Entry> entries;
  entries.emplace_back("workflow", Value::String(header.workflow));
  entries.emplace_back("version", version != nullptr ? *version : Value::Int(header.version));
  entries.emplace_back("input", header.input);
  entries.emplace_back("parent_id", Value::String(header.parent_id));
  for (const Object::Entry& e : stored.as_object().entries()) {
    if (e.first != "version") entries.push_back(e);
  }
  return Value::MakeObject(Object(std::move(entries)));
}

}  // namespace

absl::StatusOr<std::vector<FiberPosition>> EngineImpl::FiberPositions(std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(ExecutionInfo info, ReadExecution(txn, id));
  std::vector<FiberPosition> out;
  if (IsEnded(info.status)) return out;
  WEFT_ASSIGN_OR_RETURN(auto state_bytes, txn.Get(storage::Table::kExecState, id));
  if (!state_bytes) return absl::DataLossError(absl::StrCat("execution `", ToAbsl(id), "` has no state"));
  WEFT_ASSIGN_OR_RETURN(storage::ExecStateRow state, storage::DecodeExecState(*state_bytes));
  WEFT_ASSIGN_OR_RETURN(auto program_bytes, storage::GetBytecode(txn, info.hash));
  if (!program_bytes) {
    return absl::DataLossError(absl::StrCat("bytecode ", info.hash, " is missing"));
  }
  WEFT_ASSIGN_OR_RETURN(bytecode::Program program, bytecode::LoadProgram(*program_bytes));
  WEFT_ASSIGN_OR_RETURN(vm::ExecState exec, vm::DecodeCheckpoint(state.checkpoint));
  for (const auto& [fiber_id, fiber] : exec.fibers) {
    if (fiber.wait == vm::WaitKind::kNone) continue;
    FiberPosition position;
    position.fiber = fiber_id;
    position.wait = WaitName(fiber.wait);
    position.wait_id = fiber.wait_id;
    // A blocked fiber's pc is past the instruction it waits in.
    if (const bytecode::LineEntry* line =
            bytecode::FindLine(program, fiber.pc > 0 ? fiber.pc - 1 : 0)) {
      position.line = line->line;
      position.column = line->column;
    }
    out.push_back(std::move(position));
  }
  return out;
}

absl::StatusOr<std::vector<HistoryEvent>> EngineImpl::History(std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(auto exists, txn.Get(storage::Table::kExecutions, id));
  if (!exists) return absl::NotFoundError(absl::StrCat("no execution `", ToAbsl(id), "`"));
  WEFT_ASSIGN_OR_RETURN(storage::ExecutionRow header, storage::DecodeExecution(*exists));
  WEFT_ASSIGN_OR_RETURN(std::vector<storage::HistoryEntry> entries, storage::ReadHistory(txn, id));
  std::vector<HistoryEvent> events;
  events.reserve(entries.size());
  for (storage::HistoryEntry& entry : entries) {
    HistoryEvent e;
    e.seq = entry.seq;
    e.time_ms = entry.row.time_ms;
    e.type = std::string(storage::HistoryTypeName(entry.row.type));
    e.task_id = std::move(entry.row.task_id);
    e.details = entry.row.type == storage::HistoryType::kExecutionStarted
                    ? StartedDetails(header.info, entry.row.details)
                    : std::move(entry.row.details);
    events.push_back(std::move(e));
  }
  return events;
}

absl::StatusOr<std::vector<TaskInfo>> EngineImpl::Tasks(std::string_view execution_id) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(auto exists, txn.Get(storage::Table::kExecutions, execution_id));
  if (!exists) return absl::NotFoundError(absl::StrCat("no execution `", ToAbsl(execution_id), "`"));
  std::vector<std::string> task_ids;
  const std::string prefix = storage::ExecTaskPrefix(execution_id);
  WEFT_RETURN_IF_ERROR(txn.ScanPrefix(storage::Table::kExecTasks, prefix,
                                      [&](std::string_view key, std::string_view) {
                                        task_ids.emplace_back(key.substr(prefix.size()));
                                        return true;
                                      }));
  std::vector<TaskInfo> out;
  for (const std::string& task_id : task_ids) {
    WEFT_ASSIGN_OR_RETURN(auto bytes, txn.Get(storage::Table::kTasks, task_id));
    if (!bytes) return absl::DataLossError(absl::StrCat("task ", task_id, " is missing"));
    WEFT_ASSIGN_OR_RETURN(storage::TaskRow row, storage::DecodeTask(*bytes));
    row.info.id = task_id;
    out.push_back(std::move(row.info));
  }
  return out;
}

absl::StatusOr<TaskInfo> EngineImpl::GetTask(std::string_view task_id) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn.Get(storage::Table::kTasks, task_id));
  if (!bytes) return absl::NotFoundError(absl::StrCat("no task `", ToAbsl(task_id), "`"));
  WEFT_ASSIGN_OR_RETURN(storage::TaskRow row, storage::DecodeTask(*bytes));
  row.info.id = std::string(task_id);
  return std::move(row.info);
}

}  // namespace engine
}  // namespace weft
