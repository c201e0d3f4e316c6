// The typed rows of a Weft store and their byte encodings (FlatBuffers schemas in this folder;
// docs/format/lmdb.md). Decoding treats bytes as untrusted: the FlatBuffers verifier and the
// file identifier are checked first, and a bad row is a DataLoss status, never a crash.
#ifndef WEFT_STORAGE_RECORDS_H_
#define WEFT_STORAGE_RECORDS_H_

#include <cstdint>
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
};

// The mutable part of a RUNNING execution.
struct ExecStateRow {
  std::string checkpoint;    // vm checkpoint bytes
  std::string waiting_task;  // task id the VM waits on; empty when none
  uint32_t next_history_seq = 1;
  uint32_t next_task_seq = 1;
  int64_t updated_ms = 0;
  std::string program_hash;  // the pinned bytecode
  std::string retry_checkpoint;  // FAILED: the checkpoint before the failure; empty otherwise
};

// An execution's header row: what the API shows (ExecutionInfo) plus the engine's own fields.
struct ExecutionRow {
  ExecutionInfo info;
  uint64_t parent_wait = 0;  // the parent's wait this execution ends; 0 when detached or top
  uint32_t child_depth = 0;  // 0 for a top-level start; the parent's depth + 1 for a child
};

struct TaskRow {
  TaskInfo info;
  uint32_t seq = 0;
  uint64_t wait_id = 0;
};

struct HistoryRow {
  int64_t time_ms = 0;
  HistoryType type = HistoryType::kExecutionStarted;
  std::string task_id;
  Value details;
};

std::string EncodeVersion(const VersionRow& row);
absl::StatusOr<VersionRow> DecodeVersion(std::string_view bytes);

// The id is the key, not part of the value: Decode leaves info.id empty.
std::string EncodeExecution(const ExecutionRow& row);
absl::StatusOr<ExecutionRow> DecodeExecution(std::string_view bytes);

std::string EncodeExecState(const ExecStateRow& row);
absl::StatusOr<ExecStateRow> DecodeExecState(std::string_view bytes);

// The task id is the key: Decode leaves info.id empty.
std::string EncodeTask(const TaskRow& row);
absl::StatusOr<TaskRow> DecodeTask(std::string_view bytes);

std::string EncodeHistory(const HistoryRow& row);
absl::StatusOr<HistoryRow> DecodeHistory(std::string_view bytes);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_RECORDS_H_
