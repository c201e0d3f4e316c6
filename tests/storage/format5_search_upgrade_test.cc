// A store written by main at format 5 (tests/storage/fixtures/format5_search, see its README) has no
// search indexes: a read-only open reads it as it is and refuses a search with a message; a
// read-write open upgrades it in place to format 6, backfilling the indexes from the three
// executions stored, which a search by type and status then finds, and new starts join.
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/verify.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kMon[] = "01M8ZBGV83S0CP46XZECKAEERC";
constexpr char kTue[] = "01M8ZBGVAK94JPVG3NFNC6YGRW";
constexpr char kSleeper[] = "01M8ZBGVCZJFPS9N39KKECD3DY";
// A minute after the fixture was written (kSleeper's id: 2026-12-04 01:43:23.807 UTC). The
// sleeper wakes 24 hours after that: the test runs at the fixture's time so that it is still
// RUNNING whatever today's date is.
constexpr int64_t kWrittenMs = 1796348603807 + 60'000;

class Format5SearchStore : public FixtureStoreTest {
 protected:
  Format5SearchStore() : FixtureStoreTest("format5_search") {}
};

TEST_F(Format5SearchStore, ReadOnlyRefusesSearchUntilTheUpgradeBackfills) {
  EXPECT_EQ(Format(), 5u);
  {
    auto engine = OpenEngine(/*read_only=*/true);
    ASSERT_NE(engine, nullptr);
    auto page = engine->SearchExecutions(ExecutionQuery{});
    EXPECT_TRUE(absl::IsFailedPrecondition(page.status())) << page.status();
    EXPECT_EQ(engine->GetExecution(kMon)->status, ExecutionStatus::kCompleted);
  }
  {
    auto engine = OpenEngine(/*read_only=*/false, /*virtual_time=*/false, kWrittenMs);
    ASSERT_NE(engine, nullptr);
    ExecutionQuery q;
    q.workflow = "report";
    q.statuses = {ExecutionStatus::kCompleted};
    auto page = engine->SearchExecutions(q);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total, 2u);
    EXPECT_EQ(page->keys_read, 2u);
    ASSERT_EQ(page->executions.size(), 2u);
    EXPECT_EQ(page->executions[0].id, kTue);  // newest first
    EXPECT_EQ(page->executions[1].id, kMon);
    q.workflow = "sleeper";
    q.statuses = {ExecutionStatus::kRunning};
    page = engine->SearchExecutions(q);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->executions.size(), 1u);
    EXPECT_EQ(page->executions[0].id, kSleeper);
    // A new start joins the indexes, with its correlation id.
    StartOptions options;
    options.correlation_id = "after-upgrade";
    auto id = engine->Start("report", Value::MakeObject(Object()), options);
    ASSERT_TRUE(id.ok()) << id.status();
    ExecutionQuery by_corr;
    by_corr.id_or_correlation = "after-upgrade";
    page = engine->SearchExecutions(by_corr);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->executions.size(), 1u);
    EXPECT_EQ(page->executions[0].id, *id);
    // The old executions are removable, with their new index entries.
    ASSERT_TRUE(engine->RemoveExecution(kMon).ok());
    q.workflow = "report";
    q.statuses = {};
    page = engine->SearchExecutions(q);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, 2u);  // kTue and the new one
  }
  EXPECT_EQ(Format(), storage::kStoreFormat);  // and nothing is damaged: every entry has its execution
}

}  // namespace
}  // namespace weft
