// See writer.h.
#include "engine/writer.h"

#include "engine/transitions.h"

#include <cstdio>
#include <future>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/check.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace weft::engine {
namespace {

// Errors that describe the command, not the store: the batch goes on without it.
bool IsCommandError(const absl::Status& s) {
  return absl::IsNotFound(s) || absl::IsFailedPrecondition(s) || absl::IsInvalidArgument(s) ||
         absl::IsAlreadyExists(s);
}

// While transitions are applied, LMDB only touches memory; the one failure of the machine it
// can report then is a full map. Every other error there is the fault of the execution the
// failing command touched. A failed commit (disk full, I/O error, full map) is the machine's:
// the same batch is tried again.
bool IsStorageFailureWhileApplying(const absl::Status& s) {
  return storage::IsMapFull(s) || storage::IsDiskFull(s);
}

// Commands a client is waiting on that bring new work: starting an execution, a signal, a
// control command, a prune batch. While the store cannot commit (disk full), they are refused
// at once with the reason instead of waiting for space (the caller may try again); the work
// already in flight (task results, timers, lease expiries, ...) is kept and retried.
bool IsNewWork(const Command& command) {
  return std::holds_alternative<StartCommand>(command) ||
         std::holds_alternative<SignalCommand>(command) ||
         std::holds_alternative<ControlCommand>(command) ||
         std::holds_alternative<MigrateCommand>(command) ||
         std::holds_alternative<MaintenanceCommand>(command) ||
         std::holds_alternative<ScheduleCommand>(command) ||
         std::holds_alternative<EventCommand>(command) ||
         std::holds_alternative<EventHandlerCommand>(command);
}

// A batch of this many commands hands its meta-page flush to the syncer, to be overlapped with
// the next batch. A smaller one is flushed by the writer itself: under light load the flush
// of the syncer would wait behind the next batch's own (fdatasync waits for all the file's
// writeback), which made each answer slower (bench/timers: starting 10,000 executions from
// 8 threads took 1.1-1.3 s instead of 0.8 s).
constexpr size_t kOverlapAt = 16;

// Backoff after the n-th consecutive failed commit: 10 ms doubling to 5 s.
int64_t BackoffMs(int failures) {
  int64_t ms = 10;
  for (int i = 1; i < failures && ms < 5000; ++i) ms *= 2;
  return ms < 5000 ? ms : 5000;
}

absl::Status Apply(TransitionEnv& env, const Command& command) {
  return std::visit(
      [&](const auto& cmd) -> absl::Status {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, StartCommand>) return ApplyStart(env, cmd);
        if constexpr (std::is_same_v<T, TaskTakenCommand>) return ApplyTaskTaken(env, cmd);
        if constexpr (std::is_same_v<T, TaskResultCommand>) return ApplyTaskResult(env, cmd);
        if constexpr (std::is_same_v<T, LeaseExpiredCommand>) return ApplyLeaseExpired(env, cmd);
        if constexpr (std::is_same_v<T, TimerFiredCommand>) return ApplyTimerFired(env, cmd);
        if constexpr (std::is_same_v<T, SignalCommand>) return ApplySignal(env, cmd);
        if constexpr (std::is_same_v<T, ScheduleCommand>) return ApplyScheduleChange(env, cmd);
        if constexpr (std::is_same_v<T, EventCommand>) return ApplyEvent(env, cmd);
        if constexpr (std::is_same_v<T, EventHandlerCommand>) {
          return ApplyEventHandlerChange(env, cmd);
        }
        if constexpr (std::is_same_v<T, HeartbeatCommand>) return ApplyHeartbeat(env, cmd);
        if constexpr (std::is_same_v<T, ControlCommand>) return ApplyControl(env, cmd);
        if constexpr (std::is_same_v<T, MigrateCommand>) return ApplyMigrate(env, cmd);
        if constexpr (std::is_same_v<T, QuarantineCommand>) {
          return ApplyQuarantine(env, cmd.execution_id, cmd.reason);
        }
        if constexpr (std::is_same_v<T, OutboxSentCommand>) return ApplyOutboxSent(env, cmd);
        if constexpr (std::is_same_v<T, LocalEventsCommand>) return ApplyLocalEvents(env, cmd);
        if constexpr (std::is_same_v<T, MaintenanceCommand>) {
          WEFT_RETURN_IF_ERROR(FlushLiveCache(env));
          ForgetLiveCache(*env.cache);  // it may delete rows the cache holds
          return cmd.apply(env.txn, env.now_ms);
        }
      },
      command);
}

// A transition must not take the process down: an exception (out of memory while encoding a
// huge state, say) becomes the fault of the command's execution.
absl::Status ApplyGuarded(TransitionEnv& env, const Command& command) {
  try {
    return Apply(env, command);
  } catch (const std::bad_alloc&) {
    return absl::DataLossError("out of memory while applying the transition");
  } catch (const std::exception& e) {
    return absl::DataLossError(absl::StrCat("the transition threw: ", e.what()));
  }
}

}  // namespace

Writer::Writer(storage::Env& env, const Clock& clock, ProgramCache& programs, UlidGenerator& ids,
               size_t max_batch, const EngineLimits& limits, WriterHooks hooks)
    : env_(env),
      clock_(clock),
      programs_(programs),
      ids_(ids),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      limits_(limits),
      hooks_(std::move(hooks)),
      live_(NewLiveCache()),
      opened_ms_(clock.NowMs()),
      syncer_(env.syncs() ? std::make_unique<CommitSyncer>([&env] { return env.Sync(); })
                          : nullptr),
      thread_([this] { Loop(); }) {}

Writer::~Writer() { Stop(); }

void Writer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (syncer_) syncer_->Stop();  // after the writer: its last batches are released
}

void Writer::Submit(Command command, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      // The writer only sleeps on an empty queue, so only the first command needs to wake it.
      const bool was_empty = queue_.empty();
      activity_.fetch_add(1);  // before the command becomes visible
      queue_.push_back(Pending{std::move(command), std::move(done)});
      if (was_empty) cv_.notify_one();
      return;
    }
  }
  if (done) done(absl::UnavailableError("the engine is shutting down"));
}

void Writer::SubmitAll(std::vector<Command> commands, std::vector<Done> dones) {
  WEFT_CHECK(commands.size() == dones.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      const bool was_empty = queue_.empty();
      activity_.fetch_add(1);
      for (size_t i = 0; i < commands.size(); ++i) {
        queue_.push_back(Pending{std::move(commands[i]), std::move(dones[i])});
      }
      if (was_empty && !commands.empty()) cv_.notify_one();
      return;
    }
  }
  for (Done& done : dones) {
    if (done) done(absl::UnavailableError("the engine is shutting down"));
  }
}

absl::Status Writer::SubmitAndWait(Command command) {
  std::promise<absl::Status> promise;
  std::future<absl::Status> future = promise.get_future();
  Submit(std::move(command), [&promise](const absl::Status& s) { promise.set_value(s); });
  return future.get();
}

uint64_t Writer::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

bool Writer::Idle() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!queue_.empty() || in_batch_) return false;
  }
  // A batch is handed to the syncer before in_batch_ clears, so no batch falls between.
  return syncer_ == nullptr || syncer_->Idle();
}

void Writer::AwaitDurable() {
  // From a callback of a small batch, which the writer flushed before releasing it.
  if (std::this_thread::get_id() == thread_.get_id()) return;
  // From a callback the syncer runs: waiting for the writer could wait for this very thread
  // (a small batch drains the syncer first); a flush is what the caller needs.
  if (syncer_ != nullptr && syncer_->OnItsThread()) return syncer_->Drain();
  // A small batch is flushed and released by the writer itself before its run ends; the rest
  // by the syncer.
  AwaitBatchInFlight();
}

void Writer::AwaitBatchInFlight() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t ended = batches_ended_;
  batch_ended_.wait(lock, [&] { return !in_batch_ || batches_ended_ != ended; });
  lock.unlock();
  if (syncer_) syncer_->Drain();  // its effects come once it is durable
}

uint64_t Writer::transitions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return transitions_;
}

WriterStats Writer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  WriterStats s{commits_, transitions_, commit_failures_, quarantined_, map_grows_,
                written_, stalled(), stall_reason_};
  return s;
}

void Writer::Loop() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted has been applied
      if (queue_.size() <= max_batch_) {
        batch.swap(queue_);
      } else {
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + max_batch_));
        queue_.erase(queue_.begin(), queue_.begin() + max_batch_);
      }
      in_batch_ = true;
    }
    RunBatch(batch);
    batch.clear();
    {
      std::lock_guard<std::mutex> lock(mu_);
      activity_.fetch_add(1);
      in_batch_ = false;
      ++batches_ended_;
    }
    batch_ended_.notify_all();
  }
}

Writer::Attempt Writer::TryBatch(std::vector<Pending>& batch, const std::vector<bool>& refused,
                                 std::vector<absl::Status>& results,
                                 std::vector<std::string>& primaries, Effects& effects) {
  Attempt out;
  absl::StatusOr<storage::Txn> txn = storage::Txn::BeginWrite(env_);
  if (!txn.ok()) {
    out.kind = Attempt::Kind::kStorage;
    out.status = txn.status();
    return out;
  }
  storage::ExecutionStore store(*txn, &effects.timers);
  TransitionEnv tenv{*txn, store, clock_.NowMs(), programs_, ids_, effects, hooks_.is_started,
                     live_.get(), &limits_, &quarantined_ids_, {}, opened_ms_,
                     hooks_.domain_active};
  for (size_t i = 0; i < batch.size(); ++i) {
    if (refused[i]) continue;
    tenv.primary.clear();
    absl::Status s = ApplyGuarded(tenv, batch[i].command);
    primaries[i] = tenv.primary;
    if (s.ok() || IsCommandError(s)) {
      results[i] = s;
      continue;
    }
    // Nothing this attempt wrote is kept: the batch is applied again, without this command.
    out.kind = IsStorageFailureWhileApplying(s) ? Attempt::Kind::kStorage : Attempt::Kind::kFault;
    out.index = i;
    out.execution_id = tenv.primary;
    out.status = s;
    return out;
  }
  absl::Status s;
  try {
    tenv.primary.clear();
    s = FlushLiveCache(tenv);
  } catch (const std::bad_alloc&) {
    s = absl::ResourceExhaustedError("out of memory while writing checkpoints");
  }
  if (absl::IsOutOfRange(s)) {  // one execution's state is over its limit
    out.kind = Attempt::Kind::kFault;
    out.index = batch.size();  // no one command to refuse: the execution's are refused
    out.execution_id = tenv.primary;
    out.status = s;
    return out;
  }
  const storage::Txn::Counts counts = txn->counts();
  if (syncer_) txn->DeferSync();  // RunBatch flushes the meta page or has the syncer do it
  if (s.ok()) s = txn->Commit();
  if (!s.ok()) {
    out.kind = Attempt::Kind::kStorage;
    out.status = s;
    return out;
  }
  std::lock_guard<std::mutex> lock(mu_);
  written_.puts += counts.puts;
  written_.deletes += counts.deletes;
  written_.bytes += counts.bytes;
  return out;
}

bool Writer::GrowMapIfFull(const absl::Status& status) {
  if (!storage::IsMapFull(status) || !hooks_.grow_map) return false;
  absl::Status grown = hooks_.grow_map();
  if (grown.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    ++map_grows_;
    return true;
  }
  std::fprintf(stderr, "weft: cannot grow the store's map: %s\n",
               std::string(grown.message()).c_str());
  return false;
}

void Writer::CountFailure(const absl::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++commit_failures_;
  stall_reason_ = ToStd(status.message());
}

bool Writer::RecoverFromStorageFailure(const absl::Status& status, int failures) {
  if (GrowMapIfFull(status)) return true;
  CountFailure(status);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && failures > 3) return false;
  }
  stalled_.store(true, std::memory_order_relaxed);
  const int64_t wait_ms = BackoffMs(failures);
  std::fprintf(stderr, "weft: commit failed (%d in a row): %s; retrying in %lld ms\n", failures,
               std::string(status.message()).c_str(), static_cast<long long>(wait_ms));
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_; });
  return true;
}

size_t Writer::RefuseNewWork(std::vector<Pending>& batch, std::vector<bool>& refused,
                             const absl::Status& status) {
  const absl::Status answer = absl::UnavailableError(
      absl::StrCat("the store cannot commit (", status.message(), "); nothing was recorded"));
  size_t left = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (refused[i]) continue;
    if (!IsNewWork(batch[i].command)) {
      ++left;
      continue;
    }
    refused[i] = true;
    if (batch[i].done) std::exchange(batch[i].done, nullptr)(answer);
  }
  return left;
}

void Writer::RunBatch(std::vector<Pending>& batch) {
  std::vector<absl::Status> results(batch.size());
  std::vector<bool> refused(batch.size(), false);
  std::vector<std::string> primaries(batch.size());
  std::vector<std::pair<std::string, absl::Status>> faults;
  Effects effects;
  absl::Status batch_error;
  bool committed = false;
  for (int failures = 0;;) {
    effects = Effects{};
    // Most commands schedule at most one task: one allocation instead of the vector regrowing
    // (and moving every ReadyTask) as the batch goes.
    effects.ready.reserve(batch.size());
    Attempt attempt = TryBatch(batch, refused, results, primaries, effects);
    if (attempt.kind == Attempt::Kind::kCommitted) {
      committed = true;
      break;
    }
    ForgetLiveCache(*live_);  // what it decoded and changed was not committed
    if (attempt.kind == Attempt::Kind::kFault) {
      if (attempt.index < batch.size()) {
        refused[attempt.index] = true;
        results[attempt.index] = attempt.status;
      } else {
        // Found while writing the batch's states: refuse every command of that execution.
        for (size_t i = 0; i < batch.size(); ++i) {
          if (!refused[i] && primaries[i] == attempt.execution_id) {
            refused[i] = true;
            results[i] = attempt.status;
          }
        }
      }
      if (!attempt.execution_id.empty()) {
        quarantined_ids_.insert(attempt.execution_id);
        faults.emplace_back(attempt.execution_id, attempt.status);
      }
      continue;
    }
    if (GrowMapIfFull(attempt.status)) continue;
    // New work is refused at once; what is in flight waits for the store.
    if (RefuseNewWork(batch, refused, attempt.status) == 0) {
      CountFailure(attempt.status);
      std::fprintf(stderr, "weft: commit failed: %s; new work refused until the store can commit\n",
                   std::string(attempt.status.message()).c_str());
      break;
    }
    if (!RecoverFromStorageFailure(attempt.status, ++failures)) {
      batch_error = attempt.status;
      break;
    }
  }
  if (committed && stalled_.exchange(false, std::memory_order_relaxed)) {
    std::fprintf(stderr, "weft: commits succeed again\n");
  }
  if (committed) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++commits_;
      transitions_ += batch.size();
    }
    if (syncer_ == nullptr) {
      if (hooks_.after_commit) hooks_.after_commit(effects);
    } else if (faults.empty() && (batch.size() >= kOverlapAt || !syncer_->Idle())) {
      // The syncer flushes the meta page, then tells, while the next batch is applied.
      ReleaseWhenDurable(batch, results, std::move(effects));
      return;
    } else {
      // A small batch with nothing to overlap, or a fault (the batch is released, then the
      // quarantine commits, then the answers): flushed here, after the batches before it.
      syncer_->Drain();
      const absl::Status flushed = FlushHere();
      if (flushed.ok()) {
        if (hooks_.after_commit) hooks_.after_commit(effects);
      } else {
        batch_error = flushed;
      }
    }
  }
  // Before the answers: a caller told of a fault finds its execution quarantined already.
  for (const auto& [id, cause] : faults) Quarantine(id, cause);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(batch_error.ok() ? results[i] : batch_error);
  }
}

absl::Status Writer::FlushHere() {
  return syncer_->FlushNow([this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;  // a stopping writer gives up on a disk that keeps failing
  });
}

void Writer::ReleaseWhenDurable(std::vector<Pending>& batch,
                                const std::vector<absl::Status>& results, Effects effects) {
  std::vector<Done> dones;
  std::vector<absl::Status> answers;
  dones.reserve(batch.size());
  answers.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    dones.push_back(std::move(batch[i].done));
    answers.push_back(results[i]);
  }
  syncer_->Push([this, effects = std::move(effects), dones = std::move(dones),
                 answers = std::move(answers)](const absl::Status& flushed) mutable {
    if (flushed.ok() && hooks_.after_commit) hooks_.after_commit(effects);
    for (size_t i = 0; i < dones.size(); ++i) dones[i](flushed.ok() ? answers[i] : flushed);
  });
}

absl::Status Writer::CommitAlone(const std::function<absl::Status(TransitionEnv&)>& apply) {
  for (int failures = 0;;) {
    Effects effects;
    absl::Status s;
    absl::StatusOr<storage::Txn> txn = storage::Txn::BeginWrite(env_);
    if (txn.ok()) {
      auto cache = NewLiveCache();
      storage::ExecutionStore store(*txn, &effects.timers);
      TransitionEnv tenv{*txn, store, clock_.NowMs(), programs_, ids_, effects,
                         hooks_.is_started, cache.get(), &limits_, &quarantined_ids_, {},
                         0, hooks_.domain_active};
      s = apply(tenv);
      if (!s.ok() && !IsStorageFailureWhileApplying(s)) return s;  // not the machine's fault
      if (s.ok()) s = FlushLiveCache(tenv);
      if (syncer_) txn->DeferSync();  // flushed below: a failed flush is not a failed commit
      if (s.ok()) s = txn->Commit();
      if (s.ok()) {
        if (syncer_) {
          syncer_->Drain();  // the batches before it are released first
          WEFT_RETURN_IF_ERROR(FlushHere());
        }
        if (hooks_.after_commit) hooks_.after_commit(effects);
        return s;
      }
    } else {
      s = txn.status();
    }
    if (!RecoverFromStorageFailure(s, ++failures)) return s;
  }
}

void Writer::Quarantine(const std::string& id, const absl::Status& cause) {
  ForgetLiveCache(*live_);  // its rows change outside the cache
  std::fprintf(stderr, "weft: execution %s quarantined: %s\n", id.c_str(),
               std::string(cause.message()).c_str());
  absl::Status s = CommitAlone([&](TransitionEnv& env) {
    return ApplyQuarantine(env, id, ToStd(cause.message()));
  });
  if (!s.ok()) {
    std::fprintf(stderr, "weft: could not record the quarantine of %s: %s\n", id.c_str(),
                 std::string(s.message()).c_str());
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++quarantined_;
}

}  // namespace weft::engine
