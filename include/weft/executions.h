// Executions as the engine shows them (weft/engine.h, "Executions"): an execution, its
// history, its tasks and their logs, where its fibers wait, how one is started and searched,
// and the callback told how one started asynchronously ended.
#ifndef WEFT_EXECUTIONS_H_
#define WEFT_EXECUTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "weft/statuses.h"
#include "weft/task_domains.h"
#include "weft/value.h"

namespace weft {

struct ExecutionInfo {
  std::string id;  // time-sortable (ULID)
  std::string workflow;
  uint32_t version = 0;
  std::string hash;
  Value input;
  ExecutionStatus status = ExecutionStatus::kRunning;
  Value output;  // COMPLETED
  Value error;   // FAILED: {"code", "message", ...}
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t ended_ms = 0;   // 0 while RUNNING
  std::string parent_id;  // the execution that started this one as a child; empty when none
  // Given at the start (StartOptions); a child inherits its parent's correlation id and
  // priority when its start names none.
  std::string correlation_id;
  int32_t priority = 0;
  std::string idempotency_key;
  TaskToDomain task_to_domain;  // Conductor's taskToDomain (StartOptions); empty: none
};

// One entry of an execution's append-only history. It is for inspection only; it is never
// replayed. Types: EXECUTION_STARTED, TASK_SCHEDULED, TASK_STARTED, TASK_COMPLETED,
// TASK_FAILED, TASK_RESULT_IGNORED, TASK_REDELIVERED, EXECUTION_COMPLETED, EXECUTION_FAILED, ...
// (storage/history_types.def declares them all).
struct HistoryEvent {
  uint32_t seq = 0;
  int64_t time_ms = 0;
  std::string type;
  std::string task_id;  // empty for execution-level events
  Value details;        // task type, attempt, worker, output, error, ...
};

struct TaskInfo {
  std::string id;
  std::string execution_id;
  std::string type;
  Value input;
  uint32_t attempt = 1;
  TaskStatus status = TaskStatus::kScheduled;
  std::string worker_id;  // the worker of the current (or last) delivery
  int64_t scheduled_ms = 0;
  int64_t started_ms = 0;  // when the worker took it (engine clock at the take)
  int64_t ended_ms = 0;
  Value output;
  Value error;
  // Deliveries of this attempt so far (the fencing token of the current one): 1 for the first
  // take, +1 each time the task is handed out again (lease expired, engine restarted). A result
  // answering an earlier delivery is ignored and recorded as TASK_RESULT_IGNORED.
  uint32_t delivery = 0;
  int64_t lease_expires_ms = 0;   // IN_PROGRESS: when the delivery's lease ends
  std::string domain;             // the domain it is queued in (taskToDomain); empty: none
  int32_t workflow_priority = 0;  // its execution's priority (0..99) when it was scheduled
};

// What a start with an idempotency key does when an execution of the same workflow already
// holds that key (Conductor's IdempotencyStrategy).
enum class IdempotencyStrategy : uint8_t {
  kFail,            // refused: AlreadyExists naming the execution
  kReturnExisting,  // nothing starts; Start returns the existing execution's id
  kFailOnRunning,   // refused while the existing one is RUNNING or PAUSED; else a new one starts
};
// "FAIL", "RETURN_EXISTING", "FAIL_ON_RUNNING" (case-insensitive); nullopt when unknown.
std::optional<IdempotencyStrategy> ParseIdempotencyStrategy(std::string_view name);

// The longest correlation id and idempotency key a start accepts (they are parts of LMDB keys).
inline constexpr size_t kMaxCorrelationIdBytes = 256;
// Where one fiber of a running execution waits, read from its checkpoint (Engine::FiberPositions).
struct FiberPosition {
  uint32_t fiber = 0;    // the root fiber is 1
  std::string wait;      // "task", "timer", "signal", "child", "start", "join"
  uint64_t wait_id = 0;  // the wait the engine answers (TASK_SCHEDULED's "wait"); 0 for a join
  uint32_t line = 0;     // the source position of the instruction it waits in
  uint32_t column = 0;
};

struct StartOptions {
  std::optional<uint32_t> version;  // nullopt: the latest deployed version
  // Non-empty: start through this alias of the workflow (VersionAlias); excludes `version`.
  // The execution is pinned to the version the alias picks, and its EXECUTION_STARTED event
  // names the alias.
  std::string alias;
  std::string correlation_id;  // for search and the correlated listing; may be empty
  int32_t priority = 0;        // 0..99, shown as given (Conductor's workflow priority)
  // When set, at most one execution of the workflow holds the key: the check and the insert
  // are one write transaction, so concurrent starts with the same key start one execution.
  // Only Start takes a key (StartAsync and StartBatch refuse one: InvalidArgument).
  std::string idempotency_key;
  IdempotencyStrategy idempotency_strategy = IdempotencyStrategy::kFail;
  // Conductor's taskToDomain; a child execution inherits its parent's (as SUB_WORKFLOW does).
  TaskToDomain task_to_domain;
};

// A search over executions (Engine::SearchExecutions), answered from the store's indexes
// (storage/search_index.h): its cost grows with the executions that match the workflow and
// status filters, not with the store.
struct ExecutionQuery {
  std::string workflow;                   // empty: any workflow
  std::vector<ExecutionStatus> statuses;  // empty: any status
  int64_t created_after_ms = INT64_MIN;   // exclusive bounds on created_ms
  int64_t created_before_ms = INT64_MAX;
  // Non-empty: only the execution with this id, or those with this correlation id.
  std::string id_or_correlation;
  bool correlation_only = false;  // id_or_correlation is a correlation id only
  bool sort_by_update = false;    // false: by created_ms (then id)
  bool ascending = false;
  size_t offset = 0;
  size_t limit = 100;
};

struct ExecutionPage {
  uint64_t total = 0;  // every match, not only this page
  std::vector<ExecutionInfo> executions;
  // What answering it read: index keys and execution rows (for tests and benches).
  uint64_t keys_read = 0;
  uint64_t rows_read = 0;
};

// Told how an execution started with StartAsync or StartBatch ended: called exactly once per
// such execution, with its ExecutionInfo once it is COMPLETED, FAILED or TERMINATED (the first
// time it is: a later Retry or Restart calls nothing again), or with an error when that cannot
// be told:
//   - the start itself failed (StartAsync only; StartBatch returns those errors instead);
//   - Unavailable: the engine closed first (the execution goes on when the store is reopened);
//   - NotFound: it ended but was deleted (Prune, retention) before it could be read;
//   - any other status: the store could not be read.
//
// It runs on the engine's one completion thread (or, for what is left when the engine closes,
// on the thread that destroys the engine), after the end is durable. Callbacks run one after
// another, so a callback must return quickly and not block: no AwaitExecution, no waiting on
// other callbacks. It may call StartAsync (a chain of executions needs no thread of its own)
// and any other non-blocking method of the engine; it must not throw, and must not destroy the
// engine.
using ExecutionCallback = std::function<void(std::string_view id, absl::StatusOr<ExecutionInfo> result)>;

// One line of a task's log (Conductor's TaskExecLog).
struct TaskLog {
  std::string log;
  int64_t created_ms = 0;  // wall clock when it was added, ms since the epoch
};

}  // namespace weft

#endif  // WEFT_EXECUTIONS_H_
