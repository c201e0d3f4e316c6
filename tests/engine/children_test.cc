// Sub-workflows: version resolution at call time (latest, or pinned with @N), a child keeping
// its version, a child's failure caught in the parent, terminating a parent terminating its
// attached child, and `start` running a detached child that outlives its parent.
#include <gmock/gmock.h>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

// The parent waits on `gate` first, so a test can deploy a new child version before the call.
constexpr std::string_view kV1 = R"(
task gate, step

workflow latest(id: string) {
    gate(n: 1)
    return billing(order_id: id)
}

workflow pinned(id: string) {
    gate(n: 1)
    return billing@1(order_id: id)
}

workflow billing(order_id: string) {
    step(order: order_id)
    return { version: 1, order: order_id }
}

workflow caught(id: string) {
    try {
        return broke(order_id: id)
    } catch e {
        return { code: e.code, workflow: e.workflow, child_id: e.child_id, inner: e.details.message }
    }
}

workflow broke(order_id: string) {
    fail "no money for ${order_id}"
}

workflow detach(id: string) {
    let child = start billing(order_id: id)
    await signal("done")
    return child
}
)";

constexpr std::string_view kBillingV2 = R"(
workflow billing(order_id: string) {
    return { version: 2, order: order_id }
}
)";

class ChildrenTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Deploy(kV1);
  }

  void PassGate() {
    auto t = PollWithin("gate");
    ASSERT_TRUE(t);
    ASSERT_TRUE(engine_->CompleteTask(t->context.task_id, "ext", Value()).ok());
  }

  // The id of the (only) child the parent started, from its history.
  std::string ChildOf(const std::string& parent) {
    std::vector<HistoryEvent> started = HistoryOf(parent, "CHILD_STARTED");
    EXPECT_EQ(started.size(), 1u);
    return started.empty() ? "" : Field(started[0].details, "child_id").as_string();
  }
};

TEST_F(ChildrenTest, ACallRunsTheLatestVersionDeployedAtCallTime) {
  const std::string id = StartOk("latest", R"({"id":"o1"})");
  ASSERT_EQ(Deploy(kBillingV2).at(0).version, 2u);  // after the parent started, before the call
  PassGate();
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"version":2,"order":"o1"})");
  EXPECT_EQ(info.version, 1u);  // the parent itself stays on its version
  auto child = engine_->GetExecution(ChildOf(id));
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->version, 2u);
  EXPECT_EQ(child->parent_id, id);
  EXPECT_EQ(ExecutionStatusName(child->status), "COMPLETED");
}

TEST_F(ChildrenTest, APinnedCallRunsItsVersionAfterANewerOneIsDeployed) {
  const std::string id = StartOk("pinned", R"({"id":"o2"})");
  Deploy(kBillingV2);
  PassGate();
  auto step = PollWithin("step");  // only v1 has this task
  ASSERT_TRUE(step);
  ASSERT_TRUE(engine_->CompleteTask(step->context.task_id, "ext", Value()).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"version":1,"order":"o2"})");
  EXPECT_EQ(engine_->GetExecution(ChildOf(id))->version, 1u);
}

TEST_F(ChildrenTest, AChildKeepsItsVersionWhileANewerOneIsDeployed) {
  const std::string id = StartOk("latest", R"({"id":"o3"})");
  PassGate();
  auto step = PollWithin("step");  // the v1 child is running
  ASSERT_TRUE(step);
  Deploy(kBillingV2);
  ASSERT_TRUE(engine_->CompleteTask(step->context.task_id, "ext", Value()).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"version":1,"order":"o3"})");
  EXPECT_EQ(engine_->GetExecution(ChildOf(id))->version, 1u);
}

TEST_F(ChildrenTest, AChildsFailureIsCaughtInTheParent) {
  const std::string id = StartOk("caught", R"({"id":"o4"})");
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  const std::string child = ChildOf(id);
  EXPECT_EQ(Field(info.output, "code").as_string(), "CHILD_FAILED");
  EXPECT_EQ(Field(info.output, "workflow").as_string(), "broke");
  EXPECT_EQ(Field(info.output, "child_id").as_string(), child);
  EXPECT_EQ(Field(info.output, "inner").as_string(), "no money for o4");
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(child)->status), "FAILED");
}

TEST_F(ChildrenTest, TerminatingTheParentTerminatesItsChild) {
  const std::string id = StartOk("latest", R"({"id":"o5"})");
  PassGate();
  auto step = PollWithin("step");  // the child waits on its task
  ASSERT_TRUE(step);
  const std::string child = ChildOf(id);
  ASSERT_TRUE(engine_->Terminate(id, "customer cancelled").ok());
  ExecutionInfo parent = Await(id);
  EXPECT_EQ(ExecutionStatusName(parent.status), "TERMINATED");
  ExecutionInfo c = Await(child);
  EXPECT_EQ(ExecutionStatusName(c.status), "TERMINATED");
  EXPECT_EQ(HistoryOf(child, "EXECUTION_TERMINATED").size(), 1u);
  std::vector<TaskInfo> tasks = TasksOf(child);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].status, TaskStatus::kCanceled);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      engine_->CompleteTask(step->context.task_id, "ext", Value())));
}

TEST_F(ChildrenTest, StartReturnsTheChildIdAndTheChildRunsDetached) {
  const std::string id = StartOk("detach", R"({"id":"o6"})");
  const std::string child = ChildOf(id);
  ASSERT_FALSE(child.empty());
  EXPECT_TRUE(Field(HistoryOf(id, "CHILD_STARTED")[0].details, "detached").as_bool());
  auto step = PollWithin("step");
  ASSERT_TRUE(step);
  EXPECT_EQ(step->context.execution_id, child);
  // The parent ends first; a detached child is not terminated with it.
  ASSERT_TRUE(engine_->Terminate(id, "done with it").ok());
  EXPECT_EQ(ExecutionStatusName(Await(id).status), "TERMINATED");
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(child)->status), "RUNNING");
  ASSERT_TRUE(engine_->CompleteTask(step->context.task_id, "ext", Value()).ok());
  ExecutionInfo c = Await(child);
  ASSERT_EQ(ExecutionStatusName(c.status), "COMPLETED") << c.error.ToJson();
  EXPECT_EQ(c.output.ToJson(), R"({"version":1,"order":"o6"})");
  EXPECT_TRUE(c.parent_id.empty());
}

TEST_F(ChildrenTest, StartReturnsTheChildIdToTheWorkflow) {
  const std::string id = StartOk("detach", R"({"id":"o7"})");
  const std::string child = ChildOf(id);
  ASSERT_TRUE(engine_->Signal(id, "done", Value()).ok());
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.as_string(), child);
  // The parent completed; the child still waits on its task.
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(child)->status), "RUNNING");
}

TEST_F(ChildrenTest, CallingAnUndeployedVersionIsACatchableChildFailure) {
  Deploy(R"(
workflow missing() {
    try {
        return billing@9(order_id: "x")
    } catch e {
        return { code: e.code, message: e.message }
    }
}

workflow billing(order_id: string) {
    return 1
}
)");
  ExecutionInfo info = Await(StartOk("missing"));
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(Field(info.output, "code").as_string(), "CHILD_FAILED");
  EXPECT_THAT(Field(info.output, "message").as_string(), HasSubstr("no version 9"));
}

}  // namespace
}  // namespace weft::testing
