// Builtins and the value limits: results past a limit are refused (ResourceExhausted, raised by
// the VM as LIMIT_EXCEEDED) before they are built; work on values that share structure follows
// their physical size or stops at the limit; and each call reports the work it did for fuel.
#include <string>

#include "gtest/gtest.h"
#include "stdlib/jq.h"
#include "tests/stdlib/builtin_fixture.h"

namespace weft::stdlib {
namespace {

using LimitsTest = BuiltinFixture;

Value Str(std::string s) { return Value::String(std::move(s)); }

// o = [o, o], `times` times: 2^times leaves, a few dozen nodes in memory.
Value Doubled(int times) {
  Value o = Value::MakeList({});
  for (int i = 0; i < times; ++i) o = Value::MakeList({o, o});
  return o;
}

TEST_F(LimitsTest, SplitOfAHugeStringIsRefusedBeforeItIsBuilt) {
  // 60 million separators: 60 million and one pieces, past the list limit.
  const std::string commas(60'000'000, ',');
  EXPECT_EQ(LimitErrV("split", {Str(commas), Str(",")}),
            "split() result would have more than 10485760 items");
  EXPECT_EQ(LimitErrV("lines", {Str(std::string(20'000'000, '\n'))}),
            "lines() result would have more than 10485760 items");
  // Below the limit it still works, whatever the length.
  auto r = Call("split", {Str(std::string(30'000'000, 'x') + ",y"), Str(",")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->as_list().size(), 2u);
}

TEST_F(LimitsTest, JoinAndReplaceStopAtTheStringLimit) {
  const Value big = Str(std::string(40 << 20, 'x'));
  EXPECT_EQ(LimitErrV("join", {Value::MakeList({big, big}), Str("")}),
            "join() result is too large (over 64 MiB)");
  EXPECT_EQ(LimitErrV("join", {Value::MakeList({Doubled(40)}), Str("")}),
            "join() result is too large (over 64 MiB)");
  EXPECT_EQ(LimitErrV("replace", {big, Str("x"), Str("yy")}),
            "replace() result is too large (over 64 MiB)");
}

TEST_F(LimitsTest, SharedStructureIsRefusedQuickly) {
  // 2^40 values if walked: each of these would not finish without the limits.
  const Value huge = Doubled(40);
  EXPECT_EQ(LimitErrV("json_stringify", {huge}), "json_stringify() result is too large (over 64 MiB)");
  EXPECT_EQ(LimitErrV("json_stringify", {huge, Value::Int(2)}),
            "json_stringify() result is too large (over 64 MiB)");
  EXPECT_EQ(LimitErrV("str", {huge}), "str() result is too large (over 64 MiB)");
  EXPECT_NE(LimitErrV("jq", {Str("."), huge}).find("jq() input: value of total size"),
            std::string::npos);
  // Within the limits (2^27 - 1 values), the text would still pass the string limit.
  const Value legal = Doubled(26);
  ASSERT_TRUE(legal.CheckLimits().ok());
  EXPECT_EQ(LimitErrV("json_stringify", {legal}), "json_stringify() result is too large (over 64 MiB)");
  // jq converts shared parts once, both ways: the identity on the legal value is quick in
  // process (a jq() call ships its value to a child process, which cannot keep the sharing),
  // and a program that doubles its input forty times is refused as soon as the result is seen.
  JqResult same = RunJqInProcess(Str("."), legal);
  ASSERT_TRUE(same.ok) << same.message;
  EXPECT_EQ(same.value.total_size(), legal.total_size());
  EXPECT_EQ(LimitErrV("jq", {Str("reduce range(40) as $i ([]; [., .])"), Value()}),
            "jq() result is past the total size limit");
}

TEST_F(LimitsTest, ListBuildersCheckTheirLengthFirst) {
  const Value big = Value::MakeList(List(6 << 20));
  EXPECT_EQ(LimitErrV("concat", {big, big}), "concat() result would have more than 10485760 items");
  EXPECT_EQ(LimitErrV("flatten", {Value::MakeList({big, big})}),
            "flatten() result would have more than 10485760 items");
  // flatten of a list that shares one big list a million times: refused without copying.
  EXPECT_EQ(LimitErrV("flatten", {Value::MakeList(List(1'000'000, big))}),
            "flatten() result would have more than 10485760 items");
  EXPECT_EQ(LimitErrV("append", {Value::MakeList(List(Value::kMaxListItems)), Value()}),
            "append() result would have more than 10485760 items");
}

TEST_F(LimitsTest, UniqueOfManyContainersIsLinear) {
  // 200,000 distinct objects: pairwise comparison would take 2 * 10^10 steps.
  List items;
  for (int i = 0; i < 200'000; ++i) {
    items.push_back(Value::MakeObject(Object({{"i", Value::Int(i)}, {"s", Str("x")}})));
  }
  items.push_back(Value::MakeObject(Object({{"s", Str("x")}, {"i", Value::Double(7.0)}})));  // == #7
  auto r = Call("unique", {Value::MakeList(std::move(items))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->as_list().size(), 200'000u);
  EXPECT_EQ(CallJ("unique", {R"([[1,{"a":1,"b":[2]}],[1.0,{"b":[2.0],"a":1}],[1,{"a":2}]])"}),
            R"([[1,{"a":1,"b":[2]}],[1,{"a":2}]])");
}

TEST_F(LimitsTest, BuiltinsReportTheirWork) {
  ctx_.work = 0;
  ASSERT_TRUE(Call("split", {Str(std::string(1000, 'a')), Str(",")}).ok());
  EXPECT_GE(ctx_.work, 1000u);
  ctx_.work = 0;
  ASSERT_TRUE(Call("jq", {Str("."), J(R"({"a":[1,2,3]})")}).ok());
  EXPECT_GE(ctx_.work, 2 * J(R"({"a":[1,2,3]})").total_size());
  ctx_.work = 0;
  ASSERT_TRUE(Call("contains", {Value::MakeList(List(5000)), Value::Int(1)}).ok());
  EXPECT_GE(ctx_.work, 5000u);
}

TEST_F(LimitsTest, JsonParsePastALimitIsALimitError) {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  EXPECT_EQ(LimitErrV("json_parse", {Str(deep)}),
            "json_parse() invalid JSON at offset 256: nesting deeper than 256 levels");
}

}  // namespace
}  // namespace weft::stdlib
