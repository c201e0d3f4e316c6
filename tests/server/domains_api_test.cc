// Task domains and workflow priority over Conductor's API: StartWorkflowRequest.taskToDomain,
// polls with and without `domain=`, queue sizes by domain, the Task's `domain` and
// `workflowPriority`, the Workflow's `taskToDomain`, update-v2 staying in the domain, bad maps
// refused with 400, and a domain's tasks still there after a server restart.
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kTwoTasks[] =
    "task a\ntask b\nworkflow two(x: int) {\n  let r = a(x: x)\n  let s = b(r: r)\n"
    "  return s\n}\n";

class DomainsApiTest : public ServerTest {
 protected:
  std::string StartWithBody(const std::string& extra) {
    auto r = client_->Post("/api/workflow", "{\"name\":\"two\",\"input\":{\"x\":1}" + extra + "}",
                           "application/json");
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->status, 200) << r->body;
    return r->body;
  }

  std::string QueueSize(const std::string& query) {
    auto r = client_->Get("/api/tasks/queue/size?" + query);
    return r ? r->body : "";
  }

  // A batch poll that does not wait: the tasks it got.
  List PollNow(const std::string& type, const std::string& query) {
    auto r = client_->Get("/api/tasks/poll/batch/" + type + "?count=10&timeout=0&workerid=w1" +
                          query);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    Value v = ParseJson(r->body);
    return v.is_list() ? v.as_list() : List{};
  }
};

TEST_F(DomainsApiTest, ATaskInADomainGoesOnlyToPollsOfThatDomain) {
  DeployWf(kTwoTasks);
  const std::string id = StartWithBody(",\"taskToDomain\":{\"a\":\"blue\"}");
  ASSERT_TRUE(Eventually([&] { return QueueSize("taskType=a&domain=blue") == "1"; }));
  EXPECT_EQ(QueueSize("taskType=a"), "0");
  EXPECT_EQ(QueueSize("taskType=a&domain=red"), "0");
  auto all = client_->Get("/api/tasks/queue/all");
  ASSERT_TRUE(all);
  EXPECT_EQ(Get(ParseJson(all->body), "blue:a").as_int(), 1) << all->body;
  EXPECT_TRUE(PollNow("a", "").empty());
  EXPECT_TRUE(PollNow("a", "&domain=red").empty());
  auto single = client_->Get("/api/tasks/poll/a?workerid=w1");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->status, 204);
  auto polled = client_->Get("/api/tasks/poll/a?workerid=w1&domain=blue");
  ASSERT_TRUE(polled);
  ASSERT_EQ(polled->status, 200) << polled->body;
  const Value task = ParseJson(polled->body);
  EXPECT_EQ(Get(task, "domain").as_string(), "blue");
  EXPECT_EQ(Get(task, "workflowPriority").as_int(), 0);
  // Poll data names the domain and its queue.
  auto pd = client_->Get("/api/tasks/queue/polldata?taskType=a");
  ASSERT_TRUE(pd);
  bool saw_blue = false;
  const Value poll_data = ParseJson(pd->body);
  for (const Value& d : poll_data.as_list()) {
    if (Get(d, "domain").is_string() && Get(d, "domain").as_string() == "blue") {
      saw_blue = true;
      EXPECT_EQ(Get(d, "queueName").as_string(), "blue:a");
    }
  }
  EXPECT_TRUE(saw_blue) << pd->body;
  // `b` has no domain: a poll without one gets it, and its Task says so (null).
  auto done = client_->Post("/api/tasks",
                            "{\"taskId\":\"" + Get(task, "taskId").as_string() +
                                "\",\"workerId\":\"w1\",\"status\":\"COMPLETED\"}",
                            "application/json");
  ASSERT_TRUE(done);
  ASSERT_EQ(done->status, 200);
  ASSERT_TRUE(Eventually([&] { return QueueSize("taskType=b") == "1"; }));
  List b = PollNow("b", "");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_TRUE(Get(b[0], "domain").is_null());
  auto wf = client_->Get("/api/workflow/" + id + "?includeTasks=true");
  ASSERT_TRUE(wf);
  Value w = ParseJson(wf->body);
  EXPECT_EQ(Get(Get(w, "taskToDomain"), "a").as_string(), "blue");
  EXPECT_EQ(Get(Get(w, "tasks").as_list()[0], "domain").as_string(), "blue");
}

TEST_F(DomainsApiTest, UpdateV2HandsTheNextTaskOfTheSameDomain) {
  DeployWf(kTwoTasks);
  StartWithBody(",\"taskToDomain\":{\"*\":\"blue\"}");
  StartWithBody(",\"taskToDomain\":{\"*\":\"blue\"}");
  StartWithBody("");  // a domain-less `a`, which update-v2 must not hand out
  ASSERT_TRUE(Eventually([&] { return QueueSize("taskType=a&domain=blue") == "2"; }));
  auto polled = client_->Get("/api/tasks/poll/a?workerid=w1&domain=blue");
  ASSERT_TRUE(polled);
  ASSERT_EQ(polled->status, 200);
  const std::string first = Get(ParseJson(polled->body), "taskId").as_string();
  auto next = client_->Post("/api/tasks/update-v2",
                            "{\"taskId\":\"" + first +
                                "\",\"workerId\":\"w1\",\"status\":\"COMPLETED\"}",
                            "application/json");
  ASSERT_TRUE(next);
  ASSERT_EQ(next->status, 200) << next->body;
  EXPECT_EQ(Get(ParseJson(next->body), "domain").as_string(), "blue");
  EXPECT_EQ(QueueSize("taskType=a"), "1");
}

TEST_F(DomainsApiTest, ALongPollOfADomainIsWokenByItsTask) {
  DeployWf(kTwoTasks);
  httplib::Client poller("127.0.0.1", server_->port());
  poller.set_read_timeout(30, 0);
  std::string body;
  std::thread t([&] {
    auto r = poller.Get("/api/tasks/poll/batch/a?count=4&timeout=5000&workerid=p&domain=blue");
    if (r) body = r->body;
  });
  StartWithBody(",\"taskToDomain\":{\"a\":\"blue\"}");
  t.join();
  Value list = ParseJson(body);
  ASSERT_TRUE(list.is_list());
  ASSERT_EQ(list.as_list().size(), 1u) << body;
  EXPECT_EQ(Get(list.as_list()[0], "domain").as_string(), "blue");
}

TEST_F(DomainsApiTest, ABadTaskToDomainIs400) {
  DeployWf(kTwoTasks);
  for (const std::string bad : {",\"taskToDomain\":[\"a\"]", ",\"taskToDomain\":{\"a\":1}",
                                ",\"taskToDomain\":{\"a\":\"x:y\"}"}) {
    auto r = client_->Post("/api/workflow", "{\"name\":\"two\",\"input\":{\"x\":1}" + bad + "}",
                           "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad << " -> " << r->body;
    EXPECT_NE(r->body.find("taskToDomain"), std::string::npos) << r->body;
  }
}

TEST_F(DomainsApiTest, PriorityIsCarriedAndHigherGoesFirst) {
  DeployWf(kTwoTasks);
  StartWithBody(",\"priority\":2");
  const std::string high = StartWithBody(",\"priority\":80");
  ASSERT_TRUE(Eventually([&] { return QueueSize("taskType=a") == "2"; }));
  auto polled = client_->Get("/api/tasks/poll/a?workerid=w1");
  ASSERT_TRUE(polled);
  ASSERT_EQ(polled->status, 200);
  const Value task = ParseJson(polled->body);
  EXPECT_EQ(Get(task, "workflowInstanceId").as_string(), high);
  EXPECT_EQ(Get(task, "workflowPriority").as_int(), 80);
}

TEST_F(DomainsApiTest, ADomainsTasksSurviveARestart) {
  DeployWf(kTwoTasks);
  const std::string id = StartWithBody(",\"taskToDomain\":{\"a\":\"blue\"},\"priority\":7");
  ASSERT_TRUE(Eventually([&] { return QueueSize("taskType=a&domain=blue") == "1"; }));
  StopServer();
  StartServer();
  EXPECT_EQ(QueueSize("taskType=a&domain=blue"), "1");
  EXPECT_TRUE(PollNow("a", "").empty());
  List got = PollNow("a", "&domain=blue");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(Get(got[0], "workflowInstanceId").as_string(), id);
  EXPECT_EQ(Get(got[0], "workflowPriority").as_int(), 7);
  auto wf = client_->Get("/api/workflow/" + id);
  ASSERT_TRUE(wf);
  EXPECT_EQ(Get(Get(ParseJson(wf->body), "taskToDomain"), "a").as_string(), "blue");
}

}  // namespace
}  // namespace weft::testing
