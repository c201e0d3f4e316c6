// How an engine is opened (Engine::Open): durability, the bounds on one execution
// (EngineLimits) and every other option (EngineOptions).
#ifndef WEFT_OPTIONS_H_
#define WEFT_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "weft/statuses.h"

namespace weft {

enum class Durability : uint8_t {
  kSync,    // a commit returns after fsync: nothing acknowledged is ever lost
  kNoSync,  // no fsync: survives a process crash; an OS crash may lose the last commits, and
            // can damage the store unless the file system keeps write order (LMDB's MDB_NOSYNC)
};

// Bounds on what one execution may do (docs/reliability.md). Going past one fails the
// operation with a catchable LIMIT_EXCEEDED error inside a workflow, or InvalidArgument at
// the API.
struct EngineLimits {
  uint32_t max_child_depth = 100;  // nesting of attached child workflows
  // Sizes are of the stored (FlexBuffers) encoding.
  uint64_t max_input_bytes = 4ull << 20;        // a workflow's input (Start, a child's arguments)
  uint64_t max_task_input_bytes = 4ull << 20;   // what a task is called with
  uint64_t max_task_output_bytes = 4ull << 20;  // a worker's output or failure details
  uint64_t max_signal_bytes = 4ull << 20;       // a signal's payload
  uint64_t max_output_bytes = 4ull << 20;       // an execution's output
  uint64_t max_checkpoint_bytes = 64ull << 20;  // an execution's whole state
  uint32_t max_history_events = 1000000;        // events in one execution's history
  uint32_t max_task_log_entries = 1000;         // log lines kept per task (AddTaskLogs)
  uint64_t max_task_log_bytes = 32ull << 10;    // one log line
};
inline constexpr EngineLimits kDefaultLimits{};

struct EngineOptions {
  std::string path = ".weft";  // the store directory; created when missing
  Durability durability = Durability::kSync;
  bool read_only = false;                    // inspection only: no writer, no workers, no lock
  uint64_t map_size_bytes = 16ull << 30;     // LMDB map size (virtual; the file grows as needed)
  int worker_threads = 0;                    // in-process worker pool; 0 = number of cores
  absl::Duration lease = absl::Seconds(60);  // a task not finished by then is handed out again
  size_t max_batch = 2048;                   // transitions per group commit at most
  // Simulated time: the clock starts at the real time and, whenever the engine has nothing
  // else to do, jumps to the next due timer, so a workflow that sleeps 30 days finishes at
  // once, deterministically. For tests and `weft run --virtual-time`.
  bool virtual_time = false;
  EngineLimits limits = kDefaultLimits;
  // The budgets of one jq(...) call, which runs as the system task `jq` in a child process on
  // the worker pool: past either, the child is killed and the call fails with JQ_FAILED
  // (docs/reliability.md, "Work bounds"). The time is wall clock.
  absl::Duration jq_time_budget = absl::Seconds(1);
  size_t jq_memory_budget_bytes = size_t{256} << 20;  // 256 MiB of address space
  // Retention: finished executions that ended longer ago than this are deleted in the
  // background, one bounded batch (Engine::Prune) every retention_interval of real time (at
  // once again while batches come back full). 0 = keep forever. RUNNING and PAUSED executions are never
  // deleted. Empty statuses = COMPLETED, FAILED and TERMINATED, and then event message records
  // older than the same age go too, one bounded batch a round (PruneResult::event_messages).
  absl::Duration retention = absl::ZeroDuration();
  std::vector<ExecutionStatus> retention_statuses;
  absl::Duration retention_interval = absl::Seconds(5);
  // NATS (docs/events.md): the server that event handlers listen on and that messages of the
  // system task `publish` go to ("nats://127.0.0.1:4222"); `weft --nats URL` or $WEFT_NATS_URL.
  // Empty: no listener (handlers are still stored), and published messages wait in the store's
  // outbox (durably, and said so on stderr) until an engine opened with a URL sends them.
  std::string nats_url;
  // How long JetStream waits for an ack before it sends a message again.
  absl::Duration nats_ack_wait = absl::Seconds(30);
  // A handler NATS refused (no stream holds its subject yet, NATS down at a restart) is tried
  // again in the background, after 1 s, then a pause doubling up to this.
  absl::Duration nats_retry_max = absl::Seconds(30);
};

}  // namespace weft

#endif  // WEFT_OPTIONS_H_
