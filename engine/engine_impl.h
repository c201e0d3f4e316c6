// The Engine implementation (include/weft/engine.h). It wires the store, the program cache,
// the group-commit writer, the dispatcher and the in-process worker pool together; the logic
// of an execution's progress lives in engine/transitions/.
#ifndef WEFT_ENGINE_ENGINE_IMPL_H_
#define WEFT_ENGINE_ENGINE_IMPL_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/clock.h"
#include "engine/completions.h"
#include "engine/dispatcher.h"
#include "engine/event_service.h"
#include "engine/outbox_publisher.h"
#include "engine/program_cache.h"
#include "engine/ulid.h"
#include "engine/timer_service.h"
#include "engine/writer.h"
#include "storage/lmdb.h"
#include "storage/outbox.h"
#include "weft/engine.h"

namespace weft::engine {

// NotFound: `workflow` has no alias `name` (aliases.cc).
absl::Status NoAlias(std::string_view workflow, std::string_view name);

class EngineImpl final : public Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const EngineOptions& options,
                                                      std::unique_ptr<Clock> clock);
  ~EngineImpl() override;

  absl::StatusOr<std::vector<DeployedWorkflow>> Deploy(std::string_view source_path,
                                                       std::string_view source) override;
  absl::StatusOr<std::vector<DeployedWorkflow>> DeployFile(const std::string& path) override;
  absl::StatusOr<std::vector<VersionInfo>> Workflows() override;
  absl::StatusOr<std::vector<VersionInfo>> Versions(std::string_view workflow) override;
  absl::StatusOr<std::string> Bytecode(std::string_view workflow, uint32_t version) override;
  absl::StatusOr<DeployedWorkflow> RegisterVersion(const VersionRegistration& registration) override;
  absl::Status RetireVersion(std::string_view workflow, uint32_t version) override;
  absl::Status SetAlias(const VersionAlias& alias) override;
  absl::Status DeleteAlias(std::string_view workflow, std::string_view name) override;
  absl::StatusOr<std::vector<VersionAlias>> Aliases(std::string_view workflow) override;
  // engine/version_gc.cc
  absl::Status DeleteVersion(std::string_view workflow, uint32_t version) override;
  absl::StatusOr<std::vector<CollectedVersion>> CollectVersions(std::string_view workflow,
                                                                bool dry_run) override;
  absl::StatusOr<std::vector<VersionInfo>> AllVersions() override;
  absl::Status PutTaskDefs(const std::vector<TaskDefinition>& defs) override;
  absl::StatusOr<TaskDefinition> GetTaskDef(std::string_view name) override;
  absl::StatusOr<std::vector<TaskDefinition>> ListTaskDefs() override;
  absl::Status DeleteTaskDef(std::string_view name) override;
  absl::StatusOr<std::string> Source(std::string_view workflow, uint32_t version) override;
  absl::StatusOr<std::vector<FiberPosition>> FiberPositions(std::string_view id) override;
  absl::StatusOr<MigrationCheck> CheckMigration(std::string_view file_name,
                                                std::string_view source) override;
  absl::StatusOr<MigrationResult> MigrateExecution(std::string_view id, uint32_t to_version,
                                                   bool dry_run) override;
  absl::StatusOr<std::vector<MigrationResult>> MigrateExecutions(std::string_view workflow,
                                                                 uint32_t from_version,
                                                                 uint32_t to_version,
                                                                 bool dry_run) override;
  absl::StatusOr<std::string> Start(std::string_view workflow, const Value& input,
                                    const StartOptions& options) override;
  absl::StatusOr<std::string> StartAsync(std::string_view workflow, const Value& input,
                                         ExecutionCallback on_end,
                                         const StartOptions& options) override;
  std::vector<absl::StatusOr<std::string>> StartBatch(std::string_view workflow,
                                                      const std::vector<Value>& inputs,
                                                      ExecutionCallback on_end,
                                                      const StartOptions& options) override;
  absl::StatusOr<ExecutionInfo> GetExecution(std::string_view id) override;
  absl::StatusOr<std::vector<ExecutionInfo>> ListExecutions(std::optional<ExecutionStatus> status,
                                                            size_t limit) override;
  absl::StatusOr<std::vector<HistoryEvent>> History(std::string_view id) override;
  absl::StatusOr<std::vector<TaskInfo>> Tasks(std::string_view execution_id) override;
  absl::StatusOr<ExecutionInfo> AwaitExecution(std::string_view id,
                                               absl::Duration timeout) override;
  void RegisterWorker(std::string task_type, TaskHandler handler, int concurrency) override;
  absl::Status StartWorkers() override;
  void StopWorkers() override;
  absl::StatusOr<std::optional<LeasedTask>> PollTask(std::string_view task_type,
                                                     std::string_view worker_id,
                                                     std::string_view domain = {}) override;
  absl::Status CompleteTask(std::string_view task_id, std::string_view worker_id, Value output,
                            uint32_t delivery) override;
  absl::Status FailTask(std::string_view task_id, std::string_view worker_id, std::string reason,
                        Value details, bool terminal, uint32_t delivery) override;
  absl::Status Heartbeat(std::string_view task_id, std::string_view worker_id, Value progress,
                         uint32_t delivery) override;
  void SubmitTaskResult(std::string_view task_id, std::string_view worker_id,
                        TaskOutcome outcome, uint32_t delivery, ResultCallback done) override;
  void SetTaskReadyListener(TaskReadyListener listener) override;
  absl::StatusOr<TaskInfo> GetTask(std::string_view task_id) override;
  std::vector<QueueDepth> QueueDepths() const override;
  absl::Status AddTaskLogs(std::string_view task_id, std::vector<std::string> lines) override;
  absl::StatusOr<std::vector<TaskLog>> TaskLogs(std::string_view task_id) override;
  absl::Status Signal(std::string_view id, std::string_view name, Value payload) override;
  absl::Status Terminate(std::string_view id, std::string_view reason) override;
  absl::Status Pause(std::string_view id) override;
  absl::Status Resume(std::string_view id) override;
  absl::Status Retry(std::string_view id) override;
  absl::Status Restart(std::string_view id) override;
  absl::StatusOr<PruneResult> Prune(const PruneOptions& options) override;
  absl::StatusOr<ExecutionPage> SearchExecutions(const ExecutionQuery& query) override;
  absl::Status RemoveExecution(std::string_view id) override;
  absl::StatusOr<Schedule> CreateSchedule(const Schedule& schedule, bool replace) override;
  absl::StatusOr<Schedule> GetSchedule(std::string_view name) override;
  absl::StatusOr<std::vector<Schedule>> ListSchedules() override;
  absl::Status PauseSchedule(std::string_view name) override;
  absl::Status ResumeSchedule(std::string_view name) override;
  absl::Status DeleteSchedule(std::string_view name) override;
  absl::StatusOr<std::vector<int64_t>> NextScheduleTimes(std::string_view name,
                                                         size_t count) override;
  absl::StatusOr<EventHandlerInfo> CreateEventHandler(const Value& definition,
                                                      bool replace) override;
  absl::StatusOr<EventHandlerInfo> GetEventHandler(std::string_view name) override;
  absl::StatusOr<std::vector<EventHandlerInfo>> ListEventHandlers() override;
  absl::Status DeleteEventHandler(std::string_view name) override;
  absl::StatusOr<std::vector<EventMessage>> ListEventMessages(std::string_view handler,
                                                              size_t limit) override;
  EngineStats Stats() const override;

  // Applies a handler's message as the NATS listener does (event_handlers.cc), without NATS:
  // `done` is told after the commit (AlreadyExists for a message recorded before).
  void ApplyEvent(events::HandledMessage message, events::ApplyDone done);

  // True when nothing can happen any more without a caller: no command queued or being
  // written, no task ready or out with a worker, no timer set or firing. For tests that drive
  // the engine in lockstep (tests/golden/run).
  bool Quiescent() const;
  // Returns once whatever was committed before the call has had its effects: a task a reader
  // found SCHEDULED in the store can then be taken with PollTask. (The writer hands tasks to
  // the dispatcher just after the commit, so a reader may see one a moment before.)
  void AwaitCommitEffects() { writer_->AwaitBatchInFlight(); }

 private:
  // Retention (EngineOptions::retention; prune.cc): a thread that prunes one bounded batch
  // every retention_interval until stopped.
  void StartRetention();
  void StopRetention();
  void RetentionLoop();
  // The event message records older than `cutoff_ms` (prune.cc): until the table's end, or one
  // bounded batch resuming where the last bounded one stopped (message_cursor_).
  absl::Status PruneEventMessages(int64_t cutoff_ms, const PruneOptions& options,
                                  PruneResult* result);
  absl::Status Control(std::string_view id, ControlKind kind, std::string reason = "");
  void RegisterSystemTasks();
  // `publish` (outbox.cc): starts the publisher when a NATS URL is set, or says on stderr that
  // messages wait in the outbox when there is none.
  absl::Status StartPublisher();
  // `nats`: some of them are for NATS (the warning when no URL is set).
  void MessagesQueued(bool nats);
  // Conductor's internal queues (conductor_queue.cc): applies `rows` to the handlers of their
  // queues and deletes them in one transaction; `done` after the commit.
  void DeliverLocal(std::vector<storage::OutboxMessage> rows,
                    std::function<void(const absl::Status&)> done);
  // True when nothing is queued, being written, ready or out with a worker: the moment a
  // virtual clock may jump to the next timer.
  bool Idle() const;
  void ExpireLeases();
  EngineImpl(const EngineOptions& options, std::unique_ptr<Clock> clock);
  absl::Status Init();
  absl::Status CheckStoreFormat();
  absl::Status LoadPendingTasks();
  absl::Status RequireWritable() const;
  // Unavailable, naming the reason, while the writer cannot commit (disk full): `what` says
  // what is refused, e.g. "no new executions".
  absl::Status RefuseWhileStalled(std::string_view what) const;
  // Starting (start.cc): whether new executions are taken, the version a start pins, and one
  // checked start command per input.
  struct PinnedVersion {
    ProgramPtr program;
    uint32_t version = 0;
    std::string hash;
    std::string alias;  // the alias it was picked through; empty when none
  };
  absl::Status CheckCanStart(std::string_view workflow) const;
  // `route_key` picks a weighted alias's version (PickAliasVersion).
  absl::StatusOr<PinnedVersion> PinVersion(std::string_view workflow, const StartOptions& options,
                                           std::string_view route_key = {});
  // `id`: the execution id, a new one when empty.
  absl::StatusOr<StartCommand> MakeStart(std::string_view workflow, const PinnedVersion& pinned,
                                         const Value& input, std::string id = {});
  absl::StatusOr<std::optional<storage::VersionRow>> ChooseVersion(storage::Txn& txn,
                                                                   std::string_view workflow,
                                                                   const StartOptions& options,
                                                                   std::string_view route_key);
  absl::StatusOr<StartCommand> MakeBatchStart(std::string_view workflow, const PinnedVersion& pinned,
                                              const StartOptions& options, const Value& input);
  // A new execution id.
  std::string NewExecutionId();
  // Schedules (schedules.cc): everything about a schedule that can be checked before the
  // writer sees it, and one change sent to the writer.
  absl::Status CheckSchedule(const Schedule& schedule);
  absl::StatusOr<Schedule> ChangeSchedule(ScheduleCommand cmd);
  // The executions `ids` in one read snapshot (queries.cc), for the completion thread.
  std::vector<absl::StatusOr<ExecutionInfo>> ReadExecutions(const std::vector<std::string>& ids);
  void AfterCommit(Effects& effects);
  // Event handlers (event_handlers.cc): starts the listener again over the handlers stored
  // now, when the engine listens (EngineOptions::nats_url); a failure is logged.
  void RestartEventListener();
  void FillListenStates(std::vector<EventHandlerInfo>& handlers);
  // Sends a worker's result for delivery `delivery` (0: the one `worker_id` holds) to the
  // writer; `wait` blocks until it is durable.
  absl::Status SubmitResult(std::string_view task_id, std::string_view worker_id,
                            uint32_t delivery, TaskOutcome outcome, bool wait,
                            ResultCallback done = nullptr);
  // The dispatcher's take hook: queues the delivery's TaskTakenCommand.
  void RecordTake(const Lease& lease);
  void WorkerLoop(int index);
  void SweepLeases();

  const EngineOptions options_;
  std::unique_ptr<Clock> clock_;
  int lock_fd_ = -1;
  std::unique_ptr<storage::Env> env_;
  ProgramCache programs_;
  UlidGenerator ids_;
  Dispatcher dispatcher_;
  std::unique_ptr<Writer> writer_;
  VirtualClock* virtual_clock_ = nullptr;  // clock_ when time is simulated
  std::unique_ptr<TimerService> timers_;
  std::unique_ptr<EventService> events_;  // with EngineOptions::nats_url

  // AwaitExecution callers, by execution id: a commit that ends an execution wakes only the
  // callers waiting on that one.
  struct Waiter {
    std::condition_variable cv;
    bool ended = false;
    int count = 0;  // callers sharing this waiter
  };
  std::mutex waiters_mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Waiter>> waiters_;
  // StartAsync and StartBatch callbacks, told of ends by the same commits as the waiters.
  Completions completions_{[this](const std::vector<std::string>& ids) {
    return ReadExecutions(ids);
  }};

  std::mutex workers_mu_;
  // Shared, so a pool thread keeps its handler alive even if the map rehashes meanwhile.
  absl::flat_hash_map<std::string, std::shared_ptr<const TaskHandler>> handlers_;
  absl::flat_hash_map<std::string, int> limits_;
  std::vector<std::thread> workers_;
  std::thread sweeper_;
  std::atomic<bool> workers_running_{false};

  std::atomic<uint64_t> checkpoint_bytes_{0};
  std::atomic<uint64_t> checkpoints_{0};
  std::atomic<uint64_t> results_ignored_{0};
  std::atomic<uint64_t> states_loaded_{0};
  uint64_t rows_read_at_open_ = 0;  // by LoadPendingTasks
  std::atomic<uint64_t> leases_expired_{0};
  // Results between leaving the dispatcher and reaching the writer's queue: work that neither
  // of them shows (see Idle).
  std::atomic<int64_t> results_in_transit_{0};

  std::atomic<uint64_t> executions_pruned_{0};
  // SetTaskReadyListener's listener; the dispatcher's ready hook reads it under the mutex.
  std::mutex ready_listener_mu_;
  std::shared_ptr<const TaskReadyListener> ready_listener_;
  std::mutex retention_mu_;
  std::condition_variable retention_cv_;
  bool retention_stopping_ = false;
  std::thread retention_;
  // Where the next bounded pass over `event_messages` starts (PruneEventMessages).
  std::mutex message_cursor_mu_;
  std::string message_cursor_;
  // Sends the outbox to NATS (EngineOptions::nats_url, when set) and to Conductor's internal
  // queues; null when the engine is read-only.
  std::unique_ptr<OutboxPublisher> publisher_;
  std::atomic<uint64_t> conductor_delivered_{0};
  std::atomic<uint64_t> conductor_unmatched_{0};
  std::atomic<bool> warned_no_nats_{false};
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_ENGINE_IMPL_H_
