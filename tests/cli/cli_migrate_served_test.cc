// `weft migrate` and `weft deploy --check-migration` on a store held by `weft serve` (client
// mode, server/client.cc): every command that changes nothing prints byte for byte what it
// prints on the unserved store, with the same exit status, whether the server is found through
// STORE/serve.json or given with --server; then real moves go through the server's writer and
// stay after it is gone.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/run_binary.h"
#include "tests/server/serve_process.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using testing::ProcessOutput;
using testing::RunBinary;
using testing::ScratchDir;

constexpr char kV1[] =
    "task reserve, ship\n"
    "\n"
    "workflow order(id: string) {\n"
    "    let stock = reserve(order: id)\n"
    "    return ship(order: id, stock: stock)\n"
    "}\n";

// A task added after the point: executions waiting at reserve move.
constexpr char kV2[] =
    "task reserve, audit, ship\n"
    "\n"
    "workflow order(id: string) {\n"
    "    let stock = reserve(order: id)\n"
    "    audit(order: id)\n"
    "    return ship(order: id, stock: stock)\n"
    "}\n";

// reserve removed: nobody waiting for it can move (E0401).
constexpr char kV3[] =
    "task ship\n"
    "\n"
    "workflow order(id: string) {\n"
    "    return ship(order: id, stock: 0)\n"
    "}\n";

class CliMigrateServedTest : public ::testing::Test {
 protected:
  ProcessOutput Weft(std::vector<std::string> args, std::vector<std::string> where = {}) {
    std::vector<std::string> argv = {WEFT_CLI_PATH};
    if (where.empty()) where = {"--store", store_};
    argv.insert(argv.end(), where.begin(), where.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunBinary(std::move(argv));
  }
  std::string Start(int i) {
    ProcessOutput started = Weft({"start", "order", "--input", absl::StrCat(R"({"id":"o-)", i, R"("})")});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    return std::string(absl::StripAsciiWhitespace(started.out));
  }

  ScratchDir dir_;
  std::string store_ = dir_.Sub("store");
};

TEST_F(CliMigrateServedTest, ThroughTheServerAsOnTheStore) {
  ASSERT_EQ(Weft({"deploy", dir_.Write("order.wf", kV1)}).exit_code, 0);
  const std::string a = Start(0), b = Start(1);
  const std::string v2 = dir_.Write("order_v2.wf", kV2), v3 = dir_.Write("order_v3.wf", kV3);
  const std::string bad = dir_.Write("bad.wf", "workflow order() { return x }\n");
  ASSERT_EQ(Weft({"deploy", v2}).exit_code, 0);
  ASSERT_EQ(Weft({"deploy", v3}).exit_code, 0);
  // Commands that change nothing, each with its exit status on the unserved store.
  const std::vector<std::vector<std::string>> commands = {
      {"deploy", v2, "--check-migration"},
      {"deploy", v3, "--check-migration"},
      {"deploy", bad, "--check-migration"},
      {"migrate", a, "--to", "2", "--dry-run"},
      {"migrate", "--workflow", "order", "--from", "1", "--to", "2", "--dry-run"},
      {"migrate", "--workflow", "order", "--from", "1", "--to", "3"},
      {"migrate", "--workflow", "order", "--from", "2"},
      {"migrate", "01NOSUCHEXECUTION"},
      {"migrate", a, "--to", "9"},
      {"migrate", a, "--to", "1"},
      {"migrate", "--workflow", "order", "--from", "4"},
  };
  const std::vector<int> exits = {0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1};
  std::vector<ProcessOutput> local;
  for (size_t i = 0; i < commands.size(); ++i) {
    local.push_back(Weft(commands[i]));
    EXPECT_EQ(local.back().exit_code, exits[i]) << commands[i][1] << ": " << local.back().err;
  }
  EXPECT_THAT(local[0].out, HasSubstr("order@v1 -> " + v2 + ": 2 executions running"));
  EXPECT_THAT(local[1].out, HasSubstr("[E0401]"));
  EXPECT_THAT(local[3].out, HasSubstr(a + ": would move order v1 -> v2\n"));

  testing::ServeProcess serve(store_);
  const uint16_t port = serve.Start();
  ASSERT_NE(port, 0);
  const std::vector<std::string> server = {"--server", absl::StrCat("http://127.0.0.1:", port)};
  for (size_t i = 0; i < commands.size(); ++i) {
    for (const std::vector<std::string>& where : {std::vector<std::string>{}, server}) {
      ProcessOutput served = Weft(commands[i], where);
      const std::string what =
          absl::StrCat(commands[i][0], " #", i, where.empty() ? " (serve.json)" : " (--server)");
      EXPECT_EQ(served.exit_code, local[i].exit_code) << what << ": " << served.err;
      EXPECT_EQ(served.out, local[i].out) << what;
      EXPECT_EQ(served.err, local[i].err) << what;
    }
  }

  // Real moves, by the server's writer.
  ProcessOutput moved = Weft({"migrate", a, "--to", "2"});
  EXPECT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_EQ(moved.out,
            a + ": moved order v1 -> v2\n  fiber 1: task reserve 4:17 -> 4:17\n" + "1 moved, 0 stayed\n");
  moved = Weft({"migrate", "--workflow", "order", "--from", "1", "--to", "2"}, server);
  EXPECT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_THAT(moved.out, HasSubstr(b + ": moved order v1 -> v2\n"));
  EXPECT_THAT(moved.out, HasSubstr("1 moved, 0 stayed\n"));
  EXPECT_THAT(Weft({"status", b}, server).out, HasSubstr("order@2"));
  const int status = serve.Kill(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "weft serve did not stop cleanly";
  EXPECT_THAT(Weft({"status", a}).out, HasSubstr("order@2"));
  EXPECT_THAT(Weft({"history", a}).out, HasSubstr("EXECUTION_MIGRATED"));
}

}  // namespace
}  // namespace weft
