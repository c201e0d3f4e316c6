// graph's part of the format 5 -> 6 upgrade. The format-5 fixture store
// (tests/storage/fixtures/format5, see its README) holds no source text. Read-only it is read
// as it is: nothing damaged, and drawing `queued@1` says its source was not stored. A read-write
// open upgrades it to format 6 (the empty `sources` table, no backfill: the source of a format-5
// version is not anywhere in the store); a deploy of the same file then stores the source of
// the unchanged version 1, and the execution `queued` that the format-5 weft started is drawn
// with its `fetch` task scheduled and its fiber waiting there.
#include <gtest/gtest.h>

#include <filesystem>

#include "graph/overlay.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/verify.h"
#include "tests/engine/engine_fixture.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kQueued[] = "01M8ZC7KGE0XWAHYGZK892X71N";

class Format5GraphSources : public FixtureStoreTest {
 protected:
  Format5GraphSources() : FixtureStoreTest("format5") {}
};

TEST_F(Format5GraphSources, ReadOnlyTheSourceIsReportedMissing) {
  EXPECT_EQ(Format(), 5u);
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  absl::StatusOr<graph::Graph> g = graph::VersionGraph(*engine, "queued", 1);
  ASSERT_EQ(g.status().code(), absl::StatusCode::kNotFound) << g.status();
  EXPECT_NE(g.status().message().find("deployed before store format 6"), std::string::npos)
      << g.status();
  EXPECT_NE(g.status().message().find("pinned.wf"), std::string::npos) << g.status();
  EXPECT_EQ(Format(), 5u) << "a read-only open must not upgrade";
}

TEST_F(Format5GraphSources, UpgradedARedeployStoresTheSourceOfTheSameVersion) {
  {
    auto engine = OpenEngine(/*read_only=*/false);
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(graph::VersionGraph(*engine, "queued", 1).status().code(),
              absl::StatusCode::kNotFound);
    auto deployed = engine->Deploy(
        "pinned.wf", testing::ReadSourceFile("tests/storage/fixtures/format5/pinned.wf"));
    ASSERT_TRUE(deployed.ok()) << deployed.status();
    ASSERT_EQ(deployed->size(), 3u);
    for (const DeployedWorkflow& d : *deployed) {
      EXPECT_EQ(d.version, 1u) << d.workflow;
      EXPECT_FALSE(d.created) << d.workflow << ": the same bytecode, no new version";
    }

    absl::StatusOr<graph::Graph> g = graph::ExecutionGraph(*engine, kQueued);
    ASSERT_TRUE(g.ok()) << g.status();
    EXPECT_EQ(g->execution_status, "RUNNING");
    ASSERT_EQ(g->nodes.size(), 3u);  // start, fetch, return
    EXPECT_EQ(g->nodes[1].task, "fetch");
    EXPECT_EQ(g->nodes[1].status, graph::NodeStatus::kScheduled);
    EXPECT_TRUE(g->nodes[1].current);
    EXPECT_EQ(g->nodes[1].task_ids.size(), 1u);
    EXPECT_EQ(g->nodes[2].kind, graph::NodeKind::kReturn);
    EXPECT_EQ(g->nodes[2].status, graph::NodeStatus::kNotReached);
  }
  EXPECT_EQ(Format(), storage::kStoreFormat);
}

}  // namespace
}  // namespace weft
