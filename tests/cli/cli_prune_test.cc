// End-to-end tests of `weft prune` through the `weft` binary: --dry-run deletes nothing,
// --archive appends one parseable JSON line per deleted execution (with its history) before
// deleting it, the store verifies clean afterwards, and bad ages and statuses are refused.
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "weft/value.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using testing::ProcessOutput;

class CliPruneTest : public testing::WeftCliTest {
 protected:
  // Runs two short executions to the end.
  void RunTwo() {
    const std::string file = dir_.Write("quick.wf", "workflow quick(n: int) {\n    return n\n}\n");
    for (const char* input : {R"({"n":1})", R"({"n":2})"}) {
      ProcessOutput r = Weft({"run", file, "--input", input});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  int Listed() {
    ProcessOutput list = Weft({"list"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    int lines = 0;
    for (char c : list.out) lines += c == '\n';
    return lines > 0 ? lines - 1 : 0;  // the header
  }
};

TEST_F(CliPruneTest, DryRunDeletesNothing) {
  RunTwo();
  ASSERT_EQ(Listed(), 2);
  ProcessOutput r = Weft({"prune", "--older-than", "1ms", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 executions would be deleted"));
  EXPECT_EQ(Listed(), 2);
}

TEST_F(CliPruneTest, ArchiveHoldsOneJsonLinePerDeletedExecutionAndTheStoreStaysClean) {
  RunTwo();
  ASSERT_EQ(Listed(), 2);
  // Nothing is a day old yet.
  ProcessOutput none = Weft({"prune", "--older-than", "1d", "--status", "completed"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, HasSubstr("deleted 0 executions"));

  const std::string archive = dir_.Sub("old.jsonl");
  ProcessOutput r = Weft({"prune", "--older-than", "1ms", "--archive", archive});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("deleted 2 executions"));
  EXPECT_EQ(Listed(), 0);
  std::ifstream in(archive);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    absl::StatusOr<Value> v = Value::FromJson(line);
    ASSERT_TRUE(v.ok()) << v.status() << ": " << line;
    ASSERT_TRUE(v->is_object());
    const Value* execution = v->as_object().Find("execution");
    ASSERT_NE(execution, nullptr);
    EXPECT_NE(execution->as_object().Find("id"), nullptr);
    const Value* history = v->as_object().Find("history");
    ASSERT_NE(history, nullptr);
    ASSERT_TRUE(history->is_list());
    EXPECT_FALSE(history->as_list().empty());
    EXPECT_NE(v->as_object().Find("tasks"), nullptr);
  }
  EXPECT_EQ(lines, 2);
  ProcessOutput verify = Weft({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("is clean"));
}

TEST_F(CliPruneTest, BadAgesAndStatusesAreRefused) {
  RunTwo();
  EXPECT_EQ(Weft({"prune", "--older-than", "soon"}).exit_code, 1);
  EXPECT_EQ(Weft({"prune", "--older-than", "1d", "--status", "running"}).exit_code, 1);
  EXPECT_EQ(Weft({"prune"}).exit_code, 2);  // --older-than is required
  EXPECT_EQ(Weft({"work", "--retention", "never"}).exit_code, 1);
  EXPECT_EQ(Listed(), 2);
}

}  // namespace
}  // namespace weft
