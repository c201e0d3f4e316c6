// The list builtins of lists.cc and list_numbers.cc.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/stdlib/builtin_fixture.h"

namespace weft::stdlib {
namespace {

using ListsTest = BuiltinFixture;

TEST_F(ListsTest, SortNumbersAndStrings) {
  EXPECT_EQ(CallJ("sort", {"[3,1,2]"}), "[1,2,3]");
  EXPECT_EQ(CallJ("sort", {"[2.5,-1,2,1e3]"}), "[-1,2,2.5,1000.0]");
  EXPECT_EQ(CallJ("sort", {R"(["b","a","B",""])"}), R"(["","B","a","b"])");  // bytes
  EXPECT_EQ(CallJ("sort", {"[]"}), "[]");
  EXPECT_EQ(CallJ("sort", {"[1]"}), "[1]");
  // Exact across int and float: 2^53 + 1 sorts after the float 2^53.
  EXPECT_EQ(CallJ("sort", {"[9007199254740993,9007199254740992.0]"}),
            "[9007199254740992.0,9007199254740993]");
}

TEST_F(ListsTest, SortIsStable) {
  // 1 and 1.0 are equal: they keep their order.
  EXPECT_EQ(CallJ("sort", {"[2,1.0,1,0,1.0]"}), "[0,1.0,1,1.0,2]");
  EXPECT_EQ(CallJ("sort", {"[1,1.0]"}), "[1,1.0]");
}

TEST_F(ListsTest, SortErrors) {
  EXPECT_EQ(Error("sort", {R"([1,"a"])"}),
            "sort() expects a list of numbers or a list of strings, got int and string");
  EXPECT_EQ(Error("sort", {"[null]"}),
            "sort() expects a list of numbers or a list of strings, got null and null");
  EXPECT_EQ(Error("sort", {"[[1],[0]]"}),
            "sort() expects a list of numbers or a list of strings, got list and list");
  EXPECT_EQ(Error("sort", {R"("cba")"}), "sort() expects a list, got string");
}

TEST_F(ListsTest, Reverse) {
  EXPECT_EQ(CallJ("reverse", {"[1,[2],3]"}), "[3,[2],1]");
  EXPECT_EQ(CallJ("reverse", {"[]"}), "[]");
  EXPECT_EQ(CallJ("reverse", {R"("abc")"}), R"("cba")");
  EXPECT_EQ(Error("reverse", {"{}"}), "reverse() expects a list or string, got object");
}

TEST_F(ListsTest, Unique) {
  EXPECT_EQ(CallJ("unique", {"[3,1,3,2,1]"}), "[3,1,2]");
  EXPECT_EQ(CallJ("unique", {"[1,1.0,true,null,null,\"1\"]"}), R"([1,true,null,"1"])");
  EXPECT_EQ(CallJ("unique", {"[0.5,0.5,-0.0,0]"}), "[0.5,-0.0]");
  EXPECT_EQ(CallJ("unique", {R"([{"a":1,"b":2},{"b":2,"a":1},[1],[1.0],{"a":2}])"}),
            R"([{"a":1,"b":2},[1],{"a":2}])");
  EXPECT_EQ(CallJ("unique", {"[]"}), "[]");
  EXPECT_EQ(Error("unique", {"1"}), "unique() expects a list, got int");
}

TEST_F(ListsTest, Flatten) {
  EXPECT_EQ(CallJ("flatten", {"[1,[2,3],[],[[4]]]"}), "[1,2,3,[4]]");
  EXPECT_EQ(CallJ("flatten", {"[]"}), "[]");
  EXPECT_EQ(Error("flatten", {"{}"}), "flatten() expects a list, got object");
}

TEST_F(ListsTest, Range) {
  EXPECT_EQ(CallJ("range", {"4"}), "[0,1,2,3]");
  EXPECT_EQ(CallJ("range", {"0"}), "[]");
  EXPECT_EQ(CallJ("range", {"-3"}), "[]");
  EXPECT_EQ(CallJ("range", {"2", "5"}), "[2,3,4]");
  EXPECT_EQ(CallJ("range", {"0", "10", "3"}), "[0,3,6,9]");
  EXPECT_EQ(CallJ("range", {"5", "0", "-2"}), "[5,3,1]");
  EXPECT_EQ(CallJ("range", {"5", "0"}), "[]");
  EXPECT_EQ(CallJ("range", {"0", "5", "-1"}), "[]");
  // Near the ends of int64, without overflow.
  EXPECT_EQ(CallJ("range", {"9223372036854775805", "9223372036854775807"}),
            "[9223372036854775805,9223372036854775806]");
  EXPECT_EQ(CallJ("range", {"-9223372036854775807", "-9223372036854775808", "-9223372036854775807"}),
            "[-9223372036854775807]");
  EXPECT_EQ(CallJ("range", {"9223372036854775806", "9223372036854775807", "9223372036854775807"}),
            "[9223372036854775806]");
  EXPECT_EQ(Error("range", {"0", "1", "0"}), "range() step must not be 0");
  EXPECT_EQ(LimitErr("range", {"-9223372036854775808", "9223372036854775807"}),
            "range() would make 18446744073709551615 items; at most 10485760 are allowed");
  EXPECT_EQ(Error("range", {"2.0"}), "range() expects an int, got float");
  EXPECT_EQ(Error("range", {"0", R"("5")"}), "range() expects an int end, got string");
  EXPECT_EQ(Error("range", {"0", "5", "null"}), "range() expects an int step, got null");
}

TEST_F(ListsTest, Slice) {
  EXPECT_EQ(CallJ("slice", {"[0,1,2,3,4]", "1", "3"}), "[1,2]");
  EXPECT_EQ(CallJ("slice", {"[0,1,2,3,4]", "2"}), "[2,3,4]");
  EXPECT_EQ(CallJ("slice", {"[0,1,2,3,4]", "-2"}), "[3,4]");
  EXPECT_EQ(CallJ("slice", {"[0,1,2,3,4]", "0", "-1"}), "[0,1,2,3]");
  EXPECT_EQ(CallJ("slice", {"[0,1,2,3,4]", "3", "1"}), "[]");
  EXPECT_EQ(CallJ("slice", {"[0,1,2,3,4]", "-99", "99"}), "[0,1,2,3,4]");
  EXPECT_EQ(CallJ("slice", {"[0,1,2,3,4]", "1", "null"}), "[1,2,3,4]");
  EXPECT_EQ(CallJ("slice", {"[]", "0", "1"}), "[]");
  EXPECT_EQ(Error("slice", {R"("abc")", "0"}), "slice() expects a list, got string");
  EXPECT_EQ(Error("slice", {"[1]", "0.0"}), "slice() expects an int start, got float");
  EXPECT_EQ(Error("slice", {"[1]", "0", R"("1")"}), "slice() expects an int end, got string");
}

TEST_F(ListsTest, Sum) {
  EXPECT_EQ(CallJ("sum", {"[1,2,3]"}), "6");
  EXPECT_EQ(CallJ("sum", {"[]"}), "0");
  EXPECT_EQ(CallJ("sum", {"[1,2.5]"}), "3.5");
  EXPECT_EQ(CallJ("sum", {"[0.5,0.5]"}), "1.0");
  EXPECT_EQ(CallJ("sum", {"[9223372036854775807,-1]"}), "9223372036854775806");
  EXPECT_EQ(Error("sum", {"[9223372036854775807,1]"}),
            "sum() integer overflow; convert the items with float() first");
  EXPECT_EQ(Error("sum", {"[1e308,1e308]"}), "sum() result is out of the float range");
  EXPECT_EQ(Error("sum", {R"([1,"2"])"}), "sum() expects a list of numbers, got an item of kind string");
  EXPECT_EQ(Error("sum", {"3"}), "sum() expects a list, got int");
}

TEST_F(ListsTest, MinMax) {
  EXPECT_EQ(CallJ("min", {"[3,1,2]"}), "1");
  EXPECT_EQ(CallJ("max", {"[3,1,2]"}), "3");
  EXPECT_EQ(CallJ("min", {"[2,1.5]"}), "1.5");
  EXPECT_EQ(CallJ("max", {R"(["pear","apple"])"}), R"("pear")");
  EXPECT_EQ(CallJ("min", {"[]"}), "null");
  EXPECT_EQ(CallJ("max", {"[]"}), "null");
  EXPECT_EQ(CallJ("min", {"[1,1.0]"}), "1");  // ties keep the first
  EXPECT_EQ(CallJ("max", {"[1.0,1]"}), "1.0");
  EXPECT_EQ(CallJ("min", {"4", "2"}), "2");
  EXPECT_EQ(CallJ("max", {"4", "2.5"}), "4");
  EXPECT_EQ(CallJ("max", {R"("a")", R"("b")"}), R"("b")");
}

TEST_F(ListsTest, MinMaxErrors) {
  EXPECT_EQ(Error("min", {"[1,\"a\"]"}), "min() expects numbers or strings, not a mix, got int and string");
  EXPECT_EQ(Error("max", {"1", "null"}), "max() expects numbers or strings, not a mix, got int and null");
  EXPECT_EQ(Error("min", {"5"}), "min() expects a list (or two values), got int");
  EXPECT_EQ(Error("min", {"[1]", "[0]"}), "min() expects numbers or strings, not a mix, got list and list");
  // Even a single item must be a number or a string.
  EXPECT_EQ(Error("max", {"[[1]]"}), "max() expects numbers or strings, not a mix, got list and list");
}

TEST_F(ListsTest, FirstLast) {
  EXPECT_EQ(CallJ("first", {"[1,2,3]"}), "1");
  EXPECT_EQ(CallJ("last", {"[1,2,3]"}), "3");
  EXPECT_EQ(CallJ("first", {"[]"}), "null");
  EXPECT_EQ(CallJ("last", {"[]"}), "null");
  EXPECT_EQ(Error("first", {R"("abc")"}), "first() expects a list, got string");
  EXPECT_EQ(Error("last", {"null"}), "last() expects a list, got null");
}

TEST_F(ListsTest, AppendConcatZip) {
  EXPECT_EQ(CallJ("append", {"[1,2]", "[3]"}), "[1,2,[3]]");
  EXPECT_EQ(CallJ("append", {"[]", "null"}), "[null]");
  EXPECT_EQ(CallJ("concat", {"[1,2]", "[3]"}), "[1,2,3]");
  EXPECT_EQ(CallJ("concat", {"[]", "[]"}), "[]");
  EXPECT_EQ(CallJ("zip", {"[1,2,3]", R"(["a","b"])"}), R"([[1,"a"],[2,"b"]])");
  EXPECT_EQ(CallJ("zip", {"[]", "[1]"}), "[]");
  EXPECT_EQ(Error("append", {"{}", "1"}), "append() expects a list, got object");
  EXPECT_EQ(Error("concat", {"[1]", "2"}), "concat() expects a list to append, got int");
  EXPECT_EQ(Error("zip", {"[1]", "null"}), "zip() expects a second list, got null");
}

TEST_F(ListsTest, AppendDoesNotChangeItsArgument) {
  Value list = J("[1]");
  auto r = Call("append", {list, Value::Int(2)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(list.ToJson(), "[1]");
  EXPECT_EQ(r->ToJson(), "[1,2]");
}

TEST_F(ListsTest, IndexOfLists) {
  EXPECT_EQ(CallJ("index_of", {"[1,2,3,2]", "2"}), "1");
  EXPECT_EQ(CallJ("index_of", {"[1,2,3]", "3.0"}), "2");
  EXPECT_EQ(CallJ("index_of", {R"([{"a":1}])", R"({"a":1})"}), "0");
  EXPECT_EQ(CallJ("index_of", {"[1,2,3]", "4"}), "-1");
  EXPECT_EQ(CallJ("index_of", {"[]", "null"}), "-1");
}

}  // namespace
}  // namespace weft::stdlib
