// The group-commit writer: one thread owns LMDB's write transaction and applies transitions
// in batches, one transaction and one fsync per batch. Callers submit commands from any thread
// and learn the outcome through a callback, which runs on the writer thread after the commit
// (or after the batch failed), so an acknowledged command is durable.
#ifndef WEFT_ENGINE_WRITER_H_
#define WEFT_ENGINE_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "engine/clock.h"
#include "engine/program_cache.h"
#include "engine/transitions.h"
#include "engine/ulid.h"
#include "storage/lmdb.h"

namespace weft::engine {

using Command = std::variant<StartCommand, TaskResultCommand, LeaseExpiredCommand,
                             TimerFiredCommand, SignalCommand, HeartbeatCommand, ControlCommand>;
using Done = std::function<void(const absl::Status&)>;

struct WriterHooks {
  // Runs on the writer thread after each successful commit, before the callbacks.
  std::function<void(Effects&)> after_commit;
  // Whether a worker currently holds a task (see TransitionEnv::is_started).
  std::function<bool(std::string_view task_id)> is_started;
};

class Writer {
 public:
  Writer(storage::Env& env, const Clock& clock, ProgramCache& programs, UlidGenerator& ids,
         size_t max_batch, WriterHooks hooks);
  ~Writer();  // drains everything submitted, then stops

  // Queues a command. `done` may be empty. After Stop, commands fail with Unavailable.
  void Submit(Command command, Done done);
  // Submits and waits for the outcome.
  absl::Status SubmitAndWait(Command command);
  void Stop();

  uint64_t commits() const;
  // Nothing queued and no batch being applied.
  bool Idle() const;
  // Moves on every submit and at the end of every batch (see EngineImpl::Idle).
  uint64_t activity() const { return activity_.load(std::memory_order_seq_cst); }
  uint64_t transitions() const;

 private:
  struct Pending {
    Command command;
    Done done;
  };
  void Loop();
  void RunBatch(std::vector<Pending>& batch);

  storage::Env& env_;
  const Clock& clock_;
  ProgramCache& programs_;
  UlidGenerator& ids_;
  const size_t max_batch_;
  WriterHooks hooks_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  bool in_batch_ = false;
  std::atomic<uint64_t> activity_{0};
  uint64_t commits_ = 0;
  uint64_t transitions_ = 0;
  std::thread thread_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_WRITER_H_
