// A store written by the format-2 release (tests/storage/fixtures/format2, see its README) is
// read as it is by a read-only open, upgraded in place (to format 3, then 4) by a read-write open, reads
// back the same, and its RUNNING executions run to completion. And a deploy that fills a small
// map grows it and succeeds.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/upgrade.h"
#include "storage/verify.h"
#include "tests/storage/fixture_store.h"
#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;
using ::weft::testing::TempDir;

constexpr char kCompleted[] = "01M8Y4GBND1DEHDXY72MC9354E";
constexpr char kFailed[] = "01M8Y4GBW4SM084442GPR6MMWW";
constexpr char kRunningUps[] = "01M8Y4GC0AG0KE9SS0JSQ7Q8HQ";
constexpr char kRunningDhl[] = "01M8Y4GC1P4DYE9P4DENSZG2CJ";

class Format2Store : public FixtureStoreTest {
 protected:
  Format2Store() : FixtureStoreTest("format2") {}

  // What the fixture's README says it holds.
  void ExpectFixtureContents(Engine& engine) {
    auto listed = engine.ListExecutions(std::nullopt, 10);
    ASSERT_TRUE(listed.ok()) << listed.status();
    std::map<std::string, ExecutionStatus> statuses;
    for (const ExecutionInfo& e : *listed) statuses[e.id] = e.status;
    EXPECT_EQ(statuses, (std::map<std::string, ExecutionStatus>{
                            {kCompleted, ExecutionStatus::kCompleted},
                            {kFailed, ExecutionStatus::kFailed},
                            {kRunningUps, ExecutionStatus::kRunning},
                            {kRunningDhl, ExecutionStatus::kRunning}}));
    auto done = engine.GetExecution(kCompleted);
    ASSERT_TRUE(done.ok()) << done.status();
    EXPECT_EQ(done->output.ToJson(), R"({"tracking":"FEDEX-2336844139","vendor":"fedex"})");
    auto history = engine.History(kCompleted);
    ASSERT_TRUE(history.ok()) << history.status();
    ASSERT_EQ(history->size(), 8u);
    EXPECT_EQ((*history)[0].type, "EXECUTION_STARTED");
    EXPECT_EQ((*history)[6].type, "TASK_COMPLETED");
    EXPECT_EQ((*history)[7].type, "EXECUTION_COMPLETED");
    auto failed = engine.GetExecution(kFailed);
    ASSERT_TRUE(failed.ok());
    EXPECT_TRUE(absl::StrContains(failed->error.ToJson(), "unsupported vendor pigeon"))
        << failed->error.ToJson();
    auto tasks = engine.Tasks(kRunningUps);
    ASSERT_TRUE(tasks.ok()) << tasks.status();
    ASSERT_EQ(tasks->size(), 1u);
    EXPECT_EQ((*tasks)[0].type, "shipping_info");
    EXPECT_EQ((*tasks)[0].status, TaskStatus::kScheduled);
  }
};

TEST_F(Format2Store, ReadOnlyOpensReadItWithoutUpgrading) {
  {
    auto env = OpenEnv(/*read_only=*/true);
    ASSERT_NE(env, nullptr);
    EXPECT_EQ(env->format(), 2u);
    EXPECT_FALSE(env->checksums());
    auto report = storage::VerifyStore(*env);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const storage::Damage& d : report->damage) ADD_FAILURE() << storage::DescribeDamage(d);
  }
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  ExpectFixtureContents(*engine);
  engine.reset();
  EXPECT_EQ(OpenEnv(/*read_only=*/true)->format(), 2u) << "a read-only open must not upgrade";
}

TEST_F(Format2Store, AReadWriteOpenUpgradesInPlaceAndTheRunningOnesFinish) {
  auto engine = OpenEngine(/*read_only=*/false);
  ASSERT_NE(engine, nullptr);
  ExpectFixtureContents(*engine);
  auto address = [](const TaskContext& task) {
    return TaskOutcome::Complete(Value::FromJson(
        R"({"address":"1 Quay Road"})").value());
  };
  auto label = [](std::string carrier) {
    return [carrier](const TaskContext&) {
      return TaskOutcome::Complete(
          Value::FromJson(absl::StrCat(R"({"tracking":")", carrier, R"(-1"})")).value());
    };
  };
  engine->RegisterWorker("shipping_info", address);
  engine->RegisterWorker("ship_ups", label("UPS"));
  engine->RegisterWorker("ship_dhl", label("DHL"));
  ASSERT_TRUE(engine->StartWorkers().ok());
  for (const char* id : {kRunningUps, kRunningDhl}) {
    auto info = engine->AwaitExecution(id, absl::Seconds(30));
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->status, ExecutionStatus::kCompleted) << id;
  }
  EXPECT_EQ(engine->GetExecution(kRunningUps)->output.ToJson(),
            R"({"tracking":"UPS-1","vendor":"ups"})");
  EXPECT_EQ(engine->GetExecution(kRunningDhl)->output.ToJson(),
            R"({"tracking":"DHL-1","vendor":"dhl"})");
  engine.reset();

  // The current format now: every record carries its checksum, and the store verifies clean.
  auto env = OpenEnv(/*read_only=*/true);
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->format(), storage::kStoreFormat);
  EXPECT_TRUE(env->checksums());
  auto report = storage::VerifyStore(*env);
  ASSERT_TRUE(report.ok()) << report.status();
  for (const storage::Damage& d : report->damage) ADD_FAILURE() << storage::DescribeDamage(d);
  EXPECT_GT(report->rows, 40u);
  auto txn = storage::Txn::BeginRead(*env);
  auto history = txn->Get(storage::Table::kHistory, storage::HistoryKey(kCompleted, 8));
  ASSERT_TRUE(history.ok() && *history) << history.status();
}

TEST_F(Format2Store, TheUpgradeLogsFirstAndSuggestsABackup) {
  auto env = OpenEnv(/*read_only=*/false);
  ASSERT_NE(env, nullptr);
  ASSERT_TRUE(log_.empty());
  ASSERT_TRUE(storage::UpgradeStore(*env).ok());
  ASSERT_EQ(log_.size(), storage::kStoreFormat - 1);  // the note, then each step's line
  EXPECT_TRUE(absl::StrContains(log_[0], "upgrading the store")) << log_[0];
  EXPECT_TRUE(absl::StrContains(log_[0], absl::StrCat("from format 2 to ", storage::kStoreFormat)))
      << log_[0];
  EXPECT_TRUE(absl::StrContains(log_[0], "data.mdb")) << log_[0];
  EXPECT_TRUE(absl::StrContains(log_[1], "is at format 3")) << log_[1];
  EXPECT_TRUE(absl::StrContains(log_[2], "is at format 4")) << log_[2];
  EXPECT_TRUE(absl::StrContains(log_[3], "is at format 5")) << log_[3];
  EXPECT_TRUE(absl::StrContains(log_[4], "is at format 6")) << log_[4];
  EXPECT_EQ(env->format(), storage::kStoreFormat);
  ASSERT_TRUE(storage::UpgradeStore(*env).ok());
  EXPECT_EQ(log_.size(), storage::kStoreFormat - 1) << "a second call has nothing to do";
}

// A deploy that does not fit the map grows it and succeeds (no need to pass --map-size).
TEST(DeployGrowsTheMap, AFileLargerThanTheMapDeploys) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path() + "/store";
  options.durability = Durability::kNoSync;
  options.map_size_bytes = 1 << 20;
  options.worker_threads = 1;
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  std::string source;
  const std::string text(3000, 'w');
  for (int i = 0; i < 400; ++i) {
    source += absl::StrCat("workflow w", i, "() {\n  return \"", i, text, "\"\n}\n");
  }
  auto deployed = (*engine)->Deploy("big.wf", source);
  ASSERT_TRUE(deployed.ok()) << deployed.status();
  EXPECT_EQ(deployed->size(), 400u);
  auto versions = (*engine)->Versions("w399");
  ASSERT_TRUE(versions.ok()) << versions.status();
}

}  // namespace
}  // namespace weft
