// The input layout of the stored-records fuzz target (fuzz_records.cc), shared with the seed
// generator (make_corpus.cc) so that the seeds are inputs the target understands:
//
//   byte 0      what to decode: RecordKind (byte0 & 0x7, modulo kRecordKinds) and, when bit 3
//               is set, the CRC framing: the rest is `key length (1 byte), key, stored record`
//               and goes through storage::UnsealRecord before the decoder; when it is clear,
//               the rest is the record's bytes without their checksum (so mutations reach the
//               decoder instead of stopping at the checksum).
//   byte 1...   as above.
#ifndef WEFT_FUZZ_RECORDS_H_
#define WEFT_FUZZ_RECORDS_H_

#include <cstdint>

#include "storage/lmdb.h"

namespace weft::fuzz {

enum class RecordKind : uint8_t {
  kVersion = 0,    // versions: DecodeVersion
  kExecution = 1,  // executions: DecodeExecution
  kExecState = 2,  // exec_state: DecodeExecState
  kTask = 3,       // tasks: DecodeTask
  kHistory = 4,    // history: DecodeHistory; and as a history_log record, DecodeHistoryLog
  kWait = 5,       // waits: a value blob (DecodeValue), as the engine reads it
  kTimerKey = 6,   // timers: the key itself (ParseTimerKey); the value is a task id
  kSchedule = 7,   // schedules: DecodeSchedule
};
inline constexpr uint8_t kRecordKinds = 8;
inline constexpr uint8_t kSealedBit = 0x8;

// The table a record kind is stored in (whose name UnsealRecord puts in its error).
inline storage::Table RecordTable(RecordKind kind) {
  switch (kind) {
    case RecordKind::kVersion: return storage::Table::kVersions;
    case RecordKind::kExecution: return storage::Table::kExecutions;
    case RecordKind::kExecState: return storage::Table::kExecState;
    case RecordKind::kTask: return storage::Table::kTasks;
    case RecordKind::kHistory: return storage::Table::kHistory;
    case RecordKind::kWait: return storage::Table::kWaits;
    case RecordKind::kTimerKey: return storage::Table::kTimers;
    case RecordKind::kSchedule: return storage::Table::kSchedules;
  }
  return storage::Table::kMeta;
}

}  // namespace weft::fuzz

#endif  // WEFT_FUZZ_RECORDS_H_
