// RunJq (stdlib/jq.h): a jq program past its time or memory budget fails with a JqFailure and
// leaves the calling process as it was; the legacy inline builtin goes through the same child.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stdlib/jq.h"
#include "tests/stdlib/builtin_fixture.h"

namespace weft::stdlib {
namespace {

using ::testing::HasSubstr;

Value S(std::string text) { return Value::String(std::move(text)); }

JqBudget Budget(absl::Duration time, size_t memory_bytes) { return JqBudget{time, memory_bytes}; }

TEST(JqBoundedTest, OrdinaryProgramGivesItsResult) {
  JqResult r = RunJq(S("[.[] * 2]"), *Value::FromJson("[1, 2.5]"), JqBudget{});
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.value.ToJson(), "[2,5]");  // integral doubles come back as ints
  // The second call's child inherits the program the parent compiled after the first.
  EXPECT_TRUE(JqProgramCached("[.[] * 2]"));
  r = RunJq(S("[.[] * 2]"), *Value::FromJson("[3]"), JqBudget{});
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.value.ToJson(), "[6]");
}

TEST(JqBoundedTest, NonTerminatingProgramFailsWithTime) {
  for (const char* program : {"def f: f; f", "last(repeat(.))", "def f: . + 1 | f; f"}) {
    JqResult r = RunJq(S(program), Value::Int(1), Budget(absl::Milliseconds(300), size_t{1} << 30));
    ASSERT_FALSE(r.ok) << program;
    EXPECT_EQ(r.failure, JqFailure::kTime) << program << ": " << r.message;
    EXPECT_EQ(r.message, "jq() ran past its time budget of 300ms");
  }
}

TEST(JqBoundedTest, AllocatingProgramFailsWithMemoryAndTheProcessSurvives) {
  for (const char* program : {"[range(1e12)]", "[range(1e12) | tostring] | length",
                              "def f: [., .] | tojson | f; f"}) {
    JqResult r = RunJq(S(program), Value::Int(1), Budget(absl::Seconds(60), size_t{64} << 20));
    ASSERT_FALSE(r.ok) << program;
    EXPECT_EQ(r.failure, JqFailure::kMemory) << program << ": " << r.message;
    EXPECT_EQ(r.message, "jq() ran past its memory budget of 64 MiB");
  }
  JqResult after = RunJq(S(".a"), *Value::FromJson(R"({"a": [1]})"), JqBudget{});
  ASSERT_TRUE(after.ok) << after.message;
  EXPECT_EQ(after.value.ToJson(), "[1]");
}

TEST(JqBoundedTest, UserErrorsKeepTheirMessagesAndGetAReason) {
  JqResult r = RunJq(S(".["), Value::Null(), JqBudget{});
  EXPECT_EQ(r.failure, JqFailure::kCompile);
  EXPECT_THAT(r.message, HasSubstr("jq() cannot compile"));
  r = RunJq(S("error(\"boom\")"), Value::Null(), JqBudget{});
  EXPECT_EQ(r.failure, JqFailure::kRuntime);
  EXPECT_EQ(r.message, "jq() error: boom");
  r = RunJq(Value::Int(1), Value::Null(), JqBudget{});
  EXPECT_EQ(r.failure, JqFailure::kUsage);
  EXPECT_EQ(r.message, "jq() expects a string query, got int");
  EXPECT_EQ(JqFailureName(JqFailure::kTime), "time");
  EXPECT_EQ(JqFailureName(JqFailure::kMemory), "memory");
}

TEST(JqBoundedTest, NoEnvironmentInsideTheChild) {
  setenv("WEFT_JQ_SECRET", "s3cret", 1);
  JqResult r = RunJq(S("[$ENV.WEFT_JQ_SECRET, env.WEFT_JQ_SECRET, ($ENV | length)]"), Value::Null(),
                     JqBudget{});
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.value.ToJson(), "[null,null,0]");
}

using LegacyJqBuiltinTest = BuiltinFixture;

// Bytecode stored before jq() became a system task calls the builtin inline: it is bounded too.
TEST_F(LegacyJqBuiltinTest, InlineBuiltinIsBounded) {
  EXPECT_EQ(Error("jq", {S("def f: f; f").ToJson(), "1"}), "jq() ran past its time budget of 1s");
  EXPECT_EQ(CallJ("jq", {S(".a").ToJson(), R"({"a":2})"}), "2");
}

}  // namespace
}  // namespace weft::stdlib
