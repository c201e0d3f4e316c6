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
//   // or, without blocking a thread per execution:
//   (*engine)->StartAsync("shipping", input, [](std::string_view id, auto info) { ... });
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
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "weft/migration.h"
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

// Stored as a byte: append only. A task is SCHEDULED until a worker takes it, IN_PROGRESS
// while a delivery of it is out under a lease, then COMPLETED, FAILED or CANCELED.
enum class TaskStatus : uint8_t {
  kScheduled = 0, kCompleted = 1, kFailed = 2, kCanceled = 3, kInProgress = 4
};
// "SCHEDULED", "IN_PROGRESS", ...
std::string_view TaskStatusName(TaskStatus status);
// True for SCHEDULED and IN_PROGRESS: the attempt has no outcome yet.
bool IsTaskOpen(TaskStatus status);

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
  std::string definition;  // the Conductor WorkflowDef JSON it was registered from; empty for .wf
  bool retired = false;    // unregistered: kept for its executions, never started anew
};

// Deploying one workflow of a source under an explicit version number, as the metadata API
// registers a Conductor WorkflowDef (docs/server.md, "Metadata").
struct VersionRegistration {
  std::string source_name;  // for diagnostics and VersionInfo::source_file
  std::string source;       // .wf source; its other workflows are compiled, not recorded
  std::string workflow;     // the workflow of `source` to record
  uint32_t version = 1;     // > 0
  std::string definition;   // kept beside the version (VersionInfo::definition)
  bool overwrite = false;   // replace an existing version with other content
};

// A named pointer at one or more versions of a workflow (docs/versioning.md): `weft start
// shipping@prod` starts the version `prod` points at. With several targets the alias ramps:
// each start picks one by a stable hash of its correlation id (or, without one, of its
// execution id) into the weights (PickAliasVersion), so one correlation id always lands on the
// same version while the alias is unchanged.
struct AliasTarget {
  uint32_t version = 0;
  uint32_t weight = 100;  // > 0; the share is weight / the sum of the alias's weights
};
struct VersionAlias {
  std::string workflow;
  std::string name;                  // letters, digits, '_', '-' and '.', not all digits (that is a version)
  std::vector<AliasTarget> targets;  // 1..kMaxAliasTargets, distinct versions
  int64_t updated_ms = 0;            // set by the engine when stored
};
inline constexpr size_t kMaxAliasTargets = 10;
inline constexpr size_t kMaxAliasNameBytes = 64;
// The version a start routed by `key` (its correlation id, else its execution id) gets from
// `alias`: the 64-bit FNV-1a hash of `key`, mixed (SplitMix64's finalizer), modulo the sum of
// the weights, falls in one target's range, targets taken in their stored order. Stable across
// releases and machines: a stored alias routes a key the same way forever.
// REQUIRES: alias.targets is not empty and every weight > 0.
uint32_t PickAliasVersion(const VersionAlias& alias, std::string_view key);

// Version lifecycle (docs/versioning.md, "Version lifecycle"): what still refers to a version,
// so that `weft versions delete` refuses it and `weft versions gc` keeps it.
struct VersionReferrers {
  uint64_t executions = 0;                  // stored executions of the version, any status
  std::vector<std::string> execution_ids;   // the oldest kMaxListedReferrers of them
  std::vector<std::string> aliases;         // aliases of the workflow that target it
  std::vector<std::string> schedules;       // schedules pinned to it
  std::vector<std::string> event_handlers;  // handlers whose start_workflow action pins it
  std::vector<std::string> callers;         // "order@3": versions whose program calls it as NAME@N
  bool empty() const {
    return executions == 0 && aliases.empty() && schedules.empty() && event_handlers.empty() &&
           callers.empty();
  }
};
inline constexpr size_t kMaxListedReferrers = 5;
// "3 executions (01J..., 01J..., 01J...), alias prod, schedule nightly".
std::string DescribeReferrers(const VersionReferrers& referrers);
// One version as `weft versions gc` judged it.
struct CollectedVersion {
  std::string workflow;
  uint32_t version = 0;
  bool deleted = false;  // deleted (or, in a dry run, would be)
  std::string reason;    // why it is kept: "latest", "highest number", or the referrers
  VersionReferrers referrers;
};

// A Conductor task definition, kept by the engine for the metadata API.
struct TaskDefinition {
  std::string name;  // the task type
  std::string json;  // the TaskDef JSON as stored
};

// --- Executions ------------------------------------------------------------------------------

// Conductor's taskToDomain: task type (or "*", every task type) -> a domain, or a
// comma-separated list of them tried in order (TaskDomainFor). A task with a domain is queued
// under its queue name (TaskQueueName) and only a poll naming that domain gets it.
using TaskToDomain = std::map<std::string, std::string>;
inline constexpr std::string_view kAnyTaskType = "*";
// A domain list entry that means "no domain" when no listed domain has an active worker.
inline constexpr std::string_view kNoDomain = "NO_DOMAIN";
// A domain counts as active while a worker has polled it within this window (Conductor's
// activeWorkerLastPollTimeout).
inline constexpr int64_t kActiveDomainWindowMs = 10'000;
// At most this many entries, each key and value at most kMaxCorrelationIdBytes.
inline constexpr size_t kMaxTaskToDomainEntries = 256;

// The queue a task of `type` in `domain` waits in: the type, or "domain:type" (Conductor's
// QueueUtils.getQueueName). A type never holds ':', so the name says both.
std::string TaskQueueName(std::string_view type, std::string_view domain);

// The domain a task of `type` is queued in under `map` (Conductor's setTaskDomains and
// getActiveDomain): the "*" entry applies to every type, the type's own entry overrides it;
// of a comma-separated list the first domain with an active worker (`active(type, domain)`),
// else the last one, or none when the last is NO_DOMAIN. System tasks get none.
std::string TaskDomainFor(const TaskToDomain& map, std::string_view type,
                          const std::function<bool(std::string_view, std::string_view)>& active);

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
  std::string worker_id;   // the worker of the current (or last) delivery
  int64_t scheduled_ms = 0;
  int64_t started_ms = 0;  // when the worker took it (engine clock at the take)
  int64_t ended_ms = 0;
  Value output;
  Value error;
  // Deliveries of this attempt so far (the fencing token of the current one): 1 for the first
  // take, +1 each time the task is handed out again (lease expired, engine restarted). A result
  // answering an earlier delivery is ignored and recorded as TASK_RESULT_IGNORED.
  uint32_t delivery = 0;
  int64_t lease_expires_ms = 0;  // IN_PROGRESS: when the delivery's lease ends
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

// What `Engine::MigrateExecution` did with one execution (docs/versioning.md).
struct MigrationResult {
  std::string execution_id;
  std::string workflow;
  uint32_t from_version = 0;
  uint32_t to_version = 0;
  bool moved = false;  // it moved (a dry run: it would move)
  std::string reason;  // !moved: why it stays on its version, untouched
  // moved: where each fiber waited and waits now, "fiber 1: task pay 5:5 -> 6:5"
  std::vector<std::string> points;
};

struct StartOptions {
  std::optional<uint32_t> version;  // nullopt: the latest deployed version
  // Non-empty: start through this alias of the workflow (VersionAlias); excludes `version`.
  // The execution is pinned to the version the alias picks, and its EXECUTION_STARTED event
  // names the alias.
  std::string alias;
  std::string correlation_id;       // for search and the correlated listing; may be empty
  int32_t priority = 0;             // 0..99, shown as given (Conductor's workflow priority)
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
  std::string workflow;                  // empty: any workflow
  std::vector<ExecutionStatus> statuses;  // empty: any status
  int64_t created_after_ms = INT64_MIN;   // exclusive bounds on created_ms
  int64_t created_before_ms = INT64_MAX;
  // Non-empty: only the execution with this id, or those with this correlation id.
  std::string id_or_correlation;
  bool correlation_only = false;  // id_or_correlation is a correlation id only
  bool sort_by_update = false;  // false: by created_ms (then id)
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
using ExecutionCallback =
    std::function<void(std::string_view id, absl::StatusOr<ExecutionInfo> result)>;

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
  uint32_t delivery = 1;  // which delivery of the attempt this is (TaskInfo::delivery)
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
  // No result: the worker gave the task up because its process is shutting down. No result
  // is recorded; the task is handed out again as its next delivery (by this engine, or by the
  // next one to open the store, with TASK_REDELIVERED). Only the in-process pool honours it.
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
  std::string domain;             // TaskInfo::domain
  int32_t workflow_priority = 0;  // TaskInfo::workflow_priority
};

// Tells a transport that tasks of these types were queued and PollTask may now find one (the
// long polls of `weft serve`). Runs on the engine thread that queued them (the writer, after
// a commit, or a lease sweep), under no lock of the engine: it must return quickly and not
// call back into the engine.
// The names are queue names (TaskQueueName): the type, or "domain:type".
using TaskReadyListener = std::function<void(const std::vector<std::string>& queue_names)>;

// Told the outcome of a result handed over with SubmitTaskResult, once it is durable (OK), was
// ignored (FailedPrecondition: the task had finished, or the delivery was stale) or failed.
// Runs on the writer thread: it must return quickly, not block, and not throw.
using ResultCallback = std::function<void(const absl::Status& status)>;

// How many tasks of a type wait for a worker and how many are out under a lease.
struct QueueDepth {
  std::string task_type;
  std::string domain;  // one entry per type and domain; empty: the type's domain-less queue
  uint64_t ready = 0;
  uint64_t leased = 0;
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
  // What opening and running cost in reads: execution states the writer read and decoded since
  // the engine opened (one per execution a batch touched), and rows the open itself read to
  // restore what it keeps in memory (the queued tasks and their wait records). A waiting
  // execution costs neither until something happens to it: opening a store does not read it.
  uint64_t states_loaded = 0;
  uint64_t rows_read_at_open = 0;
  // The store's size now: rows of every table and the LMDB pages they use (what retention
  // keeps flat; the file itself never shrinks, LMDB reuses freed pages).
  uint64_t store_rows = 0;
  uint64_t store_pages = 0;
  // What committed batches wrote: LMDB puts and deletes, and the bytes of keys and values put
  // (the cost of a step; bench/throughput divides them by the steps).
  uint64_t store_puts = 0;
  uint64_t store_deletes = 0;
  uint64_t store_bytes_written = 0;
  // `publish` (docs/events.md): messages waiting in the outbox (committed, not yet acknowledged
  // by NATS), messages the stream acknowledged since the engine opened, and failed attempts
  // to connect or send (each retried with backoff).
  uint64_t outbox_depth = 0;
  uint64_t messages_published = 0;
  uint64_t publish_failures = 0;
  // Conductor's internal queues (`conductor:...`, docs/events.md): messages delivered to at
  // least one handler, and messages no active handler listened to (dropped), since it opened.
  uint64_t conductor_events_delivered = 0;
  uint64_t conductor_events_unmatched = 0;
  // Active NATS handlers this engine should listen to and does not (RETRYING or FAILED):
  // a gauge, 0 when all listen (EventHandlerInfo::listen says which and why).
  uint64_t event_handlers_not_listening = 0;
};

// --- Retention ---------------------------------------------------------------------------------

// One line of a task's log (Conductor's TaskExecLog).
struct TaskLog {
  std::string log;
  int64_t created_ms = 0;  // wall clock when it was added, ms since the epoch
};

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
  // Event message records (EventMessage, the handlers' record of what they applied) older than
  // the same age, deleted too when no statuses are given (docs/events.md, "Retention").
  uint64_t event_messages = 0;
};

// --- Schedules (docs/schedules.md) ------------------------------------------------------------

// What a schedule does with the slots that fell due while the engine was closed (before the
// engine opened). Stored as a byte: append only.
enum class CatchUpPolicy : uint8_t {
  kSkip = 0,    // they are skipped (counted in Schedule::skipped); the next slot runs
  kRunAll = 1,  // each one runs, in order, as soon as the engine opens
};
// What a schedule does with a slot while the execution of its previous slot is still RUNNING
// or PAUSED. Stored as a byte: append only.
enum class OverlapPolicy : uint8_t {
  kAllow = 0,  // start it anyway
  kSkip = 1,   // skip the slot (counted in Schedule::skipped)
};
// "SKIP", "RUN_ALL"; "ALLOW", "SKIP"; and back (case-insensitive), nullopt when unknown.
std::string_view CatchUpPolicyName(CatchUpPolicy policy);
std::optional<CatchUpPolicy> ParseCatchUpPolicy(std::string_view name);
std::string_view OverlapPolicyName(OverlapPolicy policy);
std::optional<OverlapPolicy> ParseOverlapPolicy(std::string_view name);

// A schedule: a workflow started on the slots of a cron expression in a time zone. The
// execution of a slot gets the schedule's input plus `_scheduledTime` (the slot, ms since the
// epoch) and `_scheduleName`, for each of the two the workflow declares as a parameter; its
// EXECUTION_STARTED event records both whatever it declares.
struct Schedule {
  std::string name;      // at most 128 bytes; the key
  std::string workflow;
  uint32_t version = 0;  // 0: the latest deployed version at each slot
  Value input;           // a JSON object (or null: {})
  std::string cron;      // 6 fields (with seconds) or 5; schedule/cron.h
  std::string zone = "UTC";  // an IANA time zone
  int64_t start_ms = 0;  // no slot before this (ms since the epoch); 0: none
  int64_t end_ms = 0;    // no slot after this; 0: none
  bool paused = false;
  CatchUpPolicy catch_up = CatchUpPolicy::kSkip;
  OverlapPolicy overlap = OverlapPolicy::kAllow;
  // Kept by the engine; ignored by CreateSchedule.
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t next_ms = 0;       // the next slot, its timer set; 0 while paused or once past end_ms
  int64_t last_slot_ms = 0;  // the last slot that ran or was skipped; 0: none yet
  std::string last_execution_id;  // the execution of the last slot that ran
  uint64_t runs = 0;     // slots that started an execution
  uint64_t skipped = 0;  // slots skipped (catch-up, overlap, or a start that failed)
  std::string last_error;  // why the last slot could not start; empty when it did
};

// The next `count` slots of a cron expression in `zone` strictly after `after_ms`, none after
// `end_ms` (0: no end). InvalidArgument naming what is wrong with the expression or the zone.
// For previews (`weft schedule next --cron`, Conductor's nextFewSchedules).
absl::StatusOr<std::vector<int64_t>> NextCronTimes(std::string_view cron, std::string_view zone,
                                                   int64_t after_ms, size_t count,
                                                   int64_t end_ms = 0);


// --- Event handlers (docs/events.md) -----------------------------------------------------------

// An event handler as stored: Conductor's EventHandler JSON (`nats:` or `jsm:` event), checked.
// Whether this engine receives a handler's messages. Stored nowhere: it is the running
// listener's view (docs/events.md, "Listening").
enum class EventListenState : uint8_t {
  kOff = 0,    // nothing listens: an inactive handler, or an engine opened without a NATS URL
  kListening,  // subscribed
  kRetrying,   // NATS refused it (`listen_error`): tried again in the background
  kFailed,     // its definition cannot listen (`listen_error`); not tried again
  kInternal,   // `conductor:...`: the engine delivers it itself, no NATS
};
std::string_view EventListenStateName(EventListenState state);  // OFF, LISTENING, ...

struct EventHandlerInfo {
  std::string name;
  std::string event;
  bool active = true;
  Value definition;  // the Conductor EventHandler JSON, as HandlerToConductor writes it
  EventListenState listen = EventListenState::kOff;
  std::string listen_error;
};

// What became of one message a handler received. Stored as text: never rename.
//   APPLIED  the condition held and every action succeeded
//   SKIPPED  the condition was false: no action ran
//   FAILED   the condition could not be evaluated (no action ran), or an action failed
enum class EventMessageStatus : uint8_t { kApplied = 0, kSkipped = 1, kFailed = 2 };
std::string_view EventMessageStatusName(EventMessageStatus status);

// One action's outcome: the executions it started or reached, or why it could not.
struct EventActionOutcome {
  std::string action;  // start_workflow, signal, complete_task, fail_task
  bool ok = true;
  std::vector<std::string> executions;
  std::string error;
};

// The record of one message (table `event_messages`), written in the transaction that applied
// its actions; a message id recorded once is never applied again.
struct EventMessage {
  std::string handler;
  std::string message_id;
  std::string subject;
  int64_t time_ms = 0;     // the engine clock at the commit's transaction
  uint64_t delivered = 1;  // JetStream's delivery count when it was applied
  EventMessageStatus status = EventMessageStatus::kApplied;
  std::string error;  // FAILED by its condition: why
  std::vector<EventActionOutcome> actions;
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
  // Compiles registration.source and records its workflow `registration.workflow` as version
  // `registration.version` (storage/registry.h, RegisterVersionAt): InvalidArgument for
  // compile errors, AlreadyExists for a version that exists with other content (unless
  // overwrite). Executions already pinned to an overwritten version keep their bytecode.
  virtual absl::StatusOr<DeployedWorkflow> RegisterVersion(
      const VersionRegistration& registration) = 0;
  // Unregisters a version: new starts of it are refused and it is no longer the latest;
  // executions pinned to it keep running on its bytecode. NotFound when there is no such live
  // version.
  virtual absl::Status RetireVersion(std::string_view workflow, uint32_t version) = 0;
  // Every version of every workflow, retired ones too, by workflow then version.
  virtual absl::StatusOr<std::vector<VersionInfo>> AllVersions() = 0;

  // Version aliases (docs/versioning.md). SetAlias creates or replaces one: InvalidArgument
  // for a bad name, no targets, too many, a repeated version or a weight of 0; NotFound for a
  // version that does not exist or is retired. DeleteAlias is NotFound when there is none.
  // Aliases lists those of `workflow`, or of every workflow when it is empty, by workflow then
  // name.
  virtual absl::Status SetAlias(const VersionAlias& alias) = 0;
  virtual absl::Status DeleteAlias(std::string_view workflow, std::string_view name) = 0;
  virtual absl::StatusOr<std::vector<VersionAlias>> Aliases(std::string_view workflow) = 0;

  // Version lifecycle (docs/versioning.md). DeleteVersion deletes one version with all its rows,
  // in one transaction: NotFound for an unknown one; FailedPrecondition, naming them, when
  // anything refers to it (VersionReferrers), and for the workflow's latest version (nor the
  // highest number, which numbers the next deploy). CollectVersions deletes every version of
  // `workflow` (every workflow when empty) that nothing refers to, keeping each workflow's
  // latest, in one transaction, and says what it deleted and what it kept and why; `dry_run`
  // writes nothing. NotFound for a workflow never deployed.
  virtual absl::Status DeleteVersion(std::string_view workflow, uint32_t version) = 0;
  virtual absl::StatusOr<std::vector<CollectedVersion>> CollectVersions(std::string_view workflow,
                                                                        bool dry_run) = 0;

  // Conductor task definitions (the metadata API). PutTaskDefs writes all of them in one
  // transaction; GetTaskDef is NotFound for an unknown name; DeleteTaskDef too.
  virtual absl::Status PutTaskDefs(const std::vector<TaskDefinition>& defs) = 0;
  virtual absl::StatusOr<TaskDefinition> GetTaskDef(std::string_view name) = 0;
  virtual absl::StatusOr<std::vector<TaskDefinition>> ListTaskDefs() = 0;
  virtual absl::Status DeleteTaskDef(std::string_view name) = 0;

  // The latest version of every deployed workflow, by workflow name.
  virtual absl::StatusOr<std::vector<VersionInfo>> Workflows() = 0;
  // The stored, verified bytecode of a version (for disassembly). version 0 = latest.
  virtual absl::StatusOr<std::string> Bytecode(std::string_view workflow, uint32_t version) = 0;
  // The .wf source text a version was deployed from (version 0: the latest), the whole file.
  // NotFound when the version was deployed before store format 6, which kept no source (a
  // deploy of the same file stores it).
  virtual absl::StatusOr<std::string> Source(std::string_view workflow, uint32_t version) {
    return absl::UnimplementedError("this engine does not read stored sources");
  }

  // Starts an execution pinned to a version; returns its id once the start is durable. Input is
  // checked against the workflow's parameters (InvalidArgument with the reason).
  virtual absl::StatusOr<std::string> Start(std::string_view workflow, const Value& input,
                                            const StartOptions& options = {}) = 0;

  // Starts an execution without waiting for the start to be durable: once its input is checked
  // and bound, returns its id and hands the start to the writer. `on_end` is then called exactly
  // once (ExecutionCallback), also when the start fails to commit. An error returned here
  // (unknown workflow, bad input, a stalled or closing engine) means nothing was started and
  // `on_end` is never called. Needs no thread per execution: thousands may be in flight.
  virtual absl::StatusOr<std::string> StartAsync(std::string_view workflow, const Value& input,
                                                 ExecutionCallback on_end,
                                                 const StartOptions& options = {}) = 0;
  // Starts one execution of `workflow` per input, handed to the writer in one go so that they
  // share one commit when the writer's batch has room (EngineOptions::max_batch). Returns once
  // every start is durable or refused: per input, in order, its id or why it was not started (an
  // input over max_input_bytes or not matching the parameters fails that input only). When
  // `on_end` is set, it is called exactly once for each execution that started (never for an
  // input that failed), possibly before StartBatch returns.
  virtual std::vector<absl::StatusOr<std::string>> StartBatch(
      std::string_view workflow, const std::vector<Value>& inputs,
      ExecutionCallback on_end = nullptr, const StartOptions& options = {}) = 0;

  virtual absl::StatusOr<ExecutionInfo> GetExecution(std::string_view id) = 0;
  // Newest first; at most `limit`.
  virtual absl::StatusOr<std::vector<ExecutionInfo>> ListExecutions(
      std::optional<ExecutionStatus> status, size_t limit = 100) = 0;
  // Executions matching `query`, from the store's indexes (FailedPrecondition on a read-only
  // engine over a store older than format 6, which has none).
  virtual absl::StatusOr<ExecutionPage> SearchExecutions(const ExecutionQuery& query) = 0;
  // Deletes a finished (COMPLETED, FAILED, TERMINATED) execution with every row it owns, in one
  // transaction, as retention does. NotFound for an unknown id; FailedPrecondition for one that
  // is RUNNING or PAUSED.
  virtual absl::Status RemoveExecution(std::string_view id) = 0;
  virtual absl::StatusOr<std::vector<HistoryEvent>> History(std::string_view id) = 0;
  virtual absl::StatusOr<std::vector<TaskInfo>> Tasks(std::string_view execution_id) = 0;
  // Where each waiting fiber of an execution is, from its checkpoint, by fiber id; empty once
  // it ended. For diagrams (`weft graph --execution`); nothing is run.
  virtual absl::StatusOr<std::vector<FiberPosition>> FiberPositions(std::string_view id) {
    return absl::UnimplementedError("this engine does not read checkpoints");
  }
  // Live migration (docs/versioning.md): moves a RUNNING or PAUSED execution to another
  // version of its workflow (0: the latest) at the point where it waits, in one transaction,
  // or leaves it untouched and says why (result.moved false, result.reason). A dry run
  // changes nothing. NotFound for an unknown execution or version; FailedPrecondition for an
  // ended execution, or one already on that version.
  virtual absl::StatusOr<MigrationResult> MigrateExecution(std::string_view id,
                                                           uint32_t to_version, bool dry_run) {
    (void)id, (void)to_version, (void)dry_run;
    return absl::UnimplementedError("this engine does not migrate executions");
  }
  // Every RUNNING or PAUSED execution of `workflow` on `from_version`, each moved (or not) as
  // by MigrateExecution, each in its own transaction. NotFound for an unknown version.
  virtual absl::StatusOr<std::vector<MigrationResult>> MigrateExecutions(
      std::string_view workflow, uint32_t from_version, uint32_t to_version, bool dry_run) {
    (void)workflow, (void)from_version, (void)to_version, (void)dry_run;
    return absl::UnimplementedError("this engine does not migrate executions");
  }
  // Checks a migration before deploying (docs/versioning.md): `source`, named `file_name`, is
  // compiled (its errors come back in the result, not as a status) and, for each of its
  // workflows, every older version with RUNNING or PAUSED executions is mapped onto it from
  // its stored source. Nothing is deployed or changed; works on a read-only engine.
  virtual absl::StatusOr<MigrationCheck> CheckMigration(std::string_view file_name,
                                                        std::string_view source) {
    (void)file_name, (void)source;
    return absl::UnimplementedError("this engine does not check migrations");
  }
  // Waits until the execution is no longer RUNNING. DeadlineExceeded on timeout. Blocks the
  // calling thread: to follow many executions, use StartAsync's callback instead.
  virtual absl::StatusOr<ExecutionInfo> AwaitExecution(std::string_view id,
                                                       absl::Duration timeout) = 0;

  // In-process workers. Register before StartWorkers; `concurrency` bounds how many tasks of
  // this type run at once.
  virtual void RegisterWorker(std::string task_type, TaskHandler handler, int concurrency = 0) = 0;
  virtual absl::Status StartWorkers() = 0;
  virtual void StopWorkers() = 0;

  // External workers: take a task under a lease (nullopt when none is ready), then report.
  // A take is a delivery: the task shows IN_PROGRESS (worker, start, lease expiry) once the
  // writer's next batch commits, and its lease stands across a restart until it expires.
  // A result is applied only if it answers the task's current delivery: `delivery` is
  // context.delivery of the LeasedTask; 0 means the delivery `worker_id` holds now. A result
  // for a task that already finished, or from an earlier delivery (its lease expired and the
  // task went to another worker), is ignored, recorded as TASK_RESULT_IGNORED, and reported
  // as FailedPrecondition.
  // `domain`: only tasks queued in that domain (empty: only tasks without a domain). Every
  // poll marks the domain active for the type (TaskDomainFor), task or not.
  virtual absl::StatusOr<std::optional<LeasedTask>> PollTask(std::string_view task_type,
                                                             std::string_view worker_id,
                                                             std::string_view domain = {}) = 0;
  virtual absl::Status CompleteTask(std::string_view task_id, std::string_view worker_id,
                                    Value output, uint32_t delivery = 0) = 0;
  // `terminal`: the failure is final, whatever the task's retry policy says
  // (Conductor's FAILED_WITH_TERMINAL_ERROR).
  virtual absl::Status FailTask(std::string_view task_id, std::string_view worker_id,
                                std::string reason, Value details = Value(),
                                bool terminal = false, uint32_t delivery = 0) = 0;

  // Reports progress on a running task: extends its lease and its heartbeat deadline and
  // records `progress` (partial output) on the task. Only the current delivery's holder may:
  // `worker_id` must hold the task now and `delivery` (context.delivery; 0: whichever delivery
  // `worker_id` holds) must be that delivery. A heartbeat from another worker, or from an
  // earlier delivery whose lease expired, extends nothing and is FailedPrecondition.
  virtual absl::Status Heartbeat(std::string_view task_id, std::string_view worker_id,
                                 Value progress = Value(), uint32_t delivery = 0) = 0;

  // CompleteTask or FailTask (by `outcome`) without waiting: the result goes to the writer at
  // once and `done` is told its fate after the commit (ResultCallback), so a thread serving
  // many remote workers never waits on an fsync. An error that refuses the result before it
  // reaches the writer (a read-only engine) is passed to `done` at once, on the caller's thread.
  // An Abandon outcome is not accepted here (InvalidArgument).
  virtual void SubmitTaskResult(std::string_view task_id, std::string_view worker_id,
                                TaskOutcome outcome, uint32_t delivery, ResultCallback done) = 0;
  // Set once, before the first PollTask; replaces any earlier listener (nullptr: none).
  virtual void SetTaskReadyListener(TaskReadyListener listener) = 0;
  // One task by its id (NotFound when there is none, e.g. it was pruned with its execution).
  virtual absl::StatusOr<TaskInfo> GetTask(std::string_view task_id) = 0;
  // Task logs (Conductor's TaskExecLog): lines kept in the store with the task, deleted with
  // its execution (Prune, RemoveExecution). AddTaskLogs adds all the lines or none, in one
  // commit, each stamped with the wall clock: NotFound for an unknown task, ResourceExhausted
  // for a line over EngineLimits::max_task_log_bytes, FailedPrecondition when the task would
  // hold more than max_task_log_entries. TaskLogs gives them oldest first.
  virtual absl::Status AddTaskLogs(std::string_view task_id, std::vector<std::string> lines) = 0;
  virtual absl::StatusOr<std::vector<TaskLog>> TaskLogs(std::string_view task_id) = 0;
  // Per task type and domain with any task ready or leased, sorted by type then domain. From
  // memory: O(queues + leases).
  virtual std::vector<QueueDepth> QueueDepths() const = 0;

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

  // --- Schedules (docs/schedules.md). Each change is one transaction with the schedule's
  // timer. A slot's firing and its execution's start commit together, so no slot runs twice
  // or is lost across a crash.

  // Creates `schedule` (its engine-kept fields are ignored) and sets the timer of its first
  // slot. With `replace`, an existing schedule of that name is replaced (keeping its counters
  // and last slot); otherwise AlreadyExists. InvalidArgument for a bad name, expression, zone,
  // bounds or input (checked against the workflow's parameters), NotFound for a workflow or
  // version not deployed. Returns the schedule as stored.
  virtual absl::StatusOr<Schedule> CreateSchedule(const Schedule& schedule,
                                                  bool replace = false) = 0;
  // By name. NotFound when there is none.
  virtual absl::StatusOr<Schedule> GetSchedule(std::string_view name) = 0;
  virtual absl::StatusOr<std::vector<Schedule>> ListSchedules() = 0;
  // Pausing drops the timer; slots while paused never run. Resuming sets it for the first slot
  // after now. Either is a no-op on a schedule already so.
  virtual absl::Status PauseSchedule(std::string_view name) = 0;
  virtual absl::Status ResumeSchedule(std::string_view name) = 0;
  // Deletes the schedule and its timer; executions it started are not touched.
  virtual absl::Status DeleteSchedule(std::string_view name) = 0;
  // The next `count` slots of the schedule after now (or after its start), none past its end.
  virtual absl::StatusOr<std::vector<int64_t>> NextScheduleTimes(std::string_view name,
                                                                 size_t count) = 0;

  // --- Event handlers (docs/events.md). A handler is Conductor's EventHandler JSON, checked by
  // events::HandlerFromConductor (InvalidArgument naming the field). With EngineOptions::
  // nats_url set, the engine listens to every active handler and restarts its listener when
  // one changes.

  // Stores `definition` (AlreadyExists for a name taken, unless `replace`). Returns it as
  // stored.
  virtual absl::StatusOr<EventHandlerInfo> CreateEventHandler(const Value& definition,
                                                              bool replace = false) {
    return absl::UnimplementedError("this engine has no event handlers");
  }
  // NotFound when there is none.
  virtual absl::StatusOr<EventHandlerInfo> GetEventHandler(std::string_view name) {
    return absl::UnimplementedError("this engine has no event handlers");
  }
  virtual absl::StatusOr<std::vector<EventHandlerInfo>> ListEventHandlers() {
    return absl::UnimplementedError("this engine has no event handlers");
  }
  // Deletes the handler (NotFound when there is none); its message records are kept, so a
  // handler created again under the name does not apply a message twice.
  virtual absl::Status DeleteEventHandler(std::string_view name) {
    return absl::UnimplementedError("this engine has no event handlers");
  }
  // The records of the messages `handler` received, by message id, at most `limit`.
  virtual absl::StatusOr<std::vector<EventMessage>> ListEventMessages(std::string_view handler,
                                                                      size_t limit = 100) {
    return absl::UnimplementedError("this engine has no event handlers");
  }

  virtual EngineStats Stats() const = 0;
};

}  // namespace weft

#endif  // WEFT_ENGINE_H_
