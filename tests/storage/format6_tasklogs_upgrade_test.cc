// A store written by the format-6 release (tests/storage/fixtures/format6_tasklogs, see its
// README) is read as it is by a read-only open (no task logs, nothing damaged), upgraded in
// place to format 7 (the `task_logs` table) by a read-write open, and then keeps log lines of
// its old tasks across a reopen, until they go with their execution.
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "storage/keys.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kFirst[] = "01M903JKXQM8D08Z1K1BFQN2B8";
constexpr char kFirstTask[] = "01M903JKXQM8D08Z1K1BFQN2B9";
constexpr char kSecondTask[] = "01M903JKY4XZ3JMTQ0E9GR5X9E";

class Format6TaskLogsStore : public FixtureStoreTest {
 protected:
  Format6TaskLogsStore() : FixtureStoreTest("format6_tasklogs") {}
};

TEST_F(Format6TaskLogsStore, ReadOnlyOpensReadItAsItIs) {
  EXPECT_EQ(OpenEnv()->format(), 6u);
  ExpectNoDamage();  // the task_logs table is not missing: format 7 adds it
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  auto logs = engine->TaskLogs(kFirstTask);
  ASSERT_TRUE(logs.ok()) << logs.status();
  EXPECT_TRUE(logs->empty());
  EXPECT_FALSE(engine->AddTaskLogs(kFirstTask, {"no"}).ok()) << "a read-only engine adds nothing";
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 6u) << "a read-only open must not upgrade";
}

TEST_F(Format6TaskLogsStore, UpgradedItKeepsTheLogsOfItsOldTasksUntilTheirExecutionGoes) {
  const int64_t before = absl::ToUnixMillis(absl::Now());
  {
    auto engine = OpenEngine(/*read_only=*/false);
    ASSERT_NE(engine, nullptr);
    ASSERT_TRUE(engine->AddTaskLogs(kFirstTask, {"packing", "packed"}).ok());
    ASSERT_TRUE(engine->AddTaskLogs(kSecondTask, {"other"}).ok());
  }
  EXPECT_EQ(Format(), storage::kStoreFormat);  // and nothing damaged
  auto engine = OpenEngine(/*read_only=*/false);
  ASSERT_NE(engine, nullptr);
  auto logs = engine->TaskLogs(kFirstTask);
  ASSERT_TRUE(logs.ok()) << logs.status();
  ASSERT_EQ(logs->size(), 2u);
  EXPECT_EQ((*logs)[0].log, "packing");
  EXPECT_EQ((*logs)[1].log, "packed");
  EXPECT_GE((*logs)[0].created_ms, before);
  EXPECT_LE((*logs)[0].created_ms, absl::ToUnixMillis(absl::Now()));

  // The first execution ends and is removed: its task's log goes with it, not the other's.
  auto taken = engine->PollTask("pack", "w");
  ASSERT_TRUE(taken.ok() && taken->has_value());
  ASSERT_EQ((*taken)->context.task_id, kFirstTask);
  ASSERT_TRUE(engine->CompleteTask(kFirstTask, "w", Value::String("ok")).ok());
  ASSERT_TRUE(engine->AwaitExecution(kFirst, absl::Seconds(30)).ok());
  ASSERT_TRUE(engine->RemoveExecution(kFirst).ok());
  EXPECT_TRUE(absl::IsNotFound(engine->TaskLogs(kFirstTask).status()));
  auto other = engine->TaskLogs(kSecondTask);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->size(), 1u);
  engine.reset();
  ExpectNoDamage();
}

}  // namespace
}  // namespace weft
