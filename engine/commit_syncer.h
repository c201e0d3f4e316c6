// Releases what a group commit decided once the commit is durable, on a thread of its own, so
// that the writer applies its next batch while the disk flushes the last one.
//
// With sync durability the writer commits each batch with storage::Txn::DeferSync: when the
// commit returns, LMDB has flushed the batch's pages but not the meta page that makes them the
// store's state, and a machine crash before the next flush would roll the batch back (whole:
// the store stays consistent). So nothing the batch decided may be told yet: its callbacks and
// its effects (tasks to hand out, ended executions, timers) wait here. The syncer flushes once
// for everything queued (a group sync), then releases the batches in commit order. A flush
// that fails is retried with backoff and nothing is released until one succeeds; when the
// syncer is stopped with the disk still failing, the releases are told the error instead.
#ifndef WEFT_ENGINE_COMMIT_SYNCER_H_
#define WEFT_ENGINE_COMMIT_SYNCER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/status/status.h"

namespace weft::engine {

class CommitSyncer {
 public:
  // Makes every commit made before the call durable (storage::Env::Sync).
  using Sync = std::function<absl::Status()>;
  // Runs once the commit it was pushed after is durable (OK), or with the flush's error when
  // the syncer stops before any flush succeeds.
  using Release = std::function<void(const absl::Status&)>;

  explicit CommitSyncer(Sync sync);
  ~CommitSyncer();  // Stop()

  // Queues `release` behind the commit that just returned. Any thread; in commit order.
  void Push(Release release);
  // Returns once everything pushed before the call has been released. From a release (the
  // syncer's own thread) it only flushes: every commit before the call is then durable.
  void Drain();
  // Nothing waiting and nothing being released.
  bool Idle() const;
  // Whether the caller is the syncer's thread (a release running).
  bool OnItsThread() const { return std::this_thread::get_id() == thread_.get_id(); }
  // Moves on every push and after every release (see EngineImpl::Idle).
  uint64_t activity() const { return activity_.load(std::memory_order_seq_cst); }
  // Flushes on the calling thread, retrying with backoff (10 ms doubling to 1 s, each failure
  // logged) until it succeeds, or until `give_up()` says so after three failures: then the
  // last error. The writer flushes a small batch itself when nothing is queued here, sparing
  // a lone caller the hand-off between threads.
  absl::Status FlushNow(const std::function<bool()>& give_up);
  // Releases everything pushed (flushing first), then ends the thread. Push after Stop runs
  // the release at once, after a flush on the calling thread.
  void Stop();

 private:
  void Loop();

  const Sync sync_;
  mutable std::mutex mu_;
  std::condition_variable cv_;       // the thread: work or stop
  std::condition_variable drained_;  // Drain
  std::deque<Release> queue_;
  uint64_t pushed_ = 0;    // releases pushed since the start
  uint64_t released_ = 0;  // of them, released
  bool releasing_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  std::atomic<uint64_t> activity_{0};
  std::thread thread_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_COMMIT_SYNCER_H_
