// Version lifecycle (Engine::DeleteVersion, CollectVersions; docs/versioning.md): gc keeps each
// workflow's latest and every version something refers to (an execution of any status, an
// alias, a pinned schedule, an event handler's start, a NAME@N call in a deployed program),
// deletes the rest in one transaction, and never lets a number be given out again; delete is
// refused naming each referrer; prune and migration move what refers to a version.
#include <gmock/gmock.h>

#include "absl/strings/str_cat.h"
#include "storage/lmdb.h"
#include "storage/verify.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

std::string Order(int n) {
  return absl::StrCat("workflow order(id: string) {\n  let paid = await signal(\"paid\")\n",
                      "  return { v: ", n, " }\n}\n");
}

class VersionGcTest : public EngineTest {
 protected:
  void DeployOrders(int from, int to) {
    for (int v = from; v <= to; ++v) Deploy(Order(v));
  }

  std::vector<uint32_t> VersionNumbers(std::string_view workflow = "order") {
    std::vector<uint32_t> out;
    auto versions = engine_->Versions(workflow);
    EXPECT_TRUE(versions.ok()) << versions.status();
    if (versions.ok()) {
      for (const VersionInfo& v : *versions) out.push_back(v.version);
    }
    return out;
  }

  std::string StartOrder(uint32_t version) {
    StartOptions options;
    options.version = version;
    auto id = engine_->Start("order", Json(R"({"id":"x"})"), options);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  // The judged version `version` of order.
  static const CollectedVersion* Find(const std::vector<CollectedVersion>& all, uint32_t version,
                                      std::string_view workflow = "order") {
    for (const CollectedVersion& v : all) {
      if (v.workflow == workflow && v.version == version) return &v;
    }
    return nullptr;
  }

  std::string DeleteError(uint32_t version) {
    absl::Status s = engine_->DeleteVersion("order", version);
    EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
    return std::string(s.message());
  }

  void ExpectStoreClean() {
    engine_.reset();
    storage::Env::Options options;
    options.path = dir_.path() + "/store";
    options.read_only = true;
    auto env = storage::Env::Open(options);
    ASSERT_TRUE(env.ok()) << env.status();
    auto report = storage::VerifyStore(**env);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const storage::Damage& d : report->damage) ADD_FAILURE() << storage::DescribeDamage(d);
    env->reset();
    Reopen();
  }
};

TEST_F(VersionGcTest, KeepsTheLatestDeletesTheRestAndNeverReusesANumber) {
  DeployOrders(1, 3);
  auto dry = engine_->CollectVersions("order", /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  ASSERT_EQ(dry->size(), 3u);
  EXPECT_TRUE(Find(*dry, 1)->deleted);
  EXPECT_TRUE(Find(*dry, 2)->deleted);
  EXPECT_FALSE(Find(*dry, 3)->deleted);
  EXPECT_EQ(Find(*dry, 3)->reason, "latest");
  EXPECT_EQ(VersionNumbers(), (std::vector<uint32_t>{1, 2, 3}));  // a dry run changes nothing

  auto done = engine_->CollectVersions("", /*dry_run=*/false);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(VersionNumbers(), (std::vector<uint32_t>{3}));
  // The next deploy is numbered after the highest ever: 4, not 1 or 2.
  auto deployed = engine_->Deploy("order.wf", Order(4));
  ASSERT_TRUE(deployed.ok()) << deployed.status();
  EXPECT_EQ((*deployed)[0].version, 4u);
  // The kept latest version still starts and runs.
  const std::string id = StartOrder(3);
  ASSERT_TRUE(engine_->Signal(id, "paid", Value::Bool(true)).ok());
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":3})");
  EXPECT_TRUE(absl::IsNotFound(engine_->CollectVersions("nothing", false).status()));
  ExpectStoreClean();
}

TEST_F(VersionGcTest, KeepsEveryKindOfReferrerAndDeleteNamesEach) {
  DeployOrders(1, 6);
  const std::string running = StartOrder(1);
  ASSERT_TRUE(engine_->SetAlias({"order", "prod", {{2, 100}}}).ok());
  Schedule nightly;
  nightly.name = "nightly";
  nightly.workflow = "order";
  nightly.version = 3;
  nightly.input = Json(R"({"id":"n"})");
  nightly.cron = "0 0 3 * * *";
  nightly.paused = true;
  ASSERT_TRUE(engine_->CreateSchedule(nightly).ok());
  ASSERT_TRUE(engine_
                  ->CreateEventHandler(Json(R"({"name": "on-paid", "event": "nats:orders.paid",
                    "active": false, "actions": [{"action": "start_workflow",
                    "start_workflow": {"name": "order", "version": 4, "input": {"id": "e"}}}]})"))
                  .ok());
  // A call is compiled from the same file: order v7 comes with shop v1.
  Deploy(Order(7) + "workflow shop() {\n  let r = order@5(id: \"s\")\n  return r\n}\n");

  auto judged = engine_->CollectVersions("order", /*dry_run=*/false);
  ASSERT_TRUE(judged.ok()) << judged.status();
  EXPECT_EQ(VersionNumbers(), (std::vector<uint32_t>{1, 2, 3, 4, 5, 7}));
  EXPECT_TRUE(Find(*judged, 6)->deleted);
  EXPECT_THAT(Find(*judged, 1)->reason, HasSubstr(absl::StrCat("1 execution (", running, ")")));
  EXPECT_EQ(Find(*judged, 1)->referrers.executions, 1u);
  EXPECT_EQ(Find(*judged, 2)->referrers.aliases, (std::vector<std::string>{"prod"}));
  EXPECT_EQ(Find(*judged, 3)->referrers.schedules, (std::vector<std::string>{"nightly"}));
  EXPECT_EQ(Find(*judged, 4)->referrers.event_handlers, (std::vector<std::string>{"on-paid"}));
  EXPECT_EQ(Find(*judged, 5)->referrers.callers, (std::vector<std::string>{"shop@1"}));
  EXPECT_EQ(Find(*judged, 7)->reason, "latest");

  EXPECT_THAT(DeleteError(1),
              HasSubstr(absl::StrCat("order@1 is still referred to by 1 execution (", running, ")")));
  EXPECT_THAT(DeleteError(2), HasSubstr("order@2 is still referred to by alias prod"));
  EXPECT_THAT(DeleteError(3), HasSubstr("schedule nightly"));
  EXPECT_THAT(DeleteError(4), HasSubstr("event handler on-paid"));
  EXPECT_THAT(DeleteError(5), HasSubstr("a call in shop@1"));
  EXPECT_THAT(DeleteError(7), HasSubstr("order@7 is the latest version"));
  EXPECT_THAT(DeleteError(7), HasSubstr("deploy a newer version"));
  EXPECT_TRUE(absl::IsNotFound(engine_->DeleteVersion("order", 6)));
  EXPECT_TRUE(absl::IsNotFound(engine_->DeleteVersion("order", 99)));
  EXPECT_TRUE(absl::IsNotFound(engine_->DeleteVersion("nothing", 1)));

  // Each referrer removed frees its version.
  ASSERT_TRUE(engine_->DeleteAlias("order", "prod").ok());
  ASSERT_TRUE(engine_->DeleteVersion("order", 2).ok());
  ASSERT_TRUE(engine_->DeleteSchedule("nightly").ok());
  ASSERT_TRUE(engine_->DeleteEventHandler("on-paid").ok());
  auto again = engine_->CollectVersions("order", /*dry_run=*/false);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(VersionNumbers(), (std::vector<uint32_t>{1, 5, 7}));
  ExpectStoreClean();
}

TEST_F(VersionGcTest, AVersionCalledOnlyByACollectedVersionGoesWithIt) {
  DeployOrders(1, 1);
  // order v2 and shop v1, then shop v2 beside the same order (no new order version).
  Deploy(Order(2) + "workflow shop() {\n  let r = order@1(id: \"s\")\n  return r\n}\n");
  Deploy(Order(2) + "workflow shop() {\n  let r = order(id: \"s\")\n  return r\n}\n");
  auto judged = engine_->CollectVersions("", /*dry_run=*/false);
  ASSERT_TRUE(judged.ok()) << judged.status();
  EXPECT_TRUE(Find(*judged, 1, "shop")->deleted);
  EXPECT_TRUE(Find(*judged, 1)->deleted);
  EXPECT_EQ(VersionNumbers(), (std::vector<uint32_t>{2}));
  EXPECT_EQ(VersionNumbers("shop"), (std::vector<uint32_t>{2}));
}

TEST_F(VersionGcTest, AFinishedExecutionKeepsItsVersionUntilPruned) {
  DeployOrders(1, 2);
  const std::string id = StartOrder(1);
  ASSERT_TRUE(engine_->Signal(id, "paid", Value::Bool(true)).ok());
  const ExecutionInfo done = Await(id);
  EXPECT_THAT(DeleteError(1), HasSubstr(id));
  ASSERT_TRUE(Eventually([&] { return absl::ToUnixMillis(absl::Now()) > done.ended_ms; }));
  PruneOptions prune;
  prune.older_than = absl::ZeroDuration();
  auto pruned = engine_->Prune(prune);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  ASSERT_EQ(pruned->executions, 1u);
  ASSERT_TRUE(engine_->DeleteVersion("order", 1).ok());
  EXPECT_EQ(VersionNumbers(), (std::vector<uint32_t>{2}));
  ExpectStoreClean();
}

TEST_F(VersionGcTest, AMigratedExecutionRefersToItsNewVersion) {
  DeployOrders(1, 3);
  const std::string id = StartOrder(1);
  auto moved = engine_->MigrateExecution(id, 2, /*dry_run=*/false);
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_TRUE(moved->moved) << moved->reason;
  ASSERT_TRUE(engine_->DeleteVersion("order", 1).ok());
  EXPECT_THAT(DeleteError(2), HasSubstr(id));
  ASSERT_TRUE(engine_->Signal(id, "paid", Value::Bool(true)).ok());
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":2})");
  ExpectStoreClean();
}

TEST_F(VersionGcTest, DeletingAVersionKeepsBytecodeAnotherVersionShares) {
  Deploy(Order(1));
  Deploy(Order(2));
  Deploy(Order(1));  // v3: v1's bytecode again
  ASSERT_TRUE(engine_->DeleteVersion("order", 1).ok());
  const std::string id = StartOrder(3);
  ASSERT_TRUE(engine_->Signal(id, "paid", Value::Bool(true)).ok());
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1})");
  ExpectStoreClean();
}

}  // namespace
}  // namespace weft::testing
