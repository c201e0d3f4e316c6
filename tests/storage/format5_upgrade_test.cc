// A store written by the format-5 release (tests/storage/fixtures/format5, see its README),
// whose execution state rows and EXECUTION_STARTED events repeat the program hash, is read as
// it is by a read-only open, upgraded in place to format 6 (the hash kept once, in the
// `executions` row) by a read-write open, and its waiting executions then run to their ends on
// their pinned programs; the state rows written after the upgrade carry no hash.
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/records.h"
#include "storage/verify.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kSignalled[] = "01M8ZC7KFK9C2B5VGQ8HN8PDHE";
constexpr char kQueued[] = "01M8ZC7KGE0XWAHYGZK892X71N";
constexpr char kDone[] = "01M8ZC7KJR18YYYZKE268EQH0E";

class Format5Store : public FixtureStoreTest {
 protected:
  Format5Store() : FixtureStoreTest("format5") {}

  // The program hash stored in an execution's state row, as it is on disk.
  std::string StateRowHash(std::string_view id) {
    auto env = OpenEnv();
    if (env == nullptr) return "<no env>";
    auto txn = storage::Txn::BeginRead(*env);
    EXPECT_TRUE(txn.ok()) << txn.status();
    auto bytes = txn->Get(storage::Table::kExecState, id);
    EXPECT_TRUE(bytes.ok() && bytes->has_value()) << id;
    if (!bytes.ok() || !bytes->has_value()) return "<no row>";
    auto row = storage::DecodeExecState(**bytes);
    EXPECT_TRUE(row.ok()) << row.status();
    return row.ok() ? row->program_hash : "<corrupt>";
  }
};

TEST_F(Format5Store, ReadOnlyOpensReadItAsItIs) {
  EXPECT_EQ(OpenEnv()->format(), 5u);
  ExpectNoDamage();
  EXPECT_EQ(StateRowHash(kSignalled).size(), 64u) << "format 5 repeats the hash in the state row";
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->GetExecution(kSignalled)->status, ExecutionStatus::kRunning);
  EXPECT_EQ(engine->GetExecution(kQueued)->status, ExecutionStatus::kRunning);
  auto done = engine->GetExecution(kDone);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->status, ExecutionStatus::kCompleted);
  EXPECT_EQ(done->output.ToJson(), "42");
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 5u) << "a read-only open must not upgrade";
}

TEST_F(Format5Store, UpgradedItsExecutionsFinishOnTheirPinnedPrograms) {
  auto engine = OpenEngine(/*read_only=*/false);
  ASSERT_NE(engine, nullptr);
  const std::string pinned = engine->GetExecution(kQueued)->hash;
  ASSERT_EQ(pinned.size(), 64u);

  ASSERT_TRUE(engine->Signal(kSignalled, "go", Value::String("yes")).ok());
  auto signalled = engine->AwaitExecution(kSignalled, absl::Seconds(30));
  ASSERT_TRUE(signalled.ok()) << signalled.status();
  EXPECT_EQ(signalled->status, ExecutionStatus::kCompleted);
  EXPECT_EQ(signalled->output.ToJson(), R"({"who":"ann","got":"yes"})");

  auto task = engine->PollTask("fetch", "w1");
  ASSERT_TRUE(task.ok()) << task.status();
  ASSERT_TRUE(task->has_value()) << "the queued execution's task is still queued";
  EXPECT_EQ((*task)->context.execution_id, kQueued);
  ASSERT_TRUE(engine->CompleteTask((*task)->context.task_id, "w1", Value::String("got a1")).ok());
  auto queued = engine->AwaitExecution(kQueued, absl::Seconds(30));
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(queued->status, ExecutionStatus::kCompleted);
  EXPECT_EQ(queued->output.ToJson(), R"({"fetched":"got a1"})");
  EXPECT_EQ(queued->hash, pinned);

  // A new execution on the upgraded store: its state row never holds the hash.
  auto fresh = engine->Start("signalled", Value::FromJson(R"({"who":"bo"})").value());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  engine.reset();

  EXPECT_EQ(OpenEnv()->format(), storage::kStoreFormat);
  ExpectNoDamage();
  EXPECT_EQ(StateRowHash(kQueued), "") << "rewritten after the upgrade, without the hash";
  EXPECT_EQ(StateRowHash(*fresh), "");
}

}  // namespace
}  // namespace weft
