// See engine_impl.h. Opening, starting, the worker pool and external workers; deploying and
// read-only queries live in deploy.cc and queries.cc.
#include "engine/engine_impl.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/name_limits.h"
#include "common/strings.h"
#include "common/status_macros.h"
#include "engine/payload_limits.h"
#include "engine/task_policy.h"
#include "storage/keys.h"
#include "storage/prune.h"
#include "storage/records.h"
#include "storage/registry.h"
#include "storage/upgrade.h"
#include "value/value_codec.h"
#include "vm/vm.h"

namespace weft {

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  if (options.virtual_time) {
    return engine::EngineImpl::Open(options, std::make_unique<engine::VirtualClock>());
  }
  return engine::EngineImpl::Open(options, std::make_unique<engine::SystemClock>());
}

namespace engine {
namespace {

// Seeds each execution's checkpointed random generator. random_device is costly to open, so
// each thread opens it once to seed a fast generator of its own.
uint64_t NewSeed() {
  thread_local std::mt19937_64 rng(static_cast<uint64_t>(std::random_device{}()) << 32 ^
                                   std::random_device{}());
  return rng();
}

}  // namespace

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
  writer_ = std::make_unique<Writer>(*env_, *clock_, programs_, ids_, options_.max_batch,
                                     options_.limits,
                                     std::move(hooks));
  WEFT_RETURN_IF_ERROR(LoadPendingTasks());
  RegisterSystemTasks();
  timers_ = std::make_unique<TimerService>(*env_, *clock_, virtual_clock_, *writer_,
                                           [this] { return Idle(); });
  timers_->Start();
  StartRetention();
  return absl::OkStatus();
}

// storage::Env::Open has refused formats outside the readable range; a read-write open brings
// an older one up to date (storage/upgrade.h).
absl::Status EngineImpl::CheckStoreFormat() { return storage::UpgradeStore(*env_); }

// Every task that was scheduled and not finished when the store was last closed (or the
// process died) is handed out again.
absl::Status EngineImpl::LoadPendingTasks() {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  std::vector<ReadyTask> ready;
  // Queued tasks whose rows are missing or damaged, with why: their executions are
  // quarantined once the writer runs, and the store opens for everything else.
  std::vector<std::pair<std::string, std::string>> damaged;
  WEFT_RETURN_IF_ERROR(txn.ScanPrefix(
      storage::Table::kQueue, "", [&](std::string_view key, std::string_view) {
        size_t sep = key.find('\0');
        std::string_view task_id = key.substr(sep + 1);
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
                    task->info.attempt, task->info.input};
        // Its priority and heartbeat timeout come from the policy in its wait record.
        auto wait = txn.Get(storage::Table::kWaits,
                            storage::WaitKey(task->info.execution_id, task->wait_id));
        if (wait.ok() && *wait) {
          absl::StatusOr<Value> record = DecodeValue(
              reinterpret_cast<const uint8_t*>((*wait)->data()), (*wait)->size());
          if (record.ok() && record->is_object()) {
            const Value* policy = record->as_object().Find("policy");
            const TaskPolicy p = ParsePolicy(policy != nullptr ? *policy : Value());
            r.priority = p.priority;
            r.heartbeat_ms = p.heartbeat_ms;
          }
        }
        ready.push_back(std::move(r));
        return true;
      }));
  for (const auto& [task_id, why] : damaged) {
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
  return absl::OkStatus();
}

EngineImpl::~EngineImpl() {
  StopRetention();
  if (timers_) timers_->Stop();
  StopWorkers();
  if (writer_) writer_->Stop();
  writer_.reset();
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
  dispatcher_.Enqueue(std::move(effects.ready));
  dispatcher_.Cancel(effects.canceled);
  if (timers_) {
    for (int64_t due : effects.timers) timers_->Notify(due);
  }
  if (effects.ended.empty()) return;
  std::lock_guard<std::mutex> lock(waiters_mu_);
  for (const std::string& id : effects.ended) {
    auto it = waiters_.find(id);
    if (it == waiters_.end()) continue;
    it->second->ended = true;
    it->second->cv.notify_all();
  }
}

absl::StatusOr<std::string> EngineImpl::Start(std::string_view workflow, const Value& input,
                                              const StartOptions& options) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_RETURN_IF_ERROR(CheckNameLength("workflow", workflow));  // not a key LMDB refuses
  if (writer_->stalled()) {
    // Disk full or failing: take no new work until commits succeed again.
    return absl::UnavailableError(absl::StrCat("the store cannot commit (",
                                               writer_->stats().stall_reason,
                                               "); no new executions until it can"));
  }
  StartCommand cmd;
  {
    WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
    std::optional<storage::VersionRow> version;
    if (options.version) {
      WEFT_ASSIGN_OR_RETURN(version, storage::GetVersion(txn, workflow, *options.version));
    } else {
      WEFT_ASSIGN_OR_RETURN(version, storage::LatestVersion(txn, workflow));
    }
    if (!version) {
      WEFT_ASSIGN_OR_RETURN(auto latest, storage::LatestVersion(txn, workflow));
      if (!latest) {
        return absl::NotFoundError(absl::StrCat("no workflow `", ToAbsl(workflow), "` is deployed"));
      }
      return absl::NotFoundError(absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ",
                                              *options.version, " (latest is ", latest->version,
                                              ")"));
    }
    WEFT_ASSIGN_OR_RETURN(cmd.program, programs_.Get(txn, version->hash));
    cmd.version = version->version;
    cmd.hash = version->hash;
  }
  if (!input.is_object() && !input.is_null()) {
    return absl::InvalidArgumentError(absl::StrCat("workflow input must be a JSON object, got ",
                                                   ToAbsl(Value::KindName(input.kind()))));
  }
  const Value bound_input = input.is_null() ? Value::MakeObject(Object()) : input;
  if (const uint64_t bytes = PayloadBytesIfNear(bound_input, options_.limits.max_input_bytes);
      bytes > options_.limits.max_input_bytes) {
    return absl::InvalidArgumentError(OverLimitMessage(
        "the workflow input", bytes, options_.limits.max_input_bytes, "max_input_bytes"));
  }
  WEFT_ASSIGN_OR_RETURN(cmd.args, vm::BindInput(cmd.program->program, bound_input));
  cmd.workflow = std::string(workflow);
  cmd.input = bound_input;
  cmd.execution_id = ids_.Next(clock_->NowMs());
  cmd.seed = NewSeed();
  std::string id = cmd.execution_id;
  WEFT_RETURN_IF_ERROR(writer_->SubmitAndWait(std::move(cmd)));
  return id;
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
  if (info.ok() && !IsEnded(info->status)) {
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
  }
  s.checkpoint_bytes_total = checkpoint_bytes_;
  s.checkpoints_written = checkpoints_;
  s.results_ignored = results_ignored_;
  s.leases_expired = leases_expired_;
  s.executions_pruned = executions_pruned_;
  if (absl::StatusOr<storage::Txn> txn = storage::Txn::BeginRead(*env_); txn.ok()) {
    if (absl::StatusOr<storage::StoreSize> size = storage::MeasureStore(*txn); size.ok()) {
      s.store_rows = size->rows;
      s.store_pages = size->pages;
    }
  }
  return s;
}

}  // namespace engine
}  // namespace weft
