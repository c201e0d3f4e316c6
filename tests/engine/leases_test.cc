// Leases: a task whose worker does not answer in time is handed out again; the first result
// wins and a late one is ignored, never applied twice.
#include <atomic>
#include <thread>

#include <gmock/gmock.h>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

TEST_F(EngineTest, ExpiredLeaseIsHandedOutAgainAndTheLateResultIgnored) {
  EngineOptions options;
  options.lease = absl::Milliseconds(200);
  options.worker_threads = 2;
  Reopen(options);
  Deploy("task slow\nworkflow w() { let r = slow()\n return r }\n");
  std::atomic<int> calls{0};
  engine_->RegisterWorker("slow", [&calls](const TaskContext&) {
    if (calls.fetch_add(1) == 0) {
      // The first delivery outlives its lease by far (so a loaded machine cannot reorder the two
      // answers), then answers anyway.
      std::this_thread::sleep_for(std::chrono::milliseconds(2000));
      return TaskOutcome::Complete(Value::String("late"));
    }
    return TaskOutcome::Complete(Value::String("second"));
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  auto id = engine_->Start("w", Json("{}"));
  ExecutionInfo info = Await(*id);
  EXPECT_EQ(info.output.ToJson(), "\"second\"");
  // Let the late answer arrive and be ignored.
  for (int i = 0; i < 500 && engine_->Stats().results_ignored == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(engine_->Stats().results_ignored, 1u);
  EXPECT_GE(engine_->Stats().leases_expired, 1u);
  std::vector<std::string> types = HistoryTypes(*id);
  EXPECT_EQ(std::count(types.begin(), types.end(), "TASK_COMPLETED"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "TASK_LEASE_EXPIRED"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "TASK_RESULT_IGNORED"), 1);
  EXPECT_EQ(engine_->GetExecution(*id)->output.ToJson(), "\"second\"");
}

// A heartbeat is fenced like a result: only the worker holding the current delivery extends
// the lease. A worker whose delivery had expired used to extend the new holder's lease and
// write its progress over the new holder's.
TEST_F(EngineTest, AHeartbeatFromAnExpiredDeliveryExtendsNothing) {
  EngineOptions options;
  options.lease = absl::Seconds(2);
  Reopen(options);
  Deploy("task t\nworkflow w() { let r = t()\n return r }\n");
  ASSERT_TRUE(engine_->StartWorkers().ok());  // its sweeper expires leases
  auto id = engine_->Start("w", Json("{}"));
  ASSERT_TRUE(id.ok()) << id.status();
  auto poll = [&](const char* worker, int tries) {
    std::optional<LeasedTask> taken;
    for (int i = 0; i < tries && !taken; ++i) {
      auto p = engine_->PollTask("t", worker);
      EXPECT_TRUE(p.ok()) << p.status();
      if (p.ok()) taken = *p;
      if (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return taken;
  };
  std::optional<LeasedTask> first = poll("a", 1000);
  ASSERT_TRUE(first);
  // The next delivery goes to b once a's lease has expired.
  std::optional<LeasedTask> second = poll("b", 2000);
  ASSERT_TRUE(second);
  const std::string task = first->context.task_id;
  ASSERT_EQ(second->context.task_id, task);
  ASSERT_EQ(second->context.delivery, first->context.delivery + 1);

  absl::Status stale = engine_->Heartbeat(task, "a", Json(R"({"from":"a"})"));
  EXPECT_TRUE(absl::IsFailedPrecondition(stale)) << stale;
  absl::Status earlier = engine_->Heartbeat(task, "b", Value(), first->context.delivery);
  EXPECT_TRUE(absl::IsFailedPrecondition(earlier)) << earlier;
  // b's heartbeat is committed when it returns (after b's take, which the writer got first).
  absl::Status current = engine_->Heartbeat(task, "b", Json(R"({"from":"b"})"),
                                            second->context.delivery);
  ASSERT_TRUE(current.ok()) << current;
  auto tasks = engine_->Tasks(*id);
  ASSERT_TRUE(tasks.ok()) << tasks.status();
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].worker_id, "b");
  EXPECT_EQ((*tasks)[0].delivery, second->context.delivery);
  EXPECT_EQ((*tasks)[0].output.ToJson(), R"({"from":"b"})");
  ASSERT_TRUE(engine_->CompleteTask(task, "b", Value::String("done")).ok());
  EXPECT_EQ(Await(*id).output.ToJson(), R"("done")");
}

TEST_F(EngineTest, ConcurrencyLimitIsRespected) {
  Deploy("task t\nworkflow w(i: int) { return t(i: i) }\n");
  std::atomic<int> running{0}, peak{0};
  engine_->RegisterWorker(
      "t",
      [&](const TaskContext&) {
        int now = ++running;
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        --running;
        return TaskOutcome::Complete(Value::Int(1));
      },
      /*concurrency=*/1);
  ASSERT_TRUE(engine_->StartWorkers().ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(*engine_->Start("w", Json("{\"i\":" + std::to_string(i) + "}")));
  for (const auto& id : ids) EXPECT_EQ(Await(id).status, ExecutionStatus::kCompleted);
  EXPECT_EQ(peak.load(), 1);
}

// Under a virtual clock, a task reached after a jump longer than the lease used to be handed
// out twice: the worker read the clock before waiting for a task, so its lease was counted
// from before the jump and had expired when it began. A task with `heartbeat:` failed at once.
TEST_F(EngineTest, TaskReachedAfterAVirtualClockJumpIsHandedOutOnce) {
  EngineOptions options;
  options.virtual_time = true;
  options.lease = absl::Seconds(60);
  Reopen(options);
  Deploy(R"(
task work
task beat with { heartbeat: 30s }
workflow w(i: int) {
    sleep 2h
    let a = work(i: i)
    sleep 2h
    let b = beat(i: i)
    return a + b
}
)");
  std::atomic<int> calls{0};
  auto handler = [&calls](const TaskContext& ctx) {
    calls.fetch_add(1);
    // Long enough for the lease sweeper to run while the task is out.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return TaskOutcome::Complete(Value::Int(1));
  };
  engine_->RegisterWorker("work", handler);
  engine_->RegisterWorker("beat", handler);
  ASSERT_TRUE(engine_->StartWorkers().ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(StartOk("w", "{\"i\":" + std::to_string(i) + "}"));
  for (const std::string& id : ids) {
    ExecutionInfo info = Await(id);
    EXPECT_EQ(info.status, ExecutionStatus::kCompleted) << info.error.ToJson();
    EXPECT_EQ(info.output, Value::Int(2));
    EXPECT_TRUE(HistoryOf(id, "TASK_LEASE_EXPIRED").empty());
    EXPECT_TRUE(HistoryOf(id, "TASK_RESULT_IGNORED").empty());
    EXPECT_TRUE(HistoryOf(id, "TASK_TIMED_OUT").empty());
  }
  EXPECT_EQ(calls.load(), 8);
}

}  // namespace
}  // namespace weft::testing
