// The Engine implementation (include/weft/engine.h). It wires the store, the program cache,
// the group-commit writer, the dispatcher and the in-process worker pool together; the logic
// of an execution's progress lives in transitions.cc.
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
#include "engine/dispatcher.h"
#include "engine/program_cache.h"
#include "engine/ulid.h"
#include "engine/timer_service.h"
#include "engine/writer.h"
#include "storage/lmdb.h"
#include "weft/engine.h"

namespace weft::engine {

class EngineImpl final : public Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const EngineOptions& options,
                                                      std::unique_ptr<Clock> clock);
  ~EngineImpl() override;

  absl::StatusOr<std::vector<DeployedWorkflow>> Deploy(std::string_view source_path,
                                                       std::string_view source) override;
  absl::StatusOr<std::vector<DeployedWorkflow>> DeployFile(const std::string& path) override;
  absl::StatusOr<std::vector<VersionInfo>> Versions(std::string_view workflow) override;
  absl::StatusOr<std::string> Bytecode(std::string_view workflow, uint32_t version) override;
  absl::StatusOr<std::string> Start(std::string_view workflow, const Value& input,
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
                                                     std::string_view worker_id) override;
  absl::Status CompleteTask(std::string_view task_id, std::string_view worker_id,
                            Value output) override;
  absl::Status FailTask(std::string_view task_id, std::string_view worker_id, std::string reason,
                        Value details, bool terminal) override;
  absl::Status Heartbeat(std::string_view task_id, std::string_view worker_id,
                         Value progress) override;
  absl::Status Signal(std::string_view id, std::string_view name, Value payload) override;
  absl::Status Terminate(std::string_view id, std::string_view reason) override;
  absl::Status Pause(std::string_view id) override;
  absl::Status Resume(std::string_view id) override;
  absl::Status Retry(std::string_view id) override;
  absl::Status Restart(std::string_view id) override;
  absl::StatusOr<PruneResult> Prune(const PruneOptions& options) override;
  EngineStats Stats() const override;

 private:
  // Retention (EngineOptions::retention; prune.cc): a thread that prunes one bounded batch
  // every retention_interval until stopped.
  void StartRetention();
  void StopRetention();
  void RetentionLoop();
  absl::Status Control(std::string_view id, ControlKind kind, std::string reason = "");
  void RegisterSystemTasks();
  // True when nothing is queued, being written, ready or out with a worker: the moment a
  // virtual clock may jump to the next timer.
  bool Idle() const;
  void ExpireLeases();
  EngineImpl(const EngineOptions& options, std::unique_ptr<Clock> clock);
  absl::Status Init();
  absl::Status CheckStoreFormat();
  absl::Status LoadPendingTasks();
  absl::Status RequireWritable() const;
  void AfterCommit(Effects& effects);
  // Sends a worker's result to the writer; `wait` blocks until it is durable.
  absl::Status SubmitResult(std::string_view task_id, std::string_view worker_id,
                            TaskOutcome outcome, bool wait);
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

  // AwaitExecution callers, by execution id: a commit that ends an execution wakes only the
  // callers waiting on that one.
  struct Waiter {
    std::condition_variable cv;
    bool ended = false;
    int count = 0;  // callers sharing this waiter
  };
  std::mutex waiters_mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Waiter>> waiters_;

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
  std::atomic<uint64_t> leases_expired_{0};
  // Results between leaving the dispatcher and reaching the writer's queue: work that neither
  // of them shows (see Idle).
  std::atomic<int64_t> results_in_transit_{0};

  std::atomic<uint64_t> executions_pruned_{0};
  std::mutex retention_mu_;
  std::condition_variable retention_cv_;
  bool retention_stopping_ = false;
  std::thread retention_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_ENGINE_IMPL_H_
