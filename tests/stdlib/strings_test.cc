// The string builtins of strings_more.cc: trim*, starts_with, ends_with, replace, substr,
// index_of on strings, pad_left, pad_right, repeat, lines.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/stdlib/builtin_fixture.h"

namespace weft::stdlib {
namespace {

using StringsTest = BuiltinFixture;

TEST_F(StringsTest, Trim) {
  EXPECT_EQ(CallJ("trim", {R"("  a b \t\n")"}), R"("a b")");
  EXPECT_EQ(CallJ("trim_start", {R"("  a b  ")"}), R"("a b  ")");
  EXPECT_EQ(CallJ("trim_end", {R"("  a b  ")"}), R"("  a b")");
  EXPECT_EQ(CallJ("trim", {R"("   ")"}), R"("")");
  EXPECT_EQ(CallJ("trim", {R"("")"}), R"("")");
  EXPECT_EQ(CallJ("trim", {"\"\xC2\xA0x\""}), "\"\xC2\xA0x\"");  // ASCII whitespace only
  EXPECT_EQ(Error("trim", {"1"}), "trim() expects a string, got int");
  EXPECT_EQ(Error("trim_end", {"null"}), "trim_end() expects a string, got null");
}

TEST_F(StringsTest, StartsAndEndsWith) {
  EXPECT_EQ(CallJ("starts_with", {R"("order-17")", R"("order-")"}), "true");
  EXPECT_EQ(CallJ("starts_with", {R"("order-17")", R"("17")"}), "false");
  EXPECT_EQ(CallJ("starts_with", {R"("ab")", R"("abc")"}), "false");
  EXPECT_EQ(CallJ("starts_with", {R"("ab")", R"("")"}), "true");
  EXPECT_EQ(CallJ("ends_with", {R"("report.pdf")", R"(".pdf")"}), "true");
  EXPECT_EQ(CallJ("ends_with", {R"("report.pdf")", R"(".PDF")"}), "false");
  EXPECT_EQ(Error("starts_with", {"[1]", R"("a")"}), "starts_with() expects a string, got list");
  EXPECT_EQ(Error("ends_with", {R"("a")", "1"}), "ends_with() expects a string suffix, got int");
}

TEST_F(StringsTest, Replace) {
  EXPECT_EQ(CallJ("replace", {R"("a-b-c")", R"("-")", R"("+")"}), R"("a+b+c")");
  EXPECT_EQ(CallJ("replace", {R"("aaa")", R"("aa")", R"("b")"}), R"("ba")");  // no overlaps
  EXPECT_EQ(CallJ("replace", {R"("abc")", R"("x")", R"("y")"}), R"("abc")");
  EXPECT_EQ(CallJ("replace", {R"("abc")", R"("b")", R"("")"}), R"("ac")");
  EXPECT_EQ(CallJ("replace", {R"("ab")", R"("ab")", R"("abab")"}), R"("abab")");  // not rescanned
  EXPECT_EQ(Error("replace", {R"("abc")", R"("")", R"("y")"}),
            "replace() string to replace must not be empty");
  EXPECT_EQ(Error("replace", {R"("abc")", "1", R"("y")"}),
            "replace() expects a string to replace, got int");
  EXPECT_EQ(Error("replace", {R"("abc")", R"("a")", "null"}),
            "replace() expects a string replacement, got null");
}

TEST_F(StringsTest, Substr) {
  EXPECT_EQ(CallJ("substr", {R"("hello")", "1", "3"}), R"("ell")");
  EXPECT_EQ(CallJ("substr", {R"("hello")", "1"}), R"("ello")");
  EXPECT_EQ(CallJ("substr", {R"("hello")", "-3"}), R"("llo")");
  EXPECT_EQ(CallJ("substr", {R"("hello")", "-3", "2"}), R"("ll")");
  EXPECT_EQ(CallJ("substr", {R"("hello")", "-99", "2"}), R"("he")");
  EXPECT_EQ(CallJ("substr", {R"("hello")", "99"}), R"("")");
  EXPECT_EQ(CallJ("substr", {R"("hello")", "2", "99"}), R"("llo")");
  EXPECT_EQ(CallJ("substr", {R"("hello")", "2", "0"}), R"("")");
  EXPECT_EQ(CallJ("substr", {R"("hello")", "-9223372036854775808"}), R"("hello")");
  EXPECT_EQ(Error("substr", {R"("hello")", "1", "-1"}), "substr() length must not be negative");
  EXPECT_EQ(Error("substr", {R"("hello")", "1.0"}), "substr() expects an int start, got float");
  EXPECT_EQ(Error("substr", {"5", "1"}), "substr() expects a string, got int");
}

TEST_F(StringsTest, IndexOfStrings) {
  EXPECT_EQ(CallJ("index_of", {R"("hello")", R"("l")"}), "2");
  EXPECT_EQ(CallJ("index_of", {R"("hello")", R"("lo")"}), "3");
  EXPECT_EQ(CallJ("index_of", {R"("hello")", R"("x")"}), "-1");
  EXPECT_EQ(CallJ("index_of", {R"("hello")", R"("")"}), "0");
  EXPECT_EQ(Error("index_of", {R"("hello")", "1"}),
            "index_of() expects a string to find in a string, got int");
  EXPECT_EQ(Error("index_of", {"{}", "1"}), "index_of() expects a string or list, got object");
}

TEST_F(StringsTest, Pad) {
  EXPECT_EQ(CallJ("pad_left", {R"("7")", "3", R"("0")"}), R"("007")");
  EXPECT_EQ(CallJ("pad_left", {R"("7")", "3"}), R"("  7")");
  EXPECT_EQ(CallJ("pad_right", {R"("ab")", "5", R"(".")"}), R"("ab...")");
  EXPECT_EQ(CallJ("pad_left", {R"("abc")", "8", R"("xy")"}), R"("xyxyxabc")");  // cut to fit
  EXPECT_EQ(CallJ("pad_left", {R"("abcdef")", "3"}), R"("abcdef")");  // never truncates
  EXPECT_EQ(CallJ("pad_right", {R"("")", "0"}), R"("")");
  EXPECT_EQ(CallJ("pad_left", {R"("a")", "-5"}), R"("a")");
  EXPECT_EQ(Error("pad_left", {R"("a")", "3", R"("")"}), "pad_left() fill must not be empty");
  EXPECT_EQ(Error("pad_right", {R"("a")", "3.5"}), "pad_right() expects an int width, got float");
  EXPECT_EQ(Error("pad_right", {R"("a")", "3", "0"}), "pad_right() expects a string fill, got int");
  EXPECT_EQ(LimitErr("pad_left", {R"("a")", "9223372036854775807"}),
            "pad_left() width is too large (at most 64 MiB)");
}

TEST_F(StringsTest, Repeat) {
  EXPECT_EQ(CallJ("repeat", {R"("ab")", "3"}), R"("ababab")");
  EXPECT_EQ(CallJ("repeat", {R"("ab")", "0"}), R"("")");
  EXPECT_EQ(CallJ("repeat", {R"("")", "9223372036854775807"}), R"("")");
  EXPECT_EQ(Error("repeat", {R"("ab")", "-1"}), "repeat() count must not be negative");
  EXPECT_EQ(LimitErr("repeat", {R"("ab")", "4611686018427387904"}),
            "repeat() result is too large (over 64 MiB)");
  EXPECT_EQ(Error("repeat", {"1", "2"}), "repeat() expects a string, got int");
  EXPECT_EQ(Error("repeat", {R"("a")", R"("2")"}), "repeat() expects an int count, got string");
}

TEST_F(StringsTest, Lines) {
  EXPECT_EQ(CallJ("lines", {R"("a\nb\r\nc")"}), R"(["a","b","c"])");
  EXPECT_EQ(CallJ("lines", {R"("a\n")"}), R"(["a"])");
  EXPECT_EQ(CallJ("lines", {R"("a\n\nb")"}), R"(["a","","b"])");
  EXPECT_EQ(CallJ("lines", {R"("\n")"}), R"([""])");
  EXPECT_EQ(CallJ("lines", {R"("")"}), "[]");
  EXPECT_EQ(CallJ("lines", {R"("a\rb")"}), R"(["a\rb"])");  // a lone \r is not a line end
  EXPECT_EQ(Error("lines", {"[]"}), "lines() expects a string, got list");
}

}  // namespace
}  // namespace weft::stdlib
