// Signals through the embedding API: delivery to a waiting execution, buffering of signals
// sent before the wait (in send order, exactly once), a catchable timeout under virtual time,
// and the errors for executions that take no signals.
#include <gmock/gmock.h>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kSignals = R"(
workflow approve() {
    let a = await signal("approved")
    return a
}

workflow queue() {
    await signal("go")
    let a = await signal("item")
    let b = await signal("item")
    return [a, b]
}

workflow drain(n: int) {
    await signal("go")
    var got = []
    for i in range(n) {
        got = append(got, await signal("item"))
    }
    return got
}

workflow deadline() {
    let before = now()
    try {
        return await signal("approved", timeout: 2d)
    } catch e {
        return { code: e.code, message: e.message, waited: now() - before }
    }
}

task hold

workflow in_time() {
    var a = null
    parallel {
        a = await signal("approved", timeout: 1h)
        hold(n: 1)
    }
    sleep 2h
    return a
}
)";

class SignalsTest : public EngineTest {
 protected:
  void SetUp() override {
    ReopenVirtual();
    Deploy(kSignals);
  }
};

TEST_F(SignalsTest, AWaitingExecutionGetsThePayload) {
  const std::string id = StartOk("approve");
  // Start returns once the execution waits: nothing but the signal can end it.
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(id)->status), "RUNNING");
  ASSERT_TRUE(engine_->Signal(id, "approved", Json(R"({"by":"ann","ok":true})")).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"by":"ann","ok":true})");
  std::vector<HistoryEvent> received = HistoryOf(id, "SIGNAL_RECEIVED");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(Field(received[0].details, "name").as_string(), "approved");
  EXPECT_EQ(Field(received[0].details, "payload").ToJson(), R"({"by":"ann","ok":true})");
}

TEST_F(SignalsTest, SignalsSentBeforeTheWaitAreBufferedInOrderAndUsedOnce) {
  const std::string id = StartOk("queue");
  // Three items arrive while the execution still waits on "go": all buffered.
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(engine_->Signal(id, "item", Value::Int(i)).ok());
  ASSERT_TRUE(engine_->Signal(id, "go", Value()).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), "[1,2]");  // send order; the third is left over
  EXPECT_EQ(HistoryOf(id, "SIGNAL_RECEIVED").size(), 4u);
}

TEST_F(SignalsTest, EachSignalIsConsumedExactlyOnceAcrossBufferedAndLiveDelivery) {
  const std::string id = StartOk("drain", R"({"n":4})");
  ASSERT_TRUE(engine_->Signal(id, "item", Value::String("a")).ok());
  ASSERT_TRUE(engine_->Signal(id, "item", Value::String("b")).ok());
  ASSERT_TRUE(engine_->Signal(id, "go", Value()).ok());
  // Now the loop waits for its third item: these two are delivered live.
  ASSERT_TRUE(engine_->Signal(id, "item", Value::String("c")).ok());
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(id)->status), "RUNNING");
  ASSERT_TRUE(engine_->Signal(id, "item", Value::String("d")).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"(["a","b","c","d"])");
}

TEST_F(SignalsTest, ATimeoutRaisesACatchableTimeout) {
  const std::string id = StartOk("deadline");
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(Field(info.output, "code").as_string(), "TIMEOUT");
  EXPECT_THAT(Field(info.output, "message").as_string(), HasSubstr("approved"));
  EXPECT_EQ(Field(info.output, "waited").as_int(), int64_t{2} * 24 * 3600 * 1000);
  EXPECT_EQ(HistoryOf(id, "SIGNAL_TIMED_OUT").size(), 1u);
  // A signal after the end is refused.
  absl::Status late = engine_->Signal(id, "approved", Value::Bool(true));
  EXPECT_TRUE(absl::IsFailedPrecondition(late)) << late;
}

// Virtual time jumps as soon as the engine is idle, so an execution that only waits would
// time out before the test could signal it; the queued `hold` task keeps the clock still.
TEST_F(SignalsTest, ASignalInTimeCancelsTheTimeout) {
  const std::string id = StartOk("in_time");
  absl::Status sent = engine_->Signal(id, "approved", Value::String("yes"));
  ASSERT_TRUE(sent.ok()) << sent;
  auto hold = PollWithin("hold");
  ASSERT_TRUE(hold);
  ASSERT_TRUE(engine_->CompleteTask(hold->context.task_id, "ext", Value()).ok());
  // The 1h timeout would fall inside the 2h sleep if it were still armed.
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.as_string(), "yes");
  EXPECT_TRUE(HistoryOf(id, "SIGNAL_TIMED_OUT").empty());
}

TEST_F(SignalsTest, EndedAndUnknownExecutionsTakeNoSignals) {
  const std::string id = StartOk("approve");
  ASSERT_TRUE(engine_->Signal(id, "approved", Value::Int(1)).ok());
  ASSERT_EQ(ExecutionStatusName(Await(id).status), "COMPLETED");
  absl::Status s = engine_->Signal(id, "approved", Value::Int(2));
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("COMPLETED"));
  // Refused signals leave no trace in the history.
  EXPECT_EQ(HistoryOf(id, "SIGNAL_RECEIVED").size(), 1u);
  EXPECT_TRUE(absl::IsNotFound(engine_->Signal("no-such-execution", "approved", Value())));
  EXPECT_TRUE(absl::IsInvalidArgument(engine_->Signal(id, "", Value())));
}

TEST_F(SignalsTest, BufferedSignalsSurviveAReopen) {
  const std::string id = StartOk("queue");
  ASSERT_TRUE(engine_->Signal(id, "item", Value::Int(7)).ok());
  ASSERT_TRUE(engine_->Signal(id, "item", Value::Int(8)).ok());
  ReopenVirtual();
  ASSERT_TRUE(engine_->Signal(id, "go", Value()).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), "[7,8]");
  EXPECT_THAT(HistoryTypes(id), ElementsAre("EXECUTION_STARTED", "SIGNAL_RECEIVED",
                                            "SIGNAL_RECEIVED", "SIGNAL_RECEIVED",
                                            "EXECUTION_COMPLETED"));
}

// Opening a store reads none of its waiting executions: a million of them (bench/suspended)
// must cost nothing at open. A signal then loads exactly the execution it reaches.
TEST_F(EngineTest, ReopeningDoesNotReadWaitingExecutions) {
  Deploy(kSignals);
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) ids.push_back(StartOk("approve"));
  // One that waits on a task, so the open has something to read: its queued task.
  Deploy("task t\nworkflow one() {\n    return t()\n}\n");
  StartOk("one");
  Reopen();
  EngineStats stats = engine_->Stats();
  EXPECT_EQ(stats.states_loaded, 0u);
  // The queue row, the task row and its wait record of the one queued task; nothing per
  // waiting execution.
  EXPECT_EQ(stats.rows_read_at_open, 3u);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(engine_->Signal(ids[i], "approved", Value::Int(i)).ok());
    EXPECT_EQ(Await(ids[i]).status, ExecutionStatus::kCompleted);
  }
  EXPECT_EQ(engine_->Stats().states_loaded, 10u);
  EXPECT_EQ(engine_->GetExecution(ids[10])->status, ExecutionStatus::kRunning);
}

}  // namespace
}  // namespace weft::testing
