// `weft alias set|list|delete` and `weft start NAME@ALIAS` end to end, on a store and through a
// `weft serve` (client mode, tests/server/serve_process.h), with bad input refused by a clear
// `weft: error:` line and exit 1.
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
  return "task step\nworkflow order(id: string) {\n  let s = step(id: id)\n  return { v: " +
         std::to_string(n) + " }\n}\n";
}

class CliAliasTest : public testing::WeftCliTest {
 protected:
  void SetUp() override {
    for (int v = 1; v <= 2; ++v) {
      ASSERT_NO_FATAL_FAILURE(Deploy("v" + std::to_string(v) + ".wf", Version(v)));
    }
  }
  // The version `weft status` shows for the execution `start` printed.
  std::string VersionOf(const ProcessOutput& start, std::vector<std::string> where = {}) {
    const std::string id = start.out.substr(0, start.out.find('\n'));
    ProcessOutput status = Weft({"status", id}, where);
    const size_t at = status.out.find("order@");
    return at == std::string::npos ? "?" : status.out.substr(at, 7);
  }
};

TEST_F(CliAliasTest, SetListStartDelete) {
  ProcessOutput r = Weft({"alias", "set", "prod", "order@1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "order@prod -> v1\n");
  r = Weft({"alias", "set", "ramp", "order@1=90,order@2=10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "order@ramp -> v1=90,v2=10\n");

  r = Weft({"alias", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("WORKFLOW"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("order +prod +v1 "));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("order +ramp +v1=90,v2=10 "));
  r = Weft({"alias", "list", "order", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("name":"prod","targets":[{"version":1,"weight":100}])"));

  ProcessOutput started = Weft({"start", "order@prod", "--input", R"({"id":"a"})"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  EXPECT_EQ(VersionOf(started), "order@1");
  ProcessOutput history = Weft({"history", started.out.substr(0, started.out.find('\n'))});
  EXPECT_THAT(history.out, HasSubstr("order@1 input {\"id\":\"a\"} through alias prod")) << history.out;
  started = Weft({"start", "order@2", "--input", R"({"id":"b"})"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  EXPECT_EQ(VersionOf(started), "order@2");

  r = Weft({"alias", "delete", "prod", "--workflow", "order"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Weft({"start", "order@prod"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("workflow `order` has no alias `prod`"));
  r = Weft({"alias", "delete", "prod", "--workflow", "order"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(CliAliasTest, BadInputIsRefusedClearly) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"alias", "set", "prod", "order"}, "is not WORKFLOW@VERSION[=WEIGHT]"},
      {{"alias", "set", "prod", "order@x"}, "is not a version number"},
      {{"alias", "set", "prod", "order@1=0"}, "is not a positive integer"},
      {{"alias", "set", "prod", "order@1=-5"}, "is not a positive integer"},
      {{"alias", "set", "prod", "order@1,other@2"}, "versions of one workflow"},
      {{"alias", "set", "prod", "order@1,order@1"}, "names version 1 twice"},
      {{"alias", "set", "prod", "order@7"}, "has no version 7"},
      {{"alias", "set", "12", "order@1"}, "reads as a version number"},
      {{"start", "order@"}, "needs a version or an alias"},
      {{"start", "order@1", "--version", "2"}, "not two"},
  };
  for (const Case& c : cases) {
    ProcessOutput r = Weft(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args.back();
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.args.back();
    EXPECT_THAT(r.err, HasSubstr("weft: error:"));
  }
  ProcessOutput list = Weft({"alias", "list", "--json"});
  EXPECT_EQ(list.out, "[]\n") << "nothing refused was stored";
}

TEST_F(CliAliasTest, ThroughTheServer) {
  testing::ServeProcess serve(store_);
  const uint16_t port = serve.Start();
  ASSERT_NE(port, 0);
  const std::vector<std::string> server = ServerFlags(port);
  ProcessOutput r = Weft({"alias", "set", "prod", "order@2"}, server);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Weft({"alias", "list", "order"}, server);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("order +prod +v2 "));
  ProcessOutput started = Weft({"start", "order@prod", "--input", R"({"id":"a"})"}, server);
  ASSERT_EQ(started.exit_code, 0) << started.err;
  EXPECT_EQ(VersionOf(started, server), "order@2");
  r = Weft({"alias", "set", "prod", "order@9"}, server);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("has no version 9"));
  ASSERT_EQ(Weft({"alias", "delete", "prod", "--workflow", "order"}, server).exit_code, 0);
  r = Weft({"start", "order@prod"}, server);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("has no alias `prod`"));
}

}  // namespace
}  // namespace weft
