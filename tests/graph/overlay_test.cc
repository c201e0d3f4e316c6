// The execution overlay (graph/overlay.h) on a real engine: executions driven by an external
// worker (PollTask, CompleteTask, FailTask) to a known state, then drawn through the public
// engine API. A failed branch of a parallel block is failed and the work after it not reached;
// a loop counts its iterations; a retried call counts its attempts, lists their task ids, and
// is marked as where the running fiber waits; the SVG carries the same in data-* attributes.
#include <gtest/gtest.h>

#include "graph/overlay.h"
#include "graph/svg.h"
#include "tests/engine/engine_fixture.h"

namespace weft::graph {
namespace {

class OverlayTest : public testing::EngineTest {
 protected:
  // The task id of the one attempt of `type` taken now, completed or failed.
  std::string Finish(std::string_view type, bool ok) {
    std::optional<LeasedTask> task = PollWithin(type);
    EXPECT_TRUE(task.has_value()) << "no " << type << " task";
    if (!task) return "";
    const absl::Status s = ok ? engine_->CompleteTask(task->context.task_id, "ext", Value::Int(1))
                              : engine_->FailTask(task->context.task_id, "ext", "broken");
    EXPECT_TRUE(s.ok()) << s;
    return task->context.task_id;
  }

  Graph Draw(const std::string& id) {
    absl::StatusOr<Graph> g = ExecutionGraph(*engine_, id);
    EXPECT_TRUE(g.ok()) << g.status();
    return g.ok() ? *std::move(g) : Graph();
  }

  static const Node& Find(const Graph& g, NodeKind kind, std::string_view label) {
    for (const Node& node : g.nodes) {
      if (node.kind == kind && node.label == label) return node;
    }
    ADD_FAILURE() << "no node " << label;
    static const Node none;
    return none;
  }
};

TEST_F(OverlayTest, AFailedBranchIsFailedAndWhatFollowsIsNotReached) {
  Deploy(R"wf(
task a
task b
task c
workflow par() {
    parallel {
        a()
        b()
    }
    c()
}
)wf");
  const std::string id = StartOk("par");
  Finish("a", true);
  const std::string failed = Finish("b", false);
  ASSERT_EQ(Await(id).status, ExecutionStatus::kFailed);
  const Graph g = Draw(id);
  EXPECT_EQ(Find(g, NodeKind::kTask, "a").status, NodeStatus::kCompleted);
  const Node& b = Find(g, NodeKind::kTask, "b");
  EXPECT_EQ(b.status, NodeStatus::kFailed);
  EXPECT_EQ(b.task_ids, std::vector<std::string>{failed});
  EXPECT_EQ(Find(g, NodeKind::kTask, "c").status, NodeStatus::kNotReached);
  EXPECT_EQ(Find(g, NodeKind::kFork, "parallel").status, NodeStatus::kCompleted);
  EXPECT_EQ(Find(g, NodeKind::kStart, "par").status, NodeStatus::kCompleted);

  absl::StatusOr<std::string> svg = RenderSvg(g);
  ASSERT_TRUE(svg.ok()) << svg.status();
  const std::string b_group = "id=\"n" + std::to_string(b.id) + "\" class=\"node\"";
  const size_t at = svg->find(b_group);
  ASSERT_NE(at, std::string::npos);
  const std::string tag = svg->substr(at, svg->find('>', at) - at);
  EXPECT_NE(tag.find("data-status=\"failed\""), std::string::npos) << tag;
  EXPECT_NE(tag.find("data-task-ids=\"" + failed + "\""), std::string::npos) << tag;
}

TEST_F(OverlayTest, LoopsCountIterationsAndARetriedCallItsAttemptsWhereItWaits) {
  Deploy(R"wf(
task step
task last
workflow loop(n: int) {
    var i = 0
    while i < n {
        step()
        i = i + 1
    }
    last() with { retries: 1 }
}
)wf");
  const std::string id = StartOk("loop", R"({"n": 3})");
  for (int i = 0; i < 3; ++i) Finish("step", true);
  const std::string first = Finish("last", false);
  ASSERT_TRUE(testing::Eventually([&] { return TasksOf(id).size() == 5; }));
  const Graph g = Draw(id);
  EXPECT_EQ(g.execution_status, "RUNNING");
  const Node& step = Find(g, NodeKind::kTask, "step");
  EXPECT_EQ(step.status, NodeStatus::kCompleted);
  EXPECT_EQ(step.attempts, 3u);
  EXPECT_FALSE(step.current);
  const Node& loop = Find(g, NodeKind::kLoop, "while i < n");
  EXPECT_EQ(loop.status, NodeStatus::kCompleted);
  EXPECT_EQ(loop.iterations, 3u);
  const Node& last = Find(g, NodeKind::kTask, "last");
  EXPECT_EQ(last.status, NodeStatus::kScheduled);
  EXPECT_EQ(last.attempts, 2u);
  ASSERT_EQ(last.task_ids.size(), 2u);
  EXPECT_EQ(last.task_ids[0], first);
  EXPECT_TRUE(last.current);
  EXPECT_EQ(Find(g, NodeKind::kEnd, "end").status, NodeStatus::kNotReached);

  Finish("last", true);
  ASSERT_EQ(Await(id).status, ExecutionStatus::kCompleted);
  const Graph done = Draw(id);
  EXPECT_EQ(Find(done, NodeKind::kTask, "last").status, NodeStatus::kCompleted);
  EXPECT_FALSE(Find(done, NodeKind::kTask, "last").current);
  EXPECT_EQ(Find(done, NodeKind::kEnd, "end").status, NodeStatus::kCompleted);
}

TEST_F(OverlayTest, SeveralCallSitesOfOneTypeGetOneCallEach) {
  Deploy(R"wf(
task t
workflow twice() {
    t(n: 1)
    t(n: 2)
}
)wf");
  const std::string id = StartOk("twice");
  const std::string one = Finish("t", true);
  ASSERT_TRUE(testing::Eventually([&] { return TasksOf(id).size() == 2; }));
  Graph g = Draw(id);
  ASSERT_EQ(g.nodes[1].task_ids, std::vector<std::string>{one});
  EXPECT_EQ(g.nodes[1].status, NodeStatus::kCompleted);
  EXPECT_EQ(g.nodes[2].status, NodeStatus::kScheduled);
  EXPECT_TRUE(g.nodes[2].current);
}

TEST_F(OverlayTest, AnUnknownExecutionIsNotFound) {
  EXPECT_EQ(ExecutionGraph(*engine_, "nope").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace weft::graph
