// Key encodings of the LMDB tables (docs/format/lmdb.md). Big-endian integers keep numeric
// order equal to byte order, so cursors walk versions and history in sequence.
#ifndef WEFT_STORAGE_KEYS_H_
#define WEFT_STORAGE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weft::storage {

std::string BigEndian32(uint32_t v);
uint32_t ReadBigEndian32(std::string_view bytes);  // REQUIRES: bytes.size() >= 4

// versions: workflow \0 version
std::string VersionPrefix(std::string_view workflow);
std::string VersionKey(std::string_view workflow, uint32_t version);
// history: execution id \0 seq
std::string HistoryPrefix(std::string_view execution_id);
std::string HistoryKey(std::string_view execution_id, uint32_t seq);
// exec_tasks: execution id \0 task id
std::string ExecTaskPrefix(std::string_view execution_id);
std::string ExecTaskKey(std::string_view execution_id, std::string_view task_id);
// queue: task type \0 task id
std::string QueuePrefix(std::string_view task_type);
std::string QueueKey(std::string_view task_type, std::string_view task_id);
// by_status: status byte, execution id
std::string StatusPrefix(uint8_t status);
std::string StatusKey(uint8_t status, std::string_view execution_id);

// timers: due ms(u64 BE), kind(u8), execution id \0 wait id(u64 BE); ascending = due order
std::string BigEndian64(uint64_t v);
uint64_t ReadBigEndian64(std::string_view bytes);  // REQUIRES: bytes.size() >= 8
std::string TimerKey(int64_t due_ms, uint8_t kind, std::string_view execution_id, uint64_t wait_id);
struct TimerKeyParts {
  int64_t due_ms = 0;
  uint8_t kind = 0;
  std::string execution_id;
  uint64_t wait_id = 0;
};
std::optional<TimerKeyParts> ParseTimerKey(std::string_view key);
// waits: execution id \0 wait id(u64 BE)
std::string WaitPrefix(std::string_view execution_id);
std::string WaitKey(std::string_view execution_id, uint64_t wait_id);

// Search indexes (format 6, storage/search_index.h).
// by_type: workflow \0 status(u8) created ms(u64 BE) execution id
std::string TypeIndexPrefix(std::string_view workflow);  // "" for by_start
// by_start (workflow_prefix empty) or by_type: [prefix] status created id
std::string SearchKey(std::string_view workflow_prefix, uint8_t status, int64_t created_ms,
                      std::string_view execution_id);
// by_correlation: correlation id \0 execution id
std::string CorrelationPrefix(std::string_view correlation_id);
std::string CorrelationKey(std::string_view correlation_id, std::string_view execution_id);
// event_messages (format 7, storage/events.h): handler \0 message id
std::string EventMessagePrefix(std::string_view handler);
std::string EventMessageKey(std::string_view handler, std::string_view message_id);
// by_idempotency: workflow \0 key \0 execution id
std::string IdempotencyPrefix(std::string_view workflow, std::string_view key);
std::string IdempotencyKey(std::string_view workflow, std::string_view key,
                           std::string_view execution_id);

// task_logs (format 7): task id \0 seq(u32 BE)
std::string TaskLogPrefix(std::string_view task_id);
std::string TaskLogKey(std::string_view task_id, uint32_t seq);

// aliases (format 8, storage/aliases.h): workflow \0 alias name
std::string AliasPrefix(std::string_view workflow);
std::string AliasKey(std::string_view workflow, std::string_view name);

// by_version (format 9, storage/version_index.h): workflow \0 version(u32 BE) \0 execution id
std::string VersionIndexPrefix(std::string_view workflow, uint32_t version);
std::string VersionIndexKey(std::string_view workflow, uint32_t version, std::string_view id);

// meta keys. `checksum` names the checksum algorithm of records ("crc32c"); it is present
// exactly when the format is kChecksumFormat or later, so a damaged format number is caught.
inline constexpr std::string_view kMetaFormatVersion = "format_version";
inline constexpr std::string_view kMetaChecksum = "checksum";
inline constexpr std::string_view kChecksumAlgorithm = "crc32c";

// The store layout version written into `meta`. Opening a store written by a newer layout
// fails; older layouts in [kMinStoreFormat, kStoreFormat] are read, and a read-write open
// upgrades them in place (upgrade.h).
// Format 2 (fibers, timers, waits) cannot continue format 1's executions: their checkpoints
// hold a single frame. Opening a format 1 store fails with a message saying so.
// Format 3: every record value ends with its CRC32C (lmdb.h, SealRecord).
// Format 4: wait records are typed (wait_record.fbs), no longer Weft values.
// Format 5: the `schedules` table (schedule_record.fbs), whose next slots are timers of kind
// TimerKind::kSchedule.
// Format 6: the `taskdefs` table (Conductor task definitions, storage/taskdefs.h); a version
// record may carry the WorkflowDef it was registered from and be retired (version_record.fbs).
// Format 6: the search indexes by_type, by_start, by_correlation and by_idempotency, and the
// execution record's correlation id, priority and idempotency key (storage/search_index.h).
// Format 6: the program hash once per execution, in the `executions` row; the `sources`
// table, the .wf source of each deployed bytecode (for `weft graph`).
// Format 7: the `task_logs` table (storage/task_logs.h), task logs kept in the store; the event
// handler tables `event_handlers` and `event_messages` (storage/events.h); the `outbox` table,
// the messages `publish` wrote and NATS has not acknowledged (storage/outbox.h).
// Format 8: the `aliases` table (storage/aliases.h), named and weighted pointers at versions.
// Format 9: the `by_version` index (storage/version_index.h), the executions of each version,
// which `weft versions gc` and `weft versions delete` ask before deleting one.
// Format 10: the `history_log` table. New history events are appended there in commit order,
// each linked to its execution's event before; the state row holds the newest one's number
// (ExecStateRow::history_head). `history` rows written before stay where they are. Also
// format 10: `by_status` is emptied and no longer kept (by_start lists by status); execution
// rows hold their hash as 32 bytes; the EXECUTION_STARTED event holds only its version.
inline constexpr uint32_t kStoreFormat = 10;
inline constexpr uint32_t kMinStoreFormat = 2;
inline constexpr uint32_t kChecksumFormat = 3;
inline constexpr uint32_t kTypedWaitsFormat = 4;
inline constexpr uint32_t kSchedulesFormat = 5;
inline constexpr uint32_t kTaskDefsFormat = 6;
inline constexpr uint32_t kSearchIndexFormat = 6;
inline constexpr uint32_t kSourcesFormat = 6;
inline constexpr uint32_t kHistoryLogFormat = 10;
// From format 10 `by_status` is no longer kept: `by_start` (status, created, id) answers the
// same questions; the upgrade to 10 empties it.
inline constexpr uint32_t kNoStatusIndexFormat = 10;
inline constexpr uint32_t kTaskLogsFormat = 7;
inline constexpr uint32_t kEventsFormat = 7;
inline constexpr uint32_t kOutboxFormat = 7;
inline constexpr uint32_t kAliasesFormat = 8;
inline constexpr uint32_t kVersionIndexFormat = 9;

}  // namespace weft::storage

#endif  // WEFT_STORAGE_KEYS_H_
