// Version lifecycle over HTTP (docs/server.md, "Versions"): DELETE of one version (409 naming
// the referrers, 404 for an unknown one, 400 for a bad number) and POST /api/weft/versions/gc
// (dry run and for real).
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

std::string Version(int n) {
  return "task step\nworkflow order() {\n  let s = step()\n  return { v: " + std::to_string(n) + " }\n}\n";
}

class VersionsApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    for (int v = 1; v <= 3; ++v) DeployWf(Version(v));
    ASSERT_EQ(client_
                  ->Put("/api/weft/workflows/order/aliases/prod", R"({"targets":[{"version":1}]})",
                        "application/json")
                  ->status,
              200);
  }
  size_t VersionCount() {
    auto r = client_->Get("/api/weft/workflows/order/versions");
    return r && r->status == 200 ? ParseJson(r->body).as_list().size() : 0;
  }
};

TEST_F(VersionsApiTest, DeleteIsRefusedWith409NamingTheReferrers) {
  auto r = client_->Delete("/api/weft/workflows/order/versions/1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(r->body.find("order@1 is still referred to by alias prod"), std::string::npos) << r->body;
  r = client_->Delete("/api/weft/workflows/order/versions/3");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(r->body.find("latest"), std::string::npos) << r->body;
  EXPECT_EQ(client_->Delete("/api/weft/workflows/order/versions/9")->status, 404);
  EXPECT_EQ(client_->Delete("/api/weft/workflows/order/versions/x")->status, 400);
  EXPECT_EQ(client_->Delete("/api/weft/workflows/order/versions/0")->status, 400);
  EXPECT_EQ(VersionCount(), 3u);
  r = client_->Delete("/api/weft/workflows/order/versions/2");
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(VersionCount(), 2u);
}

TEST_F(VersionsApiTest, GcDryRunThenForReal) {
  auto r = client_->Post("/api/weft/versions/gc?workflow=order&dryRun=true", "", "text/plain");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Value judged = ParseJson(r->body);
  ASSERT_EQ(judged.as_list().size(), 3u);
  EXPECT_FALSE(Get(judged.as_list()[0], "deleted").as_bool());
  EXPECT_EQ(Get(judged.as_list()[0], "reason").as_string(), "referred to by alias prod");
  EXPECT_TRUE(Get(judged.as_list()[1], "deleted").as_bool());
  EXPECT_EQ(Get(judged.as_list()[2], "reason").as_string(), "latest");
  EXPECT_EQ(VersionCount(), 3u);
  r = client_->Post("/api/weft/versions/gc", "", "text/plain");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(VersionCount(), 2u);
  EXPECT_EQ(client_->Post("/api/weft/versions/gc?workflow=nothing", "", "text/plain")->status, 404);
}

}  // namespace
}  // namespace weft::testing
