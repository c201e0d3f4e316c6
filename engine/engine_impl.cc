// See engine_impl.h. Opening and closing the engine, what a commit sets off (AfterCommit) and
// AwaitExecution; starting lives in start.cc, deploying and read-only queries in deploy.cc and
// queries.cc, the worker pool in workers.cc.
#include "engine/engine_impl.h"
#include "engine/weft_condition.h"
#include "events/handler.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "common/status_macros.h"
#include "engine/task_policy.h"
#include "storage/keys.h"
#include "storage/outbox.h"
#include "storage/prune.h"
#include "storage/records.h"
#include "storage/upgrade.h"
#include "value/value_codec.h"

namespace weft {

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  if (options.virtual_time) {
    return engine::EngineImpl::Open(options, std::make_unique<engine::VirtualClock>());
  }
  return engine::EngineImpl::Open(options, std::make_unique<engine::SystemClock>());
}

namespace engine {

absl::StatusOr<std::unique_ptr<Engine>> EngineImpl::Open(const EngineOptions& options,
                                                         std::unique_ptr<Clock> clock) {
  std::unique_ptr<EngineImpl> engine(new EngineImpl(options, std::move(clock)));
  WEFT_RETURN_IF_ERROR(engine->Init());
  return std::unique_ptr<Engine>(std::move(engine));
}

EngineImpl::EngineImpl(const EngineOptions& options, std::unique_ptr<Clock> clock)
    : options_(options), clock_(std::move(clock)),
      virtual_clock_(dynamic_cast<VirtualClock*>(clock_.get())) {}

absl::Status EngineImpl::Init() {
  storage::Env::Options env_options;
  env_options.path = options_.path;
  env_options.map_size_bytes = options_.map_size_bytes;
  env_options.read_only = options_.read_only;
  env_options.no_sync = options_.durability == Durability::kNoSync;
  WEFT_ASSIGN_OR_RETURN(env_, storage::Env::Open(env_options));
  if (!options_.read_only) {
    // One read-write engine per store: its in-memory queues and leases must be the only ones.
    std::string lock_path = options_.path + "/weft.lock";
    lock_fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return absl::InternalError(absl::StrCat("cannot open ", lock_path));
    if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the store `", options_.path, "` is in use by another weft process"));
    }
  }
  WEFT_RETURN_IF_ERROR(CheckStoreFormat());
  if (options_.read_only) return absl::OkStatus();
  WriterHooks hooks;
  hooks.after_commit = [this](Effects& effects) { AfterCommit(effects); };
  hooks.is_started = [this](std::string_view task_id) { return dispatcher_.IsLeased(task_id); };
  hooks.grow_map = [this] { return env_->GrowMap(); };
  hooks.domain_active = [this](std::string_view type, std::string_view domain) {
    return dispatcher_.DomainActive(type, domain, clock_->NowMs());
  };
  writer_ = std::make_unique<Writer>(*env_, *clock_, programs_, ids_, options_.max_batch,
                                     options_.limits,
                                     std::move(hooks));
  dispatcher_.SetTakeHook([this](const Lease& lease) { RecordTake(lease); });
  dispatcher_.SetReadyHook([this](const std::vector<std::string>& types) {
    std::shared_ptr<const TaskReadyListener> listener;
    {
      std::lock_guard<std::mutex> lock(ready_listener_mu_);
      listener = ready_listener_;
    }
    if (listener) (*listener)(types);
  });
  WEFT_RETURN_IF_ERROR(LoadPendingTasks());
  RegisterSystemTasks();
  timers_ = std::make_unique<TimerService>(*env_, *clock_, virtual_clock_, *writer_,
                                           [this] { return Idle(); });
  timers_->Start();
  StartRetention();
  events::RegisterWeftConditions(&EvaluateWeftCondition);
  if (!options_.nats_url.empty()) {
    events_ = std::make_unique<EventService>(*writer_, *env_, options_.nats_url,
                                             options_.nats_ack_wait, options_.nats_retry_max);
    WEFT_RETURN_IF_ERROR(events_->Restart());
  }
  return StartPublisher();
}

// storage::Env::Open has refused formats outside the readable range; a read-write open brings
// an older one up to date (storage/upgrade.h).
absl::Status EngineImpl::CheckStoreFormat() { return storage::UpgradeStore(*env_); }

// Every task that was scheduled and not finished when the store was last closed (or the
// process died) is handed out again. One found IN_PROGRESS was out with a worker: an external
// worker's delivery keeps its lease until the lease expires (the worker may still answer); an
// in-process worker's died with the process, and one whose lease ran out is over too: those
// are handed out again at once, with the next delivery number and TASK_REDELIVERED.
absl::Status EngineImpl::LoadPendingTasks() {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  const int64_t now_ms = clock_->NowMs();
  std::vector<ReadyTask> ready;
  std::vector<Lease> standing;               // external deliveries whose lease still runs
  std::vector<LeaseExpiredCommand> lost;     // deliveries to hand out again

  // Queued tasks whose rows are missing or damaged, with why: their executions are
  // quarantined once the writer runs, and the store opens for everything else.
  std::vector<std::pair<std::string, std::string>> damaged;
  WEFT_RETURN_IF_ERROR(txn.ScanPrefix(
      storage::Table::kQueue, "", [&](std::string_view key, std::string_view) {
        size_t sep = key.find('\0');
        std::string_view task_id = key.substr(sep + 1);
        rows_read_at_open_ += 2;  // the queue row and its task
        auto bytes = txn.Get(storage::Table::kTasks, task_id);
        if (!bytes.ok() || !*bytes) {
          damaged.emplace_back(task_id, bytes.ok() ? "its row is missing"
                                                   : std::string(bytes.status().message()));
          return true;
        }
        absl::StatusOr<storage::TaskRow> task = storage::DecodeTask(**bytes);
        if (!task.ok()) {
          damaged.emplace_back(task_id, std::string(task.status().message()));
          return true;
        }
        ReadyTask r{std::string(task_id), task->info.execution_id, task->info.type,
                    task->info.attempt, task->info.input, 0, 0, 0, task->info.domain,
                    task->info.workflow_priority};
        // Its priority and heartbeat timeout come from the policy in its wait record.
        auto wait = txn.Get(storage::Table::kWaits,
                            storage::WaitKey(task->info.execution_id, task->wait_id));
        if (wait.ok() && *wait) {
          ++rows_read_at_open_;
          if (absl::StatusOr<storage::WaitRow> record = storage::DecodeWait(**wait); record.ok()) {
            const TaskPolicy p = ParsePolicy(record->policy);
            r.priority = p.priority;
            r.heartbeat_ms = p.heartbeat_ms;
          }
        }
        r.delivery = task->info.delivery;
        if (task->info.status == TaskStatus::kInProgress) {
          const bool external = task->delivery_kind == storage::DeliveryKind::kExternal;
          if (external && task->info.lease_expires_ms > now_ms) {
            standing.push_back(Lease{std::move(r), task->info.worker_id, task->info.started_ms,
                                     task->info.lease_expires_ms, task->delivery_kind});
          } else {
            lost.push_back(LeaseExpiredCommand{std::string(task_id), task->info.worker_id,
                                               task->info.delivery, std::move(r),
                                               external ? "lease expired" : "engine restarted"});
          }
          return true;
        }
        ready.push_back(std::move(r));
        return true;
      }));
  for (const auto& entry : damaged) {
    const auto& task_id = entry.first;  // not bound: clang 15 cannot capture a binding
    const auto& why = entry.second;
    // The task row says whose it is; without it, the execution's task index does.
    std::string owner;
    WEFT_RETURN_IF_ERROR(txn.ScanPrefix(
        storage::Table::kExecTasks, "", [&](std::string_view key, std::string_view) {
          const size_t sep = key.find('\0');
          if (sep != std::string_view::npos && key.substr(sep + 1) == task_id) {
            owner = std::string(key.substr(0, sep));
            return false;
          }
          return true;
        }));
    const std::string reason = absl::StrCat("queued task ", task_id, " is damaged: ", why);
    std::fprintf(stderr, "weft: %s%s\n", reason.c_str(),
                 owner.empty() ? "; its execution is unknown (run `weft verify`)" : "");
    if (!owner.empty()) writer_->Submit(QuarantineCommand{owner, reason}, nullptr);
  }
  // The queue table is keyed by type, then id; hand tasks out oldest first across types.
  std::sort(ready.begin(), ready.end(),
            [](const ReadyTask& a, const ReadyTask& b) { return a.task_id < b.task_id; });
  dispatcher_.Enqueue(std::move(ready));
  for (Lease& lease : standing) dispatcher_.Restore(std::move(lease));
  // The writer puts each back in its queue after recording why (ApplyLeaseExpired).
  for (LeaseExpiredCommand& cmd : lost) writer_->Submit(std::move(cmd), nullptr);
  return absl::OkStatus();
}

EngineImpl::~EngineImpl() {
  if (events_) events_->Stop();  // before the writer: it answers what the listener handed over
  if (publisher_) {
    publisher_->Drain(absl::Seconds(5));  // the last steps' messages, unless NATS fails
    publisher_->Stop();
  }
  StopRetention();
  if (timers_) timers_->Stop();
  StopWorkers();
  if (writer_) writer_->Stop();
  // Every end the writer committed has reached the completions; the rest never will.
  completions_.Close(absl::UnavailableError(
      "the engine closed before the execution ended; it goes on when the store is reopened"));
  writer_.reset();
  publisher_.reset();  // after the writer: its last deletions call back into it
  env_.reset();
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

absl::Status EngineImpl::RequireWritable() const {
  if (options_.read_only) return absl::FailedPreconditionError("the engine is open read-only");
  return absl::OkStatus();
}

void EngineImpl::AfterCommit(Effects& effects) {
  checkpoint_bytes_ += effects.checkpoint_bytes;
  checkpoints_ += effects.checkpoints;
  results_ignored_ += effects.results_ignored;
  states_loaded_ += effects.states_loaded;
  dispatcher_.Enqueue(std::move(effects.ready));
  dispatcher_.Cancel(effects.canceled);
  if (effects.messages_queued > 0) MessagesQueued(effects.nats_messages_queued > 0);
  if (timers_) {
    for (int64_t due : effects.timers) timers_->Notify(due);
  }
  if (effects.ended.empty()) return;
  completions_.Ended(effects.ended);
  std::lock_guard<std::mutex> lock(waiters_mu_);
  for (const std::string& id : effects.ended) {
    auto it = waiters_.find(id);
    if (it == waiters_.end()) continue;
    it->second->ended = true;
    it->second->cv.notify_all();
  }
}

absl::Status EngineImpl::RefuseWhileStalled(std::string_view what) const {
  if (!writer_->stalled()) return absl::OkStatus();
  // Disk full or failing: take no new work until commits succeed again.
  return absl::UnavailableError(absl::StrCat("the store cannot commit (",
                                             writer_->stats().stall_reason, "); ",
                                             ToAbsl(what), " until it can"));
}

absl::StatusOr<ExecutionInfo> EngineImpl::AwaitExecution(std::string_view id,
                                                         absl::Duration timeout) {
  if (options_.read_only) {
    WEFT_ASSIGN_OR_RETURN(ExecutionInfo info, GetExecution(id));
    if (!IsEnded(info.status)) {
      return absl::FailedPreconditionError("cannot wait on a read-only engine");
    }
    return info;
  }
  // Register before reading the status, so an end committed in between is not missed.
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard<std::mutex> lock(waiters_mu_);
    auto& slot = waiters_[ToAbsl(id)];
    if (!slot) slot = std::make_shared<Waiter>();
    ++slot->count;
    waiter = slot;
  }
  auto unregister = [&] {
    std::lock_guard<std::mutex> lock(waiters_mu_);
    if (--waiter->count == 0) waiters_.erase(ToAbsl(id));
  };
  absl::StatusOr<ExecutionInfo> info = GetExecution(id);
  if (info.ok() && IsEnded(info->status)) {
    // A reader may see a batch before its commit is durable (storage::Txn::DeferSync); an
    // end is reported only once it is.
    writer_->AwaitDurable();
  } else if (info.ok()) {
    {
      std::unique_lock<std::mutex> lock(waiters_mu_);
      waiter->cv.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return waiter->ended; });
    }
    info = GetExecution(id);
    if (info.ok() && !IsEnded(info->status)) {
      info = absl::DeadlineExceededError(absl::StrCat("execution ", ToAbsl(id), " is still ",
                                                      ToAbsl(ExecutionStatusName(info->status))));
    }
  }
  unregister();
  return info;
}

EngineStats EngineImpl::Stats() const {
  EngineStats s;
  if (writer_) {
    const WriterStats w = writer_->stats();
    s.commits = w.commits;
    s.transitions = w.transitions;
    s.commit_failures = w.commit_failures;
    s.quarantined = w.quarantined;
    s.map_grows = w.map_grows;
    s.store_puts = w.written.puts;
    s.store_deletes = w.written.deletes;
    s.store_bytes_written = w.written.bytes;
  }
  s.checkpoint_bytes_total = checkpoint_bytes_;
  s.checkpoints_written = checkpoints_;
  s.results_ignored = results_ignored_;
  s.states_loaded = states_loaded_;
  s.rows_read_at_open = rows_read_at_open_;
  s.leases_expired = leases_expired_;
  s.executions_pruned = executions_pruned_;
  if (publisher_) {
    s.messages_published = publisher_->published();
    s.publish_failures = publisher_->failures();
  }
  s.conductor_events_delivered = conductor_delivered_.load();
  s.conductor_events_unmatched = conductor_unmatched_.load();
  if (events_) {
    for (const events::HandlerState& h : events_->States()) {
      if (!h.listening) ++s.event_handlers_not_listening;
    }
  }
  if (absl::StatusOr<storage::Txn> txn = storage::Txn::BeginRead(*env_); txn.ok()) {
    if (absl::StatusOr<uint64_t> depth = storage::OutboxStore(*txn).Count(); depth.ok()) {
      s.outbox_depth = *depth;
    }
    if (absl::StatusOr<storage::StoreSize> size = storage::MeasureStore(*txn); size.ok()) {
      s.store_rows = size->rows;
      s.store_pages = size->pages;
    }
  }
  return s;
}

}  // namespace engine
}  // namespace weft
