// Retention (Engine::Prune, EngineOptions::retention): what a prune deletes, how, and what it
// hands an archive first.
#ifndef WEFT_RETENTION_H_
#define WEFT_RETENTION_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "weft/executions.h"
#include "weft/statuses.h"

namespace weft {

// One deleted execution as it was, for an archive (`weft prune --archive`).
struct ExecutionArchive {
  ExecutionInfo info;
  std::vector<HistoryEvent> history;
  std::vector<TaskInfo> tasks;
  // The logs of its tasks that have any (Engine::TaskLogs), by task id.
  std::map<std::string, std::vector<TaskLog>> task_logs;
};

struct PruneOptions {
  // Finished executions whose ended_ms is older than now - older_than are deleted.
  absl::Duration older_than = absl::Hours(24 * 30);
  // Which finished statuses; empty = COMPLETED, FAILED and TERMINATED. RUNNING and PAUSED are
  // never deleted, whatever is listed.
  std::vector<ExecutionStatus> statuses;
  bool dry_run = false;     // count what would be deleted; delete nothing
  size_t batch_size = 500;  // executions per write transaction
  size_t max_batches = 0;   // stop after this many batches; 0 = until none is left
  // Called with each batch before it is deleted; the batch is deleted only once this returns
  // OK (an archive is written and synced first). An error stops the prune: the batch stays.
  std::function<absl::Status(const std::vector<ExecutionArchive>&)> archive;
};

struct PruneResult {
  uint64_t executions = 0;  // deleted (with dry_run: that would be deleted)
  uint64_t rows = 0;        // rows deleted across every table
  uint64_t batches = 0;     // write transactions
  // Event message records (EventMessage, the handlers' record of what they applied) older than
  // the same age, deleted too when no statuses are given (docs/events.md, "Retention").
  uint64_t event_messages = 0;
};

}  // namespace weft

#endif  // WEFT_RETENTION_H_
