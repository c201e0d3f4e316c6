// A store written by the format-5 release (tests/storage/fixtures/format5_metadata, see its README) is
// read as it is by a read-only open (no TaskDefs, its versions live and not from a WorkflowDef,
// nothing damaged), upgraded in place to format 6 (the `taskdefs` table) by a read-write open,
// and then keeps TaskDefs and a version registered with its own number beside its old `.wf`
// versions, while its old executions run to their end.
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

constexpr char kSleeper[] = "01M8ZBV70V6WV7VKNX5X41SARN";
constexpr char kShipping[] = "01M8ZBVAD3KNR6TR1QP2DBCBR4";

class Format5MetadataStore : public FixtureStoreTest {
 protected:
  Format5MetadataStore() : FixtureStoreTest("format5_metadata") {}
};

TEST_F(Format5MetadataStore, ReadOnlyOpensReadItAsItIs) {
  EXPECT_EQ(OpenEnv()->format(), 5u);
  ExpectNoDamage();  // the taskdefs table is not missing: format 6 adds it
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  auto taskdefs = engine->ListTaskDefs();
  ASSERT_TRUE(taskdefs.ok()) << taskdefs.status();
  EXPECT_TRUE(taskdefs->empty());
  EXPECT_TRUE(absl::IsNotFound(engine->GetTaskDef("pack").status()));
  auto versions = engine->AllVersions();
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 2u);
  for (const VersionInfo& v : *versions) {
    EXPECT_FALSE(v.retired) << v.workflow;
    EXPECT_TRUE(v.definition.empty()) << v.workflow;
  }
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 5u) << "a read-only open must not upgrade";
}

TEST_F(Format5MetadataStore, UpgradedItKeepsTaskDefsAndRegisteredVersionsBesideItsExecutions) {
  auto engine = OpenEngine(/*read_only=*/false, /*virtual_time=*/true);
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(engine->PutTaskDefs({{"pack", R"({"name":"pack","retryCount":1})"}}).ok());
  auto pack = engine->GetTaskDef("pack");
  ASSERT_TRUE(pack.ok()) << pack.status();
  EXPECT_EQ(pack->json, R"({"name":"pack","retryCount":1})");
  // A version registered with its own number (5) beside the `.wf` version 1 of `shipping`.
  VersionRegistration reg;
  reg.source_name = "shipping.json";
  reg.source = "task pack\nworkflow shipping(order: string) { return pack(order: order, v: 5) }\n";
  reg.workflow = "shipping";
  reg.version = 5;
  reg.definition = R"({"name":"shipping","version":5})";
  auto registered = engine->RegisterVersion(reg);
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->version, 5u);
  auto versions = engine->Versions("shipping");
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 1u);
  EXPECT_TRUE((*versions)[0].definition.empty());
  EXPECT_EQ((*versions)[1].version, 5u);
  EXPECT_EQ((*versions)[1].definition, reg.definition);

  // The old execution still runs version 1: its task is the one the fixture scheduled.
  auto taken = engine->PollTask("pack", "w");
  ASSERT_TRUE(taken.ok()) << taken.status();
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ((*taken)->context.execution_id, kShipping);
  EXPECT_EQ((*taken)->context.input.ToJson(), R"({"order":"A1"})");
  ASSERT_TRUE(engine->CompleteTask((*taken)->context.task_id, "w", Value::String("packed")).ok());
  auto shipped = engine->AwaitExecution(kShipping, absl::Seconds(30));
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(shipped->status, ExecutionStatus::kCompleted);
  EXPECT_EQ(shipped->version, 1u);
  auto woke = engine->AwaitExecution(kSleeper, absl::Seconds(30));
  ASSERT_TRUE(woke.ok()) << woke.status();
  EXPECT_EQ(woke->output.ToJson(), R"("woke")");
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), storage::kStoreFormat);
  ExpectNoDamage();
}

}  // namespace
}  // namespace weft
