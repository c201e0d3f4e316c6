// Live migration through the engine (Engine::MigrateExecution, MigrateExecutions): executions
// waiting at a task, a sleep or a signal move to a new version and end with what the new code
// computes from their carried state; those that cannot move, and dry runs, change nothing.
#include <gmock/gmock.h>

#include "tests/engine/migrate_fixture.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(MigrateTest, ATaskWaitMovesAndTheNewCodeFinishes) {
  Deploy(kTaskV1);
  const std::string id = WaitingForPay();
  Deploy(kTaskV2);
  auto r = engine_->MigrateExecution(id, 0, false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->moved) << r->reason;
  EXPECT_EQ(r->from_version, 1u);
  EXPECT_EQ(r->to_version, 2u);
  ASSERT_EQ(r->points.size(), 1u);
  EXPECT_EQ(r->points[0], "fiber 1: task pay 6:13 -> 7:13");
  EXPECT_EQ(engine_->GetExecution(id)->version, 2u);
  auto migrated = HistoryOf(id, "EXECUTION_MIGRATED");
  ASSERT_EQ(migrated.size(), 1u);
  EXPECT_EQ(migrated[0].details.ToJson(),
            R"({"from_version":1,"to_version":2,"points":[{"fiber":1,"kind":"task","key":"pay",)"
            R"("from":"6:13","to":"7:13"}]})");
  // The pending pay task carried over: completing it continues on v2's path.
  Complete("pay", R"("B")");
  Complete("extra", R"("C")");
  ExecutionInfo done = Await(id);
  EXPECT_EQ(done.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(done.output.ToJson(), R"({"v":2,"id":"o1","a":"A","b":"B","c":"C"})");
  EXPECT_EQ(done.version, 2u);
}

TEST_F(MigrateTest, AMigrateSectionValueFillsARenamedVariable) {
  Deploy(kTaskV1);
  const std::string id = WaitingForPay();
  Deploy(kTaskV2);
  Deploy(kTaskRenamed);
  auto r = engine_->MigrateExecution(id, 3, false);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->moved) << r->reason;
  Complete("pay", R"("B")");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":4,"customer":"A","b":"B"})");
}

TEST_F(MigrateTest, AnUnmappableExecutionIsLeftUntouched) {
  Deploy(kTaskV1);
  const std::string id = WaitingForPay();
  Deploy(kTaskRemoved);
  const std::string before = Snapshot(id);
  auto r = engine_->MigrateExecution(id, 2, false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->moved);
  EXPECT_THAT(r->reason, HasSubstr("[E0401]"));
  EXPECT_THAT(r->reason, HasSubstr("6:13 task pay"));
  EXPECT_EQ(Snapshot(id), before);
  // It still ends on v1.
  Complete("pay", R"("B")");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1,"a":"A","b":"B"})");
}

TEST_F(MigrateTest, ADryRunChangesNothing) {
  Deploy(kTaskV1);
  const std::string id = WaitingForPay();
  Deploy(kTaskV2);
  const std::string before = Snapshot(id);
  auto r = engine_->MigrateExecution(id, 2, true);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->moved) << r->reason;
  EXPECT_EQ(r->points.size(), 1u);
  EXPECT_EQ(Snapshot(id), before);
  Complete("pay", R"("B")");
  EXPECT_EQ(Await(id).version, 1u);
}

TEST_F(MigrateTest, BadRequestsAreRefusedWithClearErrors) {
  Deploy(kTaskV1);
  const std::string id = WaitingForPay();
  auto unknown = engine_->MigrateExecution("01NOSUCHEXECUTION", 0, false);
  EXPECT_TRUE(absl::IsNotFound(unknown.status())) << unknown.status();
  auto same = engine_->MigrateExecution(id, 0, false);
  EXPECT_TRUE(absl::IsFailedPrecondition(same.status())) << same.status();
  EXPECT_THAT(std::string(same.status().message()), HasSubstr("already runs version 1"));
  auto no_version = engine_->MigrateExecution(id, 9, false);
  EXPECT_TRUE(absl::IsNotFound(no_version.status())) << no_version.status();
  EXPECT_THAT(std::string(no_version.status().message()), HasSubstr("has no version 9"));
  Deploy(kTaskV2);
  Complete("pay", R"("B")");
  Await(id);
  auto ended = engine_->MigrateExecution(id, 2, false);
  EXPECT_TRUE(absl::IsFailedPrecondition(ended.status())) << ended.status();
  EXPECT_THAT(std::string(ended.status().message()), HasSubstr("COMPLETED"));
  auto group = engine_->MigrateExecutions("order", 7, 2, false);
  EXPECT_TRUE(absl::IsNotFound(group.status())) << group.status();
}

constexpr std::string_view kSleepV1 = R"(
workflow nap(n: int) {
    let doubled = n * 2
    sleep 1h
    return { v: 1, doubled: doubled }
}
)";
constexpr std::string_view kSleepV2 = R"(
workflow nap(n: int, bonus: int = 5) {
    let doubled = n * 2
    sleep 1h
    return { v: 2, total: doubled + bonus }
}
)";

TEST_F(MigrateTest, ASleepMovesAndItsTimerStillFires) {
  Deploy(kSleepV1);
  const std::string id = StartOk("nap", R"({"n":4})");
  WaitsIn(id, "timer");
  Deploy(kSleepV2);
  auto r = engine_->MigrateExecution(id, 2, false);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->moved) << r->reason;
  ReopenVirtual();  // the hour passes at once
  ExecutionInfo done = Await(id);
  EXPECT_EQ(done.output.ToJson(), R"({"v":2,"total":13})");
}

constexpr std::string_view kSignalV1 = R"(
workflow approve(amount: int) {
    let ok = await signal("go")
    return { v: 1, ok: ok }
}
)";
constexpr std::string_view kSignalV2 = R"(
workflow approve(amount: int) {
    let ok = await signal("go")
    return { v: 2, ok: ok, amount: amount }
}
)";

TEST_F(MigrateTest, ASignalWaitMovesAndTakesTheSignal) {
  Deploy(kSignalV1);
  const std::string id = StartOk("approve", R"({"amount":10})");
  WaitsIn(id, "signal");
  Deploy(kSignalV2);
  auto r = engine_->MigrateExecution(id, 2, false);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->moved) << r->reason;
  ASSERT_TRUE(engine_->Signal(id, "go", Value::Bool(true)).ok());
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":2,"ok":true,"amount":10})");
}

TEST_F(MigrateTest, AGroupMovesEachExecutionAndReportsTheOthers) {
  Deploy(kSignalV1);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(StartOk("approve", absl::StrCat(R"({"amount":)", i, "}")));
    WaitsIn(ids.back(), "signal");
  }
  Deploy(kSignalV2);
  auto dry = engine_->MigrateExecutions("approve", 1, 0, true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  ASSERT_EQ(dry->size(), 3u);
  for (const std::string& id : ids) EXPECT_EQ(engine_->GetExecution(id)->version, 1u);
  auto r = engine_->MigrateExecutions("approve", 1, 0, false);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  for (const MigrationResult& m : *r) EXPECT_TRUE(m.moved) << m.reason;
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(engine_->Signal(ids[i], "go", Value::Bool(true)).ok());
    EXPECT_EQ(Await(ids[i]).output.ToJson(), absl::StrCat(R"({"v":2,"ok":true,"amount":)", i, "}"));
  }
}

}  // namespace
}  // namespace weft::testing
