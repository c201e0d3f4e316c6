// A store written by the format-3 release (tests/storage/fixtures/format3, see its README), with
// one execution per kind of wait record, is read as it is by a read-only open, upgraded in place
// to typed wait records by a read-write open, and every one of its executions then runs to its
// end: signals reach their waits, held and paused tasks are scheduled on resume, and the timers
// the old records named (a sleep, signal timeouts, retries) fire or go with their waits, leaving
// no wait record and no timer behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/records.h"
#include "storage/verify.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kQueued[] = "01M8YCRXWX5DJTZZ5QFKJH4G7C";
constexpr char kSleeper[] = "01M8YCRXXXATFK50A5FE104C0E";
constexpr char kSignalledTop[] = "01M8YCRXYR4RW49N4ZG8YEED2T";
constexpr char kParent[] = "01M8YCRXZM6TXNQZCNGPBD14QY";
constexpr char kSignalledChild[] = "01M8YCRXZM6TXNQZCNGPBD14QZ";
constexpr char kRetrying[] = "01M8YCRY0CQ5C27B4VNVG3DD2R";
constexpr char kPacker[] = "01M8YCS00X0JQWX1JQMTA99P6V";
constexpr char kHeld[] = "01M8YCS4X6Z8GJ4JH9RFK7PYKZ";
// A minute after the fixture was written (kHeld's id: 2026-12-03 16:46:09.830 UTC). Its timers
// count from then: the retries fall due an hour later, the sleep a day later and the signal
// timeouts two days later. The test runs at that time, so that none of them falls due before
// the phase that wants it to, whatever today's date is.
constexpr int64_t kWrittenMs = 1796316369830 + 60'000;

class Format3Store : public FixtureStoreTest {
 protected:
  Format3Store() : FixtureStoreTest("format3") {}

  // Rows of `t`, and whether each decodes as the current format's wait record.
  size_t Rows(storage::Table t) {
    auto env = OpenEnv();
    auto txn = storage::Txn::BeginRead(*env);
    size_t n = 0;
    EXPECT_TRUE(txn->ScanPrefix(t, "", [&](std::string_view key, std::string_view value) {
      if (t == storage::Table::kWaits) {
        EXPECT_TRUE(storage::DecodeWait(value).ok()) << storage::DescribeKey(key);
      }
      ++n;
      return true;
    }).ok());
    return n;
  }

  void Complete(Engine& engine, const char* id) {
    auto info = engine.AwaitExecution(id, absl::Seconds(30));
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->status, ExecutionStatus::kCompleted) << id << " " << info->error.ToJson();
  }
};

TEST_F(Format3Store, ReadOnlyOpensReadItAsItIs) {
  {
    auto env = OpenEnv();
    ASSERT_NE(env, nullptr);
    EXPECT_EQ(env->format(), 3u);
    auto report = storage::VerifyStore(*env);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const storage::Damage& d : report->damage) ADD_FAILURE() << storage::DescribeDamage(d);
  }
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  auto listed = engine->ListExecutions(std::nullopt, 20);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::map<std::string, ExecutionStatus> statuses;
  for (const ExecutionInfo& e : *listed) statuses[e.id] = e.status;
  EXPECT_EQ(statuses.size(), 8u);
  EXPECT_EQ(statuses[kPacker], ExecutionStatus::kPaused);
  EXPECT_EQ(statuses[kHeld], ExecutionStatus::kPaused);
  EXPECT_EQ(statuses[kSleeper], ExecutionStatus::kRunning);
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 3u) << "a read-only open must not upgrade";
}

TEST_F(Format3Store, UpgradedEveryWaitRunsToItsEndAndLeavesNothingBehind) {
  auto engine = OpenEngine(/*read_only=*/false, /*virtual_time=*/false, kWrittenMs);
  ASSERT_NE(engine, nullptr);
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), storage::kStoreFormat);
  EXPECT_EQ(Rows(storage::Table::kWaits), 8u) << "one wait record per waiting execution";
  {
    auto env = OpenEnv();
    auto report = storage::VerifyStore(*env);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const storage::Damage& d : report->damage) ADD_FAILURE() << storage::DescribeDamage(d);
  }

  // The fixture's time first: signals, resumes and queued tasks; no timer is due yet.
  engine = OpenEngine(/*read_only=*/false, /*virtual_time=*/false, kWrittenMs);
  ASSERT_NE(engine, nullptr);
  auto done = [](const char* what) {
    return [what](const TaskContext& t) {
      return TaskOutcome::Complete(Value::FromJson(
          absl::StrCat(R"({"task":")", what, R"(","attempt":)", t.attempt, "}")).value());
    };
  };
  engine->RegisterWorker("fetch", done("fetch"));
  engine->RegisterWorker("pack", done("pack"));
  engine->RegisterWorker("flaky", done("flaky"));
  // Before the workers start: the paused packer's queued task would otherwise finish it first.
  ASSERT_TRUE(engine->Signal(kSignalledTop, "go", Value::Int(1)).ok());
  ASSERT_TRUE(engine->Signal(kSignalledChild, "go", Value::Int(2)).ok());
  ASSERT_TRUE(engine->Resume(kPacker).ok());
  ASSERT_TRUE(engine->Resume(kHeld).ok());
  ASSERT_TRUE(engine->StartWorkers().ok());
  for (const char* id : {kSignalledTop, kSignalledChild, kParent, kPacker, kHeld}) {
    Complete(*engine, id);
  }
  EXPECT_EQ(engine->GetExecution(kParent)->output.ToJson(),
            R"({"child":{"who":"child","got":2}})");
  EXPECT_EQ(engine->GetExecution(kPacker)->output.ToJson(), R"({"task":"pack","attempt":1})");
  EXPECT_EQ(engine->GetExecution(kHeld)->output.ToJson(), R"({"task":"flaky","attempt":2})")
      << "the held retry keeps its attempt number";
  engine.reset();

  // Then simulated time: the sleep and the two retries (1h) fall due.
  engine = OpenEngine(/*read_only=*/false, /*virtual_time=*/true, kWrittenMs);
  ASSERT_NE(engine, nullptr);
  engine->RegisterWorker("fetch", done("fetch"));
  ASSERT_TRUE(engine->StartWorkers().ok());
  for (const char* id : {kSleeper, kQueued, kRetrying}) Complete(*engine, id);
  EXPECT_EQ(engine->GetExecution(kSleeper)->output.ToJson(), R"("woke")");
  EXPECT_EQ(engine->GetExecution(kQueued)->output.ToJson(),
            R"({"fetched":{"task":"fetch","attempt":2}})");
  engine.reset();

  EXPECT_EQ(Rows(storage::Table::kWaits), 0u);
  EXPECT_EQ(Rows(storage::Table::kTimers), 0u) << "every timer went with its wait";
  EXPECT_EQ(Rows(storage::Table::kQueue), 0u);
}

}  // namespace
}  // namespace weft
