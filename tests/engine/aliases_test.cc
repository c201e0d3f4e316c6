// Version aliases: setting, listing, deleting, their validation, starting through one (pinned,
// with the alias in EXECUTION_STARTED), and the weighted split: stable, about as weighted over
// many ids, the same version for one correlation id.
#include <gmock/gmock.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

std::string Version(int n) {
  return absl::StrCat("task step\nworkflow order(id: string) {\n  let s = step(id: id)\n",
                      "  return { v: ", n, " }\n}\n");
}

class AliasTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    for (int v = 1; v <= 3; ++v) Deploy(Version(v));
  }
  absl::StatusOr<std::string> StartThrough(std::string alias, std::string correlation = "") {
    StartOptions options;
    options.alias = std::move(alias);
    options.correlation_id = std::move(correlation);
    return engine_->Start("order", Json(R"({"id":"x"})"), options);
  }
};

TEST_F(AliasTest, StartsPinnedThroughTheAliasAndHistoryNamesIt) {
  ASSERT_TRUE(engine_->SetAlias({"order", "prod", {{2, 100}}}).ok());
  auto id = StartThrough("prod");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(engine_->GetExecution(*id)->version, 2u);
  auto started = HistoryOf(*id, "EXECUTION_STARTED");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].details.as_object().Find("alias")->as_string(), "prod");

  // Moving the alias moves new starts only: the first execution stays on v2.
  ASSERT_TRUE(engine_->SetAlias({"order", "prod", {{3, 100}}}).ok());
  auto next = StartThrough("prod");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(engine_->GetExecution(*next)->version, 3u);
  engine_->RegisterWorker("step",
                          [](const TaskContext&) { return TaskOutcome::Complete(Value::String("ok")); });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  EXPECT_EQ(Await(*id).output.ToJson(), R"({"v":2})");
  EXPECT_EQ(Await(*next).output.ToJson(), R"({"v":3})");
  // A start without alias or version still gets the latest.
  auto plain = engine_->Start("order", Json(R"({"id":"x"})"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(Await(*plain).version, 3u);
  EXPECT_EQ(HistoryOf(*plain, "EXECUTION_STARTED")[0].details.as_object().Find("alias"), nullptr);
}

TEST_F(AliasTest, ListsReplacesAndDeletes) {
  ASSERT_TRUE(engine_->SetAlias({"order", "prod", {{1, 100}}}).ok());
  ASSERT_TRUE(engine_->SetAlias({"order", "canary", {{2, 90}, {3, 10}}}).ok());
  ASSERT_TRUE(engine_->SetAlias({"order", "prod", {{2, 100}}}).ok());
  auto all = engine_->Aliases("");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "canary");
  ASSERT_EQ((*all)[0].targets.size(), 2u);
  EXPECT_EQ((*all)[0].targets[1].version, 3u);
  EXPECT_EQ((*all)[0].targets[1].weight, 10u);
  EXPECT_EQ((*all)[1].name, "prod");
  EXPECT_EQ((*all)[1].targets[0].version, 2u);
  EXPECT_GT((*all)[1].updated_ms, 0);
  EXPECT_TRUE(engine_->Aliases("other")->empty());

  ASSERT_TRUE(engine_->DeleteAlias("order", "prod").ok());
  EXPECT_TRUE(absl::IsNotFound(engine_->DeleteAlias("order", "prod")));
  auto gone = StartThrough("prod");
  EXPECT_TRUE(absl::IsNotFound(gone.status()));
  EXPECT_THAT(gone.status().message(), HasSubstr("has no alias `prod`"));
}

TEST_F(AliasTest, RefusesBadAliases) {
  auto refused = [&](VersionAlias a) { return engine_->SetAlias(a); };
  EXPECT_TRUE(absl::IsInvalidArgument(refused({"order", "", {{1, 1}}})));
  EXPECT_TRUE(absl::IsInvalidArgument(refused({"order", "42", {{1, 1}}})));
  EXPECT_TRUE(absl::IsInvalidArgument(refused({"order", "a b", {{1, 1}}})));
  EXPECT_TRUE(absl::IsInvalidArgument(refused({"order", "prod", {}})));
  EXPECT_TRUE(absl::IsInvalidArgument(refused({"order", "prod", {{1, 0}}})));
  EXPECT_TRUE(absl::IsInvalidArgument(refused({"order", "prod", {{1, 5}, {1, 5}}})));
  VersionAlias many{"order", "prod", {}};
  for (uint32_t v = 1; v <= kMaxAliasTargets + 1; ++v) many.targets.push_back({v, 1});
  EXPECT_THAT(refused(many).message(), HasSubstr("at most"));
  absl::Status missing = refused({"order", "prod", {{1, 50}, {9, 50}}});
  EXPECT_TRUE(absl::IsNotFound(missing));
  EXPECT_THAT(missing.message(), HasSubstr("has no version 9"));
  EXPECT_TRUE(absl::IsNotFound(refused({"nothing", "prod", {{1, 1}}})));
  EXPECT_TRUE(engine_->Aliases("order")->empty()) << "nothing refused was stored";
  ASSERT_TRUE(engine_->SetAlias({"order", "prod", {{1, 1}}}).ok());
  StartOptions both;
  both.alias = "prod";
  both.version = 1;
  EXPECT_TRUE(absl::IsInvalidArgument(engine_->Start("order", Json("{}"), both).status()));
}

TEST_F(AliasTest, RetiredTargetRefusesTheStart) {
  ASSERT_TRUE(engine_->SetAlias({"order", "prod", {{2, 100}}}).ok());
  ASSERT_TRUE(engine_->RetireVersion("order", 2).ok());
  auto id = StartThrough("prod");
  EXPECT_TRUE(absl::IsNotFound(id.status()));
  EXPECT_THAT(id.status().message(), HasSubstr("unregistered"));
}

// The split is a pure function of the key: 10,000 ids give 90/10 within 1.5 points (the
// binomial standard deviation is 0.3 points), the same every run.
TEST(PickAliasVersion, SplitsAsWeightedAndStably) {
  const VersionAlias alias{"order", "ramp", {{3, 90}, {4, 10}}};
  std::map<uint32_t, int> counts;
  for (int i = 0; i < 10'000; ++i) ++counts[PickAliasVersion(alias, absl::StrCat("exec-", i))];
  EXPECT_EQ(counts[3] + counts[4], 10'000);
  EXPECT_NEAR(counts[4], 1'000, 150);
  // Stable across releases: these values are part of the format (docs/versioning.md).
  EXPECT_EQ(PickAliasVersion(alias, "order-A1"), PickAliasVersion(alias, "order-A1"));
  const VersionAlias three{"order", "ramp", {{1, 1}, {2, 1}, {3, 1}}};
  std::map<uint32_t, int> thirds;
  for (int i = 0; i < 9'000; ++i) ++thirds[PickAliasVersion(three, absl::StrCat(i))];
  for (uint32_t v = 1; v <= 3; ++v) EXPECT_NEAR(thirds[v], 3'000, 250) << v;
}

TEST_F(AliasTest, OneCorrelationIdAlwaysLandsOnTheSameVersion) {
  ASSERT_TRUE(engine_->SetAlias({"order", "ramp", {{1, 50}, {2, 50}}}).ok());
  std::map<uint32_t, int> seen;
  for (int c = 0; c < 20; ++c) {
    const std::string correlation = absl::StrCat("customer-", c);
    const VersionAlias stored = (*engine_->Aliases("order"))[0];
    const uint32_t expected = PickAliasVersion(stored, correlation);
    for (int i = 0; i < 3; ++i) {
      auto id = StartThrough("ramp", correlation);
      ASSERT_TRUE(id.ok()) << id.status();
      EXPECT_EQ(engine_->GetExecution(*id)->version, expected) << correlation;
    }
    ++seen[expected];
  }
  EXPECT_EQ(seen.size(), 2u) << "20 correlation ids all landed on one version";
  // Without a correlation id, the execution id routes: both versions get starts.
  std::map<uint32_t, int> by_id;
  for (int i = 0; i < 40; ++i) {
    auto id = StartThrough("ramp");
    ASSERT_TRUE(id.ok());
    const uint32_t v = engine_->GetExecution(*id)->version;
    EXPECT_EQ(v, PickAliasVersion((*engine_->Aliases("order"))[0], *id));
    ++by_id[v];
  }
  EXPECT_EQ(by_id.size(), 2u);
}

TEST_F(AliasTest, BatchStartsPickEachTheirOwnVersion) {
  ASSERT_TRUE(engine_->SetAlias({"order", "ramp", {{1, 50}, {3, 50}}}).ok());
  StartOptions options;
  options.alias = "ramp";
  std::vector<Value> inputs(40, Json(R"({"id":"b"})"));
  auto ids = engine_->StartBatch("order", inputs, nullptr, options);
  std::map<uint32_t, int> versions;
  for (auto& id : ids) {
    ASSERT_TRUE(id.ok()) << id.status();
    const uint32_t v = engine_->GetExecution(*id)->version;
    EXPECT_EQ(v, PickAliasVersion({"order", "ramp", {{1, 50}, {3, 50}}}, *id));
    ++versions[v];
  }
  EXPECT_EQ(versions.size(), 2u);
}

}  // namespace
}  // namespace weft::testing
