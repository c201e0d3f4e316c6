// Version aliases over HTTP (docs/server.md, "Aliases"): PUT, GET (one workflow's and all),
// DELETE, their 400s and 404s, and starting through an alias with the StartWorkflowRequest's
// `alias` and POST /api/workflow/{name}?alias=.
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

std::string Version(int n) {
  return "task step\nworkflow order() {\n  let s = step()\n  return { v: " + std::to_string(n) + " }\n}\n";
}

class AliasesApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    DeployWf(Version(1));
    DeployWf(Version(2));
  }
  httplib::Result PutAlias(const std::string& name, const std::string& body) {
    return client_->Put("/api/weft/workflows/order/aliases/" + name, body, "application/json");
  }
};

TEST_F(AliasesApiTest, PutGetStartDelete) {
  auto r = PutAlias("ramp", R"({"targets":[{"version":1,"weight":90},{"version":2}]})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Value stored = ParseJson(r->body);
  EXPECT_EQ(Get(stored, "workflow").as_string(), "order");
  EXPECT_EQ(Get(stored, "name").as_string(), "ramp");
  EXPECT_EQ(Get(stored, "targets").ToJson(), R"([{"version":1,"weight":90},{"version":2,"weight":100}])");
  EXPECT_GT(Get(stored, "updateTime").as_int(), 0);
  ASSERT_EQ(PutAlias("prod", R"({"targets":[{"version":2}]})")->status, 200);

  r = client_->Get("/api/weft/workflows/order/aliases");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  Value list = ParseJson(r->body);
  ASSERT_EQ(list.as_list().size(), 2u);
  EXPECT_EQ(Get(list.as_list()[0], "name").as_string(), "prod");
  EXPECT_EQ(ParseJson(client_->Get("/api/weft/aliases")->body).as_list().size(), 2u);
  EXPECT_EQ(client_->Get("/api/weft/workflows/other/aliases")->body, "[]");

  r = client_->Post("/api/workflow", R"({"name":"order","alias":"prod","input":{}})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(engine_->GetExecution(r->body)->version, 2u);
  auto history = engine_->History(r->body);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(Get((*history)[0].details, "alias").as_string(), "prod");

  r = client_->Post("/api/workflow/order?alias=ramp&correlationId=c-1", "{}", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const uint32_t expected = PickAliasVersion({"order", "ramp", {{1, 90}, {2, 100}}}, "c-1");
  EXPECT_EQ(engine_->GetExecution(r->body)->version, expected);

  r = client_->Delete("/api/weft/workflows/order/aliases/prod");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(client_->Delete("/api/weft/workflows/order/aliases/prod")->status, 404);
  r = client_->Post("/api/workflow", R"({"name":"order","alias":"prod"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404) << r->body;
  EXPECT_NE(r->body.find("has no alias `prod`"), std::string::npos) << r->body;
}

TEST_F(AliasesApiTest, BadRequestsAreRefused) {
  struct Case {
    std::string name, body;
    int status;
  } cases[] = {
      {"prod", "{}", 400},
      {"prod", R"({"targets":"1"})", 400},
      {"prod", R"({"targets":[]})", 400},
      {"prod", R"({"targets":[{"weight":5}]})", 400},
      {"prod", R"({"targets":[{"version":1,"weight":0}]})", 400},
      {"prod", R"({"targets":[{"version":1,"weight":-3}]})", 400},
      {"prod", R"({"targets":[{"version":1},{"version":1}]})", 400},
      {"prod", R"({"targets":[{"version":9}]})", 404},
      {"42", R"({"targets":[{"version":1}]})", 400},
      {"prod", "not json", 400},
  };
  for (const Case& c : cases) {
    auto r = PutAlias(c.name, c.body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.body << " -> " << r->body;
  }
  EXPECT_EQ(client_->Get("/api/weft/aliases")->body, "[]");
  ASSERT_EQ(PutAlias("prod", R"({"targets":[{"version":1}]})")->status, 200);
  auto r =
      client_->Post("/api/workflow", R"({"name":"order","alias":"prod","version":1})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  r = client_->Post("/api/workflow", R"({"name":"order","alias":7})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
}

}  // namespace
}  // namespace weft::testing
