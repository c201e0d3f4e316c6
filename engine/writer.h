// The group-commit writer: one thread owns LMDB's write transaction and applies transitions
// in batches, one transaction and one fsync per batch. Callers submit commands from any thread
// and learn the outcome through a callback, which runs once the commit is durable (or after the
// command was refused), so an acknowledged command is durable. With sync durability the
// callbacks and the after-commit hook run on the commit syncer's thread (commit_syncer.h),
// which flushes one batch's meta page while the writer applies the next.
//
// One execution's fault never touches another. A command whose transition fails (corrupt
// records, a checkpoint that cannot be encoded, an exception) is taken out of the batch, the
// batch is applied again without it, and the execution it touched is quarantined in a
// transaction of its own (docs/reliability.md). A commit that fails for the machine's sake
// (disk full, I/O error) is retried with backoff, counted and logged, never in a hot loop; a
// full map is grown first. Meanwhile the commands that bring new work (a start, a signal, a
// control command) are refused at once with the reason, and `stalled()` tells the engine to
// take no more until a commit succeeds.
#ifndef WEFT_ENGINE_WRITER_H_
#define WEFT_ENGINE_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "engine/clock.h"
#include "engine/commit_syncer.h"
#include "engine/program_cache.h"
#include "engine/commands.h"
#include "engine/ulid.h"
#include "storage/lmdb.h"

namespace weft::engine {

struct TransitionEnv;  // transitions.h: what the writer applies commands with
class LiveCache;

using Done = std::function<void(const absl::Status&)>;

struct WriterStats {
  uint64_t commits = 0;
  uint64_t transitions = 0;
  uint64_t commit_failures = 0;  // failed attempts to commit a batch (retried)
  uint64_t quarantined = 0;      // executions quarantined after a fault
  uint64_t map_grows = 0;        // times the store's map was grown after MDB_MAP_FULL
  storage::Txn::Counts written;  // by the batches that committed
  bool stalled = false;          // the last commit attempt failed; retrying with backoff
  std::string stall_reason;
};

struct WriterHooks {
  // Runs after each successful commit once it is durable, before its callbacks, in commit
  // order: on the commit syncer's thread, or on the writer's (nosync, or a small batch).
  std::function<void(Effects&)> after_commit;
  // Whether a worker currently holds a task (see TransitionEnv::is_started).
  std::function<bool(std::string_view task_id)> is_started;
  // Whether a domain has an active worker (see TransitionEnv::domain_active).
  std::function<bool(std::string_view type, std::string_view domain)> domain_active;
  // Grows the store's map after MDB_MAP_FULL; runs on the writer thread with no transaction
  // open. Empty: a full map is retried with backoff like any other commit failure.
  std::function<absl::Status()> grow_map;
};

class Writer {
 public:
  Writer(storage::Env& env, const Clock& clock, ProgramCache& programs, UlidGenerator& ids,
         size_t max_batch, const EngineLimits& limits, WriterHooks hooks);
  ~Writer();  // drains everything submitted, then stops

  // Queues a command. `done` may be empty. After Stop, commands fail with Unavailable.
  void Submit(Command command, Done done);
  // Queues commands together, in order, with one wake-up: they share a batch (one transaction,
  // one fsync) as far as max_batch allows. dones[i] may be empty. REQUIRES: equal sizes.
  void SubmitAll(std::vector<Command> commands, std::vector<Done> dones);
  // Submits and waits for the outcome.
  absl::Status SubmitAndWait(Command command);
  void Stop();

  uint64_t commits() const;
  // Nothing queued, no batch being applied and none waiting to be released.
  bool Idle() const;
  // Returns once every commit made before the call is durable and released (its callbacks
  // and after-commit hook have run). Not from a callback or the hook.
  void AwaitDurable();
  // Returns once the batch being applied at the call (if any) has ended and been released,
  // its after-commit hook included. A reader that saw a commit before calling then knows its
  // effects are out: the tasks it made are with the dispatcher, its timers armed.
  void AwaitBatchInFlight();
  // Moves on every submit and at the end of every batch (see EngineImpl::Idle).
  uint64_t activity() const {
    return activity_.load(std::memory_order_seq_cst) + (syncer_ ? syncer_->activity() : 0);
  }
  uint64_t transitions() const;
  WriterStats stats() const;
  // The last commit failed and the writer is retrying: new work should be refused.
  bool stalled() const { return stalled_.load(std::memory_order_relaxed); }

 private:
  struct Pending {
    Command command;
    Done done;
  };
  // How one attempt at a batch ended.
  struct Attempt {
    enum class Kind { kCommitted, kFault, kStorage } kind = Kind::kCommitted;
    size_t index = 0;          // kFault: the command
    std::string execution_id;  // kFault: the execution it touched (may be empty)
    absl::Status status;       // kFault, kStorage
  };
  void Loop();
  void RunBatch(std::vector<Pending>& batch);
  // `primaries` gets each applied command's first execution (TransitionEnv::primary).
  Attempt TryBatch(std::vector<Pending>& batch, const std::vector<bool>& refused,
                   std::vector<absl::Status>& results, std::vector<std::string>& primaries,
                   Effects& effects);
  // Hands a committed batch's effects and callbacks to the syncer (sync durability).
  void ReleaseWhenDurable(std::vector<Pending>& batch, const std::vector<absl::Status>& results,
                          Effects effects);
  // Flushes the store on the writer's thread, retrying until it succeeds or the writer stops.
  // REQUIRES: syncer_.
  absl::Status FlushHere();
  // Commits `apply` in a transaction of its own, retrying storage failures with backoff.
  absl::Status CommitAlone(const std::function<absl::Status(TransitionEnv&)>& apply);
  // After a failed attempt: grows the map or sleeps with backoff. False when stopping and the
  // failures go on: the caller gives up.
  bool RecoverFromStorageFailure(const absl::Status& status, int failures);
  // True when `status` is a full map and the map was grown: try again at once.
  bool GrowMapIfFull(const absl::Status& status);
  // Counts a failed commit and remembers why (WriterStats).
  void CountFailure(const absl::Status& status);
  // After a commit failed for the machine's sake: answers every command of the batch that
  // brings new work (IsNewWork in writer.cc) with Unavailable and the reason, now, and takes
  // it out of the batch. Returns how many commands are left to retry.
  size_t RefuseNewWork(std::vector<Pending>& batch, std::vector<bool>& refused,
                       const absl::Status& status);
  void Quarantine(const std::string& id, const absl::Status& cause);

  storage::Env& env_;
  const Clock& clock_;
  ProgramCache& programs_;
  UlidGenerator& ids_;
  const size_t max_batch_;
  const EngineLimits limits_;
  WriterHooks hooks_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable batch_ended_;  // AwaitBatchInFlight
  std::vector<Pending> queue_;
  bool stopping_ = false;
  bool in_batch_ = false;
  uint64_t batches_ended_ = 0;
  std::atomic<uint64_t> activity_{0};
  uint64_t commits_ = 0;
  uint64_t transitions_ = 0;
  uint64_t commit_failures_ = 0;
  uint64_t quarantined_ = 0;
  uint64_t map_grows_ = 0;
  storage::Txn::Counts written_;
  std::string stall_reason_;
  std::atomic<bool> stalled_{false};
  // The decoded executions kept between batches (transitions.h, LiveCache); writer thread only.
  std::shared_ptr<LiveCache> live_;
  const int64_t opened_ms_;  // the clock when the engine opened (TransitionEnv::opened_ms)
  // Executions quarantined by this writer: their commands are refused without loading them.
  absl::flat_hash_set<std::string> quarantined_ids_;
  // Sync durability: releases each committed batch once its meta page is flushed. Null when
  // the store does not sync (nosync): a batch is released as soon as it commits.
  std::unique_ptr<CommitSyncer> syncer_;
  std::thread thread_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_WRITER_H_
