// Task logs in the engine (Engine::AddTaskLogs, TaskLogs): kept in order with the wall-clock
// time, bounded per line and per task, refused for an unknown task, and archived then deleted
// with their execution by Prune.
#include "absl/time/clock.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kOneTask = "task a\nworkflow one() {\n  return a()\n}\n";

class TaskLogsTest : public EngineTest {
 protected:
  // Starts `one` and takes its task; the task id.
  std::string TakenTask() {
    Deploy(kOneTask);
    exec_ = StartOk("one");
    std::optional<LeasedTask> got;
    EXPECT_TRUE(Eventually([&] {
      auto polled = engine_->PollTask("a", "w");
      if (polled.ok() && polled->has_value()) got = **polled;
      return got.has_value();
    }));
    return got ? got->context.task_id : "";
  }

  std::string exec_;
};

TEST_F(TaskLogsTest, LinesAreKeptInOrderWithTheWallClock) {
  const std::string task = TakenTask();
  const int64_t before = absl::ToUnixMillis(absl::Now());
  ASSERT_TRUE(engine_->AddTaskLogs(task, {"one", "two"}).ok());
  ASSERT_TRUE(engine_->AddTaskLogs(task, {"three"}).ok());
  ASSERT_TRUE(engine_->AddTaskLogs(task, {}).ok());
  auto logs = engine_->TaskLogs(task);
  ASSERT_TRUE(logs.ok()) << logs.status();
  ASSERT_EQ(logs->size(), 3u);
  EXPECT_EQ((*logs)[0].log, "one");
  EXPECT_EQ((*logs)[2].log, "three");
  EXPECT_GE((*logs)[2].created_ms, before);
  EXPECT_LE((*logs)[2].created_ms, absl::ToUnixMillis(absl::Now()));
}

TEST_F(TaskLogsTest, LimitsAndUnknownTasksAreRefusedAddingNothing) {
  EngineOptions options;
  options.limits.max_task_log_entries = 3;
  options.limits.max_task_log_bytes = 10;
  Reopen(options);
  const std::string task = TakenTask();
  EXPECT_TRUE(absl::IsNotFound(engine_->AddTaskLogs("nope", {"x"})));
  EXPECT_TRUE(absl::IsNotFound(engine_->TaskLogs("nope").status()));
  EXPECT_TRUE(absl::IsResourceExhausted(engine_->AddTaskLogs(task, {"ok", std::string(11, 'x')})));
  ASSERT_TRUE(engine_->AddTaskLogs(task, {"a", "b"}).ok());
  absl::Status over = engine_->AddTaskLogs(task, {"c", "d"});
  EXPECT_TRUE(absl::IsFailedPrecondition(over)) << over;
  ASSERT_TRUE(engine_->AddTaskLogs(task, {"c"}).ok());
  auto logs = engine_->TaskLogs(task);
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(logs->size(), 3u);
}

TEST_F(TaskLogsTest, PruneArchivesThenDeletesThem) {
  const std::string task = TakenTask();
  ASSERT_TRUE(engine_->AddTaskLogs(task, {"kept in the archive"}).ok());
  ASSERT_TRUE(engine_->CompleteTask(task, "w", Value::Int(1)).ok());
  Await(exec_);
  std::vector<ExecutionArchive> archived;
  PruneOptions prune;
  prune.older_than = absl::ZeroDuration();
  prune.archive = [&](const std::vector<ExecutionArchive>& batch) {
    archived.insert(archived.end(), batch.begin(), batch.end());
    return absl::OkStatus();
  };
  // Ended "before now" needs the clock to move past its end time.
  ASSERT_TRUE(Eventually([&] {
    auto r = engine_->Prune(prune);
    return r.ok() && r->executions == 1;
  }));
  ASSERT_EQ(archived.size(), 1u);
  ASSERT_EQ(archived[0].task_logs.count(task), 1u);
  EXPECT_EQ(archived[0].task_logs[task][0].log, "kept in the archive");
  EXPECT_TRUE(absl::IsNotFound(engine_->TaskLogs(task).status()));
}

}  // namespace
}  // namespace weft::testing
