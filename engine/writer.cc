// See writer.h.
#include "engine/writer.h"

#include <future>

namespace weft::engine {
namespace {

// Errors that describe the command, not the store: the batch goes on without it.
bool IsCommandError(const absl::Status& s) {
  return absl::IsNotFound(s) || absl::IsFailedPrecondition(s) || absl::IsInvalidArgument(s);
}

}  // namespace

Writer::Writer(storage::Env& env, const Clock& clock, ProgramCache& programs, UlidGenerator& ids,
               size_t max_batch, WriterHooks hooks)
    : env_(env),
      clock_(clock),
      programs_(programs),
      ids_(ids),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      hooks_(std::move(hooks)),
      thread_([this] { Loop(); }) {}

Writer::~Writer() { Stop(); }

void Writer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
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
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.empty() && !in_batch_;
}

uint64_t Writer::transitions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return transitions_;
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
    std::lock_guard<std::mutex> lock(mu_);
    activity_.fetch_add(1);
    in_batch_ = false;
  }
}

void Writer::RunBatch(std::vector<Pending>& batch) {
  std::vector<absl::Status> results(batch.size());
  Effects effects;
  absl::Status batch_error;
  absl::StatusOr<storage::Txn> txn = storage::Txn::BeginWrite(env_);
  if (!txn.ok()) {
    batch_error = txn.status();
  } else {
    auto cache = NewLiveCache();
    TransitionEnv tenv{*txn, clock_.NowMs(), programs_, ids_, effects, hooks_.is_started,
                       cache.get()};
    for (size_t i = 0; i < batch.size() && batch_error.ok(); ++i) {
      absl::Status s = std::visit(
          [&](const auto& cmd) -> absl::Status {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, StartCommand>) return ApplyStart(tenv, cmd);
            if constexpr (std::is_same_v<T, TaskResultCommand>) return ApplyTaskResult(tenv, cmd);
            if constexpr (std::is_same_v<T, LeaseExpiredCommand>) return ApplyLeaseExpired(tenv, cmd);
            if constexpr (std::is_same_v<T, TimerFiredCommand>) return ApplyTimerFired(tenv, cmd);
            if constexpr (std::is_same_v<T, SignalCommand>) return ApplySignal(tenv, cmd);
            if constexpr (std::is_same_v<T, HeartbeatCommand>) return ApplyHeartbeat(tenv, cmd);
            if constexpr (std::is_same_v<T, ControlCommand>) return ApplyControl(tenv, cmd);
          },
          batch[i].command);
      if (s.ok() || IsCommandError(s)) {
        results[i] = s;
      } else {
        // A storage failure: what this batch wrote cannot be trusted, so none of it is kept.
        batch_error = s;
      }
    }
    if (batch_error.ok()) batch_error = FlushLiveCache(tenv);
    if (batch_error.ok()) batch_error = txn->Commit();
  }
  if (batch_error.ok()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++commits_;
      transitions_ += batch.size();
    }
    if (hooks_.after_commit) hooks_.after_commit(effects);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(batch_error.ok() ? results[i] : batch_error);
  }
}

}  // namespace weft::engine
