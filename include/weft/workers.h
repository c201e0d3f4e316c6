// Workers (weft/engine.h, "Workers"): what a task handler is given and answers, a task leased
// to an external worker, the listeners a transport is told through, and queue depths.
#ifndef WEFT_WORKERS_H_
#define WEFT_WORKERS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "weft/value.h"

namespace weft {

struct TaskContext {
  std::string task_id;
  std::string execution_id;
  std::string task_type;
  uint32_t attempt = 1;
  Value input;
  // Set by the in-process worker pool: reports progress on this very task, as
  // Engine::Heartbeat does (extends its lease and heartbeat deadline, records `progress`).
  // Empty for a task taken with PollTask.
  std::function<absl::Status(Value progress)> heartbeat;
  uint32_t delivery = 1;  // which delivery of the attempt this is (TaskInfo::delivery)
};

class TaskOutcome {
 public:
  static TaskOutcome Complete(Value output) { return TaskOutcome(true, std::move(output), {}); }
  // `reason` is for people; `details` is any value the workflow may inspect later.
  static TaskOutcome Fail(std::string reason, Value details = Value()) {
    return TaskOutcome(false, std::move(details), std::move(reason));
  }
  // A failure no retry can fix: the task's retry policy is not applied.
  static TaskOutcome FailTerminal(std::string reason, Value details = Value()) {
    TaskOutcome o(false, std::move(details), std::move(reason));
    o.terminal_ = true;
    return o;
  }
  // No result: the worker gave the task up because its process is shutting down. No result
  // is recorded; the task is handed out again as its next delivery (by this engine, or by the
  // next one to open the store, with TASK_REDELIVERED). Only the in-process pool honours it.
  static TaskOutcome Abandon(std::string reason) {
    TaskOutcome o(false, Value(), std::move(reason));
    o.abandoned_ = true;
    return o;
  }
  bool terminal() const { return terminal_; }
  bool abandoned() const { return abandoned_; }
  bool ok() const { return ok_; }
  const Value& output() const { return value_; }   // REQUIRES: ok()
  const Value& details() const { return value_; }  // REQUIRES: !ok()
  const std::string& reason() const { return reason_; }

 private:
  TaskOutcome(bool ok, Value value, std::string reason)
      : ok_(ok), value_(std::move(value)), reason_(std::move(reason)) {}
  bool ok_;
  Value value_;
  std::string reason_;
  bool terminal_ = false;
  bool abandoned_ = false;
};

// True for the task types the engine runs itself on its worker pool (`http`, `jq`): a workflow
// may call them without any worker of its own.
bool IsSystemTask(std::string_view task_type);

// Runs one task. Called on a pool thread; may block. An exception escaping it fails the task
// with the exception's message.
using TaskHandler = std::function<TaskOutcome(const TaskContext&)>;

// A task handed to an external worker by PollTask.
struct LeasedTask {
  TaskContext context;
  int64_t lease_expires_ms = 0;
  std::string domain;             // TaskInfo::domain
  int32_t workflow_priority = 0;  // TaskInfo::workflow_priority
};

// Tells a transport that tasks of these types were queued and PollTask may now find one (the
// long polls of `weft serve`). Runs on the engine thread that queued them (the writer or its
// commit syncer, once a commit is durable, or a lease sweep), under no lock of the engine: it
// must return quickly and not call back into the engine.
// The names are queue names (TaskQueueName): the type, or "domain:type".
using TaskReadyListener = std::function<void(const std::vector<std::string>& queue_names)>;

// Told the outcome of a result handed over with SubmitTaskResult, once it is durable (OK), was
// ignored (FailedPrecondition: the task had finished, or the delivery was stale) or failed.
// Runs on the engine thread that releases the commit (the writer, or its commit syncer once
// the batch is flushed): it must return quickly, not block, and not throw.
using ResultCallback = std::function<void(const absl::Status& status)>;

// How many tasks of a type wait for a worker and how many are out under a lease.
struct QueueDepth {
  std::string task_type;
  std::string domain;  // one entry per type and domain; empty: the type's domain-less queue
  uint64_t ready = 0;
  uint64_t leased = 0;
};

}  // namespace weft

#endif  // WEFT_WORKERS_H_
