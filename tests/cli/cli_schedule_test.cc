// End-to-end tests of `weft schedule create|list|pause|resume|delete|next`, running the real
// binary against a fresh store: the happy path as a user walks it, previews of an expression
// across a daylight-saving change, and every kind of bad input refused with a clear
// `weft: error:` line and a non-zero exit.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "weft/value.h"

namespace weft {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessOutput;

constexpr char kReport[] =
    "workflow report(day: string = \"today\", _scheduledTime: int = 0) {\n"
    "  return { day: day, at: _scheduledTime }\n"
    "}\n";

class CliScheduleTest : public testing::WeftCliTest {
 protected:
  void SetUp() override {
    ProcessOutput deployed = Weft({"deploy", dir_.Write("report.wf", kReport)});
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  }
  ProcessOutput Create(std::vector<std::string> extra) {
    std::vector<std::string> args = {"schedule", "create"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Weft(args);
  }
};

TEST_F(CliScheduleTest, CreateListPauseResumeNextDelete) {
  ProcessOutput r = Create({"nightly", "--workflow", "report", "--cron", "0 30 2 * * *", "--zone",
                            "America/New_York", "--input", R"({"day":"mon"})", "--overlap",
                            "skip", "--catch-up", "run_all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ContainsRegex("^nightly ACTIVE next [0-9-]+T02:30:00-0[45]:00\n$"));

  r = Weft({"schedule", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("NAME"));
  EXPECT_THAT(r.out, ContainsRegex("nightly +report +0 30 2 \\* \\* \\* +America/New_York +ACTIVE"));

  r = Weft({"schedule", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  absl::StatusOr<Value> listed = Value::FromJson(r.out);
  ASSERT_TRUE(listed.ok()) << r.out;
  ASSERT_EQ(listed->as_list().size(), 1u);
  const Object& s = listed->as_list()[0].as_object();
  EXPECT_EQ(s.Find("state")->ToJson(), R"("ACTIVE")");
  EXPECT_EQ(s.Find("overlap")->ToJson(), R"("SKIP")");
  EXPECT_EQ(s.Find("catch_up")->ToJson(), R"("RUN_ALL")");
  EXPECT_EQ(s.Find("input")->ToJson(), R"({"day":"mon"})");

  r = Weft({"schedule", "next", "nightly", "-n", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ContainsRegex("^([0-9-]+T0[23]:30:00-0[45]:00\n){3}$"));

  r = Weft({"schedule", "pause", "nightly"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "nightly PAUSED\n");
  r = Weft({"schedule", "list"});
  EXPECT_THAT(r.out, ContainsRegex("nightly .* PAUSED +- "));
  r = Weft({"schedule", "resume", "nightly"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("nightly ACTIVE next "));

  r = Weft({"schedule", "delete", "nightly"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "nightly DELETED\n");
  r = Weft({"schedule", "list"});
  EXPECT_THAT(r.out, Not(HasSubstr("nightly")));
  r = Weft({"schedule", "pause", "nightly"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "weft: error: no schedule `nightly`\n");
}

TEST_F(CliScheduleTest, NextPreviewsAnExpressionAcrossADaylightSavingGap) {
  ProcessOutput r = Weft({"schedule", "next", "--cron", "0 30 2 * * *", "--zone",
                          "America/New_York", "--after", "2024-03-09T12:00:00-05:00", "-n", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "2024-03-10T03:30:00-04:00\n2024-03-11T02:30:00-04:00\n2024-03-12T02:30:00-04:00\n");
  r = Weft({"schedule", "next", "--cron", "0 0 0 29 2 *", "--after", "1709251200000", "-n", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2028-02-29T00:00:00+00:00\n2032-02-29T00:00:00+00:00\n");
}

TEST_F(CliScheduleTest, BadInputIsRefusedWithAClearErrorAndNonZeroExit) {
  struct Bad {
    std::vector<std::string> args;
    int exit_code;
    const char* err;
  };
  const std::vector<std::string> base = {"schedule", "create", "s", "--workflow", "report"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const Bad kBad[] = {
      {with({"--cron", "0 0 0 30 2 *"}), 1,
       "weft: error: cron expression `0 0 0 30 2 *`: day-of-month: `30` never occurs in FEB\n"},
      {with({"--cron", "0 0 25 * * *"}), 1,
       "weft: error: cron expression `0 0 25 * * *`: hour: 25 is out of range 0-23\n"},
      {with({"--cron", "0 0 * *"}), 1, "has 4 fields; it needs 6"},
      {with({"--cron", "@daily", "--zone", "Atlantis/Lost"}), 1,
       "weft: error: unknown time zone `Atlantis/Lost`"},
      {with({"--cron", "@daily", "--catch-up", "sometimes"}), 1,
       "weft: error: unknown --catch-up `sometimes` (expected skip or run_all)\n"},
      {with({"--cron", "@daily", "--overlap", "never"}), 1,
       "weft: error: unknown --overlap `never` (expected allow or skip)\n"},
      {with({"--cron", "@daily", "--start", "tomorrow"}), 1,
       "weft: error: --start `tomorrow` is not a time"},
      {with({"--cron", "@daily", "--input", R"({"nope":1})"}), 1,
       "the schedule's input does not fit workflow `report`: unknown input `nope`"},
      {with({"--cron", "@daily", "--input", "{"}), 1, "weft: error: "},
      {{"schedule", "create", "s", "--workflow", "ghost", "--cron", "@daily"}, 1,
       "weft: error: no workflow `ghost` is deployed\n"},
      {with({}), 2, "--cron is required"},
      {{"schedule"}, 2, "weft: error: "},
      {{"schedule", "next"}, 1, "weft: error: give a schedule's NAME, or --cron EXPR"},
      {{"schedule", "next", "ghost"}, 1, "weft: error: no schedule `ghost`\n"},
      {{"schedule", "resume", "ghost"}, 1, "weft: error: no schedule `ghost`\n"},
      {{"schedule", "delete", "ghost"}, 1, "weft: error: no schedule `ghost`\n"},
  };
  for (const Bad& bad : kBad) {
    ProcessOutput r = Weft(bad.args);
    EXPECT_EQ(r.exit_code, bad.exit_code) << bad.args.back() << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(bad.err)) << bad.args.back();
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  ProcessOutput r = Create({"s", "--workflow", "report", "--cron", "@daily"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Create({"s", "--workflow", "report", "--cron", "@hourly"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("schedule `s` exists already"));
  r = Create({"s", "--workflow", "report", "--cron", "@hourly", "--replace"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace weft
