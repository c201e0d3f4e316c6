// Task domains (Conductor's taskToDomain): which queue a task of a type waits in, and for
// which workers.
#ifndef WEFT_TASK_DOMAINS_H_
#define WEFT_TASK_DOMAINS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace weft {

// Conductor's taskToDomain: task type (or "*", every task type) -> a domain, or a
// comma-separated list of them tried in order (TaskDomainFor). A task with a domain is queued
// under its queue name (TaskQueueName) and only a poll naming that domain gets it.
using TaskToDomain = std::map<std::string, std::string>;
inline constexpr std::string_view kAnyTaskType = "*";
// A domain list entry that means "no domain" when no listed domain has an active worker.
inline constexpr std::string_view kNoDomain = "NO_DOMAIN";
// A domain counts as active while a worker has polled it within this window (Conductor's
// activeWorkerLastPollTimeout).
inline constexpr int64_t kActiveDomainWindowMs = 10'000;
// At most this many entries, each key and value at most kMaxCorrelationIdBytes.
inline constexpr size_t kMaxTaskToDomainEntries = 256;

// The queue a task of `type` in `domain` waits in: the type, or "domain:type" (Conductor's
// QueueUtils.getQueueName). A type never holds ':', so the name says both.
std::string TaskQueueName(std::string_view type, std::string_view domain);

// The domain a task of `type` is queued in under `map` (Conductor's setTaskDomains and
// getActiveDomain): the "*" entry applies to every type, the type's own entry overrides it;
// of a comma-separated list the first domain with an active worker (`active(type, domain)`),
// else the last one, or none when the last is NO_DOMAIN. System tasks get none.
std::string TaskDomainFor(const TaskToDomain& map, std::string_view type,
                          const std::function<bool(std::string_view, std::string_view)>& active);

}  // namespace weft

#endif  // WEFT_TASK_DOMAINS_H_
