// json_parse, json_stringify and jq(): results, conversions between Value and jq's jv, user
// errors, purity (no environment, clock or files from inside jq) and the per-thread cache.
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/stdlib/builtin_fixture.h"

namespace weft::stdlib {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using JsonTest = BuiltinFixture;
using JqTest = BuiltinFixture;

// JSON text as a string argument.
std::string S(std::string_view text) { return Value::String(std::string(text)).ToJson(); }

TEST_F(JsonTest, Parse) {
  EXPECT_EQ(CallJ("json_parse", {S(R"({"b":1,"a":[true,null,2.5,"x"]})")}),
            R"({"b":1,"a":[true,null,2.5,"x"]})");
  EXPECT_EQ(CallJ("json_parse", {S("9223372036854775807")}), "9223372036854775807");
  EXPECT_EQ(CallJ("json_parse", {S(" 1.0 ")}), "1.0");
  auto r = Call("json_parse", {Value::String("2")});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_int());
}

TEST_F(JsonTest, ParseErrorsNameTheOffset) {
  EXPECT_THAT(Error("json_parse", {S(R"({"a":1,})")}), StartsWith("json_parse() invalid JSON at offset 7"));
  EXPECT_THAT(Error("json_parse", {S("")}), StartsWith("json_parse() invalid JSON at offset 0"));
  EXPECT_THAT(Error("json_parse", {S("[1] [2]")}), StartsWith("json_parse() invalid JSON at offset 4"));
  EXPECT_EQ(Error("json_parse", {"{}"}), "json_parse() expects a string, got object");
}

TEST_F(JsonTest, Stringify) {
  EXPECT_EQ(CallJ("json_stringify", {R"({"b":1,"a":[1.0,"x"]})"}), S(R"({"b":1,"a":[1.0,"x"]})"));
  EXPECT_EQ(CallJ("json_stringify", {R"("s")"}), S(R"("s")"));
  EXPECT_EQ(CallJ("json_stringify", {"null", "2"}), S("null"));
  EXPECT_EQ(CallJ("json_stringify", {R"({"a":[1,{}],"b":[]})", "2"}),
            S("{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}"));
  EXPECT_EQ(CallJ("json_stringify", {"[1]", "4"}), S("[\n    1\n]"));
  EXPECT_EQ(CallJ("json_stringify", {"[1]", "0"}), S("[1]"));
  EXPECT_EQ(Error("json_stringify", {"1", "-1"}), "json_stringify() indent must be between 0 and 16, got -1");
  EXPECT_EQ(Error("json_stringify", {"1", "17"}), "json_stringify() indent must be between 0 and 16, got 17");
  EXPECT_EQ(Error("json_stringify", {"1", R"("  ")"}), "json_stringify() expects an int indent, got string");
}

TEST_F(JsonTest, StringifyIndentTwoMatchesPrettyJson) {
  Value v = J(R"({"k":[1,2.5,{"x":null,"y":"q\"uote"}],"e":{}})");
  auto r = Call("json_stringify", {v, Value::Int(2)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_string(), v.ToPrettyJson());
}

TEST_F(JsonTest, RoundTrip) {
  Value v = J(R"({"z":[1,-2.5e-7,"\u00e9\n"],"a":{"n":null,"t":true},"big":-9223372036854775808})");
  auto text = Call("json_stringify", {v});
  ASSERT_TRUE(text.ok());
  auto back = Call("json_parse", {*text});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToJson(), v.ToJson());
}

TEST_F(JqTest, OneOutputIsTheValue) {
  EXPECT_EQ(CallJ("jq", {S(".a.b"), R"({"a":{"b":[1,2]}})"}), "[1,2]");
  EXPECT_EQ(CallJ("jq", {S("."), R"({"z":1,"a":2})"}), R"({"z":1,"a":2})");  // key order kept
  EXPECT_EQ(CallJ("jq", {S(".missing"), "{}"}), "null");
  EXPECT_EQ(CallJ("jq", {S("map(.price * .qty) | add"), R"([{"price":2,"qty":3},{"price":1.5,"qty":2}])"}),
            "9");
  EXPECT_EQ(CallJ("jq", {S("{total: (.items | length), first: .items[0].id}"), R"({"items":[{"id":"a"},{"id":"b"}]})"}),
            R"({"total":2,"first":"a"})");
}

TEST_F(JqTest, SeveralOutputsAreAListNoneIsNull) {
  EXPECT_EQ(CallJ("jq", {S(".[]"), "[1,2,3]"}), "[1,2,3]");
  EXPECT_EQ(CallJ("jq", {S(".[] | select(. > 1)"), "[1,2,3]"}), "[2,3]");
  EXPECT_EQ(CallJ("jq", {S(".[] | select(. > 5)"), "[1,2,3]"}), "null");
  EXPECT_EQ(CallJ("jq", {S("empty"), "1"}), "null");
  EXPECT_EQ(CallJ("jq", {S(".[]"), "[[1]]"}), "[1]");  // one output that is itself a list
  EXPECT_EQ(CallJ("jq", {S("[.[]]"), "[[1]]"}), "[[1]]");
}

TEST_F(JqTest, Numbers) {
  EXPECT_EQ(CallJ("jq", {S(". + 1"), "41"}), "42");
  EXPECT_EQ(CallJ("jq", {S(". / 2"), "3"}), "1.5");
  EXPECT_EQ(CallJ("jq", {S("."), "2.0"}), "2");  // jq has one number type: integral -> int
  EXPECT_EQ(CallJ("jq", {S("."), "9007199254740992"}), "9007199254740992");
  // Beyond 2^53 an int is rounded inside jq (its numbers are doubles).
  EXPECT_EQ(CallJ("jq", {S("."), "9007199254740993"}), "9007199254740992");
  EXPECT_EQ(CallJ("jq", {S("."), "1e300"}), "1e300");
  EXPECT_EQ(CallJ("jq", {S("."), "-9223372036854775808"}), "-9223372036854775808");
  EXPECT_EQ(CallJ("jq", {S("nan"), "null"}), "null");
  EXPECT_EQ(CallJ("jq", {S("infinite"), "null"}), "1.7976931348623157e308");
  EXPECT_EQ(CallJ("jq", {S("-infinite"), "null"}), "-1.7976931348623157e308");
  EXPECT_EQ(CallJ("jq", {S("pow(2; 64)"), "null"}), "18446744073709552000.0");
}

TEST_F(JqTest, StringsAndUnicode) {
  EXPECT_EQ(CallJ("jq", {S("ascii_upcase"), R"("abc")"}), R"("ABC")");
  EXPECT_EQ(CallJ("jq", {S("length"), "\"caf\xC3\xA9\""}), "4");  // jq counts code points
  EXPECT_EQ(CallJ("jq", {S(". + \"!\""), "\"a\\u0000b\""}), "\"a\\u0000b!\"");  // NUL survives
  EXPECT_EQ(CallJ("jq", {S("test(\"^a.c$\")"), R"("abc")"}), "true");  // oniguruma regexes
  Value bad = Value::String("\xFF");
  auto r = Call("jq", {Value::String("."), bad});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_string(), "\xEF\xBF\xBD");  // invalid UTF-8 becomes U+FFFD inside jq
}

TEST_F(JqTest, CompileErrors) {
  EXPECT_EQ(Error("jq", {S(".["), "null"}),
            R"(jq() cannot compile ".[": syntax error, unexpected $end at <top-level>, line 1)");
  EXPECT_EQ(Error("jq", {S("foo(1)"), "null"}),
            R"x(jq() cannot compile "foo(1)": foo/1 is not defined at <top-level>, line 1)x");
  EXPECT_THAT(Error("jq", {S(".a |\n\n  .["), "null"}), HasSubstr("line 3"));
  EXPECT_EQ(Error("jq", {S(""), "null"}), R"(jq() query must not be empty ("." is the identity))");
  EXPECT_EQ(Error("jq", {S("  \n"), "null"}), R"(jq() query must not be empty ("." is the identity))");
  EXPECT_EQ(Error("jq", {"1", "null"}), "jq() expects a string query, got int");
}

TEST_F(JqTest, RuntimeErrors) {
  EXPECT_EQ(Error("jq", {S(".a"), "[1]"}), R"(jq() error: Cannot index array with string "a")");
  EXPECT_EQ(Error("jq", {S("error(\"bad order\")"), "null"}), "jq() error: bad order");
  EXPECT_EQ(Error("jq", {S("error({code: 7})"), "null"}), R"(jq() error: {"code":7})");
  EXPECT_EQ(Error("jq", {S("1, error(\"x\")"), "null"}), "jq() error: x");
  EXPECT_EQ(Error("jq", {S("\"bye\" | halt_error"), "null"}), "jq() halted with exit code 5: bye");
  EXPECT_EQ(Error("jq", {S("halt_error(2)"), R"({"a":1})"}), R"(jq() halted with exit code 2: {"a":1})");
  EXPECT_EQ(CallJ("jq", {S("1, halt, 2"), "null"}), "1");  // halt ends normally
  EXPECT_EQ(CallJ("jq", {S("try error(\"x\") catch ."), "null"}), R"("x")");
}

TEST_F(JqTest, IsPure) {
  // No environment, clock, files or stdin from inside jq.
  EXPECT_EQ(CallJ("jq", {S("$ENV"), "null"}), "{}");
  EXPECT_EQ(CallJ("jq", {S("env"), "null"}), "{}");
  EXPECT_EQ(CallJ("jq", {S("$ENV.PATH"), "null"}), "null");
  EXPECT_EQ(Error("jq", {S("now"), "null"}),
            "jq() error: now is not available in jq(); pass now() from the workflow in");
  EXPECT_EQ(Error("jq", {S("0 | localtime"), "null"}), "jq() error: localtime is not available in jq(); use gmtime");
  EXPECT_EQ(Error("jq", {S("input"), "null"}), "jq() error: input is not available in jq()");
  EXPECT_EQ(Error("jq", {S("[inputs]"), "null"}), "jq() error: inputs is not available in jq()");
  EXPECT_THAT(Error("jq", {S("import \"x\" as x; ."), "null"}), StartsWith("jq() cannot compile"));
  EXPECT_THAT(Error("jq", {S("include \"x\"; ."), "null"}), StartsWith("jq() cannot compile"));
  EXPECT_THAT(Error("jq", {S("import \"passwd\" as $p {search: \"/etc\"}; $p"), "null"}),
              StartsWith("jq() cannot compile"));
  EXPECT_EQ(Error("jq", {S("\"/etc/passwd\" | modulemeta"), "null"}),
            "jq() error: module not found: /etc/passwd");
  EXPECT_EQ(CallJ("jq", {S("0 | gmtime | todate"), "null"}), R"("1970-01-01T00:00:00Z")");
  EXPECT_EQ(CallJ("jq", {S("1 | stderr"), "null"}), "1");
  // A user's own definitions and variables still work behind the prelude.
  EXPECT_EQ(CallJ("jq", {S("def double: . * 2; map(double)"), "[1,2]"}), "[2,4]");
  EXPECT_EQ(CallJ("jq", {S(". as $x | {} as $ENV | $x + 1"), "1"}), "2");
}

TEST_F(JqTest, DeepValues) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "[";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += "]";
  EXPECT_EQ(CallJ("jq", {S("."), deep}), deep);
  EXPECT_EQ(LimitErr("jq", {S("reduce range(300) as $i (0; [.])"), "null"}),
            "jq() result nests deeper than 256 levels");
}

TEST_F(JqTest, CacheKeepsProgramsApart) {
  // Many distinct programs, more than the cache holds, interleaved with repeats.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(CallJ("jq", {S(". + " + std::to_string(i)), "100"}), std::to_string(100 + i));
    }
  }
  // A program that failed at run time runs cleanly next time.
  EXPECT_THAT(Error("jq", {S(".[0]"), "{}"}), StartsWith("jq() error:"));
  EXPECT_EQ(CallJ("jq", {S(".[0]"), "[7]"}), "7");
}

TEST_F(JqTest, RunsOnSeveralThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      const BuiltinInfo* jq = FindBuiltin("jq");
      BuiltinContext ctx;
      for (int i = 0; i < 50; ++i) {
        std::vector<Value> args = {Value::String("[.[] | . * " + std::to_string(t) + "] | add"),
                                   Value::MakeList({Value::Int(i), Value::Int(1)})};
        auto r = jq->fn(ctx, args);
        if (!r.ok() || r->as_int() != (i + 1) * t) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace weft::stdlib
