// Task policy in the engine: retries as new attempts with Conductor's backoff formulas, a cap,
// reproducible jitter, terminal failures, optional tasks, per-attempt / heartbeat / schedule /
// total timeouts, call-site overrides and priority. Timers run on virtual time except where a
// worker holds a task (virtual time only moves while the engine is idle), which use short
// real-clock timeouts.
#include <gmock/gmock.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/task_policy.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kPolicies = R"(
task fixed with { retries: 2, delay: 1s }
task expo with { retries: 4, backoff: "exponential", delay: 1s }
task linear with { retries: 3, backoff: "linear", delay: 1s, backoff_scale: 2 }
task capped with { retries: 4, backoff: "exponential", delay: 1s, max_delay: 3s }
task jittery with { retries: 3, delay: 10s, jitter: 0.5 }
task total with { retries: 10, delay: 1s, total_timeout: 3500ms }
task overridden with { retries: 5, delay: 1s }
task maybe with { optional: true }
task flaky with { retries: 3, delay: 1s }

workflow call_fixed() { return fixed(n: 1) }
workflow call_expo() { return expo(n: 1) }
workflow call_linear() { return linear(n: 1) }
workflow call_capped() { return capped(n: 1) }
workflow call_jittery() { return jittery(n: 1) }
workflow call_total() { return total(n: 1) }
workflow call_overridden() { return overridden(n: 1) with { retries: 1, delay: 5s } }
workflow call_flaky() { return flaky(n: 1) }
workflow call_maybe() {
    let r = maybe(n: 1)
    return { r: r, after: "went on" }
}
)";

// Delays of the retries (TASK_RETRY_SCHEDULED delay_ms) and the gaps between the attempts'
// scheduled times, which equal them under virtual time.
struct Retries {
  std::vector<int64_t> delays;
  std::vector<int64_t> gaps;
  std::vector<int64_t> seeds;
  std::vector<uint32_t> attempts;
};

class PolicyTest : public EngineTest {
 protected:
  void SetUp() override {
    ReopenVirtual();
    Deploy(kPolicies);
  }

  // Every task type fails every attempt unless `succeed_at` says at which attempt it succeeds.
  void AlwaysFail(const std::string& type, uint32_t succeed_at = 0) {
    engine_->RegisterWorker(type, [succeed_at](const TaskContext& t) {
      if (t.attempt == succeed_at) return TaskOutcome::Complete(Value::String("ok"));
      return TaskOutcome::Fail("try again", Value::Int(t.attempt));
    });
  }

  Retries RetriesOf(const std::string& id) {
    Retries r;
    for (const HistoryEvent& e : HistoryOf(id, "TASK_RETRY_SCHEDULED")) {
      r.delays.push_back(Field(e.details, "delay_ms").as_int());
      r.seeds.push_back(Field(e.details, "jitter_seed").as_int());
    }
    std::vector<TaskInfo> tasks = TasksOf(id);
    for (size_t i = 0; i < tasks.size(); ++i) {
      r.attempts.push_back(tasks[i].attempt);
      if (i > 0) r.gaps.push_back(tasks[i].scheduled_ms - tasks[i - 1].ended_ms);
    }
    return r;
  }

  ExecutionInfo Run(std::string_view workflow) {
    if (!started_) {
      EXPECT_TRUE(engine_->StartWorkers().ok());
      started_ = true;
    }
    return Await(StartOk(workflow));
  }

  bool started_ = false;
};

TEST_F(PolicyTest, FixedDelayRetriesAreNewAttempts) {
  AlwaysFail("fixed");
  ExecutionInfo info = Run("call_fixed");
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(Field(info.error, "code").as_string(), "TASK_FAILED");
  EXPECT_EQ(Field(info.error, "attempt").as_int(), 3);
  Retries r = RetriesOf(info.id);
  EXPECT_THAT(r.attempts, ElementsAre(1, 2, 3));
  EXPECT_THAT(r.delays, ElementsAre(1000, 1000));
  EXPECT_THAT(r.gaps, ElementsAre(1000, 1000));
  std::vector<TaskInfo> tasks = TasksOf(info.id);
  EXPECT_NE(tasks[0].id, tasks[1].id);  // each attempt is its own task
  for (const TaskInfo& t : tasks) EXPECT_EQ(t.status, TaskStatus::kFailed);
  EXPECT_EQ(HistoryOf(info.id, "TASK_FAILED").size(), 3u);
}

TEST_F(PolicyTest, ARetryThatSucceedsCompletesTheCall) {
  AlwaysFail("flaky", /*succeed_at=*/3);
  ExecutionInfo info = Run("call_flaky");
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.as_string(), "ok");
  EXPECT_THAT(RetriesOf(info.id).attempts, ElementsAre(1, 2, 3));
}

// Conductor: EXPONENTIAL_BACKOFF delay * 2^retryCount, LINEAR_BACKOFF
// delay * backoffScaleFactor * (retryCount + 1), retryCount counting from 0.
TEST_F(PolicyTest, ExponentialBackoffDoubles) {
  AlwaysFail("expo");
  Retries r = RetriesOf(Run("call_expo").id);
  EXPECT_THAT(r.delays, ElementsAre(1000, 2000, 4000, 8000));
  EXPECT_THAT(r.gaps, ElementsAre(1000, 2000, 4000, 8000));
}

TEST_F(PolicyTest, LinearBackoffGrowsByTheScale) {
  AlwaysFail("linear");
  Retries r = RetriesOf(Run("call_linear").id);
  EXPECT_THAT(r.delays, ElementsAre(2000, 4000, 6000));
  EXPECT_THAT(r.gaps, ElementsAre(2000, 4000, 6000));
}

TEST_F(PolicyTest, MaxDelayCapsTheBackoff) {
  AlwaysFail("capped");
  Retries r = RetriesOf(Run("call_capped").id);
  EXPECT_THAT(r.delays, ElementsAre(1000, 2000, 3000, 3000));
}

TEST_F(PolicyTest, JitterIsDrawnFromTheRecordedSeedAndReproducible) {
  AlwaysFail("jittery");
  ExecutionInfo info = Run("call_jittery");
  Retries first = RetriesOf(info.id);
  ASSERT_EQ(first.delays.size(), 3u);
  const engine::TaskPolicy policy = engine::ParsePolicy(Json(R"({"retries":3,"delay":10000,"jitter":0.5})"));
  for (size_t i = 0; i < first.delays.size(); ++i) {
    EXPECT_GE(first.delays[i], 5000);
    EXPECT_LE(first.delays[i], 10000);
    // The recorded seed alone gives the delay back.
    EXPECT_EQ(first.delays[i],
              engine::RetryDelayMs(policy, static_cast<uint32_t>(i + 2),
                                   engine::UnitFromSeed(static_cast<uint64_t>(first.seeds[i]))))
        << "retry " << i + 1 << " seed " << first.seeds[i];
  }
  EXPECT_THAT(first.gaps, ElementsAre(first.delays[0], first.delays[1], first.delays[2]));
  // Another engine over the store runs the same execution again: same seeds, same delays.
  ReopenVirtual();
  AlwaysFail("jittery");
  ASSERT_TRUE(engine_->StartWorkers().ok());
  ASSERT_TRUE(engine_->Restart(info.id).ok());
  ASSERT_EQ(ExecutionStatusName(Await(info.id).status), "FAILED");
  Retries both = RetriesOf(info.id);
  ASSERT_EQ(both.delays.size(), 6u);
  EXPECT_EQ(std::vector<int64_t>(both.delays.begin() + 3, both.delays.end()), first.delays);
  EXPECT_EQ(std::vector<int64_t>(both.seeds.begin() + 3, both.seeds.end()), first.seeds);
}

TEST_F(PolicyTest, ATerminalFailureIsNotRetried) {
  const std::string id = StartOk("call_fixed");
  auto t = PollWithin("fixed");
  ASSERT_TRUE(t);
  ASSERT_TRUE(engine_->FailTask(t->context.task_id, "ext", "card stolen", Json(R"({"why":"x"})"),
                                /*terminal=*/true)
                  .ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(Field(info.error, "attempt").as_int(), 1);
  EXPECT_EQ(Field(info.error, "details").ToJson(), R"({"why":"x"})");
  EXPECT_EQ(TasksOf(id).size(), 1u);
  EXPECT_TRUE(HistoryOf(id, "TASK_RETRY_SCHEDULED").empty());
}

TEST_F(PolicyTest, AnInProcessTerminalFailureIsNotRetried) {
  engine_->RegisterWorker("fixed", [](const TaskContext&) {
    return TaskOutcome::FailTerminal("fatal");
  });
  ExecutionInfo info = Run("call_fixed");
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(TasksOf(info.id).size(), 1u);
}

TEST_F(PolicyTest, AnOptionalTasksFailureIsNullAndRecorded) {
  AlwaysFail("maybe");
  ExecutionInfo info = Run("call_maybe");
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"r":null,"after":"went on"})");
  std::vector<HistoryEvent> optional = HistoryOf(info.id, "TASK_OPTIONAL_FAILED");
  ASSERT_EQ(optional.size(), 1u);
  EXPECT_EQ(Field(optional[0].details, "error.code").as_string(), "TASK_FAILED");
  EXPECT_THAT(Field(optional[0].details, "error.message").as_string(), HasSubstr("try again"));
}

TEST_F(PolicyTest, TotalTimeoutStopsRetries) {
  AlwaysFail("total");
  ExecutionInfo info = Run("call_total");
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  // Attempts start at 0, 1, 2, 3, 4 s; the failure at 4 s is past the 3.5 s budget.
  Retries r = RetriesOf(info.id);
  EXPECT_THAT(r.attempts, ElementsAre(1, 2, 3, 4, 5));
  EXPECT_EQ(Field(info.error, "attempt").as_int(), 5);
}

TEST_F(PolicyTest, ACallSiteWithOverridesTheDeclaredPolicy) {
  AlwaysFail("overridden");
  ExecutionInfo info = Run("call_overridden");
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  Retries r = RetriesOf(info.id);
  EXPECT_THAT(r.attempts, ElementsAre(1, 2));  // retries: 1, not 5
  EXPECT_THAT(r.delays, ElementsAre(5000));    // delay: 5s, not 1s
}

TEST_F(PolicyTest, AHigherPriorityTaskOfTheSameTypeIsPolledFirst) {
  Deploy(R"(
task job with { priority: 1 }
workflow prioritized() {
    parallel {
        job(n: "low")
        job(n: "high") with { priority: 10 }
        job(n: "mid") with { priority: 5 }
    }
}
)");
  const std::string id = StartOk("prioritized");
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto t = PollWithin("job");
    ASSERT_TRUE(t);
    order.push_back(Field(t->context.input, "n").as_string());
  }
  EXPECT_THAT(order, ElementsAre("high", "mid", "low"));
}

TEST_F(PolicyTest, PriorityOrdersTasksAcrossExecutions) {
  Deploy(R"(
task job
workflow normal(tag: string) {
    return job(tag: tag)
}
workflow urgent(tag: string) {
    return job(tag: tag) with { priority: 3 }
}
)");
  StartOk("normal", R"({"tag":"first-started"})");
  StartOk("normal", R"({"tag":"second-started"})");
  StartOk("urgent", R"({"tag":"urgent"})");
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto t = PollWithin("job");
    ASSERT_TRUE(t);
    order.push_back(Field(t->context.input, "tag").as_string());
  }
  // Higher priority first, then first come first served.
  EXPECT_THAT(order, ElementsAre("urgent", "first-started", "second-started"));
}

// --- Timeouts a worker's silence triggers: real clock (a leased task keeps virtual time still).

constexpr std::string_view kTimeouts = R"(
task slow with { timeout: 300ms, retries: 1, delay: 10ms }
task beat with { heartbeat: 500ms }
task unpicked with { schedule_timeout: 200ms }

workflow call_slow() {
    try {
        return slow(n: 1)
    } catch e {
        return { code: e.code, attempt: e.attempt }
    }
}
workflow call_beat() { return beat(n: 1) }
workflow call_unpicked() { return unpicked(n: 1) }
)";

class TimeoutTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Deploy(kTimeouts);
  }
};

TEST_F(TimeoutTest, AnAttemptThatRunsTooLongTimesOutAndIsRetried) {
  const std::string id = StartOk("call_slow");
  auto first = PollWithin("slow");  // and never answered
  ASSERT_TRUE(first);
  auto second = PollWithin("slow", "ext", std::chrono::seconds(5));
  ASSERT_TRUE(second) << "no retry after the attempt timeout";
  EXPECT_EQ(second->context.attempt, 2u);
  std::vector<HistoryEvent> timed_out = HistoryOf(id, "TASK_TIMED_OUT");
  ASSERT_EQ(timed_out.size(), 1u);
  EXPECT_EQ(timed_out[0].task_id, first->context.task_id);
  // The first worker answers late: ignored.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      engine_->CompleteTask(first->context.task_id, "ext", Value::Int(1))));
  // The second attempt times out too: retries are used up, and the catch sees a TIMEOUT.
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"code":"TIMEOUT","attempt":2})");
  std::vector<TaskInfo> tasks = TasksOf(id);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_GE(tasks[0].ended_ms - tasks[0].scheduled_ms, 300);
  EXPECT_EQ(tasks[0].status, TaskStatus::kFailed);
}

TEST_F(TimeoutTest, AMissedHeartbeatFailsTheAttempt) {
  ASSERT_TRUE(engine_->StartWorkers().ok());  // its lease sweeper notices the silence
  const std::string id = StartOk("call_beat");
  auto t = PollWithin("beat");
  ASSERT_TRUE(t);
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(Field(info.error, "code").as_string(), "TIMEOUT");
  EXPECT_THAT(Field(info.error, "message").as_string(), HasSubstr("heartbeat"));
  EXPECT_EQ(HistoryOf(id, "TASK_TIMED_OUT").size(), 1u);
  EXPECT_FALSE(engine_->Heartbeat(t->context.task_id, "ext", Value()).ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(
      engine_->CompleteTask(t->context.task_id, "ext", Value())));
}

TEST_F(TimeoutTest, HeartbeatsKeepAnAttemptAliveAndRecordProgress) {
  ASSERT_TRUE(engine_->StartWorkers().ok());
  const std::string id = StartOk("call_beat");
  auto t = PollWithin("beat");
  ASSERT_TRUE(t);
  // Three times the heartbeat timeout passes; the worker reports every 100 ms.
  for (int i = 1; i <= 15; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    absl::Status s = engine_->Heartbeat(t->context.task_id, "ext",
                                        Json(absl::StrCat(R"({"done":)", i, "}")));
    ASSERT_TRUE(s.ok()) << "heartbeat " << i << ": " << s;
  }
  std::vector<TaskInfo> tasks = TasksOf(id);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].status, TaskStatus::kInProgress);  // out with the worker
  EXPECT_EQ(tasks[0].output.ToJson(), R"({"done":15})");  // partial output
  // Each heartbeat records the lease it extended, counted from then.
  EXPECT_GT(tasks[0].lease_expires_ms, tasks[0].started_ms + 1000);
  ASSERT_TRUE(engine_->CompleteTask(t->context.task_id, "ext", Value::String("all")).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.as_string(), "all");
  EXPECT_TRUE(HistoryOf(id, "TASK_TIMED_OUT").empty());
}

// A task scheduled before the engine closed keeps its policy when it is handed out again.
TEST_F(TimeoutTest, AHeartbeatTimeoutStillAppliesAfterAReopen) {
  const std::string id = StartOk("call_beat");
  Reopen();
  ASSERT_TRUE(engine_->StartWorkers().ok());
  auto t = PollWithin("beat");
  ASSERT_TRUE(t);
  auto info = engine_->AwaitExecution(id, absl::Seconds(10));  // the lease alone is 60 s
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_EQ(ExecutionStatusName(info->status), "FAILED");
  EXPECT_EQ(Field(info->error, "code").as_string(), "TIMEOUT");
}

TEST_F(PolicyTest, PriorityStillAppliesAfterAReopen) {
  Deploy(R"(
task job
workflow normal(tag: string) {
    return job(tag: tag)
}
workflow urgent(tag: string) {
    return job(tag: tag) with { priority: 3 }
}
)");
  StartOk("normal", R"({"tag":"first-started"})");
  StartOk("urgent", R"({"tag":"urgent"})");
  ReopenVirtual();
  auto t = PollWithin("job");
  ASSERT_TRUE(t);
  EXPECT_EQ(Field(t->context.input, "tag").as_string(), "urgent");
}

TEST_F(TimeoutTest, ATaskNobodyPicksUpHitsItsScheduleTimeout) {
  const std::string id = StartOk("call_unpicked");
  auto info = engine_->AwaitExecution(id, absl::Seconds(10));
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_EQ(ExecutionStatusName(info->status), "FAILED");
  EXPECT_EQ(Field(info->error, "code").as_string(), "TIMEOUT");
  EXPECT_THAT(Field(info->error, "message").as_string(), HasSubstr("schedule_timeout"));
  // The timed-out task is withdrawn from the queue.
  auto polled = engine_->PollTask("unpicked", "ext");
  ASSERT_TRUE(polled.ok());
  EXPECT_FALSE(polled->has_value());
}

}  // namespace
}  // namespace weft::testing
