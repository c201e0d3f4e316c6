// Durable deliveries: a take is recorded (IN_PROGRESS, worker, start time, lease expiry,
// delivery number, TASK_STARTED) before the worker's result; a result from a stale delivery is
// ignored and recorded; a lease outlives the engine for an external worker, while an
// in-process worker's delivery is handed out again at once when the engine restarts, also
// after the process was killed (SIGKILL) mid-task.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>

#include <gmock/gmock.h>

#include "engine/engine_impl.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kOneTask = "task slow\nworkflow w() { let r = slow()\n return r }\n";

class DeliveryTest : public EngineTest {
 protected:
  void ReopenWithLease(absl::Duration lease) {
    EngineOptions options;
    options.lease = lease;
    Reopen(options);
  }
  void CheckATaskSeenScheduledCanBeTakenOnceTheCommitsEffectsAreOut(int rounds);

  // The execution's only task, once `done` holds for it.
  TaskInfo TaskWhen(const std::string& id, const std::function<bool(const TaskInfo&)>& done) {
    TaskInfo got;
    EXPECT_TRUE(Eventually([&] {
      std::vector<TaskInfo> tasks = TasksOf(id);
      if (tasks.size() != 1 || !done(tasks[0])) return false;
      got = tasks[0];
      return true;
    }, std::chrono::seconds(30)));
    return got;
  }

  static bool InProgress(const TaskInfo& t) { return t.status == TaskStatus::kInProgress; }
};

TEST_F(DeliveryTest, InProcessTakeIsVisibleAsInProgressBeforeTheResult) {
  ReopenWithLease(absl::Seconds(60));
  Deploy(kOneTask);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  engine_->RegisterWorker("slow", [released](const TaskContext& ctx) {
    released.wait();
    return TaskOutcome::Complete(Value::Int(ctx.delivery));
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  const std::string id = StartOk("w");

  // While the worker holds the task, the store says so.
  const TaskInfo running = TaskWhen(id, InProgress);
  EXPECT_THAT(running.worker_id, ::testing::StartsWith("local-"));
  EXPECT_EQ(running.delivery, 1u);
  EXPECT_GT(running.started_ms, 0);
  EXPECT_EQ(running.lease_expires_ms, running.started_ms + 60000);
  std::vector<HistoryEvent> started = HistoryOf(id, "TASK_STARTED");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(Field(started[0].details, "started_ms"), Value::Int(running.started_ms));
  EXPECT_EQ(Field(started[0].details, "worker"), Value::String(running.worker_id));
  EXPECT_EQ(Field(started[0].details, "delivery"), Value::Int(1));
  EXPECT_TRUE(HistoryOf(id, "TASK_COMPLETED").empty());

  release.set_value();
  ExecutionInfo info = Await(id);
  EXPECT_EQ(info.output, Value::Int(1));
  EXPECT_THAT(HistoryTypes(id),
              ::testing::ElementsAre("EXECUTION_STARTED", "TASK_SCHEDULED", "TASK_STARTED",
                                     "TASK_COMPLETED", "EXECUTION_COMPLETED"));
  const TaskInfo done = TasksOf(id).at(0);
  EXPECT_EQ(done.status, TaskStatus::kCompleted);
  EXPECT_EQ(done.started_ms, running.started_ms);  // the take's time, not the result's
  EXPECT_EQ(done.worker_id, running.worker_id);
}

TEST_F(DeliveryTest, ExternalTakeRecordsTaskStartedWithTheTakeTimeBeforeTheResult) {
  ReopenWithLease(absl::Seconds(60));
  Deploy(kOneTask);
  const std::string id = StartOk("w");
  std::optional<LeasedTask> leased = PollWithin("slow", "ext-1");
  ASSERT_TRUE(leased.has_value());
  EXPECT_EQ(leased->context.delivery, 1u);
  const TaskInfo running = TaskWhen(id, InProgress);
  EXPECT_EQ(running.worker_id, "ext-1");
  EXPECT_EQ(running.lease_expires_ms, leased->lease_expires_ms);
  EXPECT_EQ(running.started_ms, leased->lease_expires_ms - 60000);
  ASSERT_EQ(HistoryOf(id, "TASK_STARTED").size(), 1u);
  EXPECT_EQ(Field(HistoryOf(id, "TASK_STARTED")[0].details, "started_ms"),
            Value::Int(running.started_ms));

  ASSERT_TRUE(engine_->CompleteTask(leased->context.task_id, "ext-1", Value::Int(7)).ok());
  EXPECT_EQ(Await(id).output, Value::Int(7));
  EXPECT_EQ(TasksOf(id).at(0).started_ms, running.started_ms);
}

TEST_F(DeliveryTest, ResultOfAStaleDeliveryIsIgnoredAndRecorded) {
  // A lease short enough to run out while the first worker holds the task; PollTask expires
  // it (no pool runs), so the second poll is the second delivery.
  ReopenWithLease(absl::Milliseconds(50));
  Deploy(kOneTask);
  const std::string id = StartOk("w");
  std::optional<LeasedTask> first = PollWithin("slow", "ext-a");
  ASSERT_TRUE(first.has_value());
  std::optional<LeasedTask> second = PollWithin("slow", "ext-b", std::chrono::seconds(30));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->context.delivery, 1u);
  EXPECT_EQ(second->context.delivery, 2u);
  EXPECT_EQ(second->context.task_id, first->context.task_id);
  EXPECT_EQ(TaskWhen(id, [](const TaskInfo& t) { return t.delivery == 2; }).worker_id, "ext-b");

  // The first worker answers late, naming its delivery: ignored while the second holds it.
  absl::Status late = engine_->CompleteTask(first->context.task_id, "ext-a",
                                            Value::String("first"), first->context.delivery);
  EXPECT_TRUE(absl::IsFailedPrecondition(late)) << late;
  std::vector<HistoryEvent> ignored = HistoryOf(id, "TASK_RESULT_IGNORED");
  ASSERT_EQ(ignored.size(), 1u);
  EXPECT_EQ(Field(ignored[0].details, "delivery"), Value::Int(1));
  EXPECT_EQ(Field(ignored[0].details, "current_delivery"), Value::Int(2));
  EXPECT_EQ(Field(ignored[0].details, "task_status"), Value::String("IN_PROGRESS"));
  // Not naming it, the worker is matched by its id: still not the current delivery's.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      engine_->CompleteTask(first->context.task_id, "ext-a", Value::String("first"))));
  EXPECT_EQ(TasksOf(id).at(0).status, TaskStatus::kInProgress);

  ASSERT_TRUE(engine_->CompleteTask(second->context.task_id, "ext-b", Value::String("second"),
                                    second->context.delivery)
                  .ok());
  EXPECT_EQ(Await(id).output, Value::String("second"));
  EXPECT_EQ(HistoryOf(id, "TASK_RESULT_IGNORED").size(), 2u);
  EXPECT_EQ(HistoryOf(id, "TASK_COMPLETED").size(), 1u);
  EXPECT_EQ(HistoryOf(id, "TASK_LEASE_EXPIRED").size(), 1u);
  EXPECT_EQ(Field(HistoryOf(id, "TASK_LEASE_EXPIRED")[0].details, "next_delivery"),
            Value::Int(2));
}

TEST_F(DeliveryTest, ExternalLeaseOutlivesARestart) {
  ReopenWithLease(absl::Seconds(600));
  Deploy(kOneTask);
  const std::string id = StartOk("w");
  std::optional<LeasedTask> leased = PollWithin("slow", "remote-1");
  ASSERT_TRUE(leased.has_value());
  TaskWhen(id, InProgress);

  ReopenWithLease(absl::Seconds(600));
  // Still the remote worker's: not handed out again while its lease runs.
  const TaskInfo kept = TasksOf(id).at(0);
  EXPECT_EQ(kept.status, TaskStatus::kInProgress);
  EXPECT_EQ(kept.worker_id, "remote-1");
  EXPECT_EQ(kept.lease_expires_ms, leased->lease_expires_ms);
  auto polled = engine_->PollTask("slow", "remote-2");
  ASSERT_TRUE(polled.ok());
  EXPECT_FALSE(polled->has_value());
  EXPECT_TRUE(HistoryOf(id, "TASK_REDELIVERED").empty());
  // The worker answers the engine that did not hand the task to it.
  ASSERT_TRUE(engine_->CompleteTask(leased->context.task_id, "remote-1", Value::Int(3),
                                    leased->context.delivery)
                  .ok());
  EXPECT_EQ(Await(id).output, Value::Int(3));
}

TEST_F(DeliveryTest, ExternalLeaseThatRanOutWhileClosedIsRedeliveredAtOpen) {
  ReopenWithLease(absl::Milliseconds(1));
  Deploy(kOneTask);
  const std::string id = StartOk("w");
  std::optional<LeasedTask> leased = PollWithin("slow", "remote-1");
  ASSERT_TRUE(leased.has_value());
  const TaskInfo taken = TaskWhen(id, InProgress);
  engine_.reset();
  // The wall clock passes the stored expiry (1 ms after the take).
  ASSERT_TRUE(Eventually([&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count() > taken.lease_expires_ms;
  }));

  ReopenWithLease(absl::Seconds(60));
  std::optional<LeasedTask> again = PollWithin("slow", "remote-2");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->context.delivery, 2u);
  std::vector<HistoryEvent> redelivered = HistoryOf(id, "TASK_REDELIVERED");
  ASSERT_EQ(redelivered.size(), 1u);
  EXPECT_EQ(Field(redelivered[0].details, "reason"), Value::String("lease expired"));
  EXPECT_EQ(Field(redelivered[0].details, "previous_worker"), Value::String("remote-1"));
  EXPECT_EQ(Field(redelivered[0].details, "delivery"), Value::Int(2));
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->CompleteTask(
      leased->context.task_id, "remote-1", Value::Int(1), leased->context.delivery)));
  ASSERT_TRUE(engine_->CompleteTask(again->context.task_id, "remote-2", Value::Int(2),
                                    again->context.delivery)
                  .ok());
  EXPECT_EQ(Await(id).output, Value::Int(2));
}

// An in-process worker gives the task up at shutdown (TaskOutcome::Abandon): the store still
// shows the delivery IN_PROGRESS, and the next engine hands it out at once, not after the
// lease.
TEST_F(DeliveryTest, InProcessDeliveryLeftAtShutdownIsRedeliveredAtOnceOnOpen) {
  EngineOptions options;
  options.lease = absl::Seconds(600);
  options.worker_threads = 1;  // the one worker takes it again and again until the close
  Reopen(options);
  Deploy(kOneTask);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  engine_->RegisterWorker("slow", [released](const TaskContext&) {
    released.wait();
    return TaskOutcome::Abandon("shutting down");
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  const std::string id = StartOk("w");
  const TaskInfo taken = TaskWhen(id, InProgress);
  release.set_value();
  engine_.reset();

  ReopenWithLease(absl::Seconds(600));
  engine_->RegisterWorker("slow", [](const TaskContext& ctx) {
    return TaskOutcome::Complete(Value::Int(ctx.delivery));
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  ExecutionInfo info = Await(id);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted);
  EXPECT_GE(info.output.as_int(), 2);  // a later delivery than the abandoned one
  std::vector<HistoryEvent> redelivered = HistoryOf(id, "TASK_REDELIVERED");
  ASSERT_EQ(redelivered.size(), 1u);
  EXPECT_EQ(Field(redelivered[0].details, "reason"), Value::String("engine restarted"));
  EXPECT_EQ(Field(redelivered[0].details, "previous_worker"), Value::String(taken.worker_id));
}

// The engine's process is killed (SIGKILL) while its in-process worker runs the task. The
// next engine finds the delivery IN_PROGRESS, hands it out again as delivery 2 with
// TASK_REDELIVERED, and the execution completes once.
TEST_F(DeliveryTest, KillMidTaskRedeliversWithTheNextDeliveryNumber) {
  engine_.reset();  // no engine threads in this process when it forks
  const std::string path = dir_.path() + "/store";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    EngineOptions options;
    options.path = path;
    options.durability = Durability::kNoSync;
    options.map_size_bytes = 256 << 20;
    options.worker_threads = 1;
    auto engine = Engine::Open(options);
    if (!engine.ok() || !(*engine)->Deploy("test.wf", kOneTask).ok()) _exit(2);
    (*engine)->RegisterWorker("slow", [](const TaskContext&) {
      for (;;) pause();  // never answers: killed mid-task
      return TaskOutcome::Complete(Value());
    });
    if (!(*engine)->StartWorkers().ok() || !(*engine)->Start("w", Value()).ok()) _exit(3);
    for (;;) pause();
  }
  // Read the store beside the child until its take is recorded.
  std::string id;
  TaskInfo taken;
  const bool seen = Eventually([&] {
    EngineOptions options;
    options.path = path;
    options.read_only = true;
    options.map_size_bytes = 256 << 20;
    auto reader = Engine::Open(options);
    if (!reader.ok()) return false;
    auto list = (*reader)->ListExecutions(std::nullopt, 1);
    if (!list.ok() || list->empty()) return false;
    auto tasks = (*reader)->Tasks(list->front().id);
    if (!tasks.ok() || tasks->size() != 1 || !InProgress(tasks->front())) return false;
    id = list->front().id;
    taken = tasks->front();
    return true;
  }, std::chrono::seconds(60));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(seen) << "the child's take never showed in the store";
  EXPECT_EQ(taken.delivery, 1u);

  Reopen();
  engine_->RegisterWorker("slow", [](const TaskContext& ctx) {
    return TaskOutcome::Complete(Value::Int(ctx.delivery));
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  ExecutionInfo info = Await(id);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(info.output, Value::Int(2));
  std::vector<HistoryEvent> redelivered = HistoryOf(id, "TASK_REDELIVERED");
  ASSERT_EQ(redelivered.size(), 1u);
  EXPECT_EQ(Field(redelivered[0].details, "reason"), Value::String("engine restarted"));
  EXPECT_EQ(Field(redelivered[0].details, "delivery"), Value::Int(2));
  EXPECT_EQ(Field(redelivered[0].details, "previous_worker"), Value::String(taken.worker_id));
  EXPECT_THAT(HistoryTypes(id),
              ::testing::ElementsAre("EXECUTION_STARTED", "TASK_SCHEDULED", "TASK_STARTED",
                                     "TASK_REDELIVERED", "TASK_STARTED", "TASK_COMPLETED",
                                     "EXECUTION_COMPLETED"));
  const TaskInfo done = TasksOf(id).at(0);
  EXPECT_EQ(done.delivery, 2u);
  EXPECT_EQ(done.attempt, 1u);  // the same attempt, delivered again
}

// A reader can see a task SCHEDULED in the store a moment before the writer hands it to the
// dispatcher (just after the commit). AwaitCommitEffects closes that window: a task seen
// scheduled can then be taken at once. Each next task is made by an asynchronous result, and
// the store is read in a busy loop, so the read lands right after the commit.
// (tests/golden/run's harness failed this way under load: "scheduled but not handed out".)
TEST_F(DeliveryTest, ATaskSeenScheduledCanBeTakenOnceTheCommitsEffectsAreOut) {
  CheckATaskSeenScheduledCanBeTakenOnceTheCommitsEffectsAreOut(2000);
}

// The same with fsync: the effects come from the commit syncer once the batch is durable, after
// the writer has moved on, so AwaitCommitEffects waits for the syncer too.
TEST_F(DeliveryTest, UnderSyncDurabilityATaskSeenScheduledCanBeTakenOnceTheEffectsAreOut) {
  sync_ = true;
  Reopen();
  CheckATaskSeenScheduledCanBeTakenOnceTheCommitsEffectsAreOut(500);
}

void DeliveryTest::CheckATaskSeenScheduledCanBeTakenOnceTheCommitsEffectsAreOut(int rounds) {
  Deploy("task a, b\nworkflow w() { a()\n b() }\n");
  auto& impl = static_cast<engine::EngineImpl&>(*engine_);
  for (int i = 0; i < rounds; ++i) {
    const std::string id = StartOk("w");
    std::optional<LeasedTask> a = PollWithin("a");
    ASSERT_TRUE(a.has_value());
    engine_->SubmitTaskResult(a->context.task_id, "ext", TaskOutcome::Complete(Value()),
                              a->context.delivery, [](const absl::Status&) {});
    bool seen = false;
    while (!seen) {
      for (const TaskInfo& t : TasksOf(id)) seen |= t.type == "b" && t.status == TaskStatus::kScheduled;
    }
    impl.AwaitCommitEffects();
    absl::StatusOr<std::optional<LeasedTask>> b = engine_->PollTask("b", "ext");
    ASSERT_TRUE(b.ok()) << b.status();
    ASSERT_TRUE(b->has_value()) << "round " << i << ": b is scheduled but not handed out";
    ASSERT_TRUE(engine_->CompleteTask((*b)->context.task_id, "ext", Value()).ok());
  }
}

// A result callback that waits for its execution's end, which that very result made, gets it
// at once, whichever thread releases the batch: the writer (a batch of one) or the commit
// syncer (a batch of many). Waiting for durability from there used to wait for itself.
TEST_F(DeliveryTest, UnderSyncDurabilityAResultCallbackMayAwaitTheEndItMade) {
  sync_ = true;
  Reopen();
  Deploy("task a\nworkflow w() { a() }\n");
  for (int n : {1, 64}) {
    std::vector<std::string> ids;
    std::vector<LeasedTask> tasks;
    for (int i = 0; i < n; ++i) ids.push_back(StartOk("w"));
    for (int i = 0; i < n; ++i) {
      std::optional<LeasedTask> t = PollWithin("a");
      ASSERT_TRUE(t.has_value());
      tasks.push_back(*t);
    }
    std::mutex mu;
    std::vector<std::string> ended;
    for (const LeasedTask& t : tasks) {
      const std::string id = t.context.execution_id;
      engine_->SubmitTaskResult(t.context.task_id, "ext", TaskOutcome::Complete(Value()),
                                t.context.delivery, [&, id](const absl::Status& s) {
        EXPECT_TRUE(s.ok()) << s;
        absl::StatusOr<ExecutionInfo> info = engine_->AwaitExecution(id, absl::Seconds(5));
        std::lock_guard<std::mutex> lock(mu);
        ended.push_back(info.ok() ? std::string(ExecutionStatusName(info->status))
                                  : std::string(info.status().message()));
      });
    }
    ASSERT_TRUE(Eventually([&] {
      std::lock_guard<std::mutex> lock(mu);
      return ended.size() == static_cast<size_t>(n);
    }, std::chrono::seconds(30))) << n << " results";
    for (const std::string& status : ended) EXPECT_EQ(status, "COMPLETED");
  }
}

// AwaitCommitEffects waits for the whole after-commit step of the batch in flight: here the
// writer is held inside it (the task-ready listener, which runs there, blocks until released).
TEST_F(DeliveryTest, AwaitCommitEffectsWaitsForTheBatchInFlightToHandItsTasksOut) {
  Deploy("task a, b\nworkflow w() { a()\n b() }\n");
  auto& impl = static_cast<engine::EngineImpl&>(*engine_);
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  engine_->SetTaskReadyListener([&](const std::vector<std::string>& queues) {
    if (std::find(queues.begin(), queues.end(), "b") == queues.end()) return;
    entered.set_value();
    released.wait();
  });
  StartOk("w");
  std::optional<LeasedTask> a = PollWithin("a");
  ASSERT_TRUE(a.has_value());
  engine_->SubmitTaskResult(a->context.task_id, "ext", TaskOutcome::Complete(Value()),
                            a->context.delivery, [](const absl::Status&) {});
  entered.get_future().wait();
  std::future<void> awaited = std::async(std::launch::async, [&] { impl.AwaitCommitEffects(); });
  EXPECT_EQ(awaited.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  release.set_value();
  awaited.wait();
  EXPECT_TRUE(PollWithin("b").has_value());
}

}  // namespace
}  // namespace weft::testing
