// The dispatcher hands ready tasks to workers. Its queues mirror the store's `queue` table:
// filled after each commit that schedules tasks, and from the store when the engine opens.
//
// Each take is a delivery with its own number (the fencing token): the dispatcher counts them
// per task and, under its lock, hands the take to the writer (the take hook), which records
// the task IN_PROGRESS with its worker, start time and lease expiry in the next group commit.
// Holding the lock orders the takes in the writer's queue by delivery number, and a worker
// only gets its task after its take is queued, so the take is always applied before that
// delivery's result. The leases themselves are kept here, in memory, and mirrored on the task
// rows: a lease that expires without a result goes to the writer (ExpireLeases), whose
// transition puts the task back in its queue if that delivery is still the current one. A
// result is applied only for the current delivery; a stale one is recorded and dropped.
//
// When the engine opens, a delivery found IN_PROGRESS in the store is either restored here
// (an external worker's, while its lease runs) or handed out again at once (an in-process
// worker's, which died with the process, or one whose lease ran out): see LoadPendingTasks.
#ifndef WEFT_ENGINE_DISPATCHER_H_
#define WEFT_ENGINE_DISPATCHER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/clock.h"
#include "engine/commands.h"

namespace weft::engine {

// One delivery of a task. task.delivery is this delivery's number.
struct Lease {
  ReadyTask task;
  std::string worker_id;
  int64_t started_ms = 0;
  int64_t expires_ms = 0;
  storage::DeliveryKind kind = storage::DeliveryKind::kInProcess;
};

class Dispatcher {
 public:
  // Called with each new delivery, under the dispatcher's lock (see the top of this file).
  // Set once, before any task is taken.
  void SetTakeHook(std::function<void(const Lease&)> hook) { take_hook_ = std::move(hook); }
  // Called after tasks are queued (Enqueue), once per call, with the types that got tasks,
  // outside the lock (Engine::SetTaskReadyListener). Set once, before any task is queued.
  void SetReadyHook(std::function<void(const std::vector<std::string>&)> hook) {
    ready_hook_ = std::move(hook);
  }
  void Enqueue(std::vector<ReadyTask> tasks);
  // Puts back a delivery found IN_PROGRESS when the engine opened, under its stored lease.
  void Restore(Lease lease);
  // Takes the first ready task of `type` queued in `domain` (empty: none) under a lease;
  // nullopt when none is ready. Higher workflow priority first, then task priority, then FIFO.
  // A take with a domain marks that domain active for the type (DomainActive), task or not.
  std::optional<Lease> TryTake(std::string_view type, std::string_view domain,
                               std::string_view worker_id, storage::DeliveryKind kind,
                               const Clock& clock, int64_t lease_ms);
  // Whether a take named `domain` for `type` within kActiveDomainWindowMs before `now_ms`.
  // Kept in memory: after a restart no domain is active until its workers poll again.
  bool DomainActive(std::string_view type, std::string_view domain, int64_t now_ms) const;
  // Like TryTake, over every type in `limits` whose running count is below its limit; blocks up
  // to `wait_ms` for one to appear. Types take turns: each call starts its search after the
  // type the last take served. Used by the in-process worker pool.
  std::optional<Lease> TakeAny(const absl::flat_hash_map<std::string, int>& limits,
                               std::string_view worker_id, const Clock& clock, int64_t lease_ms,
                               int64_t wait_ms);
  // Ends the lease of delivery `delivery` of a task whose result was submitted and returns it;
  // with `delivery` 0, the lease `worker_id` holds. nullopt when no such lease is out (it
  // expired, or another delivery holds the task): that result is stale, and the current
  // delivery keeps its lease.
  std::optional<Lease> Release(std::string_view task_id, std::string_view worker_id,
                               uint32_t delivery);
  // Ends every lease that expired before `now_ms` and returns them. The caller reports each to
  // the writer, whose transition hands the task out again (Enqueue) only if that delivery is
  // still the current one: ordered with the results, so TASK_LEASE_EXPIRED always comes
  // before the next delivery's take. A task with a heartbeat timeout fails its attempt.
  std::vector<Lease> ExpireLeases(int64_t now_ms);
  // Wakes every waiter of TakeAny (at shutdown).
  void WakeAll();
  // Withdraws tasks that were canceled: from the queues and from their leases.
  void Cancel(const std::vector<std::string>& task_ids);
  // Extends a task's lease from now (by its heartbeat timeout when it has one) and returns its
  // new expiry, when `worker_id` holds it under `delivery` (0: any of its deliveries);
  // FailedPrecondition, extending nothing, when the task is not out under a lease or another
  // worker or delivery holds it.
  absl::StatusOr<int64_t> Heartbeat(std::string_view task_id, std::string_view worker_id,
                                    uint32_t delivery, int64_t now_ms, int64_t lease_ms);
  bool IsLeased(std::string_view task_id) const;
  size_t LeasedCount() const;
  // Moves on every change of the queues or leases (see EngineImpl::Idle).
  uint64_t activity() const { return activity_.load(std::memory_order_seq_cst); }
  size_t ReadyCount() const;
  // Per task type and domain: tasks ready and tasks out under a lease (Engine::QueueDepths).
  std::vector<QueueDepth> Depths() const;

 private:
  std::optional<Lease> TakeLocked(std::deque<ReadyTask>& queue, std::string_view worker_id,
                                  storage::DeliveryKind kind, int64_t now_ms, int64_t lease_ms);

  mutable std::mutex mu_;
  std::atomic<uint64_t> activity_{0};
  std::condition_variable cv_;
  // By queue name (TaskQueueName): the type, or "domain:type". The in-process pool (TakeAny)
  // takes only from the domain-less queues.
  absl::flat_hash_map<std::string, std::deque<ReadyTask>> ready_;
  absl::flat_hash_map<std::string, int64_t> last_poll_ms_;  // by queue name, domains only
  absl::flat_hash_map<std::string, Lease> leases_;        // by task id
  absl::flat_hash_map<std::string, int> running_by_type_;
  size_t next_type_ = 0;  // TakeAny's turn: where its next search over the types starts
  std::function<void(const Lease&)> take_hook_;
  std::function<void(const std::vector<std::string>&)> ready_hook_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_DISPATCHER_H_
