// The engine end to end: deploy, start, in-process and external workers, failures, inspection.
#include <gmock/gmock.h>

#include "storage/history.h"
#include "storage/lmdb.h"
#include "tests/engine/engine_fixture.h"
#include "tests/storage/store_test_util.h"

namespace weft::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The workflow the README and the CLI run: the tests exercise the very file users see.
std::string Shipping() { return ReadSourceFile("examples/shipping.wf"); }

class ShippingTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Deploy(Shipping());
    engine_->RegisterWorker("shipping_info", [](const TaskContext& t) {
      const Value* id = t.input.as_object().Find("order_id");
      return TaskOutcome::Complete(Json(R"({"address":"1 Main St, )" + id->as_string() + R"("})"));
    });
    for (std::string vendor : {"fedex", "ups", "dhl"}) {
      engine_->RegisterWorker("ship_" + vendor, [vendor](const TaskContext& t) {
        std::string address = t.input.as_object().Find("address")->as_string();
        return TaskOutcome::Complete(Json(R"({"tracking":")" + vendor + ":" + address + R"("})"));
      });
    }
    ASSERT_TRUE(engine_->StartWorkers().ok());
  }
};

TEST_F(ShippingTest, EachVendorTakesItsBranch) {
  for (std::string vendor : {"fedex", "ups", "dhl"}) {
    auto id = engine_->Start("shipping", Json(R"({"order_id":"o1","vendor":")" + vendor + "\"}"));
    ASSERT_TRUE(id.ok()) << id.status();
    ExecutionInfo info = Await(*id);
    EXPECT_EQ(info.status, ExecutionStatus::kCompleted) << info.error.ToJson();
    EXPECT_EQ(info.output.ToJson(),
              R"({"tracking":")" + vendor + R"(:1 Main St, o1","vendor":")" + vendor + "\"}");
    EXPECT_EQ(info.version, 1u);
  }
}

TEST_F(ShippingTest, HistoryAndTasksDescribeTheRun) {
  auto id = engine_->Start("shipping", Json(R"({"order_id":"o1","vendor":"ups"})"));
  ASSERT_TRUE(id.ok());
  Await(*id);
  EXPECT_THAT(HistoryTypes(*id),
              ElementsAre("EXECUTION_STARTED", "TASK_SCHEDULED", "TASK_STARTED", "TASK_COMPLETED",
                          "TASK_SCHEDULED", "TASK_STARTED", "TASK_COMPLETED",
                          "EXECUTION_COMPLETED"));
  auto tasks = engine_->Tasks(*id);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].type, "shipping_info");
  EXPECT_EQ((*tasks)[1].type, "ship_ups");
  EXPECT_EQ((*tasks)[1].status, TaskStatus::kCompleted);
  EXPECT_EQ((*tasks)[1].attempt, 1u);
  EXPECT_FALSE((*tasks)[1].worker_id.empty());
  EXPECT_EQ((*tasks)[1].input.ToJson(), R"({"address":"1 Main St, o1"})");
}

TEST_F(ShippingTest, UnknownVendorFailsWithTheWorkflowsMessage) {
  auto id = engine_->Start("shipping", Json(R"({"order_id":"o1","vendor":"usps"})"));
  ASSERT_TRUE(id.ok());
  ExecutionInfo info = Await(*id);
  EXPECT_EQ(info.status, ExecutionStatus::kFailed);
  EXPECT_EQ(info.error.as_object().Find("code")->as_string(), "WORKFLOW_FAILED");
  EXPECT_EQ(info.error.as_object().Find("message")->as_string(), "unsupported vendor usps");
  EXPECT_EQ(HistoryTypes(*id).back(), "EXECUTION_FAILED");
}

TEST_F(ShippingTest, ListingByStatus) {
  auto ok = engine_->Start("shipping", Json(R"({"order_id":"a","vendor":"ups"})"));
  auto bad = engine_->Start("shipping", Json(R"({"order_id":"b","vendor":"x"})"));
  Await(*ok);
  Await(*bad);
  auto failed = engine_->ListExecutions(ExecutionStatus::kFailed, 10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, *bad);
  auto all = engine_->ListExecutions(std::nullopt, 10);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *bad);  // newest first
}

TEST_F(EngineTest, BadInputIsRejectedBeforeAnythingIsStored) {
  Deploy(Shipping());
  auto missing = engine_->Start("shipping", Json(R"({"order_id":"o1"})"));
  EXPECT_TRUE(absl::IsInvalidArgument(missing.status())) << missing.status();
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("vendor"));
  auto mistyped = engine_->Start("shipping", Json(R"({"order_id":1,"vendor":"ups"})"));
  EXPECT_TRUE(absl::IsInvalidArgument(mistyped.status())) << mistyped.status();
  auto not_object = engine_->Start("shipping", Json("[1]"));
  EXPECT_TRUE(absl::IsInvalidArgument(not_object.status()));
  auto unknown = engine_->Start("nope", Json("{}"));
  EXPECT_TRUE(absl::IsNotFound(unknown.status()));
  auto bad_version = engine_->Start("shipping", Json(R"({"order_id":"o","vendor":"ups"})"),
                                    StartOptions{.version = 9});
  EXPECT_TRUE(absl::IsNotFound(bad_version.status()));
  EXPECT_THAT(std::string(bad_version.status().message()), HasSubstr("latest is 1"));
  EXPECT_TRUE(engine_->ListExecutions(std::nullopt, 10)->empty());
}

TEST_F(EngineTest, CompileErrorsDeployNothing) {
  Deploy(Shipping());
  auto r = engine_->Deploy("broken.wf", "task a\nworkflow shipping() { b() }\n");
  ASSERT_TRUE(absl::IsInvalidArgument(r.status()));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("broken.wf:2:"));
  EXPECT_EQ(engine_->Versions("shipping")->size(), 1u);
}

TEST_F(EngineTest, ExternalWorkerPollsAndReportsOnce) {
  Deploy("task work\nworkflow w(n: int) { let r = work(n: n)\n return r }\n");
  auto id = engine_->Start("w", Json(R"({"n":5})"));
  ASSERT_TRUE(id.ok());
  auto none = engine_->PollTask("other", "ext-1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto leased = engine_->PollTask("work", "ext-1");
  ASSERT_TRUE(leased.ok() && leased->has_value());
  EXPECT_EQ((*leased)->context.input.ToJson(), R"({"n":5})");
  EXPECT_EQ((*leased)->context.execution_id, *id);
  const std::string task_id = (*leased)->context.task_id;
  ASSERT_TRUE(engine_->CompleteTask(task_id, "ext-1", Json("42")).ok());
  absl::Status again = engine_->CompleteTask(task_id, "ext-1", Json("43"));
  EXPECT_TRUE(absl::IsFailedPrecondition(again)) << again;
  ExecutionInfo info = Await(*id);
  EXPECT_EQ(info.output.ToJson(), "42");
  EXPECT_EQ(HistoryTypes(*id).back(), "TASK_RESULT_IGNORED");
  EXPECT_EQ(engine_->Stats().results_ignored, 1u);
  EXPECT_TRUE(absl::IsNotFound(engine_->CompleteTask("nope", "ext-1", Json("1"))));
}

TEST_F(EngineTest, TaskFailureFailsTheExecutionWithTheReason) {
  Deploy("task work\nworkflow w() { work() \n return 1 }\n");
  engine_->RegisterWorker("work", [](const TaskContext&) {
    return TaskOutcome::Fail("disk on fire", Json(R"({"disk":"sda"})"));
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  auto id = engine_->Start("w", Json("{}"));
  ExecutionInfo info = Await(*id);
  ASSERT_EQ(info.status, ExecutionStatus::kFailed);
  EXPECT_EQ(info.error.as_object().Find("code")->as_string(), "TASK_FAILED");
  EXPECT_THAT(info.error.ToJson(), HasSubstr("disk on fire"));
  auto tasks = engine_->Tasks(*id);
  EXPECT_EQ((*tasks)[0].status, TaskStatus::kFailed);
}

TEST_F(EngineTest, WorkerExceptionsFailTheTask) {
  Deploy("task work\nworkflow w() { work() \n return 1 }\n");
  engine_->RegisterWorker("work", [](const TaskContext&) -> TaskOutcome {
    throw std::runtime_error("boom");
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  ExecutionInfo info = Await(*engine_->Start("w", Json("{}")));
  EXPECT_EQ(info.status, ExecutionStatus::kFailed);
  EXPECT_THAT(info.error.ToJson(), HasSubstr("boom"));
}

TEST_F(EngineTest, SecondWriterOnTheSameStoreIsRefused) {
  EngineOptions options;
  options.path = dir_.path() + "/store";
  auto second = Engine::Open(options);
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
  options.read_only = true;
  auto reader = Engine::Open(options);
  EXPECT_TRUE(reader.ok()) << reader.status();
}

TEST_F(EngineTest, PendingTasksSurviveAReopen) {
  Deploy("task work\nworkflow w(n: int) { let r = work(n: n)\n return r.v }\n");
  auto id = engine_->Start("w", Json(R"({"n":7})"));
  ASSERT_TRUE(id.ok());
  Reopen();
  engine_->RegisterWorker("work", [](const TaskContext& t) {
    return TaskOutcome::Complete(
        Value::MakeObject(Object({{"v", Value::Int(t.input.as_object().Find("n")->as_int() * 6)}})));
  });
  ASSERT_TRUE(engine_->StartWorkers().ok());
  EXPECT_EQ(Await(*id).output.ToJson(), "42");
}

// Format 10: the EXECUTION_STARTED event stores only what the header does not hold for good
// (the version, which a live migration moves); History shows the workflow, input and parent
// from the header, in the order they always had.
TEST_F(EngineTest, TheStartedEventStoresOnlyWhatTheHeaderDoesNotHold) {
  Deploy(R"(
workflow waiter(n: int) {
    let v = await signal("go")
    return v
}
)");
  const std::string id = StartOk("waiter", R"({"n":7})");
  auto history = engine_->History(id);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_FALSE(history->empty());
  EXPECT_EQ(history->front().type, "EXECUTION_STARTED");
  EXPECT_EQ(history->front().details.ToJson(),
            R"({"workflow":"waiter","version":1,"input":{"n":7},"parent_id":""})");
  engine_.reset();

  auto env = storage::Env::Open(StoreOptions(dir_.path() + "/store", /*read_only=*/true));
  ASSERT_TRUE(env.ok()) << env.status();
  auto txn = storage::Txn::BeginRead(**env);
  ASSERT_TRUE(txn.ok());
  auto stored = storage::ReadHistory(*txn, id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_FALSE(stored->empty());
  EXPECT_EQ(stored->front().row.details.ToJson(), R"({"version":1})");
}

}  // namespace
}  // namespace weft::testing
