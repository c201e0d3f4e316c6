// The dispatcher hands ready tasks to workers. Its queues mirror the store's `queue` table:
// filled after each commit that schedules tasks, and from the store when the engine opens.
//
// Leases live in memory. In this embedded design every worker runs in the engine's process, so
// a lease cannot outlive the process that granted it: after a crash every unfinished task is
// handed out again at open, which is what an expired lease would do. While the process lives,
// a lease that expires without a result puts the task back in its queue; if the first worker
// reports after all, the first result to reach the writer wins and later ones are ignored.
#ifndef WEFT_ENGINE_DISPATCHER_H_
#define WEFT_ENGINE_DISPATCHER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/clock.h"
#include "engine/transitions.h"

namespace weft::engine {

struct Lease {
  ReadyTask task;
  std::string worker_id;
  int64_t started_ms = 0;
  int64_t expires_ms = 0;
};

class Dispatcher {
 public:
  void Enqueue(std::vector<ReadyTask> tasks);
  // Takes the oldest ready task of `type` under a lease; nullopt when none is ready.
  std::optional<Lease> TryTake(std::string_view type, std::string_view worker_id, int64_t now_ms,
                               int64_t lease_ms);
  // Like TryTake, over every type in `types` whose running count is below its limit; blocks up
  // to `wait_ms` for one to appear. Used by the in-process worker pool.
  std::optional<Lease> TakeAny(const absl::flat_hash_map<std::string, int>& limits,
                               std::string_view worker_id, const Clock& clock, int64_t lease_ms,
                               int64_t wait_ms);
  // Ends the lease of a task whose result was submitted (by anyone), and withdraws the task
  // from its queue if an expired lease had put it back there.
  // Returns the lease when the task was out under one.
  std::optional<Lease> Release(std::string_view task_id);
  // Ends every lease that expired before `now_ms` and returns them. The caller reports each to
  // the writer, whose transition hands the task out again (Enqueue with `redelivery`) only
  // if it is still unfinished: ordered with the results, so TASK_LEASE_EXPIRED always comes
  // before the next delivery's result. A task with a heartbeat timeout fails its attempt.
  std::vector<Lease> ExpireLeases(int64_t now_ms);
  // Wakes every waiter of TakeAny (at shutdown).
  void WakeAll();
  // Withdraws tasks that were canceled: from the queues and from their leases.
  void Cancel(const std::vector<std::string>& task_ids);
  // Extends a task's lease from now (by its heartbeat timeout when it has one); false when
  // the task is not out under a lease.
  bool Heartbeat(std::string_view task_id, int64_t now_ms, int64_t lease_ms);
  bool IsLeased(std::string_view task_id) const;
  size_t LeasedCount() const;
  // Moves on every change of the queues or leases (see EngineImpl::Idle).
  uint64_t activity() const { return activity_.load(std::memory_order_seq_cst); }
  size_t ReadyCount() const;

 private:
  std::optional<Lease> TakeLocked(std::deque<ReadyTask>& queue, std::string_view worker_id,
                                  int64_t now_ms, int64_t lease_ms);

  mutable std::mutex mu_;
  std::atomic<uint64_t> activity_{0};
  std::condition_variable cv_;
  absl::flat_hash_map<std::string, std::deque<ReadyTask>> ready_;
  absl::flat_hash_map<std::string, Lease> leases_;        // by task id
  absl::flat_hash_map<std::string, int> running_by_type_;
  absl::flat_hash_map<std::string, std::string> requeued_;  // task id -> type, after expiry
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_DISPATCHER_H_
