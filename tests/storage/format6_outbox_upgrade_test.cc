// A store written by the format-6 release (tests/storage/fixtures/format6_outbox, see its README)
// is read as it is by a read-only open (no outbox, nothing damaged), upgraded in place to format
// 7 (the `outbox` table) by a read-write open, and then runs its old execution to its end while a
// workflow deployed afterwards publishes into the outbox.
#include <gtest/gtest.h>

#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/outbox.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kOrder[] = "01M903GTRPJT19SEWMF2WRGB8H";

class Format6OutboxStore : public FixtureStoreTest {
 protected:
  Format6OutboxStore() : FixtureStoreTest("format6_outbox") {}

  std::vector<storage::OutboxMessage> Outbox() {
    auto env = OpenEnv();
    auto txn = storage::Txn::BeginRead(*env);
    EXPECT_TRUE(txn.ok()) << txn.status();
    auto rows = storage::OutboxStore(*txn).List("", 100);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<storage::OutboxMessage>{};
  }
};

TEST_F(Format6OutboxStore, ReadOnlyOpensReadItAsItIs) {
  auto env = OpenEnv();
  EXPECT_EQ(env->format(), 6u);
  EXPECT_FALSE(env->has_table(storage::Table::kOutbox));
  env.reset();
  ExpectNoDamage();  // the outbox is not missing: format 7 adds it
  EXPECT_TRUE(Outbox().empty());
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->Stats().outbox_depth, 0u);
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 6u) << "a read-only open must not upgrade";
}

TEST_F(Format6OutboxStore, UpgradedItRunsItsExecutionAndPublishesIntoTheOutbox) {
  auto engine = OpenEngine(/*read_only=*/false);
  ASSERT_NE(engine, nullptr);
  EXPECT_TRUE(OpenEnv()->has_table(storage::Table::kOutbox));
  ASSERT_TRUE(engine->StartWorkers().ok());
  // The old execution waits on `pack`, scheduled by the format-6 release.
  auto taken = engine->PollTask("pack", "w");
  ASSERT_TRUE(taken.ok()) << taken.status();
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ((*taken)->context.execution_id, kOrder);
  ASSERT_TRUE(engine->CompleteTask((*taken)->context.task_id, "w",
                                   Value::MakeObject(Object({{"id", Value::String("B7")}})))
                  .ok());
  auto done = engine->AwaitExecution(kOrder, absl::Seconds(30));
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->output.ToJson(), R"({"order":"A1","box":"B7"})");

  // A new workflow publishes; with no NATS configured the message waits in the outbox.
  ASSERT_TRUE(engine->Deploy("notify.wf", R"(
workflow notify(order: string) {
    let sent = publish(subject: "orders.packed", data: { order: order })
    return sent.id
}
)").ok());
  auto id = engine->Start("notify", Value::MakeObject(Object({{"order", Value::String("A1")}})),
                          StartOptions{});
  ASSERT_TRUE(id.ok()) << id.status();
  auto published = engine->AwaitExecution(*id, absl::Seconds(30));
  ASSERT_TRUE(published.ok()) << published.status();
  ASSERT_EQ(published->status, ExecutionStatus::kCompleted) << published->error.ToJson();
  EXPECT_EQ(engine->Stats().outbox_depth, 1u);
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), storage::kStoreFormat);
  ExpectNoDamage();
  std::vector<storage::OutboxMessage> rows = Outbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Value::String(rows[0].id).ToJson(), published->output.ToJson());
  EXPECT_EQ(rows[0].subject, "orders.packed");
  EXPECT_EQ(rows[0].data, R"({"order":"A1"})");
  EXPECT_EQ(rows[0].execution_id, *id);
}

}  // namespace
}  // namespace weft
