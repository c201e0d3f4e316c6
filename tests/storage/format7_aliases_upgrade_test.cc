// A store written by the format-7 release (tests/storage/fixtures/format7_aliases, see its
// README) is read as it is by a read-only open (no aliases, nothing damaged), upgraded in place
// to format 8 (the `aliases` table) by a read-write open, and then takes aliases on its old
// versions and starts through them, while its old execution finishes on the version it
// started on.
#include <gtest/gtest.h>

#include "storage/keys.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kOld[] = "01M90H7ZMDP9F7F7NRQ2P2QYGZ";

class Format7AliasesStore : public FixtureStoreTest {
 protected:
  Format7AliasesStore() : FixtureStoreTest("format7_aliases") {}
};

TEST_F(Format7AliasesStore, ReadOnlyOpenReadsItAsItIs) {
  EXPECT_EQ(OpenEnv()->format(), 7u);
  ExpectNoDamage();  // the aliases table is not missing: format 8 adds it
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  auto aliases = engine->Aliases("");
  ASSERT_TRUE(aliases.ok()) << aliases.status();
  EXPECT_TRUE(aliases->empty());
  EXPECT_FALSE(engine->SetAlias({"shipping", "prod", {{1, 100}}}).ok()) << "a read-only engine sets nothing";
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 7u) << "a read-only open must not upgrade";
}

TEST_F(Format7AliasesStore, UpgradedItTakesAliasesAndKeepsItsExecutionOnItsVersion) {
  {
    auto engine = OpenEngine(/*read_only=*/false);
    ASSERT_NE(engine, nullptr);
    ASSERT_TRUE(engine->SetAlias({"shipping", "prod", {{1, 100}}}).ok());
  }
  EXPECT_EQ(Format(), storage::kStoreFormat);  // and nothing damaged
  auto engine = OpenEngine(/*read_only=*/false);
  ASSERT_NE(engine, nullptr);
  auto aliases = engine->Aliases("shipping");
  ASSERT_TRUE(aliases.ok()) << aliases.status();
  ASSERT_EQ(aliases->size(), 1u);
  EXPECT_EQ((*aliases)[0].targets[0].version, 1u);
  ASSERT_TRUE(engine->SetAlias({"shipping", "next", {{2, 100}}}).ok());

  StartOptions through;
  through.alias = "next";
  auto id = engine->Start("shipping", Value::FromJson(R"({"order":"B2"})").value(), through);
  ASSERT_TRUE(id.ok()) << id.status();
  auto started = engine->GetExecution(*id);
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started->version, 2u);

  // The old execution finishes on v1.
  for (int i = 0; i < 2; ++i) {
    auto taken = engine->PollTask("pack", "w");
    ASSERT_TRUE(taken.ok() && taken->has_value());
    ASSERT_TRUE(engine->CompleteTask((*taken)->context.task_id, "w", Value::String("ok")).ok());
  }
  auto old = engine->AwaitExecution(kOld, absl::Seconds(30));
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->version, 1u);
  EXPECT_EQ(old->output.ToJson(), R"({"packed":"ok","version":1})");
  auto fresh = engine->AwaitExecution(*id, absl::Seconds(30));
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(fresh->output.ToJson(), R"({"packed":"ok","version":2})");
  engine.reset();
  ExpectNoDamage();
}

}  // namespace
}  // namespace weft
