// The web UI's routes (server/routes_ui.cc) and the Weft endpoints its pages read: the
// embedded files with their content types and ETags (304 on a match), index.html for every
// page URL so that a page reloads, the files served without the bearer token while the API
// still wants it, and /api/weft/workflows, /api/weft/workflows/{name}/versions/{v} (with the
// parameters and the source) and /api/weft/queues.
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kOrder[] =
    "task charge\n"
    "workflow order(id: string, amount: int = 5, tags: list = []) {\n"
    "  let r = charge(amount: amount)\n"
    "  return r\n"
    "}\n";

TEST_F(ServerTest, UiIndexAndPageUrlsServeTheSameHtml) {
  auto index = client_->Get("/");
  ASSERT_TRUE(index);
  ASSERT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<script type=\"module\" src=\"/ui/app.js\">"), std::string::npos);
  EXPECT_FALSE(index->get_header_value("ETag").empty());
  for (const char* page : {"/executions", "/executions/01ABC", "/definitions", "/definitions/order",
                           "/definitions/order/2", "/queues"}) {
    auto r = client_->Get(page);
    ASSERT_TRUE(r) << page;
    EXPECT_EQ(r->status, 200) << page;
    EXPECT_EQ(r->body, index->body) << page;
  }
  auto nowhere = client_->Get("/executions/a/b");
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 404);
}

TEST_F(ServerTest, UiAssetsHaveContentTypesAndEtags) {
  struct Case {
    const char* path;
    const char* type;
  };
  for (const Case& c : {Case{"/ui/app.js", "text/javascript; charset=utf-8"},
                        Case{"/ui/pages/execution.js", "text/javascript; charset=utf-8"},
                        Case{"/ui/app.css", "text/css; charset=utf-8"},
                        Case{"/ui/print.css", "text/css; charset=utf-8"}}) {
    auto r = client_->Get(c.path);
    ASSERT_TRUE(r) << c.path;
    ASSERT_EQ(r->status, 200) << c.path;
    EXPECT_EQ(r->get_header_value("Content-Type"), c.type) << c.path;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
    const std::string etag = r->get_header_value("ETag");
    ASSERT_FALSE(etag.empty());
    auto again = client_->Get(c.path, {{"If-None-Match", etag}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << c.path;
    EXPECT_TRUE(again->body.empty());
    auto stale = client_->Get(c.path, {{"If-None-Match", "\"other\""}});
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->status, 200);
    EXPECT_EQ(stale->body, r->body);
  }
  auto missing = client_->Get("/ui/nope.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ServerTest, UiIsServedWithoutTheTokenButTheApiIsNot) {
  StopServer();
  server::ServerOptions options;
  options.token = "s3cret";
  StartServer(options);
  for (const char* path : {"/", "/executions/x", "/ui/app.js"}) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
  }
  auto api = client_->Get("/api/weft/workflows");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
  // Only GETs of the UI's paths are exempt.
  auto post = client_->Post("/executions", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 401);
  auto ok = client_->Get("/api/weft/workflows", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ServerTest, WorkflowsDefinitionAndQueuesForTheUi) {
  auto empty = client_->Get("/api/weft/workflows");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->body, "[]");
  DeployWf(kOrder);
  DeployWf(std::string(kOrder) + "workflow other() {\n  return 1\n}\n");
  DeployWf(std::string(kOrder) + "// v2\nworkflow other() {\n  return 2\n}\n");
  auto all = client_->Get("/api/weft/workflows");
  ASSERT_TRUE(all);
  Value list = ParseJson(all->body);
  ASSERT_TRUE(list.is_list());
  ASSERT_EQ(list.as_list().size(), 2u) << all->body;
  EXPECT_EQ(Get(list.as_list()[0], "workflow").as_string(), "order");
  EXPECT_EQ(Get(list.as_list()[0], "version").as_int(), 1);
  EXPECT_EQ(Get(list.as_list()[1], "workflow").as_string(), "other");
  EXPECT_EQ(Get(list.as_list()[1], "version").as_int(), 2);

  auto def = client_->Get("/api/weft/workflows/order/versions/1");
  ASSERT_TRUE(def);
  ASSERT_EQ(def->status, 200) << def->body;
  Value d = ParseJson(def->body);
  EXPECT_EQ(Get(d, "workflow").as_string(), "order");
  const Value params = Get(d, "params");
  ASSERT_TRUE(params.is_list());
  ASSERT_EQ(params.as_list().size(), 3u);
  EXPECT_EQ(Get(params.as_list()[0], "name").as_string(), "id");
  EXPECT_EQ(Get(params.as_list()[0], "type").as_string(), "string");
  EXPECT_TRUE(Get(params.as_list()[0], "required").as_bool());
  EXPECT_EQ(Get(params.as_list()[1], "type").as_string(), "int");
  EXPECT_FALSE(Get(params.as_list()[1], "required").as_bool());
  EXPECT_EQ(Get(params.as_list()[1], "default").as_int(), 5);
  EXPECT_EQ(Get(params.as_list()[2], "type").as_string(), "list");
  // The source of the deployed file (Engine::Source, stored since store format 6).
  EXPECT_EQ(Get(d, "source").as_string(), kOrder);

  auto missing = client_->Get("/api/weft/workflows/order/versions/9");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto bad = client_->Get("/api/weft/workflows/order/versions/x");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  StartWf("order", "{\"id\":\"A\"}");
  // The start schedules `charge`: the queue shows it waiting until a worker takes it.
  Value queues;
  for (int i = 0; i < 1000; ++i) {
    auto q = client_->Get("/api/weft/queues");
    ASSERT_TRUE(q);
    queues = ParseJson(q->body);
    if (queues.is_list() && !queues.as_list().empty()) break;
  }
  ASSERT_TRUE(queues.is_list());
  ASSERT_EQ(queues.as_list().size(), 1u);
  EXPECT_EQ(Get(queues.as_list()[0], "taskType").as_string(), "charge");
  EXPECT_EQ(Get(queues.as_list()[0], "waiting").as_int(), 1);
  EXPECT_EQ(Get(queues.as_list()[0], "inProgress").as_int(), 0);
}

}  // namespace
}  // namespace weft::testing
