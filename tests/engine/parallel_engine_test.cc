// Fork/join in the engine: a parallel block schedules every branch's task at once, a failing
// branch cancels the others' in-flight tasks (fail fast, catchable around the block), and
// `parallel for` respects its limit, keeps input order and scales to 10,000 items.
#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kFan = R"(
task a, b, slow, boom, work, noop

workflow both() {
    var x = null
    var y = null
    parallel {
        x = a(n: 1)
        y = b(n: 2)
    }
    return [x, y]
}

workflow fail_fast() {
    try {
        parallel {
            slow(n: 1)
            boom(n: 2)
        }
        return "not reached"
    } catch e {
        return { code: e.code, task: e.task }
    }
}

workflow limited(items: list) {
    return parallel for item in items limit 3 {
        yield work(n: item)
    }
}

workflow wide(n: int) {
    return parallel for i in range(n) {
        yield noop(i: i)
    }
}
)";

class ParallelTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Deploy(kFan);
  }

  int CountScheduled(const std::string& id) {
    int n = 0;
    for (const TaskInfo& t : TasksOf(id)) n += t.status == TaskStatus::kScheduled;
    return n;
  }
};

TEST_F(ParallelTest, EveryBranchsTaskIsScheduledAtOnce) {
  const std::string id = StartOk("both");
  std::vector<TaskInfo> tasks = TasksOf(id);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].status, TaskStatus::kScheduled);
  EXPECT_EQ(tasks[1].status, TaskStatus::kScheduled);
  EXPECT_EQ(tasks[0].scheduled_ms, tasks[1].scheduled_ms);  // one transition
  // Complete them in the opposite order: the join still assigns each to its branch.
  auto tb = PollWithin("b");
  auto ta = PollWithin("a");
  ASSERT_TRUE(ta && tb);
  ASSERT_TRUE(engine_->CompleteTask(tb->context.task_id, "ext", Value::String("B")).ok());
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(id)->status), "RUNNING");  // joins both
  ASSERT_TRUE(engine_->CompleteTask(ta->context.task_id, "ext", Value::String("A")).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"(["A","B"])");
}

TEST_F(ParallelTest, AFailingBranchCancelsTheOthersInFlightTask) {
  const std::string id = StartOk("fail_fast");
  auto slow = PollWithin("slow");  // in flight with a worker
  auto boom = PollWithin("boom");
  ASSERT_TRUE(slow && boom);
  ASSERT_TRUE(engine_->FailTask(boom->context.task_id, "ext", "exploded").ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"code":"TASK_FAILED","task":"boom"})");
  std::map<std::string, TaskStatus> status;
  for (const TaskInfo& t : TasksOf(id)) status[t.type] = t.status;
  EXPECT_EQ(status["slow"], TaskStatus::kCanceled);
  EXPECT_EQ(status["boom"], TaskStatus::kFailed);
  std::vector<HistoryEvent> canceled = HistoryOf(id, "TASK_CANCELED");
  ASSERT_EQ(canceled.size(), 1u);
  EXPECT_EQ(canceled[0].task_id, slow->context.task_id);
  // The canceled task's late result is ignored, and says so.
  absl::Status late = engine_->CompleteTask(slow->context.task_id, "ext", Value::Int(1));
  EXPECT_TRUE(absl::IsFailedPrecondition(late)) << late;
  EXPECT_EQ(engine_->GetExecution(id)->output.ToJson(), info.output.ToJson());
}

TEST_F(ParallelTest, LimitBoundsRunningBranchesAndResultsKeepInputOrder) {
  std::string items = "[";
  for (int i = 0; i < 20; ++i) items += (i ? "," : "") + std::to_string(i);
  items += "]";
  const std::string id = StartOk("limited", R"({"items":)" + items + "}");
  int max_scheduled = 0;
  int completed = 0;
  std::vector<LeasedTask> held;
  while (!IsEnded(engine_->GetExecution(id)->status)) {
    const int scheduled = CountScheduled(id);
    max_scheduled = std::max(max_scheduled, scheduled);
    ASSERT_LE(scheduled, 3);
    for (;;) {
      auto polled = engine_->PollTask("work", "ext");
      ASSERT_TRUE(polled.ok());
      if (!polled->has_value()) break;
      held.push_back(**polled);
    }
    ASSERT_FALSE(held.empty()) << "nothing to run after " << completed << " completions";
    // Newest first, so results arrive out of input order.
    LeasedTask t = held.back();
    held.pop_back();
    const int64_t n = Field(t.context.input, "n").as_int();
    ASSERT_TRUE(engine_->CompleteTask(t.context.task_id, "ext", Value::Int(n * 10)).ok());
    ++completed;
  }
  EXPECT_EQ(completed, 20);
  EXPECT_EQ(max_scheduled, 3);
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  std::string expected = "[";
  for (int i = 0; i < 20; ++i) expected += (i ? "," : "") + std::to_string(i * 10);
  EXPECT_EQ(info.output.ToJson(), expected + "]");
}

TEST_F(ParallelTest, TenThousandItems) {
  constexpr int kItems = 10000;
  engine_->RegisterWorker("noop", [](const TaskContext& t) {
    return TaskOutcome::Complete(Field(t.input, "i"));
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  const auto started = std::chrono::steady_clock::now();
  const std::string id = StartOk("wide", absl::StrCat(R"({"n":)", kItems, "}"));
  auto info = engine_->AwaitExecution(id, absl::Seconds(120));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_EQ(ExecutionStatusName(info->status), "COMPLETED") << info->error.ToJson();
  ASSERT_TRUE(info->output.is_list());
  const List& out = info->output.as_list();
  ASSERT_EQ(out.size(), static_cast<size_t>(kItems));
  for (int i = 0; i < kItems; ++i) ASSERT_EQ(out[i].as_int(), i) << "at " << i;
  EngineStats stats = engine_->Stats();
  std::printf("10,000-item parallel for: %.2f s, %llu checkpoints, %.1f MB of checkpoints\n",
              seconds, static_cast<unsigned long long>(stats.checkpoints_written),
              static_cast<double>(stats.checkpoint_bytes_total) / 1e6);
  RecordProperty("seconds", std::to_string(seconds));
  EXPECT_LT(seconds, 60.0);
}

}  // namespace
}  // namespace weft::testing
