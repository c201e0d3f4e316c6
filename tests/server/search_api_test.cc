// The start options of a StartWorkflowRequest (correlationId, priority, idempotencyKey and its
// strategies, atomic under concurrent starts), the indexed search (WorkflowSummary JSON,
// filters, sort, paging, totalHits), the correlated and running listings, and remove (a
// finished execution with all its rows; a running one refused with 409).
#include <atomic>
#include <thread>

#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kFlows[] =
    "workflow waits(n: int) {\n  let a = await signal(\"go\")\n  return a\n}\n"
    "workflow quick(n: int) {\n  return n\n}\n";

std::string Q(const std::string& s) { return httplib::detail::encode_query_param(s); }

class SearchApiTest : public ServerTest {
 protected:
  // POST /api/workflow with `extra` fields added to {name, input}; returns the answer.
  httplib::Result StartWith(const std::string& name, const std::string& extra) {
    return client_->Post("/api/workflow",
                         "{\"name\":\"" + name + "\",\"input\":{\"n\":1}" + extra + "}",
                         "application/json");
  }

  Value GetJson(const std::string& path) {
    auto r = client_->Get(path);
    EXPECT_TRUE(r);
    if (!r) return Value();
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return ParseJson(r->body);
  }
};

TEST_F(SearchApiTest, StartOptionsAreStoredAndShown) {
  DeployWf(kFlows);
  auto r = StartWith("waits", ",\"correlationId\":\"order-1\",\"priority\":7,"
                              "\"idempotencyKey\":\"k-1\"");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string id = r->body;
  Value w = GetJson("/api/workflow/" + id + "?includeTasks=false");
  EXPECT_EQ(Get(w, "correlationId").as_string(), "order-1");
  EXPECT_EQ(Get(w, "priority").as_int(), 7);
  EXPECT_EQ(Get(w, "idempotencyKey").as_string(), "k-1");
  // By name, with query parameters.
  auto by_name = client_->Post("/api/workflow/quick?correlationId=c-2&priority=3", "{\"n\":2}",
                               "application/json");
  ASSERT_TRUE(by_name);
  ASSERT_EQ(by_name->status, 200) << by_name->body;
  Value q = GetJson("/api/workflow/" + by_name->body);
  EXPECT_EQ(Get(q, "correlationId").as_string(), "c-2");
  EXPECT_EQ(Get(q, "priority").as_int(), 3);
  auto bad = StartWith("waits", ",\"priority\":100");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  auto bad_strategy = StartWith("waits", ",\"idempotencyKey\":\"k\",\"idempotencyStrategy\":\"X\"");
  ASSERT_TRUE(bad_strategy);
  EXPECT_EQ(bad_strategy->status, 400);
}

TEST_F(SearchApiTest, IdempotencyStrategies) {
  DeployWf(kFlows);
  auto first = StartWith("waits", ",\"idempotencyKey\":\"k\"");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const std::string id = first->body;
  auto fail = StartWith("waits", ",\"idempotencyKey\":\"k\",\"idempotencyStrategy\":\"FAIL\"");
  ASSERT_TRUE(fail);
  EXPECT_EQ(fail->status, 409) << fail->body;
  EXPECT_NE(fail->body.find(id), std::string::npos) << fail->body;
  auto existing =
      StartWith("waits", ",\"idempotencyKey\":\"k\",\"idempotencyStrategy\":\"RETURN_EXISTING\"");
  ASSERT_TRUE(existing);
  EXPECT_EQ(existing->status, 200);
  EXPECT_EQ(existing->body, id);
  auto on_running =
      StartWith("waits", ",\"idempotencyKey\":\"k\",\"idempotencyStrategy\":\"FAIL_ON_RUNNING\"");
  ASSERT_TRUE(on_running);
  EXPECT_EQ(on_running->status, 409);
  // Another workflow's key is another key.
  auto other = StartWith("quick", ",\"idempotencyKey\":\"k\"");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  ASSERT_TRUE(engine_->Terminate(id, "done").ok());
  AwaitEnd(id);
  auto after = StartWith("waits", ",\"idempotencyKey\":\"k\",\"idempotencyStrategy\":\"FAIL_ON_RUNNING\"");
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 200) << after->body;
  EXPECT_NE(after->body, id);
  ExecutionQuery by_type;
  by_type.workflow = "waits";
  auto page = engine_->SearchExecutions(by_type);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2u);
}

TEST_F(SearchApiTest, ConcurrentStartsWithOneKeyStartOneExecution) {
  DeployWf(kFlows);
  constexpr int kThreads = 8;
  std::vector<std::string> answers(kThreads);
  std::vector<int> statuses(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server_->port());
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      auto r = client.Post("/api/workflow",
                           "{\"name\":\"waits\",\"input\":{\"n\":1},\"idempotencyKey\":\"once\","
                           "\"idempotencyStrategy\":\"RETURN_EXISTING\"}",
                           "application/json");
      statuses[i] = r ? r->status : -1;
      answers[i] = r ? r->body : "";
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(statuses[i], 200) << answers[i];
    EXPECT_EQ(answers[i], answers[0]);
  }
  auto all = engine_->ListExecutions(std::nullopt, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  // The engine directly, FAIL: one start, the others AlreadyExists.
  std::atomic<int> ok{0}, exists{0};
  threads.clear();
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      StartOptions options;
      options.idempotency_key = "twice";
      auto id = engine_->Start("quick", ParseJson("{\"n\":1}"), options);
      if (id.ok()) ++ok;
      if (absl::IsAlreadyExists(id.status())) ++exists;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exists.load(), kThreads - 1);
}

TEST_F(SearchApiTest, SearchFiltersSortsPagesAndCounts) {
  DeployWf(kFlows);
  std::vector<std::string> waits;
  for (int i = 0; i < 4; ++i) {
    auto r = StartWith("waits", ",\"correlationId\":\"batch-" + std::to_string(i % 2) + "\"");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    waits.push_back(r->body);
  }
  const std::string quick = StartWf("quick", "{\"n\":5}");
  AwaitEnd(quick);
  ASSERT_TRUE(engine_->Terminate(waits[0], "x").ok());
  AwaitEnd(waits[0]);
  Value all = GetJson("/api/workflow/search?freeText=*");
  EXPECT_EQ(Get(all, "totalHits").as_int(), 5);
  Value running = GetJson("/api/workflow/search?start=1&size=2&sort=startTime:ASC&query=" +
                          Q("workflowType = 'waits' AND status IN (RUNNING, PAUSED)"));
  EXPECT_EQ(Get(running, "totalHits").as_int(), 3);
  const List& page = Get(running, "results").as_list();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(Get(page[0], "workflowId").as_string(), waits[2]);
  EXPECT_EQ(Get(page[1], "workflowId").as_string(), waits[3]);
  // WorkflowSummary JSON.
  EXPECT_EQ(Get(page[0], "workflowType").as_string(), "waits");
  EXPECT_EQ(Get(page[0], "version").as_int(), 1);
  EXPECT_EQ(Get(page[0], "status").as_string(), "RUNNING");
  EXPECT_EQ(Get(page[0], "correlationId").as_string(), "batch-0");
  EXPECT_TRUE(Get(page[0], "startTime").is_string());
  EXPECT_EQ(Get(page[0], "input").as_string(), "{\"n\":1}");
  Value desc = GetJson("/api/workflow/search?sort=startTime:DESC&query=" +
                       Q("workflowType = 'waits'"));
  EXPECT_EQ(Get(Get(desc, "results").as_list()[0], "workflowId").as_string(), waits[3]);
  // freeText: an execution id, or a correlation id.
  Value by_id = GetJson("/api/workflow/search?freeText=" + quick);
  EXPECT_EQ(Get(by_id, "totalHits").as_int(), 1);
  Value by_corr = GetJson("/api/workflow/search?freeText=batch-1");
  EXPECT_EQ(Get(by_corr, "totalHits").as_int(), 2);
  Value corr_running = GetJson("/api/workflow/search?freeText=batch-0&query=" + Q("status = RUNNING"));
  EXPECT_EQ(Get(corr_running, "totalHits").as_int(), 1);
  // Time ranges.
  const int64_t t2 = engine_->GetExecution(waits[2])->created_ms;
  Value range = GetJson("/api/workflow/search?query=" +
                        Q("workflowType = 'waits' AND startTime > " + std::to_string(t2 - 1) +
                          " AND startTime < " + std::to_string(t2 + 1)));
  EXPECT_GE(Get(range, "totalHits").as_int(), 1);
  for (const Value& w : Get(range, "results").as_list()) {
    EXPECT_EQ(engine_->GetExecution(Get(w, "workflowId").as_string())->created_ms, t2);
  }
  // search-v2: whole Workflow JSON.
  Value v2 = GetJson("/api/workflow/search-v2?query=" + Q("workflowType = 'quick'"));
  ASSERT_EQ(Get(v2, "results").as_list().size(), 1u);
  EXPECT_EQ(Get(Get(v2, "results").as_list()[0], "workflowName").as_string(), "quick");
  auto bad_sort = client_->Get("/api/workflow/search?sort=owner:ASC");
  ASSERT_TRUE(bad_sort);
  EXPECT_EQ(bad_sort->status, 400);
}

TEST_F(SearchApiTest, CorrelatedAndRunning) {
  DeployWf(kFlows);
  auto a = StartWith("waits", ",\"correlationId\":\"c1\"");
  auto b = StartWith("waits", ",\"correlationId\":\"c1\"");
  auto other = StartWith("quick", ",\"correlationId\":\"c1\"");
  ASSERT_TRUE(a && b && other);
  AwaitEnd(other->body);
  ASSERT_TRUE(engine_->Terminate(a->body, "x").ok());
  AwaitEnd(a->body);
  Value open = GetJson("/api/workflow/waits/correlated/c1");
  ASSERT_EQ(open.as_list().size(), 1u);
  EXPECT_EQ(Get(open.as_list()[0], "workflowId").as_string(), b->body);
  Value closed = GetJson("/api/workflow/waits/correlated/c1?includeClosed=true&includeTasks=true");
  ASSERT_EQ(closed.as_list().size(), 2u);
  EXPECT_TRUE(Get(closed.as_list()[0], "tasks").is_list());
  auto many = client_->Post("/api/workflow/waits/correlated?includeClosed=true",
                            "[\"c1\",\"none\"]", "application/json");
  ASSERT_TRUE(many);
  ASSERT_EQ(many->status, 200) << many->body;
  Value m = ParseJson(many->body);
  EXPECT_EQ(Get(m, "c1").as_list().size(), 2u);
  EXPECT_EQ(Get(m, "none").as_list().size(), 0u);
  Value running = GetJson("/api/workflow/running/waits");
  ASSERT_EQ(running.as_list().size(), 1u);
  EXPECT_EQ(running.as_list()[0].as_string(), b->body);
  EXPECT_EQ(GetJson("/api/workflow/running/waits?version=2").as_list().size(), 0u);
  const int64_t t = engine_->GetExecution(b->body)->created_ms;
  EXPECT_EQ(GetJson("/api/workflow/running/waits?startTime=" + std::to_string(t) +
                    "&endTime=" + std::to_string(t))
                .as_list()
                .size(),
            1u);
}

TEST_F(SearchApiTest, RemoveTakesAFinishedExecutionAndRefusesARunningOne) {
  DeployWf(kFlows);
  auto r = StartWith("waits", ",\"correlationId\":\"gone\",\"idempotencyKey\":\"r\"");
  ASSERT_TRUE(r);
  const std::string id = r->body;
  auto refused = client_->Delete("/api/workflow/" + id + "/remove");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409) << refused->body;
  EXPECT_NE(refused->body.find("RUNNING"), std::string::npos) << refused->body;
  ASSERT_TRUE(engine_->Terminate(id, "x").ok());
  AwaitEnd(id);
  auto removed = client_->Delete("/api/workflow/" + id + "/remove?archiveWorkflow=false");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200) << removed->body;
  auto gone = client_->Get("/api/workflow/" + id);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  EXPECT_EQ(Get(GetJson("/api/workflow/search?freeText=gone"), "totalHits").as_int(), 0);
  EXPECT_EQ(Get(GetJson("/api/workflow/search?query=" + Q("workflowType = 'waits'")),
                "totalHits").as_int(), 0);
  // The key is free again.
  auto again = StartWith("waits", ",\"idempotencyKey\":\"r\"");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  // Bulk: one finished, one running, one unknown.
  const std::string q1 = StartWf("quick", "{\"n\":1}");
  AwaitEnd(q1);
  auto bulk = client_->Delete("/api/workflow/bulk/remove",
                              "[\"" + q1 + "\",\"" + again->body + "\",\"nope\"]",
                              "application/json");
  ASSERT_TRUE(bulk);
  ASSERT_EQ(bulk->status, 200) << bulk->body;
  Value br = ParseJson(bulk->body);
  ASSERT_EQ(Get(br, "bulkSuccessfulResults").as_list().size(), 1u);
  EXPECT_EQ(Get(br, "bulkSuccessfulResults").as_list()[0].as_string(), q1);
  EXPECT_TRUE(Get(Get(br, "bulkErrorResults"), again->body).is_string());
  EXPECT_TRUE(Get(Get(br, "bulkErrorResults"), "nope").is_string());
}

TEST_F(SearchApiTest, AChildInheritsItsParentsCorrelationIdAndPriority) {
  DeployWf("workflow parent(n: int) {\n  return kid(n: n)\n}\n"
           "workflow kid(n: int) {\n  let a = await signal(\"go\")\n  return a\n}\n");
  auto r = StartWith("parent", ",\"correlationId\":\"family\",\"priority\":5");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Value kids = GetJson("/api/workflow/kid/correlated/family");
  ASSERT_EQ(kids.as_list().size(), 1u);
  EXPECT_EQ(Get(kids.as_list()[0], "parentWorkflowId").as_string(), r->body);
  EXPECT_EQ(Get(kids.as_list()[0], "priority").as_int(), 5);
  EXPECT_EQ(Get(GetJson("/api/workflow/search?freeText=family"), "totalHits").as_int(), 2);
}

}  // namespace
}  // namespace weft::testing
