// Conductor's metadata API over HTTP: task definitions (register, update, read, delete,
// Conductor's validation and status codes, durability across a restart, their policies used by
// workflows registered later) and workflow definitions (register with their own version,
// conflicts and overwrite, executions pinned to an overwritten or deleted version, GET of a
// registered and of a .wf version, the bulk PUT, validate, translation errors).
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kTaskDefs[] = R"([
  {"name": "task_a", "retryCount": 1, "retryDelaySeconds": 0, "responseTimeoutSeconds": 30},
  {"name": "task_b", "description": "second"}
])";

// Two SIMPLE tasks, the second wired to the first's output; version 3.
constexpr char kTwoTasks[] = R"({
  "name": "two_steps", "version": 3, "schemaVersion": 2, "inputParameters": ["x"],
  "tasks": [
    {"name": "task_a", "taskReferenceName": "a_ref", "type": "SIMPLE",
     "inputParameters": {"x": "${workflow.input.x}"}},
    {"name": "task_b", "taskReferenceName": "b_ref", "type": "SIMPLE",
     "inputParameters": {"y": "${a_ref.output.y}"}}
  ],
  "outputParameters": {"result": "${b_ref.output.z}"}
})";

std::string OneTask(const std::string& task, int version = 1) {
  return R"({"name": "one_step", "version": )" + std::to_string(version) +
         R"(, "tasks": [{"name": ")" + task + R"(", "taskReferenceName": "only_ref", "type": "SIMPLE"}]})";
}

class MetadataTest : public ServerTest {
 protected:
  httplib::Result Post(const std::string& path, const std::string& body) {
    return client_->Post(path, body, "application/json");
  }
  httplib::Result Put(const std::string& path, const std::string& body) {
    return client_->Put(path, body, "application/json");
  }

  // Polls one task of `type`, expecting one.
  Value PollOne(const std::string& type) {
    auto r = client_->Get("/api/tasks/poll/batch/" + type + "?count=1&timeout=5000&workerid=w");
    EXPECT_TRUE(r);
    if (!r) return Value();
    Value list = ParseJson(r->body);
    EXPECT_TRUE(list.is_list() && list.as_list().size() == 1) << r->body;
    return list.is_list() && !list.as_list().empty() ? list.as_list()[0] : Value();
  }

  void Report(const Value& task, const std::string& status, const std::string& output = "{}") {
    auto r = Post("/api/tasks", "{\"taskId\":\"" + Get(task, "taskId").as_string() +
                                    "\",\"workerId\":\"w\",\"status\":\"" + status +
                                    "\",\"outputData\":" + output + "}");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
};

TEST_F(MetadataTest, TaskDefsAreRegisteredReadUpdatedAndDeleted) {
  auto posted = Post("/api/metadata/taskdefs", kTaskDefs);
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 200) << posted->body;
  EXPECT_EQ(posted->body, "");

  auto one = client_->Get("/api/metadata/taskdefs/task_b");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->status, 200) << one->body;
  Value b = ParseJson(one->body);
  EXPECT_EQ(Get(b, "name").as_string(), "task_b");
  EXPECT_EQ(Get(b, "description").as_string(), "second");
  // Conductor's defaults are filled in when the TaskDef is registered.
  EXPECT_EQ(Get(b, "retryCount").as_int(), 3);
  EXPECT_EQ(Get(b, "retryLogic").as_string(), "FIXED");
  EXPECT_EQ(Get(b, "retryDelaySeconds").as_int(), 60);
  EXPECT_EQ(Get(b, "responseTimeoutSeconds").as_int(), 3600);
  EXPECT_EQ(Get(b, "timeoutPolicy").as_string(), "TIME_OUT_WF");
  ASSERT_TRUE(Get(b, "createTime").is_int());
  const int64_t created = Get(b, "createTime").as_int();

  auto all = client_->Get("/api/metadata/taskdefs");
  ASSERT_TRUE(all);
  Value list = ParseJson(all->body);
  ASSERT_TRUE(list.is_list());
  ASSERT_EQ(list.as_list().size(), 2u);
  EXPECT_EQ(Get(list.as_list()[0], "name").as_string(), "task_a");
  EXPECT_EQ(Get(list.as_list()[0], "retryCount").as_int(), 1);

  // PUT replaces one that exists (keeping its createTime) and is 404 for one that does not.
  auto updated = Put("/api/metadata/taskdefs", R"({"name": "task_b", "retryCount": 5})");
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->status, 200) << updated->body;
  Value b2 = ParseJson(client_->Get("/api/metadata/taskdefs/task_b")->body);
  EXPECT_EQ(Get(b2, "retryCount").as_int(), 5);
  EXPECT_EQ(Get(b2, "createTime").as_int(), created);
  EXPECT_TRUE(Get(b2, "updateTime").is_int());
  EXPECT_TRUE(Get(b2, "description").is_null());  // replaced, not merged
  auto unknown = Put("/api/metadata/taskdefs", R"({"name": "nope"})");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(Get(ParseJson(unknown->body), "message").as_string(), "No such task by name nope");

  auto deleted = client_->Delete("/api/metadata/taskdefs/task_b");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  auto gone = client_->Get("/api/metadata/taskdefs/task_b");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  EXPECT_EQ(Get(ParseJson(gone->body), "message").as_string(),
            "No such taskType found by name: task_b");
  auto again = client_->Delete("/api/metadata/taskdefs/task_b");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
}

TEST_F(MetadataTest, InvalidTaskDefsAre400WithConductorsValidationErrorsAndNothingIsStored) {
  struct Case {
    std::string body;
    std::string message;
  };
  const Case cases[] = {
      {R"([{"name": "ok"}, {"name": "t", "retryCount": -1}])",
       "TaskDef retryCount: -1 must be >= 0"},
      {R"([{"name": "t", "timeoutSeconds": 10, "responseTimeoutSeconds": 20}])",
       "TaskDef: t responseTimeoutSeconds: 20 must be less than timeoutSeconds: 10"},
      {R"([{"name": "t", "responseTimeoutSeconds": 0}])",
       "TaskDef responseTimeoutSeconds: 0 should be minimum 1 second"},
      {R"([{"description": "no name"}])", "TaskDef name cannot be null or empty"},
      {R"([{"name": "t", "retryLogic": "SOMETIMES"}])",
       "TaskDef retryLogic must be one of FIXED, LINEAR_BACKOFF, EXPONENTIAL_BACKOFF"},
      {R"([{"name": "t", "timeoutSeconds": 60, "responseTimeoutSeconds": 10, "totalTimeoutSeconds": 30}])",
       "TaskDef: t timeoutSeconds: 60 must be less than or equal to totalTimeoutSeconds: 30"},
  };
  for (const Case& c : cases) {
    auto r = Post("/api/metadata/taskdefs", c.body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << c.body;
    Value e = ParseJson(r->body);
    EXPECT_EQ(Get(e, "status").as_int(), 400);
    Value errors = Get(e, "validationErrors");
    ASSERT_TRUE(errors.is_list()) << r->body;
    ASSERT_FALSE(errors.as_list().empty());
    EXPECT_EQ(Get(errors.as_list()[0], "message").as_string(), c.message) << r->body;
  }
  auto notalist = Post("/api/metadata/taskdefs", R"({"name": "t"})");
  ASSERT_TRUE(notalist);
  EXPECT_EQ(notalist->status, 400);
  // The first case's valid TaskDef was not stored either: a list is one transaction.
  auto all = client_->Get("/api/metadata/taskdefs");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->body, "[]");
}

TEST_F(MetadataTest, TaskDefsAreDurable) {
  ASSERT_EQ(Post("/api/metadata/taskdefs", kTaskDefs)->status, 200);
  StopServer();
  StartServer();
  auto one = client_->Get("/api/metadata/taskdefs/task_a");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->status, 200);
  EXPECT_EQ(Get(ParseJson(one->body), "retryCount").as_int(), 1);
}

TEST_F(MetadataTest, ARegisteredWorkflowDefRunsWithItsVersionAndItsTaskDefsPolicies) {
  ASSERT_EQ(Post("/api/metadata/taskdefs", kTaskDefs)->status, 200);
  auto posted = Post("/api/metadata/workflow", kTwoTasks);
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 200) << posted->body;

  // GET returns what was registered.
  auto got = client_->Get("/api/metadata/workflow/two_steps");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  Value def = ParseJson(got->body);
  Value registered = ParseJson(kTwoTasks);
  EXPECT_EQ(Get(def, "version").as_int(), 3);
  EXPECT_EQ(Get(def, "tasks"), Get(registered, "tasks"));
  EXPECT_EQ(Get(def, "outputParameters"), Get(registered, "outputParameters"));
  EXPECT_TRUE(Get(def, "createTime").is_int());
  auto v3 = client_->Get("/api/metadata/workflow/two_steps?version=3");
  ASSERT_TRUE(v3);
  EXPECT_EQ(v3->status, 200);
  auto v2 = client_->Get("/api/metadata/workflow/two_steps?version=2");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->status, 404);

  // It is an ordinary Weft version, numbered 3.
  auto versions = client_->Get("/api/weft/workflows/two_steps/versions");
  ASSERT_TRUE(versions);
  Value vs = ParseJson(versions->body);
  ASSERT_EQ(vs.as_list().size(), 1u);
  EXPECT_EQ(Get(vs.as_list()[0], "version").as_int(), 3);

  const std::string id = StartWf("two_steps", R"({"x": 7})");
  Value a = PollOne("task_a");
  EXPECT_EQ(Get(Get(a, "inputData"), "x").as_int(), 7);
  // task_a's TaskDef allows one retry: the failure is retried (no TaskDef: no retries).
  Report(a, "FAILED");
  Value a2 = PollOne("task_a");
  EXPECT_EQ(Get(a2, "retryCount").as_int(), 1);
  Report(a2, "COMPLETED", R"({"y": 8})");
  Value b = PollOne("task_b");
  EXPECT_EQ(Get(Get(b, "inputData"), "y").as_int(), 8);
  Report(b, "COMPLETED", R"({"z": 9})");
  ExecutionInfo info = AwaitEnd(id);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(info.version, 3u);
  EXPECT_EQ(info.output.ToJson(), R"({"result":9})");
}

TEST_F(MetadataTest, ReRegisteringAVersionIs409UnlessOverwriteWhichLeavesRunningExecutionsAlone) {
  ASSERT_EQ(Post("/api/metadata/workflow", OneTask("first"))->status, 200);
  // The same definition again changes nothing.
  auto same = Post("/api/metadata/workflow", OneTask("first"));
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 200) << same->body;
  const std::string before = StartWf("one_step");
  ASSERT_TRUE(Get(PollOne("first"), "taskId").is_string());

  auto conflict = Post("/api/metadata/workflow", OneTask("second"));
  ASSERT_TRUE(conflict);
  EXPECT_EQ(conflict->status, 409);
  EXPECT_EQ(Get(ParseJson(conflict->body), "message").as_string(),
            "Workflow with one_step.1 already exists!");
  auto overwritten = Post("/api/metadata/workflow?overwrite=true", OneTask("second"));
  ASSERT_TRUE(overwritten);
  EXPECT_EQ(overwritten->status, 200) << overwritten->body;
  Value def = ParseJson(client_->Get("/api/metadata/workflow/one_step?version=1")->body);
  EXPECT_EQ(Get(Get(def, "tasks").as_list()[0], "name").as_string(), "second");

  // The execution started before keeps its program: its task `first` is still what it waits
  // for. A new start of version 1 runs the new definition.
  const std::string after = StartWf("one_step");
  Value second = PollOne("second");
  EXPECT_EQ(Get(second, "workflowInstanceId").as_string(), after);
  auto tasks = engine_->Tasks(before);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].type, "first");
  auto info = engine_->GetExecution(before);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->status, ExecutionStatus::kRunning);
  EXPECT_EQ(info->version, 1u);
}

TEST_F(MetadataTest, ADeletedVersionStartsNoMoreButItsExecutionsFinish) {
  ASSERT_EQ(Post("/api/metadata/workflow", OneTask("first", 1))->status, 200);
  ASSERT_EQ(Post("/api/metadata/workflow", OneTask("later", 2))->status, 200);
  const std::string running = StartWf("one_step", "{}");  // the latest: version 2
  auto del = client_->Delete("/api/metadata/workflow/one_step/2");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200) << del->body;
  EXPECT_EQ(client_->Get("/api/metadata/workflow/one_step?version=2")->status, 404);
  // The latest is version 1 again.
  Value latest = ParseJson(client_->Get("/api/metadata/workflow/one_step")->body);
  EXPECT_EQ(Get(latest, "version").as_int(), 1);
  auto refused = Post("/api/workflow", R"({"name": "one_step", "version": 2})");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404) << refused->body;
  // The execution on version 2 runs to its end.
  Report(PollOne("later"), "COMPLETED", R"({"done": true})");
  EXPECT_EQ(AwaitEnd(running).status, ExecutionStatus::kCompleted);
  auto again = client_->Delete("/api/metadata/workflow/one_step/2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  // A start without a version takes version 1.
  const std::string next = StartWf("one_step");
  EXPECT_EQ(Get(PollOne("first"), "workflowInstanceId").as_string(), next);
}

TEST_F(MetadataTest, TranslationErrorsAre400NamingTheTaskAndField) {
  auto r = Post("/api/metadata/workflow", R"({"name": "events", "tasks": [
    {"name": "pub", "taskReferenceName": "publish_ref", "type": "KAFKA_PUBLISH"}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  const std::string message = Get(ParseJson(r->body), "message").as_string();
  EXPECT_NE(message.find("task `publish_ref`"), std::string::npos) << message;
  EXPECT_NE(message.find("field `type`"), std::string::npos) << message;
  auto empty = Post("/api/metadata/workflow", R"({"name": "empty", "tasks": []})");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  EXPECT_EQ(Get(Get(ParseJson(empty->body), "validationErrors").as_list()[0], "message")
                .as_string(),
            "WorkflowTask list cannot be empty");
  EXPECT_EQ(client_->Get("/api/metadata/workflow/events")->status, 404);
}

TEST_F(MetadataTest, ValidateChecksWithoutRegistering) {
  auto ok = Post("/api/metadata/workflow/validate", kTwoTasks);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(client_->Get("/api/metadata/workflow/two_steps")->status, 404);
  auto bad = Post("/api/metadata/workflow/validate",
                  R"({"name": "x", "tasks": [{"name": "t", "taskReferenceName": "r",
                      "type": "KAFKA_PUBLISH"}]})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(MetadataTest, PutRegistersAListAndAnswersABulkResponse) {
  auto r = Put("/api/metadata/workflow",
               "[" + OneTask("first") + R"(, {"name": "bad", "tasks": []}])");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Value bulk = ParseJson(r->body);
  ASSERT_EQ(Get(bulk, "bulkSuccessfulResults").as_list().size(), 1u);
  EXPECT_EQ(Get(bulk, "bulkSuccessfulResults").as_list()[0].as_string(), "one_step");
  EXPECT_TRUE(Get(Get(bulk, "bulkErrorResults"), "bad").is_string()) << r->body;
  // PUT overwrites.
  auto again = Put("/api/metadata/workflow", "[" + OneTask("second") + "]");
  ASSERT_TRUE(again);
  EXPECT_EQ(Get(ParseJson(again->body), "bulkSuccessfulResults").as_list().size(), 1u);
}

TEST_F(MetadataTest, AWfVersionIsDescribedAndListedWithTheRegisteredOnes) {
  DeployWf("task ship\nworkflow shipping(order: any) { return ship(order: order) }\n");
  ASSERT_EQ(Post("/api/metadata/workflow", OneTask("first"))->status, 200);
  auto got = client_->Get("/api/metadata/workflow/shipping");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  Value def = ParseJson(got->body);
  EXPECT_EQ(Get(def, "name").as_string(), "shipping");
  EXPECT_EQ(Get(def, "version").as_int(), 1);
  EXPECT_EQ(Get(Get(def, "tasks").as_list()[0], "name").as_string(), "ship");
  auto all = client_->Get("/api/metadata/workflow");
  ASSERT_TRUE(all);
  Value list = ParseJson(all->body);
  ASSERT_EQ(list.as_list().size(), 2u) << all->body;
  EXPECT_EQ(Get(list.as_list()[0], "name").as_string(), "one_step");
  EXPECT_EQ(Get(list.as_list()[1], "name").as_string(), "shipping");
}

}  // namespace
}  // namespace weft::testing

namespace weft::testing {
namespace {

class PollLimitTest : public MetadataTest {
 protected:
  // Starts `n` executions of a workflow calling task `type` once, and waits until the n tasks
  // are queued.
  void QueueTasks(const std::string& type, int n) {
    DeployWf("task " + type + "\nworkflow run_" + type + "() { return " + type + "() }\n");
    for (int i = 0; i < n; ++i) StartWf("run_" + type);
    ASSERT_TRUE(Eventually([&] {
      auto r = client_->Get("/api/tasks/queue/size?taskType=" + type);
      return r && r->body == std::to_string(n);
    }));
  }
  // Polls at once (no wait) for up to 10 tasks.
  std::vector<Value> PollNow(const std::string& type) {
    auto r = client_->Get("/api/tasks/poll/batch/" + type + "?count=10&timeout=0&workerid=w");
    EXPECT_TRUE(r);
    if (!r) return {};
    Value list = ParseJson(r->body);
    return list.is_list() ? list.as_list() : std::vector<Value>{};
  }
};

TEST_F(PollLimitTest, ConcurrentExecLimitHoldsBackPollsUntilATaskEnds) {
  ASSERT_EQ(Post("/api/metadata/taskdefs", R"([{"name": "limited", "concurrentExecLimit": 2}])")
                ->status,
            200);
  QueueTasks("limited", 3);
  std::vector<Value> first = PollNow("limited");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(PollNow("limited").empty()) << "two are out: the limit";
  Report(first[0], "COMPLETED");
  std::vector<Value> third = PollNow("limited");
  EXPECT_EQ(third.size(), 1u);
}

TEST_F(PollLimitTest, RateLimitPerFrequencyHoldsBackPollsForTheWindow) {
  // A window of an hour: the test never reaches its end.
  ASSERT_EQ(Post("/api/metadata/taskdefs",
                 R"([{"name": "rated", "rateLimitPerFrequency": 2,
                      "rateLimitFrequencyInSeconds": 3600}])")
                ->status,
            200);
  QueueTasks("rated", 3);
  std::vector<Value> first = PollNow("rated");
  ASSERT_EQ(first.size(), 2u);
  Report(first[0], "COMPLETED");
  Report(first[1], "COMPLETED");
  EXPECT_TRUE(PollNow("rated").empty()) << "two handed out in this window: the rate";
  // The limits follow the TaskDef: without a rate limit the third task is handed out.
  ASSERT_EQ(Put("/api/metadata/taskdefs", R"({"name": "rated"})")->status, 200);
  EXPECT_EQ(PollNow("rated").size(), 1u);
}

TEST_F(PollLimitTest, LimitsAreLoadedFromTheStoredTaskDefsWhenTheServerStarts) {
  ASSERT_EQ(Post("/api/metadata/taskdefs", R"([{"name": "limited", "concurrentExecLimit": 1}])")
                ->status,
            200);
  StopServer();
  StartServer();
  QueueTasks("limited", 2);
  EXPECT_EQ(PollNow("limited").size(), 1u);
  EXPECT_TRUE(PollNow("limited").empty());
}

}  // namespace
}  // namespace weft::testing
