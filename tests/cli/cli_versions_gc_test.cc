// `weft versions gc` and `weft versions delete` end to end, on a store and through a
// `weft serve` (client mode: the server's routes, tests/server/serve_process.h): --dry-run
// changes nothing, a refusal names the referrers and exits 1, bad usage is refused clearly.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "tests/server/serve_process.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using testing::ProcessOutput;

std::string Version(int n) {
  return "workflow order(id: string) {\n  let paid = await signal(\"paid\")\n  return { v: " +
         std::to_string(n) + " }\n}\n";
}

class CliVersionsGcTest : public testing::WeftCliTest {
 protected:
  void SetUp() override {
    for (int v = 1; v <= 4; ++v) {
      ASSERT_NO_FATAL_FAILURE(Deploy("v" + std::to_string(v) + ".wf", Version(v)));
    }
    ProcessOutput started = Weft({"start", "order", "--version", "1", "--input", R"({"id":"a"})"});
    ASSERT_EQ(started.exit_code, 0) << started.err;
    running_ = started.out.substr(0, started.out.find('\n'));
    ASSERT_EQ(Weft({"alias", "set", "prod", "order@2"}).exit_code, 0);
  }
  std::string VersionList(std::vector<std::string> where = {}) {
    return Weft({"versions", "order", "--json"}, where).out;
  }

  std::string running_;
};

TEST_F(CliVersionsGcTest, DryRunThenGcDeletesOnlyTheUnreferenced) {
  const std::string before = VersionList();
  ProcessOutput r = Weft({"versions", "gc", "order", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("would delete order@3\n"));
  EXPECT_THAT(r.out, HasSubstr("kept order@1: referred to by 1 execution (" + running_ + ")\n"));
  EXPECT_THAT(r.out, HasSubstr("kept order@2: referred to by alias prod\n"));
  EXPECT_THAT(r.out, HasSubstr("kept order@4: latest\n"));
  EXPECT_THAT(r.out, HasSubstr("1 would be deleted, 3 kept\n"));
  EXPECT_EQ(VersionList(), before) << "a dry run changes nothing";

  r = Weft({"versions", "gc", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("workflow":"order","version":3,"deleted":true)"));
  EXPECT_THAT(r.out, HasSubstr(R"("aliases":["prod"])"));
  EXPECT_THAT(VersionList(), ::testing::Not(HasSubstr(R"("version":3)")));
  r = Weft({"versions", "order"});
  ASSERT_EQ(r.exit_code, 0) << r.err;  // plain listing still works beside the subcommands
  r = Weft({"verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Weft({"deploy", dir_.Write("v5.wf", Version(5))});
  EXPECT_THAT(r.out, HasSubstr("order v5 (created)")) << "3 is never given out again";
}

TEST_F(CliVersionsGcTest, DeleteIsRefusedNamingTheReferrers) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"versions", "delete", "order", "1"},
       "order@1 is still referred to by 1 execution (" + running_ + ")"},
      {{"versions", "delete", "order", "2"}, "order@2 is still referred to by alias prod"},
      {{"versions", "delete", "order", "4"}, "order@4 is the latest version"},
      {{"versions", "delete", "order", "9"}, "workflow `order` has no version 9"},
      {{"versions", "gc", "nothing"}, "no workflow `nothing` is deployed"},
  };
  for (const Case& c : cases) {
    ProcessOutput r = Weft(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args.back();
    EXPECT_THAT(r.err, HasSubstr("weft: error: " + c.message)) << c.args.back();
  }
  ProcessOutput zero = Weft({"versions", "delete", "order", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_THAT(zero.err, HasSubstr("the version must be a positive integer"));
  ProcessOutput usage = Weft({"versions"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, HasSubstr("weft versions needs NAME"));

  ProcessOutput r = Weft({"versions", "delete", "order", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "deleted order@3\n");
  EXPECT_EQ(Weft({"versions", "delete", "order", "3"}).exit_code, 1);
}

TEST_F(CliVersionsGcTest, ThroughTheServer) {
  testing::ServeProcess serve(store_);
  const uint16_t port = serve.Start();
  ASSERT_NE(port, 0);
  const std::vector<std::string> server = ServerFlags(port);
  ProcessOutput r = Weft({"versions", "delete", "order", "2"}, server);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("order@2 is still referred to by alias prod"));
  r = Weft({"versions", "gc", "order", "--dry-run"}, server);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("would delete order@3\n"));
  EXPECT_THAT(r.out, HasSubstr("kept order@1: referred to by 1 execution (" + running_ + ")\n"));
  EXPECT_THAT(VersionList(server), HasSubstr(R"("version":3)"));
  r = Weft({"versions", "gc"}, server);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("deleted order@3\n"));
  EXPECT_THAT(VersionList(server), ::testing::Not(HasSubstr(R"("version":3)")));
  ASSERT_EQ(Weft({"alias", "delete", "prod", "--workflow", "order"}, server).exit_code, 0);
  r = Weft({"versions", "delete", "order", "2"}, server);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Weft({"versions", "delete", "order", "2"}, server);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("has no version 2"));
}

}  // namespace
}  // namespace weft
