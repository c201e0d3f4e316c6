// Errors in the engine: structured errors in catch, re-throw with `fail e`, compensations run
// newest first on failure, the failure workflow, and the workflow-level timeout.
#include <gmock/gmock.h>

#include <mutex>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kErrors = R"(
task charge, reserve, release, refund, ship

workflow inspect() {
    try {
        charge(amount: 5)
        return "charged"
    } catch e {
        return e
    }
}

workflow rethrow() {
    try {
        charge(amount: 5)
    } catch e {
        fail e
    }
}

workflow saga(id: string) {
    reserve(id: id) compensate release(id: id)
    charge(id: id) compensate refund(id: id)
    ship(id: id)
    return "shipped"
}

workflow guarded(id: string) with { on_failure: "handler" } {
    charge(id: id)
    return "ok"
}

// `workflow` is a keyword, so no handler can take that field of the failure input.
workflow handler(execution_id: string, version: int, reason: string, error: object,
                 input: object) {
    return { execution_id: execution_id, version: version, reason: reason, code: error.code,
             input: input }
}

workflow slow() with { timeout: 1h } {
    sleep 2h
    return "late"
}
)";

class FailureTest : public EngineTest {
 protected:
  void SetUp() override {
    ReopenVirtual();
    Deploy(kErrors);
  }

  LeasedTask FailNext(std::string_view type, std::string reason, Value details = Value()) {
    auto t = PollWithin(type);
    EXPECT_TRUE(t) << "no " << type << " task";
    if (!t) return LeasedTask{};
    absl::Status s = engine_->FailTask(t->context.task_id, "ext", std::move(reason), details);
    EXPECT_TRUE(s.ok()) << s;
    return *t;
  }
};

TEST_F(FailureTest, ACatchSeesTheStructuredError) {
  const std::string id = StartOk("inspect");
  LeasedTask t = FailNext("charge", "card declined", Json(R"({"bank":"X","retry":false})"));
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  const Value& e = info.output;
  EXPECT_EQ(Field(e, "code").as_string(), "TASK_FAILED");
  EXPECT_EQ(Field(e, "message").as_string(), "task `charge` failed: card declined");
  EXPECT_EQ(Field(e, "task").as_string(), "charge");
  EXPECT_EQ(Field(e, "task_id").as_string(), t.context.task_id);
  EXPECT_EQ(Field(e, "attempt").as_int(), 1);
  EXPECT_EQ(Field(e, "details").ToJson(), R"({"bank":"X","retry":false})");
  EXPECT_EQ(Field(e, "line").as_int(), 6);
}

TEST_F(FailureTest, FailERethrowsTheCaughtErrorUnchanged) {
  const std::string id = StartOk("rethrow");
  FailNext("charge", "card declined");
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(Field(info.error, "code").as_string(), "TASK_FAILED");
  EXPECT_EQ(Field(info.error, "task").as_string(), "charge");
  EXPECT_EQ(Field(info.error, "message").as_string(), "task `charge` failed: card declined");
  EXPECT_EQ(Field(info.error, "line").as_int(), 15);  // where the task failed, not the `fail`
}

TEST_F(FailureTest, CompensationsRunNewestFirstAfterAFailure) {
  std::mutex mu;
  std::vector<std::string> ran;
  for (std::string type : {"reserve", "charge", "release", "refund"}) {
    engine_->RegisterWorker(type, [&, type](const TaskContext& t) {
      std::lock_guard<std::mutex> lock(mu);
      ran.push_back(type);
      return TaskOutcome::Complete(Value::String(type + " done"));
    });
  }
  engine_->RegisterWorker("ship", [&](const TaskContext&) {
    std::lock_guard<std::mutex> lock(mu);
    ran.push_back("ship");
    return TaskOutcome::Fail("truck broke down");
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  const std::string id = StartOk("saga", R"({"id":"o1"})");
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_THAT(ran, ElementsAre("reserve", "charge", "ship", "refund", "release"));
  }
  EXPECT_EQ(Field(info.error, "code").as_string(), "TASK_FAILED");
  EXPECT_EQ(Field(info.error, "task").as_string(), "ship");
  const Value comps = Field(info.error, "compensations");
  ASSERT_TRUE(comps.is_list()) << info.error.ToJson();
  ASSERT_EQ(comps.as_list().size(), 2u);
  EXPECT_EQ(Field(comps.as_list()[0], "task").as_string(), "refund");
  EXPECT_TRUE(Field(comps.as_list()[0], "ok").as_bool());
  EXPECT_EQ(Field(comps.as_list()[0], "output").as_string(), "refund done");
  EXPECT_EQ(Field(comps.as_list()[1], "task").as_string(), "release");
  std::vector<TaskInfo> tasks = TasksOf(id);
  ASSERT_EQ(tasks.size(), 5u);
  EXPECT_EQ(tasks[3].input.ToJson(), R"({"id":"o1"})");
  EXPECT_EQ(HistoryOf(id, "COMPENSATION_STARTED").size(), 2u);
}

TEST_F(FailureTest, AFailingCompensationIsRecordedAndTheOthersStillRun) {
  engine_->RegisterWorker("reserve", [](const TaskContext&) { return TaskOutcome::Complete(Value()); });
  engine_->RegisterWorker("charge", [](const TaskContext&) { return TaskOutcome::Complete(Value()); });
  engine_->RegisterWorker("ship", [](const TaskContext&) { return TaskOutcome::Fail("no truck"); });
  engine_->RegisterWorker("refund", [](const TaskContext&) { return TaskOutcome::Fail("bank down"); });
  engine_->RegisterWorker("release", [](const TaskContext&) { return TaskOutcome::Complete(Value::Int(1)); });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  ExecutionInfo info = Await(StartOk("saga", R"({"id":"o2"})"));
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(Field(info.error, "task").as_string(), "ship");  // the original failure stays
  const Value comps = Field(info.error, "compensations");
  ASSERT_TRUE(comps.is_list()) << info.error.ToJson();
  ASSERT_EQ(comps.as_list().size(), 2u);
  EXPECT_FALSE(Field(comps.as_list()[0], "ok").as_bool());
  EXPECT_THAT(Field(comps.as_list()[0], "error.message").as_string(), HasSubstr("bank down"));
  EXPECT_TRUE(Field(comps.as_list()[1], "ok").as_bool());
}

TEST_F(FailureTest, TheFailureWorkflowStartsWithTheFailedExecutionsFacts) {
  const std::string id = StartOk("guarded", R"({"id":"g1"})");
  FailNext("charge", "declined");
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  std::vector<HistoryEvent> started = HistoryOf(id, "FAILURE_WORKFLOW_STARTED");
  ASSERT_EQ(started.size(), 1u);
  const std::string handler = Field(started[0].details, "execution_id").as_string();
  ASSERT_FALSE(handler.empty()) << started[0].details.ToJson();
  ExecutionInfo h = Await(handler);
  ASSERT_EQ(ExecutionStatusName(h.status), "COMPLETED") << h.error.ToJson();
  EXPECT_EQ(h.workflow, "handler");
  EXPECT_EQ(Field(h.output, "execution_id").as_string(), id);
  EXPECT_EQ(Field(h.output, "version").as_int(), 1);
  EXPECT_EQ(Field(h.output, "reason").as_string(), "task `charge` failed: declined");
  EXPECT_EQ(Field(h.output, "code").as_string(), "TASK_FAILED");
  EXPECT_EQ(Field(h.output, "input").ToJson(), R"({"id":"g1"})");
}

TEST_F(FailureTest, AFailureWorkflowMayDeclareOnlyTheFieldsItNeeds) {
  // The shape the language's own examples use: a handler taking just the execution id.
  Deploy(R"(
workflow guarded2() with { on_failure: "notify" } {
    fail "boom"
}
workflow notify(execution_id: string) {
    return execution_id
}
)");
  const std::string id = StartOk("guarded2");
  ASSERT_EQ(ExecutionStatusName(Await(id).status), "FAILED");
  std::vector<HistoryEvent> started = HistoryOf(id, "FAILURE_WORKFLOW_STARTED");
  ASSERT_EQ(started.size(), 1u);
  const std::string handler = Field(started[0].details, "execution_id").as_string();
  ASSERT_FALSE(handler.empty()) << "the handler did not start: " << started[0].details.ToJson();
  ExecutionInfo h = Await(handler);
  ASSERT_EQ(ExecutionStatusName(h.status), "COMPLETED") << h.error.ToJson();
  EXPECT_EQ(h.output.as_string(), id);
}

TEST_F(FailureTest, TheWorkflowTimeoutFailsTheExecutionWithTimeout) {
  const std::string id = StartOk("slow");
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(Field(info.error, "code").as_string(), "TIMEOUT");
  EXPECT_EQ(HistoryOf(id, "EXECUTION_TIMED_OUT").size(), 1u);
  EXPECT_EQ(info.ended_ms - info.created_ms, 3600 * 1000);
}

TEST_F(FailureTest, TheWorkflowTimeoutCancelsTheTaskInFlight) {
  // Virtual time stands still while a worker holds a task: the real clock, a short timeout.
  Reopen();
  Deploy(R"(
task charge
workflow quick() with { timeout: 200ms } {
    charge(amount: 1)
    return "late"
}
)");
  const std::string id = StartOk("quick");
  auto t = PollWithin("charge");
  ASSERT_TRUE(t);
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "FAILED");
  EXPECT_EQ(Field(info.error, "code").as_string(), "TIMEOUT");
  EXPECT_EQ(TasksOf(id).at(0).status, TaskStatus::kCanceled);
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->CompleteTask(t->context.task_id, "ext", Value())));
}

}  // namespace
}  // namespace weft::testing
