// `weft migrate` end to end: executions left waiting on version 1 (no workers run) move to
// version 2, one by one or as a group; a dry run changes nothing; a version they cannot move
// to leaves them untouched with the reason; errors (unknown id, unknown version, an ended
// execution, bad usage) give a clear message and a non-zero exit; through `weft serve` it all
// prints the same.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "tests/server/serve_process.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using testing::ProcessOutput;

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

class CliMigrateTest : public testing::WeftCliTest {
 protected:
  std::string Start(int i) {
    ProcessOutput started = Weft({"start", "order", "--input", R"({"id":"o-)" + std::to_string(i) + R"("})"});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    return std::string(absl::StripAsciiWhitespace(started.out));
  }
  std::string Status(const std::string& id) { return Weft({"status", id}).out; }
  std::string History(const std::string& id) { return Weft({"history", id}).out; }
};

TEST_F(CliMigrateTest, OneExecutionMovesAndItsHistorySaysSo) {
  Deploy("order.wf", kV1);
  const std::string id = Start(0);
  Deploy("order_v2.wf", kV2);
  const std::string history = History(id);
  ProcessOutput dry = Weft({"migrate", id, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_THAT(dry.out, HasSubstr(id + ": would move order v1 -> v2\n  fiber 1: task reserve 4:17 -> 4:17\n"));
  EXPECT_THAT(dry.out, HasSubstr("1 would move, 0 would stay"));
  EXPECT_EQ(History(id), history) << "a dry run changed the history";

  ProcessOutput moved = Weft({"migrate", id});
  EXPECT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_THAT(moved.out, HasSubstr(id + ": moved order v1 -> v2"));
  EXPECT_THAT(History(id),
              HasSubstr("EXECUTION_MIGRATED  -                           version 1 -> 2; fiber 1 task "
                        "reserve 4:17 -> 4:17\n"));
  EXPECT_THAT(Status(id), HasSubstr("order@2"));
}

TEST_F(CliMigrateTest, AGroupThatCannotMoveStaysAndExitsOne) {
  Deploy("order.wf", kV1);
  const std::string a = Start(0), b = Start(1);
  Deploy("order_v3.wf", kV3);
  const std::string history = History(a);
  ProcessOutput r = Weft({"migrate", "--workflow", "order", "--from", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(a + ": stays on v1: at 4:17 task reserve: "));
  EXPECT_THAT(r.out, HasSubstr("[E0401]"));
  EXPECT_THAT(r.out, HasSubstr(b + ": stays on v1"));
  EXPECT_THAT(r.out, HasSubstr("0 moved, 2 stayed"));
  EXPECT_THAT(r.err, HasSubstr("2 executions cannot move"));
  EXPECT_EQ(History(a), history);

  ProcessOutput none = Weft({"migrate", "--workflow", "order", "--from", "2"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, HasSubstr("no running executions of order@v2"));
}

TEST_F(CliMigrateTest, ErrorsAreClearAndNonZero) {
  Deploy("order.wf", kV1);
  const std::string id = Start(0);
  ProcessOutput unknown = Weft({"migrate", "01NOSUCHEXECUTION"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no execution `01NOSUCHEXECUTION`"));
  ProcessOutput no_version = Weft({"migrate", id, "--to", "9"});
  EXPECT_EQ(no_version.exit_code, 1);
  EXPECT_THAT(no_version.err, HasSubstr("workflow `order` has no version 9"));
  ProcessOutput same = Weft({"migrate", id});
  EXPECT_EQ(same.exit_code, 1);
  EXPECT_THAT(same.err, HasSubstr("already runs version 1"));
  ProcessOutput no_group = Weft({"migrate", "--workflow", "order", "--from", "4"});
  EXPECT_EQ(no_group.exit_code, 1);
  EXPECT_THAT(no_group.err, HasSubstr("has no version 4"));
  Deploy("order_v2.wf", kV2);
  ASSERT_EQ(Weft({"terminate", id}).exit_code, 0);
  ProcessOutput ended = Weft({"migrate", id});
  EXPECT_EQ(ended.exit_code, 1);
  EXPECT_THAT(ended.err, HasSubstr("it is TERMINATED; only running or paused ones move"));
  EXPECT_EQ(Weft({"migrate"}).exit_code, 2);
  EXPECT_EQ(Weft({"migrate", id, "--workflow", "order", "--from", "1"}).exit_code, 2);
  EXPECT_EQ(Weft({"migrate", "--workflow", "order"}).exit_code, 2);
}

// On a store held by `weft serve` (client mode, server/client.cc), every command that changes
// nothing prints byte for byte what it prints on the unserved store, with the same exit
// status, whether the server is found through STORE/serve.json or given with --server; then
// real moves go through the server's writer and stay after it is gone.
TEST_F(CliMigrateTest, ThroughTheServerAsOnTheStore) {
  Deploy("order.wf", kV1);
  const std::string a = Start(0), b = Start(1);
  Deploy("order_v2.wf", kV2);
  Deploy("order_v3.wf", kV3);
  const std::string v2 = dir_.Sub("order_v2.wf"), v3 = dir_.Sub("order_v3.wf");
  const std::string bad = dir_.Write("bad.wf", "workflow order() { return x }\n");
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
  const std::vector<std::string> server = ServerFlags(port);
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
