// The in-process worker pool and the external-worker API of EngineImpl. A pool thread takes a
// ready task under a lease (a delivery, recorded by the writer through the dispatcher's take
// hook), runs its handler, and submits the result, tagged with its delivery number, to the
// writer without waiting for the commit, so workers keep busy while the writer groups takes
// and results into batches.
#include <chrono>
#include <exception>
#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/engine_impl.h"
#include "engine/payload_limits.h"

namespace weft::engine {
namespace {
constexpr int64_t kPollWaitMs = 50;
constexpr int64_t kSweepPeriodMs = 100;
}  // namespace

void EngineImpl::RegisterWorker(std::string task_type, TaskHandler handler, int concurrency) {
  std::lock_guard<std::mutex> lock(workers_mu_);
  limits_[task_type] = concurrency;
  handlers_[std::move(task_type)] = std::make_shared<const TaskHandler>(std::move(handler));
}

absl::Status EngineImpl::StartWorkers() {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  std::lock_guard<std::mutex> lock(workers_mu_);
  if (workers_running_) return absl::FailedPreconditionError("workers are already running");
  workers_running_ = true;
  int threads = options_.worker_threads > 0 ? options_.worker_threads
                                            : static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 2;
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this, i] { WorkerLoop(i); });
  sweeper_ = std::thread([this] { SweepLeases(); });
  return absl::OkStatus();
}

void EngineImpl::StopWorkers() {
  {
    std::lock_guard<std::mutex> lock(workers_mu_);
    if (!workers_running_) return;
    workers_running_ = false;
  }
  dispatcher_.WakeAll();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  if (sweeper_.joinable()) sweeper_.join();
}

void EngineImpl::WorkerLoop(int index) {
  const std::string worker_id = absl::StrCat("local-", getpid(), "-", index);
  absl::flat_hash_map<std::string, int> limits;
  {
    std::lock_guard<std::mutex> lock(workers_mu_);
    limits = limits_;
  }
  const int64_t lease_ms = absl::ToInt64Milliseconds(options_.lease);
  while (workers_running_) {
    if (writer_->stalled()) {
      // The store cannot commit (disk full): a result could not be recorded, so run nothing
      // new until it can. Polled, like TakeAny's wait; the writer clears the flag on success.
      std::this_thread::sleep_for(std::chrono::milliseconds(kPollWaitMs));
      continue;
    }
    std::optional<Lease> lease =
        dispatcher_.TakeAny(limits, worker_id, *clock_, lease_ms, kPollWaitMs);
    if (!lease) continue;
    std::shared_ptr<const TaskHandler> handler;
    {
      std::lock_guard<std::mutex> lock(workers_mu_);
      handler = handlers_[lease->task.type];
    }
    TaskContext ctx{lease->task.task_id, lease->task.execution_id, lease->task.type,
                    lease->task.attempt, lease->task.input, nullptr, lease->task.delivery};
    ctx.heartbeat = [this, task_id = lease->task.task_id, delivery = lease->task.delivery,
                     &worker_id](Value progress) {
      return Heartbeat(task_id, worker_id, std::move(progress), delivery);
    };
    TaskOutcome outcome = TaskOutcome::Fail("worker did not run");
    try {
      outcome = (*handler)(ctx);
    } catch (const std::exception& e) {
      outcome = TaskOutcome::Fail(absl::StrCat("worker threw: ", e.what()));
    } catch (...) {
      outcome = TaskOutcome::Fail("worker threw a non-standard exception");
    }
    if (outcome.abandoned()) {
      // Shutting down: no result. The task goes out again here with the next delivery number,
      // or, if the process ends first, at the next open ("engine restarted").
      if (std::optional<Lease> given_up = dispatcher_.Release(lease->task.task_id, worker_id,
                                                              lease->task.delivery)) {
        dispatcher_.Enqueue({std::move(given_up->task)});
      }
      continue;
    }
    SubmitResult(lease->task.task_id, worker_id, lease->task.delivery, std::move(outcome),
                 /*wait=*/false)
        .IgnoreError();
  }
}

absl::Status EngineImpl::SubmitResult(std::string_view task_id, std::string_view worker_id,
                                      uint32_t delivery, TaskOutcome outcome, bool wait,
                                      ResultCallback done) {
  results_in_transit_.fetch_add(1);  // before the lease goes, until the writer holds it
  std::optional<Lease> lease = dispatcher_.Release(task_id, worker_id, delivery);
  TaskResultCommand cmd;
  cmd.task_id = std::string(task_id);
  cmd.worker_id = std::string(worker_id);
  // An external worker names no delivery: the lease it holds does, if it still holds one.
  cmd.delivery = delivery != 0 ? delivery : (lease ? lease->task.delivery : 0);
  cmd.ok = outcome.ok();
  cmd.value = outcome.ok() ? outcome.output() : outcome.details();
  cmd.reason = outcome.reason();
  cmd.terminal = outcome.terminal();
  if (const uint64_t bytes =
          PayloadBytesIfNear(cmd.value, options_.limits.max_task_output_bytes);
      bytes > options_.limits.max_task_output_bytes) {
    // Never stored: the attempt fails for good, which the workflow can catch.
    cmd.reason = OverLimitMessage(cmd.ok ? "the task output" : "the task failure's details",
                                  bytes, options_.limits.max_task_output_bytes,
                                  "max_task_output_bytes");
    cmd.ok = false;
    cmd.terminal = true;
    cmd.value = Value();
  }
  // The writer retries failed commits itself; a result it refused for a fault quarantines the
  // execution and withdraws its tasks; one lost at shutdown is handed out again at open.
  if (!wait) {
    writer_->Submit(std::move(cmd), std::move(done));
    results_in_transit_.fetch_sub(1);
    return absl::OkStatus();
  }
  std::promise<absl::Status> promise;
  std::future<absl::Status> future = promise.get_future();
  writer_->Submit(std::move(cmd), [&promise](const absl::Status& s) { promise.set_value(s); });
  results_in_transit_.fetch_sub(1);
  return future.get();
}

void EngineImpl::SubmitTaskResult(std::string_view task_id, std::string_view worker_id,
                                  TaskOutcome outcome, uint32_t delivery, ResultCallback done) {
  if (absl::Status s = RequireWritable(); !s.ok()) {
    if (done) done(s);
    return;
  }
  if (outcome.abandoned()) {
    if (done) done(absl::InvalidArgumentError("an abandoned task has no result to submit"));
    return;
  }
  SubmitResult(task_id, worker_id, delivery, std::move(outcome), /*wait=*/false,
               std::move(done))
      .IgnoreError();  // without waiting, the outcome goes to `done`
}

void EngineImpl::SetTaskReadyListener(TaskReadyListener listener) {
  std::lock_guard<std::mutex> lock(ready_listener_mu_);
  ready_listener_ = listener ? std::make_shared<const TaskReadyListener>(std::move(listener))
                             : nullptr;
}

std::vector<QueueDepth> EngineImpl::QueueDepths() const { return dispatcher_.Depths(); }

void EngineImpl::RecordTake(const Lease& lease) {
  writer_->Submit(TaskTakenCommand{lease.task.task_id, lease.worker_id, lease.task.delivery,
                                   lease.started_ms, lease.expires_ms, lease.kind},
                  nullptr);
}

void EngineImpl::ExpireLeases() {
  // A missed heartbeat's failure is in transit from the dispatcher to the writer.
  results_in_transit_.fetch_add(1);
  struct Done {
    std::atomic<int64_t>& count;
    ~Done() { count.fetch_sub(1); }
  } done{results_in_transit_};
  for (Lease& lease : dispatcher_.ExpireLeases(clock_->NowMs())) {
    ++leases_expired_;
    if (lease.task.heartbeat_ms > 0) {
      // A missed heartbeat fails the attempt; its retry policy decides what comes next.
      TaskResultCommand cmd;
      cmd.task_id = lease.task.task_id;
      cmd.worker_id = lease.worker_id;
      cmd.delivery = lease.task.delivery;
      cmd.ok = false;
      cmd.timed_out = true;
      cmd.reason = absl::StrCat("no heartbeat within ", lease.task.heartbeat_ms, " ms");
      writer_->Submit(std::move(cmd), nullptr);
      continue;
    }
    writer_->Submit(LeaseExpiredCommand{lease.task.task_id, lease.worker_id,
                                        lease.task.delivery, lease.task, ""},
                    nullptr);
  }
}

void EngineImpl::SweepLeases() {
  while (workers_running_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kSweepPeriodMs));
    ExpireLeases();
  }
}

absl::StatusOr<std::optional<LeasedTask>> EngineImpl::PollTask(std::string_view task_type,
                                                               std::string_view worker_id,
                                                               std::string_view domain) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  // External workers may poll without a running pool; expire their stale leases here too.
  if (!workers_running_) ExpireLeases();
  if (writer_->stalled()) return std::optional<LeasedTask>();  // no new work (see WorkerLoop)
  std::optional<Lease> lease =
      dispatcher_.TryTake(task_type, domain, worker_id, storage::DeliveryKind::kExternal, *clock_,
                          absl::ToInt64Milliseconds(options_.lease));
  if (!lease) return std::optional<LeasedTask>();
  LeasedTask leased;
  leased.context = TaskContext{lease->task.task_id, lease->task.execution_id, lease->task.type,
                               lease->task.attempt, lease->task.input, nullptr,
                               lease->task.delivery};
  leased.lease_expires_ms = lease->expires_ms;
  leased.domain = std::move(lease->task.domain);
  leased.workflow_priority = lease->task.workflow_priority;
  return std::optional<LeasedTask>(std::move(leased));
}

absl::Status EngineImpl::CompleteTask(std::string_view task_id, std::string_view worker_id,
                                      Value output, uint32_t delivery) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  return SubmitResult(task_id, worker_id, delivery, TaskOutcome::Complete(std::move(output)),
                      /*wait=*/true);
}

absl::Status EngineImpl::FailTask(std::string_view task_id, std::string_view worker_id,
                                  std::string reason, Value details, bool terminal,
                                  uint32_t delivery) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  return SubmitResult(task_id, worker_id, delivery,
                      terminal ? TaskOutcome::FailTerminal(std::move(reason), std::move(details))
                               : TaskOutcome::Fail(std::move(reason), std::move(details)),
                      /*wait=*/true);
}

}  // namespace engine
