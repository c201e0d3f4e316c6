// See dispatcher.h.
#include "engine/dispatcher.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "common/strings.h"

namespace weft::engine {

namespace {

// Whether `a` goes before `b` in a queue: its execution's priority first (Conductor's
// workflow priority), then its task policy's; FIFO among equals (neither goes before).
bool Outranks(const ReadyTask& a, const ReadyTask& b) {
  if (a.workflow_priority != b.workflow_priority) return a.workflow_priority > b.workflow_priority;
  return a.priority > b.priority;
}

}  // namespace

void Dispatcher::Enqueue(std::vector<ReadyTask> tasks) {
  if (tasks.empty()) return;
  std::vector<std::string> queues;
  {
    std::lock_guard<std::mutex> lock(mu_);
    activity_.fetch_add(1);
    for (ReadyTask& t : tasks) {
      if (leases_.contains(t.task_id)) continue;  // already out: recovery raced a live lease
      // The plain path names its queue by the type itself: no string is built.
      std::string named;
      if (!t.domain.empty()) named = TaskQueueName(t.type, t.domain);
      const std::string& name = t.domain.empty() ? t.type : named;
      if (ready_hook_ && std::find(queues.begin(), queues.end(), name) == queues.end()) {
        queues.push_back(name);
      }
      std::deque<ReadyTask>& queue = ready_[name];
      if (queue.empty() || !Outranks(t, queue.back())) {
        queue.push_back(std::move(t));
        continue;
      }
      // Higher priority first; FIFO among equals.
      auto at = std::find_if(queue.begin(), queue.end(),
                             [&](const ReadyTask& q) { return Outranks(t, q); });
      queue.insert(at, std::move(t));
    }
  }
  cv_.notify_all();
  if (ready_hook_ && !queues.empty()) ready_hook_(queues);
}

void Dispatcher::Restore(Lease lease) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    activity_.fetch_add(1);
    ++running_by_type_[lease.task.type];
    leases_.insert_or_assign(lease.task.task_id, std::move(lease));
  }
}

std::optional<Lease> Dispatcher::TakeLocked(std::deque<ReadyTask>& queue,
                                            std::string_view worker_id,
                                            storage::DeliveryKind kind, int64_t now_ms,
                                            int64_t lease_ms) {
  if (queue.empty()) return std::nullopt;
  activity_.fetch_add(1);  // called with mu_ held
  // A task with a heartbeat timeout must report within it; its lease says when.
  const int64_t heartbeat = queue.front().heartbeat_ms;
  if (heartbeat > 0) lease_ms = std::min(lease_ms, heartbeat);
  Lease lease{std::move(queue.front()), std::string(worker_id), now_ms, now_ms + lease_ms, kind};
  queue.pop_front();
  ++lease.task.delivery;
  ++running_by_type_[lease.task.type];
  leases_.insert_or_assign(lease.task.task_id, lease);
  // Still under mu_: takes reach the writer in delivery order (see dispatcher.h).
  if (take_hook_) take_hook_(lease);
  return lease;
}

std::optional<Lease> Dispatcher::TryTake(std::string_view type, std::string_view domain,
                                         std::string_view worker_id, storage::DeliveryKind kind,
                                         const Clock& clock, int64_t lease_ms) {
  const int64_t now_ms = clock.NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  if (domain.empty()) {  // the plain path: the queue's name is the type
    auto it = ready_.find(ToAbsl(type));
    if (it == ready_.end()) return std::nullopt;
    return TakeLocked(it->second, worker_id, kind, now_ms, lease_ms);
  }
  std::string name = TaskQueueName(type, domain);
  auto it = ready_.find(name);
  last_poll_ms_[std::move(name)] = now_ms;
  if (it == ready_.end()) return std::nullopt;
  return TakeLocked(it->second, worker_id, kind, now_ms, lease_ms);
}

bool Dispatcher::DomainActive(std::string_view type, std::string_view domain,
                              int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = last_poll_ms_.find(TaskQueueName(type, domain));
  return it != last_poll_ms_.end() && it->second > now_ms - kActiveDomainWindowMs;
}

std::optional<Lease> Dispatcher::TakeAny(const absl::flat_hash_map<std::string, int>& limits,
                                         std::string_view worker_id, const Clock& clock,
                                         int64_t lease_ms, int64_t wait_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  std::optional<Lease> taken;
  // Round robin over the types: each search starts after the type served last, so a type
  // that always has tasks ready cannot starve the others of the pool's workers.
  auto try_all = [&] {
    const size_t n = limits.size();
    if (n == 0) return false;
    const size_t start = next_type_ % n;
    for (size_t pass = 0; pass < 2; ++pass) {
      size_t index = 0;
      for (const auto& [type, limit] : limits) {
        const size_t i = index++;
        if ((pass == 0) != (i >= start)) continue;  // first [start, n), then [0, start)
        auto it = ready_.find(ToAbsl(type));
        if (it == ready_.end() || it->second.empty()) continue;
        if (limit > 0 && running_by_type_[type] >= limit) continue;
        // The time is read when the task is taken, not before the wait: a virtual clock may
        // have jumped meanwhile, and a lease counted from before the jump would be over already.
        taken = TakeLocked(it->second, worker_id, storage::DeliveryKind::kInProcess,
                           clock.NowMs(), lease_ms);
        next_type_ = i + 1;
        return true;
      }
    }
    return false;
  };
  cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), try_all);
  return taken;
}

std::optional<Lease> Dispatcher::Release(std::string_view task_id, std::string_view worker_id,
                                         uint32_t delivery) {
  std::optional<Lease> released;
  {
    std::lock_guard<std::mutex> lock(mu_);
    activity_.fetch_add(1);
    auto it = leases_.find(ToAbsl(task_id));
    const bool ours = it != leases_.end() &&
                      (delivery != 0 ? it->second.task.delivery == delivery
                                     : it->second.worker_id == worker_id);
    if (ours) {
      --running_by_type_[it->second.task.type];
      released = std::move(it->second);
      leases_.erase(it);
    }
  }
  // A slot opened up under a concurrency limit.
  if (released) cv_.notify_all();
  return released;
}

std::vector<Lease> Dispatcher::ExpireLeases(int64_t now_ms) {
  std::vector<Lease> expired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    activity_.fetch_add(1);
    for (auto it = leases_.begin(); it != leases_.end();) {
      if (it->second.expires_ms > now_ms) {
        ++it;
        continue;
      }
      --running_by_type_[it->second.task.type];
      expired.push_back(std::move(it->second));
      leases_.erase(it++);
    }
  }
  if (!expired.empty()) cv_.notify_all();
  return expired;
}

void Dispatcher::WakeAll() { cv_.notify_all(); }

void Dispatcher::Cancel(const std::vector<std::string>& task_ids) {
  if (task_ids.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    activity_.fetch_add(1);
    for (const std::string& id : task_ids) {
      if (auto it = leases_.find(id); it != leases_.end()) {
        --running_by_type_[it->second.task.type];
        leases_.erase(it);
      }
      for (auto& [type, queue] : ready_) {
        std::erase_if(queue, [&](const ReadyTask& t) { return t.task_id == id; });
      }
    }
  }
  cv_.notify_all();
}

absl::StatusOr<int64_t> Dispatcher::Heartbeat(std::string_view task_id,
                                              std::string_view worker_id, uint32_t delivery,
                                              int64_t now_ms, int64_t lease_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = leases_.find(ToAbsl(task_id));
  if (it == leases_.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task ", ToAbsl(task_id),
        " is not running under a lease (finished, canceled or timed out)"));
  }
  const Lease& lease = it->second;
  if (lease.worker_id != worker_id || (delivery != 0 && delivery != lease.task.delivery)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task ", ToAbsl(task_id), " is held by delivery ", lease.task.delivery, " (worker `",
        lease.worker_id, "`); a heartbeat from worker `", ToAbsl(worker_id), "`",
        delivery != 0 ? absl::StrCat(", delivery ", delivery) : "",
        " extends nothing: its delivery ended (its lease expired)"));
  }
  const int64_t heartbeat = it->second.task.heartbeat_ms;
  it->second.expires_ms = now_ms + (heartbeat > 0 ? std::min(lease_ms, heartbeat) : lease_ms);
  return it->second.expires_ms;
}

bool Dispatcher::IsLeased(std::string_view task_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return leases_.contains(ToAbsl(task_id));
}

size_t Dispatcher::LeasedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leases_.size();
}

size_t Dispatcher::ReadyCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [type, q] : ready_) n += q.size();
  return n;
}

std::vector<QueueDepth> Dispatcher::Depths() const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::flat_hash_map<std::string, QueueDepth> by_queue;
  for (const auto& [name, q] : ready_) {
    if (q.empty()) continue;
    QueueDepth& d = by_queue[name];
    d.ready = q.size();
    d.task_type = q.front().type;
    d.domain = q.front().domain;
  }
  for (const auto& [id, lease] : leases_) {
    QueueDepth& d = by_queue[TaskQueueName(lease.task.type, lease.task.domain)];
    ++d.leased;
    d.task_type = lease.task.type;
    d.domain = lease.task.domain;
  }
  std::vector<QueueDepth> out;
  out.reserve(by_queue.size());
  for (auto& [name, depth] : by_queue) out.push_back(std::move(depth));
  std::sort(out.begin(), out.end(), [](const QueueDepth& a, const QueueDepth& b) {
    return std::tie(a.task_type, a.domain) < std::tie(b.task_type, b.domain);
  });
  return out;
}

}  // namespace weft::engine
