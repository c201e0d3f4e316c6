// Completions: the callbacks of executions started with StartAsync or StartBatch
// (ExecutionCallback in weft/engine.h), each called exactly once.
//
// A callback is registered (Watch) before its start reaches the writer, so no end can slip past
// it. The writer reports the executions each commit ended (Ended, on the writer thread after the
// commit, from Effects::ended, the same notice that wakes AwaitExecution); only watched ones are
// queued, so the writer pays one hash lookup per ended execution. One completion thread, started
// on the first Watch, reads the queued executions in one read transaction and calls their
// callbacks, so the writer never runs user code and never waits for it. No polling, no thread per
// execution.
//
// Exactly once: whoever takes a watch out of the map calls it. An execution read back not ended
// (retried or restarted between its end and the read) stays watched and is queued again by its
// next end. An execution deleted before the read gets NotFound. Close delivers what is queued,
// then calls every remaining callback with the reason the engine closed.
#ifndef WEFT_ENGINE_COMPLETIONS_H_
#define WEFT_ENGINE_COMPLETIONS_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "weft/engine.h"

namespace weft::engine {

class Completions {
 public:
  // Reads the given executions in one snapshot, one result per id, in order.
  using Reader = std::function<std::vector<absl::StatusOr<ExecutionInfo>>(
      const std::vector<std::string>& ids)>;
  using CallbackPtr = std::shared_ptr<const ExecutionCallback>;

  explicit Completions(Reader read);
  ~Completions();  // Close(Unavailable) unless closed already

  // Registers `callback` for execution `id`; call before its start is submitted. False once the
  // engine is closing: the caller must not start the execution.
  bool Watch(const std::string& id, CallbackPtr callback);
  // Drops the watch on `id` without calling it (StartBatch returns that start's error itself).
  void Forget(const std::string& id);
  // The start of `id` was refused: its callback gets `status` on the completion thread.
  void Refused(const std::string& id, absl::Status status);
  // On the writer thread, after a commit: these executions ended.
  void Ended(const std::vector<std::string>& ids);

  // Delivers everything queued (including what callbacks queue meanwhile), stops the thread,
  // then calls each callback still registered with `why` on the calling thread.
  // REQUIRES: not called from a callback.
  void Close(const absl::Status& why);

  // Nothing queued and no callback running (see EngineImpl::Idle); activity() moves on every
  // queued item and at the end of every round of deliveries.
  bool Idle() const;
  uint64_t activity() const { return activity_.load(std::memory_order_seq_cst); }
  size_t watched() const;

 private:
  struct Item {
    std::string id;
    CallbackPtr callback;               // set for a refused start: already taken out of watches_
    std::optional<absl::Status> status;  // set for a refused start
  };
  void Loop();
  void Deliver(std::vector<Item>& items);
  // Takes the watch of `id` out of the map; null when there is none (delivered already).
  CallbackPtr Take(const std::string& id);
  static void Call(const CallbackPtr& callback, const std::string& id,
                   absl::StatusOr<ExecutionInfo> result);

  const Reader read_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  absl::flat_hash_map<std::string, CallbackPtr> watches_;
  std::vector<Item> queue_;
  bool closing_ = false;
  bool closed_ = false;
  bool delivering_ = false;
  std::atomic<uint64_t> activity_{0};
  std::thread thread_;  // started by the first Watch
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_COMPLETIONS_H_
