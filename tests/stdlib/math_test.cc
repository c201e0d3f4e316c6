// The math builtins of math.cc.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/stdlib/builtin_fixture.h"

namespace weft::stdlib {
namespace {

using MathTest = BuiltinFixture;

TEST_F(MathTest, Abs) {
  EXPECT_EQ(CallJ("abs", {"-5"}), "5");
  EXPECT_EQ(CallJ("abs", {"5"}), "5");
  EXPECT_EQ(CallJ("abs", {"-2.5"}), "2.5");
  EXPECT_EQ(CallJ("abs", {"-9223372036854775807"}), "9223372036854775807");
  EXPECT_EQ(Error("abs", {"-9223372036854775808"}),
            "abs() integer overflow: -9223372036854775808 has no int absolute value");
  EXPECT_EQ(Error("abs", {R"("-1")"}), "abs() expects a number, got string");
}

TEST_F(MathTest, FloorCeilRoundGiveInts) {
  EXPECT_EQ(CallJ("floor", {"2.7"}), "2");
  EXPECT_EQ(CallJ("floor", {"-2.1"}), "-3");
  EXPECT_EQ(CallJ("ceil", {"2.1"}), "3");
  EXPECT_EQ(CallJ("ceil", {"-2.7"}), "-2");
  EXPECT_EQ(CallJ("round", {"2.5"}), "3");
  EXPECT_EQ(CallJ("round", {"-2.5"}), "-3");  // halves away from zero
  EXPECT_EQ(CallJ("round", {"2.49"}), "2");
  EXPECT_EQ(CallJ("floor", {"7"}), "7");
  EXPECT_EQ(CallJ("round", {"-0.4"}), "0");
  EXPECT_EQ(Error("floor", {"1e19"}), "floor() result 10000000000000000000.0 is out of the 64-bit integer range");
  EXPECT_EQ(Error("ceil", {"null"}), "ceil() expects a number, got null");
}

TEST_F(MathTest, Pow) {
  EXPECT_EQ(CallJ("pow", {"2", "10"}), "1024");
  EXPECT_EQ(CallJ("pow", {"-3", "3"}), "-27");
  EXPECT_EQ(CallJ("pow", {"7", "0"}), "1");
  EXPECT_EQ(CallJ("pow", {"0", "0"}), "1");
  EXPECT_EQ(CallJ("pow", {"2", "62"}), "4611686018427387904");
  EXPECT_EQ(CallJ("pow", {"-2", "63"}), "-9223372036854775808");
  EXPECT_EQ(CallJ("pow", {"-1", "9223372036854775807"}), "-1");
  EXPECT_EQ(CallJ("pow", {"2", "-1"}), "0.5");
  EXPECT_EQ(CallJ("pow", {"2.0", "3"}), "8.0");
  EXPECT_EQ(CallJ("pow", {"4", "0.5"}), "2.0");
  EXPECT_EQ(Error("pow", {"2", "63"}), "pow() integer overflow; use a float base for a float result");
  EXPECT_EQ(Error("pow", {"10", "100"}), "pow() integer overflow; use a float base for a float result");
  EXPECT_EQ(CallJ("pow", {"10.0", "100"}), "1e100");
  EXPECT_EQ(Error("pow", {"0", "-1"}), "pow() result is not a finite number");
  EXPECT_EQ(Error("pow", {"-8", "0.5"}), "pow() result is not a finite number");
  EXPECT_EQ(Error("pow", {"10.0", "400"}), "pow() result is not a finite number");
  EXPECT_EQ(Error("pow", {R"("2")", "2"}), "pow() expects a number base, got string");
  EXPECT_EQ(Error("pow", {"2", "true"}), "pow() expects a number exponent, got bool");
}

TEST_F(MathTest, Sqrt) {
  EXPECT_EQ(CallJ("sqrt", {"16"}), "4.0");
  EXPECT_EQ(CallJ("sqrt", {"2.25"}), "1.5");
  EXPECT_EQ(CallJ("sqrt", {"0"}), "0.0");
  EXPECT_EQ(Error("sqrt", {"-1"}), "sqrt() expects a non-negative number, got -1");
  EXPECT_EQ(Error("sqrt", {"[]"}), "sqrt() expects a number, got list");
}

TEST_F(MathTest, Clamp) {
  EXPECT_EQ(CallJ("clamp", {"5", "0", "10"}), "5");
  EXPECT_EQ(CallJ("clamp", {"-5", "0", "10"}), "0");
  EXPECT_EQ(CallJ("clamp", {"15", "0", "10"}), "10");
  EXPECT_EQ(CallJ("clamp", {"2.5", "0", "2"}), "2");
  EXPECT_EQ(CallJ("clamp", {"1", "1.5", "2"}), "1.5");
  EXPECT_EQ(CallJ("clamp", {"3", "3", "3"}), "3");
  EXPECT_EQ(Error("clamp", {"1", "10", "0"}), "clamp() lower bound 10 is above upper bound 0");
  EXPECT_EQ(Error("clamp", {R"("1")", "0", "2"}), "clamp() expects a number, got string");
  EXPECT_EQ(Error("clamp", {"1", "null", "2"}), "clamp() expects a number lower bound, got null");
  EXPECT_EQ(Error("clamp", {"1", "0", "[]"}), "clamp() expects a number upper bound, got list");
}

}  // namespace
}  // namespace weft::stdlib
