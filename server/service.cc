// See service.h.
#include "server/service.h"

#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>

#include "absl/strings/str_cat.h"
#include "bytecode/param_type.h"
#include "bytecode/serialize.h"
#include "absl/time/clock.h"
#include "common/strings.h"

namespace weft::server {

int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }

void LatencyHistogram::Observe(double ms) {
  size_t i = 0;
  while (i < kBuckets && ms > kBucketsMs[i]) ++i;
  counts[i].fetch_add(1, std::memory_order_relaxed);
  sum_us.fetch_add(static_cast<uint64_t>(ms * 1000), std::memory_order_relaxed);
  total.fetch_add(1, std::memory_order_relaxed);
}

Service::Service(Engine& engine, boost::asio::io_context& io, boost::asio::thread_pool& blocking,
                 ServerLimits limits)
    : engine_(engine), io_(io), blocking_(blocking), limits_(limits) {
  // The poll limits of the stored TaskDefs; a store that cannot be read now gets none.
  if (absl::StatusOr<std::vector<TaskDefinition>> defs = engine_.ListTaskDefs(); defs.ok()) {
    for (const TaskDefinition& d : *defs) {
      if (absl::StatusOr<Value> v = Value::FromJson(d.json); v.ok()) poll_limits_.Set(d.name, *v);
    }
  }
  std::shared_ptr<std::atomic<bool>> alive = alive_;
  std::shared_ptr<ListenerGuard> guard = listener_guard_;
  engine_.SetTaskReadyListener([this, alive, guard](const std::vector<std::string>& types) {
    std::lock_guard<std::mutex> lock(guard->mu);
    if (!alive->load()) return;
    boost::asio::post(io_, [this, alive, types] {
      if (alive->load()) OnTasksReady(types);
    });
  });
}

Service::~Service() {
  engine_.SetTaskReadyListener(nullptr);
  std::lock_guard<std::mutex> lock(listener_guard_->mu);  // waits out a call in progress
  alive_->store(false);
}

// --- Tasks -------------------------------------------------------------------------------------

std::vector<TaskInfo> Service::TakeNow(std::string_view type, std::string_view domain,
                                       std::string_view worker_id, int count) {
  std::vector<TaskInfo> out;
  const int64_t now = NowMs();
  count = poll_limits_.Allow(type, count, now, [&] {
    int64_t leased = 0;  // a TaskDef's limits hold over all the type's domains
    for (const QueueDepth& d : engine_.QueueDepths()) {
      if (d.task_type == type) leased += static_cast<int64_t>(d.leased);
    }
    return leased;
  });
  if (count == 0) return out;
  // Tasks handed back by callbackAfterSeconds come first: they have waited longest.
  if (auto it = callbacks_.empty() ? callbacks_.end() : callbacks_.find(TaskQueueName(type, domain));
      it != callbacks_.end()) {
    while (!it->second.empty() && static_cast<int>(out.size()) < count) {
      TaskInfo t = std::move(it->second.front());
      it->second.pop_front();
      t.worker_id = std::string(worker_id);
      t.started_ms = now;
      out.push_back(std::move(t));
    }
    if (it->second.empty()) callbacks_.erase(it);
  }
  while (static_cast<int>(out.size()) < count) {
    absl::StatusOr<std::optional<LeasedTask>> taken = engine_.PollTask(type, worker_id, domain);
    if (!taken.ok() || !taken->has_value()) break;
    LeasedTask& leased = **taken;
    TaskInfo t;
    t.id = std::move(leased.context.task_id);
    t.execution_id = std::move(leased.context.execution_id);
    t.type = std::move(leased.context.task_type);
    t.input = std::move(leased.context.input);
    t.attempt = leased.context.attempt;
    t.status = TaskStatus::kInProgress;
    t.worker_id = std::string(worker_id);
    t.started_ms = now;
    t.delivery = leased.context.delivery;
    t.lease_expires_ms = leased.lease_expires_ms;
    t.domain = std::move(leased.domain);
    t.workflow_priority = leased.workflow_priority;
    out.push_back(std::move(t));
  }
  poll_limits_.Refund(type, count - static_cast<int>(out.size()));
  if (!out.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    // Bounded: entries of tasks whose result never came (lease expired) are dropped in bulk.
    if (taken_.size() > 1000000) taken_.clear();
    for (const TaskInfo& t : out) taken_[t.id] = Taken{now, t.type, t.delivery, t.domain};
  }
  return out;
}

void Service::NotePoll(std::string_view type, std::string_view domain,
                       std::string_view worker_id) {
  polls_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  const std::string sep(1, '\0');
  PollData& d =
      poll_data_[absl::StrCat(ToAbsl(type), sep, ToAbsl(domain), sep, ToAbsl(worker_id))];
  d.task_type = std::string(type);
  d.domain = std::string(domain);
  d.worker_id = std::string(worker_id);
  d.last_poll_ms = NowMs();
}

void Service::Poll(std::string type, std::string domain, std::string worker_id, int count,
                   int64_t timeout_ms, TasksCallback done) {
  count = std::clamp(count, 1, limits_.max_poll_count);
  timeout_ms = std::clamp<int64_t>(timeout_ms, 0, limits_.max_poll_timeout_ms);
  NotePoll(type, domain, worker_id);
  std::vector<TaskInfo> now = TakeNow(type, domain, worker_id, count);
  if (!now.empty() || timeout_ms == 0 || draining_) {
    done(std::move(now));
    return;
  }
  auto waiter = std::make_shared<Waiter>();
  waiter->type = std::move(type);
  waiter->domain = std::move(domain);
  waiter->worker_id = std::move(worker_id);
  waiter->count = count;
  waiter->done = std::move(done);
  waiter->timer = std::make_unique<boost::asio::steady_timer>(
      io_, std::chrono::milliseconds(timeout_ms));
  std::weak_ptr<Waiter> weak = waiter;
  waiter->timer->async_wait([this, weak](const boost::system::error_code&) {
    if (WaiterPtr w = weak.lock()) Answer(w, {});
  });
  waiters_[TaskQueueName(waiter->type, waiter->domain)].push_back(waiter);
  waiting_.fetch_add(1);
}

void Service::Answer(const WaiterPtr& waiter, std::vector<TaskInfo> tasks) {
  if (waiter->answered) return;
  waiter->answered = true;
  waiting_.fetch_sub(1);
  waiter->timer->cancel();
  auto it = waiters_.find(TaskQueueName(waiter->type, waiter->domain));
  if (it != waiters_.end()) {
    std::deque<WaiterPtr>& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), waiter), list.end());
    if (list.empty()) waiters_.erase(it);
  }
  TasksCallback done = std::move(waiter->done);
  done(std::move(tasks));
}

void Service::OnTasksReady(const std::vector<std::string>& queues) {
  for (const std::string& queue : queues) {
    // Oldest waiter first; stop as soon as the queue runs dry.
    while (true) {
      auto it = waiters_.find(queue);
      if (it == waiters_.end() || it->second.empty()) break;
      WaiterPtr w = it->second.front();
      std::vector<TaskInfo> tasks = TakeNow(w->type, w->domain, w->worker_id, w->count);
      if (tasks.empty()) break;
      Answer(w, std::move(tasks));
    }
  }
}

size_t Service::waiting_polls() const { return waiting_.load(); }

void Service::Drain() {
  draining_ = true;
  for (auto& timer : callback_timers_) timer->cancel();
  std::vector<WaiterPtr> all;
  for (auto& [type, list] : waiters_) all.insert(all.end(), list.begin(), list.end());
  for (const WaiterPtr& w : all) Answer(w, {});
}

void Service::Update(TaskUpdate update, UpdateCallback done) {
  std::shared_ptr<std::atomic<bool>> alive = alive_;
  if (!update.logs.empty()) {
    // A TaskResult's logs are written beside its result, on the blocking pool: they never hold
    // the result back, and logs the engine refuses (past its limits) are dropped.
    boost::asio::post(blocking_, [this, id = update.task_id, logs = std::move(update.logs)] {
      engine_.AddTaskLogs(id, logs).IgnoreError();
    });
  }
  if (update.kind == UpdateKind::kInProgress) {
    boost::asio::post(blocking_, [this, alive, update = std::move(update),
                                  done = std::move(done)]() mutable {
      // Fenced like a result: the delivery this service handed out, when it did. Conductor's
      // workerId is optional; without it the holder's own id is used, and the delivery fences.
      uint32_t delivery = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (auto it = taken_.find(update.task_id); it != taken_.end()) {
          delivery = it->second.delivery;
        }
      }
      if (update.worker_id.empty()) {
        if (absl::StatusOr<TaskInfo> row = engine_.GetTask(update.task_id); row.ok()) {
          update.worker_id = row->worker_id;
        }
      }
      absl::Status s =
          engine_.Heartbeat(update.task_id, update.worker_id, update.output, delivery);
      boost::asio::post(io_, [this, alive, s, task_id = std::move(update.task_id),
                              seconds = update.callback_after_s, done = std::move(done)] {
        if (!s.ok()) return done(s);
        if (seconds > 0 && alive->load() && !draining_) ScheduleCallback(task_id, seconds);
        done(UpdateResult{true, false, "", ""});
      });
    });
    return;
  }
  Taken taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = taken_.find(update.task_id);
    if (it != taken_.end()) {
      taken = std::move(it->second);
      taken_.erase(it);
    }
  }
  if (taken.ms > 0) latency_.Observe(static_cast<double>(NowMs() - taken.ms));
  if (taken.type.empty()) {
    // Taken before a restart: the type and domain are on the task's row.
    if (absl::StatusOr<TaskInfo> row = engine_.GetTask(update.task_id); row.ok()) {
      taken.type = row->type;
      taken.domain = row->domain;
    }
  }
  TaskOutcome outcome =
      update.kind == UpdateKind::kCompleted
          ? TaskOutcome::Complete(std::move(update.output))
          : update.kind == UpdateKind::kFailedTerminal
                ? TaskOutcome::FailTerminal(std::move(update.reason), std::move(update.output))
                : TaskOutcome::Fail(std::move(update.reason), std::move(update.output));
  // The delivery this service handed out, when it did (a callback may have handed it to
  // another worker); else the one the worker holds.
  engine_.SubmitTaskResult(
      update.task_id, update.worker_id, std::move(outcome), taken.delivery,
      [this, alive, type = std::move(taken.type), domain = std::move(taken.domain),
       done = std::move(done)](const absl::Status& s) mutable {
        // On the writer thread: hand the answer to the executor at once.
        boost::asio::post(io_, [this, alive, s, type = std::move(type),
                                domain = std::move(domain), done = std::move(done)] {
          if (absl::IsFailedPrecondition(s)) {
            if (alive->load()) updates_ignored_.fetch_add(1);
            return done(UpdateResult{false, true, type, domain});
          }
          if (!s.ok()) return done(s);
          done(UpdateResult{true, true, type, domain});
        });
      });
}

void Service::ScheduleCallback(std::string task_id, int64_t seconds) {
  auto timer = std::make_unique<boost::asio::steady_timer>(
      io_, std::chrono::seconds(std::min<int64_t>(seconds, 365LL * 24 * 3600)));
  boost::asio::steady_timer* raw = timer.get();
  callback_timers_.push_back(std::move(timer));
  raw->async_wait([this, raw, task_id = std::move(task_id)](const boost::system::error_code& ec) {
    auto it = std::find_if(callback_timers_.begin(), callback_timers_.end(),
                           [raw](const auto& t) { return t.get() == raw; });
    if (it != callback_timers_.end()) callback_timers_.erase(it);
    if (!ec && !draining_) CallbackDue(task_id);
  });
}

void Service::CallbackDue(const std::string& task_id) {
  absl::StatusOr<TaskInfo> task = engine_.GetTask(task_id);
  // Only a task still out under a lease: one that finished, or whose lease expired and went
  // back to the queue, is not handed out twice.
  if (!task.ok() || task->status != TaskStatus::kInProgress) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    taken_.erase(task_id);
  }
  const std::string queue = TaskQueueName(task->type, task->domain);
  callbacks_[queue].push_back(std::move(*task));
  OnTasksReady({queue});
}

absl::StatusOr<TaskInfo> Service::GetTask(std::string_view task_id) {
  return engine_.GetTask(task_id);
}

absl::StatusOr<std::vector<TaskLog>> Service::TaskLogs(std::string_view task_id) {
  return engine_.TaskLogs(task_id);
}

absl::Status Service::AddTaskLog(std::string_view task_id, std::string line) {
  return engine_.AddTaskLogs(task_id, {std::move(line)});
}

std::vector<PollData> Service::PollDataFor(std::string_view type) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PollData> out;
  for (const auto& [key, d] : poll_data_) {
    if (type.empty() || d.task_type == type) out.push_back(d);
  }
  std::sort(out.begin(), out.end(), [](const PollData& a, const PollData& b) {
    return std::tie(a.task_type, a.domain, a.worker_id) <
           std::tie(b.task_type, b.domain, b.worker_id);
  });
  return out;
}

// --- Executions and definitions: the engine's API, one call each ------------------------------

absl::StatusOr<std::string> Service::Start(std::string_view workflow, const Value& input,
                                           const StartOptions& options) {
  return engine_.Start(workflow, input, options);
}

absl::StatusOr<ExecutionPage> Service::Search(const ExecutionQuery& query) {
  return engine_.SearchExecutions(query);
}

absl::StatusOr<std::vector<ExecutionInfo>> Service::Correlated(std::string_view workflow,
                                                               std::string_view correlation_id,
                                                               bool include_closed) {
  ExecutionQuery q;
  q.workflow = std::string(workflow);
  q.id_or_correlation = std::string(correlation_id);
  q.correlation_only = true;
  if (!include_closed) q.statuses = {ExecutionStatus::kRunning, ExecutionStatus::kPaused};
  q.limit = SIZE_MAX;
  if (correlation_id.empty()) return std::vector<ExecutionInfo>();
  absl::StatusOr<ExecutionPage> page = engine_.SearchExecutions(q);
  if (!page.ok()) return page.status();
  return std::move(page->executions);
}

absl::StatusOr<std::vector<std::string>> Service::Running(std::string_view workflow,
                                                          uint32_t version, int64_t start_ms,
                                                          int64_t end_ms) {
  ExecutionQuery q;
  q.workflow = std::string(workflow);
  q.statuses = {ExecutionStatus::kRunning, ExecutionStatus::kPaused};
  if (start_ms > 0) q.created_after_ms = start_ms - 1;  // inclusive bounds, as Conductor's
  if (end_ms > 0) q.created_before_ms = end_ms + 1;
  q.limit = SIZE_MAX;
  absl::StatusOr<ExecutionPage> page = engine_.SearchExecutions(q);
  if (!page.ok()) return page.status();
  std::vector<std::string> ids;
  for (const ExecutionInfo& e : page->executions) {
    if (version == 0 || e.version == version) ids.push_back(e.id);
  }
  return ids;
}

absl::Status Service::Remove(std::string_view id) { return engine_.RemoveExecution(id); }

absl::StatusOr<ExecutionInfo> Service::GetExecution(std::string_view id) {
  return engine_.GetExecution(id);
}

absl::StatusOr<std::vector<TaskInfo>> Service::Tasks(std::string_view id) {
  return engine_.Tasks(id);
}

absl::StatusOr<std::vector<HistoryEvent>> Service::History(std::string_view id) {
  return engine_.History(id);
}

absl::StatusOr<std::vector<ExecutionInfo>> Service::List(std::optional<ExecutionStatus> status,
                                                         size_t limit) {
  return engine_.ListExecutions(status, limit);
}

absl::Status Service::Signal(std::string_view id, std::string_view name, Value payload) {
  return engine_.Signal(id, name, std::move(payload));
}

absl::Status Service::Terminate(std::string_view id, std::string_view reason) {
  return engine_.Terminate(id, reason);
}

absl::Status Service::Pause(std::string_view id) { return engine_.Pause(id); }
absl::Status Service::Resume(std::string_view id) { return engine_.Resume(id); }
absl::Status Service::Retry(std::string_view id) { return engine_.Retry(id); }
absl::Status Service::Restart(std::string_view id) { return engine_.Restart(id); }

absl::StatusOr<std::vector<DeployedWorkflow>> Service::Deploy(std::string_view source_name,
                                                              std::string_view source) {
  return engine_.Deploy(source_name, source);
}

absl::StatusOr<std::vector<VersionInfo>> Service::Versions(std::string_view workflow) {
  return engine_.Versions(workflow);
}

// --- Schedules ----------------------------------------------------------------------------------

absl::StatusOr<Schedule> Service::SaveSchedule(const Schedule& schedule, bool replace) {
  return engine_.CreateSchedule(schedule, replace);
}

absl::StatusOr<Schedule> Service::GetSchedule(std::string_view name) {
  return engine_.GetSchedule(name);
}

absl::StatusOr<std::vector<Schedule>> Service::ListSchedules(std::string_view workflow) {
  absl::StatusOr<std::vector<Schedule>> all = engine_.ListSchedules();
  if (!all.ok() || workflow.empty()) return all;
  std::vector<Schedule> out;
  for (Schedule& s : *all) {
    if (s.workflow == workflow) out.push_back(std::move(s));
  }
  return out;
}

absl::Status Service::PauseSchedule(std::string_view name) { return engine_.PauseSchedule(name); }
absl::Status Service::ResumeSchedule(std::string_view name) {
  return engine_.ResumeSchedule(name);
}
absl::Status Service::DeleteSchedule(std::string_view name) {
  return engine_.DeleteSchedule(name);
}

absl::StatusOr<std::vector<int64_t>> Service::NextScheduleTimes(std::string_view name,
                                                                size_t count) {
  return engine_.NextScheduleTimes(name, count);
}

absl::StatusOr<Definition> Service::GetDefinition(std::string_view workflow, uint32_t version) {
  absl::StatusOr<std::vector<VersionInfo>> versions = engine_.Versions(workflow);
  if (!versions.ok()) return versions.status();
  Definition out;
  bool found = false;
  for (VersionInfo& v : *versions) {
    if (v.version == version) {
      out.version = std::move(v);
      found = true;
    }
  }
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ", version));
  }
  // The source is kept from store format 6 (Engine::Source): NotFound for a version deployed
  // before, Unimplemented for an engine that does not keep sources. Either way: no source.
  absl::StatusOr<std::string> source = engine_.Source(workflow, version);
  if (source.ok()) {
    out.source = *std::move(source);
  } else if (!absl::IsNotFound(source.status()) && !absl::IsUnimplemented(source.status())) {
    return source.status();
  }
  absl::StatusOr<std::string> bytes = engine_.Bytecode(workflow, version);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<bytecode::Program> program = bytecode::LoadProgram(*bytes);
  if (!program.ok()) return program.status();
  for (const bytecode::Param& p : program->params) {
    out.params.push_back({p.name, std::string(bytecode::ParamTypeName(p.type)), p.has_default,
                          p.default_value});
  }
  return out;
}

}  // namespace weft::server
