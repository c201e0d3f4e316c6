// Execution control through the embedding API: terminate, pause/resume, retry and restart,
// each recorded in the history, and refused with FailedPrecondition when the execution's
// state does not allow it.
#include <gmock/gmock.h>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kV1 = R"(
task first, second

workflow steps(id: string) {
    let a = first(id: id)
    let b = second(a: a)
    return { version: 1, a: a, b: b }
}

workflow busy() {
    parallel {
        first(id: "x")
        sleep 1h
        await signal("never")
    }
}
)";

constexpr std::string_view kV2 = R"(
task first, second

workflow steps(id: string) {
    return { version: 2 }
}
)";

class ControlTest : public EngineTest {
 protected:
  void SetUp() override {
    ReopenVirtual();
    Deploy(kV1);
  }

  LeasedTask Take(std::string_view type) {
    auto t = PollWithin(type);
    EXPECT_TRUE(t) << "no " << type << " task";
    return t ? *t : LeasedTask{};
  }

  void Complete(const LeasedTask& t, Value output) {
    absl::Status s = engine_->CompleteTask(t.context.task_id, "ext", std::move(output));
    EXPECT_TRUE(s.ok()) << s;
  }

  int CountOfType(const std::string& id, std::string_view type) {
    int n = 0;
    for (const TaskInfo& t : TasksOf(id)) n += t.type == type;
    return n;
  }
};

TEST_F(ControlTest, TerminateCancelsTasksAndTimersAndIsRecorded) {
  const std::string id = StartOk("busy");
  LeasedTask t = Take("first");
  ASSERT_TRUE(engine_->Terminate(id, "operator said so").ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "TERMINATED");
  EXPECT_EQ(Field(info.error, "message").as_string(), "operator said so");
  std::vector<HistoryEvent> terminated = HistoryOf(id, "EXECUTION_TERMINATED");
  ASSERT_EQ(terminated.size(), 1u);
  EXPECT_EQ(Field(terminated[0].details, "reason").as_string(), "operator said so");
  EXPECT_EQ(HistoryOf(id, "TASK_CANCELED").size(), 1u);
  EXPECT_EQ(TasksOf(id).at(0).status, TaskStatus::kCanceled);
  EXPECT_TRUE(HistoryOf(id, "TIMER_FIRED").empty());
  // The worker's late result, a second terminate and a signal are all refused.
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->CompleteTask(t.context.task_id, "ext", Value())));
  absl::Status again = engine_->Terminate(id, "again");
  EXPECT_TRUE(absl::IsFailedPrecondition(again)) << again;
  EXPECT_THAT(std::string(again.message()), HasSubstr("TERMINATED"));
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->Signal(id, "never", Value())));
  EXPECT_EQ(HistoryOf(id, "EXECUTION_TERMINATED").size(), 1u);
}

TEST_F(ControlTest, APausedExecutionSchedulesNothingUntilResumed) {
  const std::string id = StartOk("steps", R"({"id":"p"})");
  LeasedTask first = Take("first");
  ASSERT_TRUE(engine_->Pause(id).ok());
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(id)->status), "PAUSED");
  // The running task's result still applies...
  Complete(first, Value::String("A"));
  EXPECT_EQ(HistoryOf(id, "TASK_COMPLETED").size(), 1u);
  // ...but the next task is held back.
  EXPECT_EQ(CountOfType(id, "second"), 0);
  auto none = engine_->PollTask("second", "ext");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_TRUE(absl::IsDeadlineExceeded(engine_->AwaitExecution(id, absl::Milliseconds(50)).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->Pause(id)));  // already paused

  ASSERT_TRUE(engine_->Resume(id).ok());
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(id)->status), "RUNNING");
  LeasedTask second = Take("second");
  EXPECT_EQ(second.context.input.ToJson(), R"({"a":"A"})");
  Complete(second, Value::String("B"));
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"version":1,"a":"A","b":"B"})");
  EXPECT_EQ(HistoryOf(id, "EXECUTION_PAUSED").size(), 1u);
  EXPECT_EQ(HistoryOf(id, "EXECUTION_RESUMED").size(), 1u);
}

TEST_F(ControlTest, InvalidCommandsAreRefusedWithTheReason) {
  const std::string id = StartOk("steps", R"({"id":"i"})");
  absl::Status s = engine_->Resume(id);  // running, not paused
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->Retry(id)));    // not failed
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->Restart(id)));  // not ended
  Complete(Take("first"), Value::String("A"));
  Complete(Take("second"), Value::String("B"));
  ASSERT_EQ(ExecutionStatusName(Await(id).status), "COMPLETED");
  s = engine_->Resume(id);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("COMPLETED"));
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->Pause(id)));
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->Retry(id)));
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->Terminate(id, "")));
  EXPECT_TRUE(absl::IsNotFound(engine_->Pause("no-such-execution")));
}

TEST_F(ControlTest, RetryContinuesFromTheFailedStepOnTheSameVersion) {
  const std::string id = StartOk("steps", R"({"id":"r"})");
  Complete(Take("first"), Value::String("A"));
  LeasedTask second = Take("second");
  ASSERT_TRUE(engine_->FailTask(second.context.task_id, "ext", "down").ok());
  ExecutionInfo failed = Await(id);
  ASSERT_EQ(ExecutionStatusName(failed.status), "FAILED");
  ASSERT_EQ(Deploy(kV2).at(0).version, 2u);

  ASSERT_TRUE(engine_->Retry(id).ok());
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(id)->status), "RUNNING");
  LeasedTask again = Take("second");
  EXPECT_NE(again.context.task_id, second.context.task_id);  // a new task for the failed step
  EXPECT_EQ(again.context.attempt, 2u);  // attempt numbers go on; no second "attempt 1"
  EXPECT_EQ(again.context.input.ToJson(), R"({"a":"A"})");
  Complete(again, Value::String("B"));
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"version":1,"a":"A","b":"B"})");
  EXPECT_EQ(info.version, 1u);
  EXPECT_TRUE(info.error.is_null());
  EXPECT_EQ(CountOfType(id, "first"), 1);  // not run again
  EXPECT_EQ(CountOfType(id, "second"), 2);
  EXPECT_EQ(HistoryOf(id, "EXECUTION_RETRIED").size(), 1u);
  EXPECT_EQ(HistoryOf(id, "EXECUTION_FAILED").size(), 1u);
  EXPECT_EQ(HistoryOf(id, "EXECUTION_COMPLETED").size(), 1u);
}

TEST_F(ControlTest, RestartRunsFromTheBeginningOnTheSameVersion) {
  const std::string id = StartOk("steps", R"({"id":"s"})");
  Complete(Take("first"), Value::String("A1"));
  Complete(Take("second"), Value::String("B1"));
  ASSERT_EQ(ExecutionStatusName(Await(id).status), "COMPLETED");
  Deploy(kV2);

  ASSERT_TRUE(engine_->Restart(id).ok());
  LeasedTask first = Take("first");
  EXPECT_EQ(first.context.execution_id, id);
  EXPECT_EQ(first.context.input.ToJson(), R"({"id":"s"})");  // the same input
  Complete(first, Value::String("A2"));
  Complete(Take("second"), Value::String("B2"));
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"version":1,"a":"A2","b":"B2"})");
  EXPECT_EQ(info.version, 1u);
  EXPECT_EQ(CountOfType(id, "first"), 2);
  std::vector<HistoryEvent> restarted = HistoryOf(id, "EXECUTION_RESTARTED");
  ASSERT_EQ(restarted.size(), 1u);
  EXPECT_EQ(Field(restarted[0].details, "version").as_int(), 1);
}

TEST_F(ControlTest, ATerminatedExecutionCanBeRestarted) {
  const std::string id = StartOk("steps", R"({"id":"t"})");
  ASSERT_TRUE(engine_->Terminate(id, "oops").ok());
  ASSERT_EQ(ExecutionStatusName(Await(id).status), "TERMINATED");
  ASSERT_TRUE(engine_->Restart(id).ok());
  Complete(Take("first"), Value::String("A"));
  Complete(Take("second"), Value::String("B"));
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_TRUE(info.error.is_null());
}

}  // namespace
}  // namespace weft::testing
