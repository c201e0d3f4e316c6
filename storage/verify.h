// `weft verify`: reads a whole store in one read transaction and lists what is damaged: every
// record's checksum and decoding, and every index against the rows it indexes. Nothing is
// changed. The checks (docs/reliability.md, "The store"):
//   records   checksum (format 3 on); decodes as its table's record; an index row is empty
//   versions  its bytecode exists
//   executions/exec_state  each has the other; the state's bytecode exists
//   by_status  one row per execution, with the execution's status; none for a missing one
//   history, waits, timers  their execution exists; a timer's wait exists (wait id > 0)
//   tasks, exec_tasks, queue  a task's execution exists and its exec_tasks row too; a
//             SCHEDULED task is in the queue under its type; every exec_tasks and queue row
//             names an existing task of that execution, type and status
#ifndef WEFT_STORAGE_VERIFY_H_
#define WEFT_STORAGE_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/lmdb.h"

namespace weft::storage {

struct Damage {
  Table table;
  std::string key;
  std::string problem;  // lowercase, no final period: "does not match its checksum"
};

struct VerifyReport {
  uint64_t rows = 0;  // rows read, over every table
  std::vector<Damage> damage;
  bool clean() const { return damage.empty(); }
};

// `table `history`, key `01J...\x00\x00\x00\x03`: does not match its checksum`
std::string DescribeDamage(const Damage& damage);

// A status only when the store cannot be read at all; damage is in the report.
absl::StatusOr<VerifyReport> VerifyStore(const Env& env);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_VERIFY_H_
