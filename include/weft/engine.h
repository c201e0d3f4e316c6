// weft::Engine is the embedding API: open a store, deploy .wf files, start executions, run
// workers, inspect what happened.
//
//   auto engine = weft::Engine::Open({.path = ".weft"});
//   (*engine)->DeployFile("examples/shipping.wf");
//   (*engine)->RegisterWorker("shipping_info", [](const weft::TaskContext& t) {
//     return weft::TaskOutcome::Complete(...);
//   });
//   (*engine)->StartWorkers();
//   auto id = (*engine)->Start("shipping", input);
//   auto done = (*engine)->AwaitExecution(*id, absl::Seconds(30));
//
// Durability: every state change is one atomic LMDB transaction. Many transitions share one
// transaction and one fsync (group commit). A crash leaves each execution either before or
// after a transition, never in between; reopening the store continues every RUNNING execution.
//
// Threading: every method is safe to call from any thread. Errors: storage and I/O failures,
// and bad input from the caller, come back as absl::Status with a message fit for a user.
#ifndef WEFT_ENGINE_H_
#define WEFT_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "weft/value.h"

namespace weft {

// Stored as a byte: append only.
// PAUSED executions keep running their code but schedule no new task until resumed.
enum class ExecutionStatus : uint8_t {
  kRunning = 0, kCompleted = 1, kFailed = 2, kTerminated = 3, kPaused = 4
};
// True for COMPLETED, FAILED and TERMINATED.
bool IsEnded(ExecutionStatus status);
// "RUNNING", "COMPLETED", ...; and back (case-insensitive), nullopt when unknown.
std::string_view ExecutionStatusName(ExecutionStatus status);
std::optional<ExecutionStatus> ParseExecutionStatus(std::string_view name);

// Stored as a byte: append only.
enum class TaskStatus : uint8_t { kScheduled = 0, kCompleted = 1, kFailed = 2, kCanceled = 3 };
std::string_view TaskStatusName(TaskStatus status);

enum class Durability : uint8_t {
  kSync,    // a commit returns after fsync: nothing acknowledged is ever lost
  kNoSync,  // no fsync: survives a process crash, may lose the last commits on an OS crash
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
};
inline constexpr EngineLimits kDefaultLimits{};

struct EngineOptions {
  std::string path = ".weft";            // the store directory; created when missing
  Durability durability = Durability::kSync;
  bool read_only = false;                // inspection only: no writer, no workers, no lock
  uint64_t map_size_bytes = 16ull << 30; // LMDB map size (virtual; the file grows as needed)
  int worker_threads = 0;                // in-process worker pool; 0 = number of cores
  absl::Duration lease = absl::Seconds(60);  // a task not finished by then is handed out again
  size_t max_batch = 2048;               // transitions per group commit at most
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
  // deleted. Empty statuses = COMPLETED, FAILED and TERMINATED.
  absl::Duration retention = absl::ZeroDuration();
  std::vector<ExecutionStatus> retention_statuses;
  absl::Duration retention_interval = absl::Seconds(5);
};

// --- Deploying -------------------------------------------------------------------------------

struct DeployedWorkflow {
  std::string workflow;
  uint32_t version = 0;
  std::string hash;      // hex SHA-256 of the stored bytecode
  bool created = false;  // false: the bytecode equals the latest version; nothing was written
};

struct VersionInfo {
  std::string workflow;
  uint32_t version = 0;
  std::string hash;
  int64_t deployed_at_ms = 0;
  std::string source_file;
};

// --- Executions ------------------------------------------------------------------------------

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
  int64_t ended_ms = 0;  // 0 while RUNNING
  std::string parent_id;  // the execution that started this one as a child; empty when none
};

// One entry of an execution's append-only history. It is for inspection only; it is never
// replayed. Types: EXECUTION_STARTED, TASK_SCHEDULED, TASK_STARTED, TASK_COMPLETED,
// TASK_FAILED, TASK_RESULT_IGNORED, EXECUTION_COMPLETED, EXECUTION_FAILED.
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
  std::string worker_id;
  int64_t scheduled_ms = 0;
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
  Value output;
  Value error;
};

struct StartOptions {
  std::optional<uint32_t> version;  // nullopt: the latest deployed version
};

// --- Workers ---------------------------------------------------------------------------------

struct TaskContext {
  std::string task_id;
  std::string execution_id;
  std::string task_type;
  uint32_t attempt = 1;
  Value input;
  // Set by the in-process worker pool: reports progress on this very task, as
  // Engine::Heartbeat does (extends its lease and heartbeat deadline, records `progress`).
  // Empty for a task taken with PollTask.
  std::function<absl::Status(Value progress)> heartbeat;
};

class TaskOutcome {
 public:
  static TaskOutcome Complete(Value output) { return TaskOutcome(true, std::move(output), {}); }
  // `reason` is for people; `details` is any value the workflow may inspect later.
  static TaskOutcome Fail(std::string reason, Value details = Value()) {
    return TaskOutcome(false, std::move(details), std::move(reason));
  }
  // A failure no retry can fix: the task's retry policy is not applied.
  static TaskOutcome FailTerminal(std::string reason, Value details = Value()) {
    TaskOutcome o(false, std::move(details), std::move(reason));
    o.terminal_ = true;
    return o;
  }
  // No result: the worker gave the task up because its process is shutting down. Nothing is
  // recorded; the task is handed out again (by this engine, or by the next one to open the
  // store). Only the in-process pool honours it.
  static TaskOutcome Abandon(std::string reason) {
    TaskOutcome o(false, Value(), std::move(reason));
    o.abandoned_ = true;
    return o;
  }
  bool terminal() const { return terminal_; }
  bool abandoned() const { return abandoned_; }
  bool ok() const { return ok_; }
  const Value& output() const { return value_; }   // REQUIRES: ok()
  const Value& details() const { return value_; }  // REQUIRES: !ok()
  const std::string& reason() const { return reason_; }

 private:
  TaskOutcome(bool ok, Value value, std::string reason)
      : ok_(ok), value_(std::move(value)), reason_(std::move(reason)) {}
  bool ok_;
  Value value_;
  std::string reason_;
  bool terminal_ = false;
  bool abandoned_ = false;
};

// True for the task types the engine runs itself on its worker pool (`http`, `jq`): a workflow
// may call them without any worker of its own.
bool IsSystemTask(std::string_view task_type);

// Runs one task. Called on a pool thread; may block. An exception escaping it fails the task
// with the exception's message.
using TaskHandler = std::function<TaskOutcome(const TaskContext&)>;

// A task handed to an external worker by PollTask.
struct LeasedTask {
  TaskContext context;
  int64_t lease_expires_ms = 0;
};

// Counters for benchmarks and monitoring.
struct EngineStats {
  uint64_t commits = 0;
  uint64_t transitions = 0;
  uint64_t checkpoint_bytes_total = 0;  // bytes of every checkpoint written
  uint64_t checkpoints_written = 0;
  uint64_t results_ignored = 0;         // results for tasks that had already finished
  uint64_t leases_expired = 0;
  uint64_t commit_failures = 0;  // failed attempts to commit a batch, each retried with backoff
  uint64_t quarantined = 0;      // executions taken out of service after a fault
  uint64_t map_grows = 0;        // times the store's map was doubled because it was full
  uint64_t executions_pruned = 0;  // deleted by Prune and by retention
  // The store's size now: rows of every table and the LMDB pages they use (what retention
  // keeps flat; the file itself never shrinks, LMDB reuses freed pages).
  uint64_t store_rows = 0;
  uint64_t store_pages = 0;
};

// --- Retention ---------------------------------------------------------------------------------

// One deleted execution as it was, for an archive (`weft prune --archive`).
struct ExecutionArchive {
  ExecutionInfo info;
  std::vector<HistoryEvent> history;
  std::vector<TaskInfo> tasks;
};

struct PruneOptions {
  // Finished executions whose ended_ms is older than now - older_than are deleted.
  absl::Duration older_than = absl::Hours(24 * 30);
  // Which finished statuses; empty = COMPLETED, FAILED and TERMINATED. RUNNING and PAUSED are
  // never deleted, whatever is listed.
  std::vector<ExecutionStatus> statuses;
  bool dry_run = false;    // count what would be deleted; delete nothing
  size_t batch_size = 500;  // executions per write transaction
  size_t max_batches = 0;  // stop after this many batches; 0 = until none is left
  // Called with each batch before it is deleted; the batch is deleted only once this returns
  // OK (an archive is written and synced first). An error stops the prune: the batch stays.
  std::function<absl::Status(const std::vector<ExecutionArchive>&)> archive;
};

struct PruneResult {
  uint64_t executions = 0;  // deleted (with dry_run: that would be deleted)
  uint64_t rows = 0;        // rows deleted across every table
  uint64_t batches = 0;     // write transactions
};

class Engine {
 public:
  // Opens (creating when missing) the store at options.path. A read-write engine takes an
  // exclusive lock on the store: a second read-write Open of the same store fails with
  // FailedPrecondition until the first one closes. Pending tasks are loaded and handed out again.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  virtual ~Engine() = default;  // stops workers, drains committed work, closes the store

  // Compiles `source` and registers every workflow in it, atomically: either all workflows are
  // recorded or none. Compile errors come back as InvalidArgument whose message is the rendered
  // diagnostics. A workflow whose bytecode equals its latest version gets no new version.
  virtual absl::StatusOr<std::vector<DeployedWorkflow>> Deploy(std::string_view source_path,
                                                               std::string_view source) = 0;
  virtual absl::StatusOr<std::vector<DeployedWorkflow>> DeployFile(const std::string& path) = 0;
  // Oldest first. NotFound when the workflow was never deployed.
  virtual absl::StatusOr<std::vector<VersionInfo>> Versions(std::string_view workflow) = 0;
  // The stored, verified bytecode of a version (for disassembly). version 0 = latest.
  virtual absl::StatusOr<std::string> Bytecode(std::string_view workflow, uint32_t version) = 0;

  // Starts an execution pinned to a version; returns its id once the start is durable. Input is
  // checked against the workflow's parameters (InvalidArgument with the reason).
  virtual absl::StatusOr<std::string> Start(std::string_view workflow, const Value& input,
                                            const StartOptions& options = {}) = 0;

  virtual absl::StatusOr<ExecutionInfo> GetExecution(std::string_view id) = 0;
  // Newest first; at most `limit`.
  virtual absl::StatusOr<std::vector<ExecutionInfo>> ListExecutions(
      std::optional<ExecutionStatus> status, size_t limit = 100) = 0;
  virtual absl::StatusOr<std::vector<HistoryEvent>> History(std::string_view id) = 0;
  virtual absl::StatusOr<std::vector<TaskInfo>> Tasks(std::string_view execution_id) = 0;
  // Waits until the execution is no longer RUNNING. DeadlineExceeded on timeout.
  virtual absl::StatusOr<ExecutionInfo> AwaitExecution(std::string_view id,
                                                       absl::Duration timeout) = 0;

  // In-process workers. Register before StartWorkers; `concurrency` bounds how many tasks of
  // this type run at once.
  virtual void RegisterWorker(std::string task_type, TaskHandler handler, int concurrency = 0) = 0;
  virtual absl::Status StartWorkers() = 0;
  virtual void StopWorkers() = 0;

  // External workers: take a task under a lease (nullopt when none is ready), then report.
  // A result for a task that already finished is ignored and reported as FailedPrecondition.
  virtual absl::StatusOr<std::optional<LeasedTask>> PollTask(std::string_view task_type,
                                                             std::string_view worker_id) = 0;
  virtual absl::Status CompleteTask(std::string_view task_id, std::string_view worker_id,
                                    Value output) = 0;
  // `terminal`: the failure is final, whatever the task's retry policy says
  // (Conductor's FAILED_WITH_TERMINAL_ERROR).
  virtual absl::Status FailTask(std::string_view task_id, std::string_view worker_id,
                                std::string reason, Value details = Value(),
                                bool terminal = false) = 0;

  // Reports progress on a running task: extends its lease and its heartbeat deadline and
  // records `progress` (partial output) on the task.
  virtual absl::Status Heartbeat(std::string_view task_id, std::string_view worker_id,
                                 Value progress = Value()) = 0;

  // --- Talking to running executions. Each is recorded in the history; an operation that
  // makes no sense in the execution's state is FailedPrecondition with the reason.

  // Delivers a signal: to the oldest `await signal(name)` waiting for it, or buffered for the
  // next one. Signals are delivered exactly once, in the order they were sent.
  virtual absl::Status Signal(std::string_view id, std::string_view name, Value payload) = 0;
  // Ends a RUNNING or PAUSED execution as TERMINATED: its tasks are canceled, its timers
  // dropped and its children terminated. No compensation runs.
  virtual absl::Status Terminate(std::string_view id, std::string_view reason) = 0;
  virtual absl::Status Pause(std::string_view id) = 0;
  virtual absl::Status Resume(std::string_view id) = 0;
  // Continues a FAILED execution from the checkpoint taken before the failure: the step that
  // failed runs again, on the same version.
  virtual absl::Status Retry(std::string_view id) = 0;
  // Runs an ended execution again from the beginning, same id, same input, same version.
  virtual absl::Status Restart(std::string_view id) = 0;

  // Deletes finished executions older than options.older_than with every row they own, in
  // transactions of at most options.batch_size executions, through the writer. An execution
  // restarted between the scan and its batch's transaction is kept.
  virtual absl::StatusOr<PruneResult> Prune(const PruneOptions& options) = 0;

  virtual EngineStats Stats() const = 0;
};

}  // namespace weft

#endif  // WEFT_ENGINE_H_
