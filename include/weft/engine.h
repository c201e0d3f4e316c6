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
//
// The types the methods take and return live in one header per family, all included here:
// weft/options.h (EngineOptions), statuses.h, versions.h, aliases.h, task_domains.h,
// executions.h, migration.h, workers.h, retention.h, schedules.h and events.h.
#ifndef WEFT_ENGINE_H_
#define WEFT_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "weft/aliases.h"
#include "weft/events.h"
#include "weft/executions.h"
#include "weft/migration.h"
#include "weft/options.h"
#include "weft/retention.h"
#include "weft/schedules.h"
#include "weft/statuses.h"
#include "weft/task_domains.h"
#include "weft/value.h"
#include "weft/versions.h"
#include "weft/workers.h"

namespace weft {

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
