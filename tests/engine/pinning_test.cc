// Version pinning: an execution finishes on the version it started on, whatever is deployed
// meanwhile, and deploying an unchanged file creates no version.
#include <gmock/gmock.h>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kV1 = R"(
task first
task old_step
workflow order(id: string) {
    let a = first(id: id)
    let b = old_step(x: a)
    return { path: "v1", b: b }
}
)";

constexpr std::string_view kV2 = R"(
task first
task new_step
task extra
workflow order(id: string) {
    let a = first(id: id)
    let b = new_step(x: a)
    let c = extra(x: b)
    return { path: "v2", c: c }
}
)";

TEST_F(EngineTest, RunningExecutionsKeepTheirVersion) {
  auto v1 = Deploy(kV1);
  ASSERT_EQ(v1.size(), 1u);
  EXPECT_EQ(v1[0].version, 1u);
  EXPECT_TRUE(v1[0].created);
  auto a = engine_->Start("order", Json(R"({"id":"A"})"));
  ASSERT_TRUE(a.ok());

  auto v2 = Deploy(kV2);
  EXPECT_EQ(v2[0].version, 2u);
  EXPECT_NE(v2[0].hash, v1[0].hash);
  auto b = engine_->Start("order", Json(R"({"id":"B"})"));
  ASSERT_TRUE(b.ok());

  // Redeploying v2 unchanged creates nothing.
  auto again = Deploy(kV2);
  EXPECT_EQ(again[0].version, 2u);
  EXPECT_FALSE(again[0].created);
  EXPECT_EQ(engine_->Versions("order")->size(), 2u);

  // Only now do workers run: A has been waiting on its first task all along.
  auto echo = [](std::string tag) {
    return [tag](const TaskContext& t) {
      return TaskOutcome::Complete(Value::String(tag));
    };
  };
  engine_->RegisterWorker("first", echo("f"));
  engine_->RegisterWorker("old_step", echo("old"));
  engine_->RegisterWorker("new_step", echo("new"));
  engine_->RegisterWorker("extra", echo("extra"));
  ASSERT_TRUE(engine_->StartWorkers().ok());

  ExecutionInfo ea = Await(*a);
  ExecutionInfo eb = Await(*b);
  EXPECT_EQ(ea.version, 1u);
  EXPECT_EQ(ea.output.ToJson(), R"({"path":"v1","b":"old"})");
  EXPECT_EQ(eb.version, 2u);
  EXPECT_EQ(eb.output.ToJson(), R"({"path":"v2","c":"extra"})");
  EXPECT_EQ(ea.hash, v1[0].hash);
}

TEST_F(EngineTest, StartCanNameAnExactVersion) {
  Deploy(kV1);
  Deploy(kV2);
  auto a = engine_->Start("order", Json(R"({"id":"A"})"), StartOptions{.version = 1});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(engine_->GetExecution(*a)->version, 1u);
  auto tasks = engine_->Tasks(*a);
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].type, "first");
}

TEST_F(EngineTest, PinningSurvivesAReopen) {
  Deploy(kV1);
  auto a = engine_->Start("order", Json(R"({"id":"A"})"));
  Deploy(kV2);
  Reopen();
  engine_->RegisterWorker("first", [](const TaskContext&) { return TaskOutcome::Complete(Value::Int(1)); });
  engine_->RegisterWorker("old_step", [](const TaskContext&) { return TaskOutcome::Complete(Value::Int(2)); });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  EXPECT_EQ(Await(*a).output.ToJson(), R"({"path":"v1","b":2})");
}

}  // namespace
}  // namespace weft::testing
