// Payload limits (EngineLimits): a value over its limit is never stored. At the API's edge it
// is refused with InvalidArgument; inside a workflow the operation fails with a catchable
// LIMIT_EXCEEDED error (or the task attempt fails for good, for a worker's output); a state or
// a history past its limit fails that execution alone.
#include <gmock/gmock.h>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kSource = R"(
task t with { retries: 2 }

workflow echo(s: string) {
    return s
}

workflow big_task_input(n: int) {
    try {
        return t(x: repeat("x", n))
    } catch e {
        return { code: e.code, message: e.message }
    }
}

workflow big_child_input(n: int) {
    try {
        return echo(s: repeat("x", n))
    } catch e {
        return { code: e.code, message: e.message }
    }
}

workflow big_output(n: int) {
    return repeat("x", n)
}

workflow task_output() {
    try {
        return t()
    } catch e {
        return { code: e.code, message: e.message, attempt: e.attempt }
    }
}

workflow big_state(n: int) {
    let held = repeat("x", n)
    let s = await signal("go")
    return len(held)
}

workflow growing(n: int) {
    let size = await signal("grow")
    let held = repeat("x", size)
    let s = await signal("go")
    return len(held)
}

workflow chatty(n: int) {
    var i = 0
    while i < n {
        t(i: i)
        i = i + 1
    }
    return i
}
)";

class LimitsTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.limits.max_input_bytes = 4096;
    options.limits.max_task_input_bytes = 4096;
    options.limits.max_task_output_bytes = 4096;
    options.limits.max_signal_bytes = 4096;
    options.limits.max_output_bytes = 4096;
    options.limits.max_checkpoint_bytes = 64 << 10;
    options.limits.max_history_events = 40;
    Reopen(options);
    Deploy(kSource);
  }

  void Worker(Value output) {
    engine_->RegisterWorker("t", [output](const TaskContext&) {
      return TaskOutcome::Complete(output);
    });
    ASSERT_TRUE(engine_->StartWorkers().ok());
  }
};

TEST_F(LimitsTest, StartAndSignalRefuseOversizePayloadsAtTheEdge) {
  auto started = engine_->Start("echo", Value::MakeObject(Object(
                                            {{"s", Value::String(std::string(5000, 'x'))}})));
  ASSERT_TRUE(absl::IsInvalidArgument(started.status())) << started.status();
  EXPECT_THAT(std::string(started.status().message()), HasSubstr("max_input_bytes"));
  const std::string id = StartOk("big_state", R"({"n":10})");
  absl::Status s = engine_->Signal(id, "go", Value::String(std::string(5000, 'x')));
  ASSERT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("max_signal_bytes"));
  EXPECT_TRUE(HistoryOf(id, "SIGNAL_RECEIVED").empty());
}

TEST_F(LimitsTest, OversizeTaskAndChildInputsAreCatchable) {
  ExecutionInfo task = Await(StartOk("big_task_input", R"({"n":5000})"));
  ASSERT_EQ(task.status, ExecutionStatus::kCompleted) << task.error.ToJson();
  EXPECT_EQ(Field(task.output, "code"), Value::String("LIMIT_EXCEEDED"));
  EXPECT_THAT(Field(task.output, "message").as_string(), HasSubstr("max_task_input_bytes"));
  ExecutionInfo child = Await(StartOk("big_child_input", R"({"n":5000})"));
  ASSERT_EQ(child.status, ExecutionStatus::kCompleted) << child.error.ToJson();
  EXPECT_EQ(Field(child.output, "code"), Value::String("LIMIT_EXCEEDED"));
  EXPECT_THAT(Field(child.output, "message").as_string(), HasSubstr("max_input_bytes"));
  EXPECT_TRUE(TasksOf(child.id).empty());
}

TEST_F(LimitsTest, OversizeTaskOutputFailsTheAttemptForGood) {
  Worker(Value::String(std::string(5000, 'x')));
  ExecutionInfo info = Await(StartOk("task_output"));
  ASSERT_EQ(info.status, ExecutionStatus::kCompleted) << info.error.ToJson();
  EXPECT_EQ(Field(info.output, "code"), Value::String("TASK_FAILED"));
  EXPECT_THAT(Field(info.output, "message").as_string(), HasSubstr("max_task_output_bytes"));
  EXPECT_EQ(Field(info.output, "attempt"), Value::Int(1));  // `retries: 2`, yet never retried
  EXPECT_EQ(TasksOf(info.id).size(), 1u);
}

TEST_F(LimitsTest, OversizeOutputFailsTheExecution) {
  ExecutionInfo info = Await(StartOk("big_output", R"({"n":5000})"));
  EXPECT_EQ(info.status, ExecutionStatus::kFailed);
  EXPECT_EQ(Field(info.error, "code"), Value::String("LIMIT_EXCEEDED"));
  EXPECT_THAT(Field(info.error, "message").as_string(), HasSubstr("max_output_bytes"));
  EXPECT_EQ(Await(StartOk("big_output", R"({"n":100})")).status, ExecutionStatus::kCompleted);
}

TEST_F(LimitsTest, OversizeStateAtStartIsRefusedAndNeverStored) {
  auto started = engine_->Start("big_state", Json(R"({"n":100000})"));
  ASSERT_TRUE(absl::IsOutOfRange(started.status())) << started.status();
  EXPECT_THAT(std::string(started.status().message()), HasSubstr("max_checkpoint_bytes"));
  auto listed = engine_->ListExecutions(std::nullopt, 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(LimitsTest, OversizeStateQuarantinesThatExecutionAlone) {
  const std::string small = StartOk("big_state", R"({"n":10})");
  const std::string big = StartOk("growing", R"({"n":0})");
  absl::Status grown = engine_->Signal(big, "grow", Value::Int(100000));
  EXPECT_TRUE(absl::IsOutOfRange(grown)) << grown;
  ExecutionInfo info = Await(big);
  EXPECT_EQ(info.status, ExecutionStatus::kFailed);
  EXPECT_EQ(Field(info.error, "code"), Value::String("QUARANTINED"));
  EXPECT_THAT(Field(info.error, "message").as_string(), HasSubstr("max_checkpoint_bytes"));
  ASSERT_TRUE(engine_->Signal(small, "go", Value()).ok());
  EXPECT_EQ(Await(small).output, Value::Int(10));
}

TEST_F(LimitsTest, HistoryCapFailsTheExecutionWithAClearError) {
  Worker(Value::Int(1));
  ExecutionInfo info = Await(StartOk("chatty", R"({"n":1000})"));
  EXPECT_EQ(info.status, ExecutionStatus::kFailed);
  EXPECT_EQ(Field(info.error, "code"), Value::String("LIMIT_EXCEEDED"));
  EXPECT_THAT(Field(info.error, "message").as_string(), HasSubstr("max_history_events"));
  auto history = engine_->History(info.id);
  ASSERT_TRUE(history.ok());
  EXPECT_LT(history->size(), 50u);
  EXPECT_EQ(Await(StartOk("chatty", R"({"n":3})")).status, ExecutionStatus::kCompleted);
}

}  // namespace
}  // namespace weft::testing
