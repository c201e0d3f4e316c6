// JSON text: parsing choices, printing (compact, pretty, display), byte-exact round trips of
// canonical compact JSON, and errors.
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "gtest/gtest.h"
#include "weft/value.h"
#include "tests/value/value_printer.h"

namespace weft {
namespace {

Value Parse(std::string_view json) {
  auto v = Value::FromJson(json);
  EXPECT_TRUE(v.ok()) << json << ": " << v.status();
  return v.ok() ? *v : Value();
}

std::string ParseError(std::string_view json) {
  auto v = Value::FromJson(json);
  EXPECT_FALSE(v.ok()) << json << " parsed as " << v->ToJson();
  if (v.ok()) return "";
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(v.status().message());
}

// Canonical compact JSON: what ToJson prints. Each must come back byte for byte.
const char* const kCanonical[] = {
    "null", "true", "false", "0", "-1", "42",
    "9223372036854775807", "-9223372036854775808",
    "0.1", "1.0", "-1.0", "1.5", "-0.0", "100000.0", "123.456", "0.000001", "1e-7", "1e300",
    "-1e300", "1e21", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
    "0.30000000000000004", "123456789012345680000.0", "1.5e-10", "3.141592653589793",
    R"("")", R"("hello")", R"("quote \" backslash \\ slash /")", R"("\n\t\r\b\f")",
    R"("\u0000\u0001\u001f")", "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"",
    "[]", "{}", "[1,2,3]", R"([null,true,1,1.5,"s",[],{}])",
    R"({"b":1,"a":2,"c":{"z":[1,{"y":null}],"x":"w"}})",
    R"({"zebra":1,"apple":2,"mango":3})", R"([[[[[]]]]])",
    R"({"":"empty key","k\u0000nul":1})",
};

TEST(JsonTest, CanonicalCorpusRoundTripsExactly) {
  for (const char* text : kCanonical) {
    Value v = Parse(text);
    EXPECT_EQ(v.ToJson(), text);
  }
}

TEST(JsonTest, IntegersStayExact) {
  Value max = Parse("9223372036854775807");
  ASSERT_TRUE(max.is_int());
  EXPECT_EQ(max.as_int(), std::numeric_limits<int64_t>::max());
  Value min = Parse("-9223372036854775808");
  ASSERT_TRUE(min.is_int());
  EXPECT_EQ(min.as_int(), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(Parse("12").is_int());
  EXPECT_TRUE(Parse("12.0").is_double());
  EXPECT_TRUE(Parse("12e0").is_double());
  EXPECT_TRUE(Parse("-0").is_int());
}

TEST(JsonTest, IntegersBeyondInt64BecomeDoubles) {
  Value above = Parse("9223372036854775808");
  ASSERT_TRUE(above.is_double());
  EXPECT_EQ(above.as_double(), 9223372036854775808.0);
  Value u64max = Parse("18446744073709551615");
  ASSERT_TRUE(u64max.is_double());
  EXPECT_EQ(u64max.as_double(), 18446744073709551616.0);
  Value below = Parse("-9223372036854775809");
  ASSERT_TRUE(below.is_double());
  Value huge = Parse("123456789012345678901234567890");
  ASSERT_TRUE(huge.is_double());
  EXPECT_EQ(huge.as_double(), 1.2345678901234568e29);
}

TEST(JsonTest, DoublesAreCorrectlyRounded) {
  EXPECT_EQ(Parse("0.1").as_double(), 0.1);
  EXPECT_EQ(Parse("2.2250738585072011e-308").as_double(), 2.2250738585072011e-308);
  EXPECT_EQ(Parse("1.00000000000000011102230246251565404236316680908203125").as_double(),
            1.0);
  EXPECT_EQ(Parse("1.00000000000000011102230246251565404236316680908203126").as_double(),
            1.0000000000000002);
}

TEST(JsonTest, RandomDoublesRoundTrip) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    std::string text = Value::Double(d).ToJson();
    Value back = Parse(text);
    ASSERT_TRUE(back.is_double()) << text;
    double got = back.as_double();
    ASSERT_EQ(std::memcmp(&d, &got, sizeof d), 0) << text;
    ASSERT_EQ(back.ToJson(), text);
  }
}

TEST(JsonTest, NonCanonicalInputNormalises) {
  EXPECT_EQ(Parse(" { \"a\" : [ 1 , 2 ] } ").ToJson(), R"({"a":[1,2]})");
  EXPECT_EQ(Parse("1E2").ToJson(), "100.0");
  EXPECT_EQ(Parse("1e+300").ToJson(), "1e300");
  EXPECT_EQ(Parse("0.10").ToJson(), "0.1");
  EXPECT_EQ(Parse(R"("\u00e9\ud83d\ude00\/")").ToJson(), "\"\xC3\xA9\xF0\x9F\x98\x80/\"");
  EXPECT_EQ(Parse(R"("\u007f")").ToJson(), "\"\x7f\"");
}

TEST(JsonTest, ObjectsKeepInsertionOrder) {
  Value v = Parse(R"({"z":1,"a":2,"m":3})");
  const auto& e = v.as_object().entries();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].first, "z");
  EXPECT_EQ(e[1].first, "a");
  EXPECT_EQ(e[2].first, "m");
}

TEST(JsonTest, DuplicateKeysLaterWinsAtFirstPosition) {
  Value v = Parse(R"({"a":1,"b":2,"a":3})");
  EXPECT_EQ(v.ToJson(), R"({"a":3,"b":2})");
}

TEST(JsonTest, NanAndInfinityPrintAsNull) {
  EXPECT_EQ(Value::Double(std::numeric_limits<double>::quiet_NaN()).ToJson(), "null");
  EXPECT_EQ(Value::Double(std::numeric_limits<double>::infinity()).ToJson(), "null");
  EXPECT_EQ(Value::Double(-std::numeric_limits<double>::infinity()).ToJson(), "null");
}

TEST(JsonTest, InvalidUtf8InStringsPrintsReplacementCharacter) {
  EXPECT_EQ(Value::String("a\xFF" "b").ToJson(), "\"a\xEF\xBF\xBD" "b\"");
  EXPECT_EQ(Value::String("\xC3").ToJson(), "\"\xEF\xBF\xBD\"");           // truncated
  EXPECT_EQ(Value::String("\xED\xA0\x80").ToJson(),                        // a surrogate
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(Value::String("\xC0\xAF").ToJson(), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
  // Whatever the bytes, the output parses.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 12, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    EXPECT_TRUE(Value::FromJson(Value::String(s).ToJson()).ok());
  }
}

// Found by fuzz_json: RapidJSON 1.1.0 turned a lone low surrogate escape into three bytes of
// invalid UTF-8, so the string printed as U+FFFD and its JSON no longer round-tripped.
TEST(JsonTest, LoneSurrogateEscapesAreRejected) {
  for (const char* text : {R"("\udc00")", R"("a\ude00b")", R"({"\udfff": 1})", R"("\ud83d")",
                           R"("\ud83dx")"}) {
    absl::StatusOr<Value> v = Value::FromJson(text);
    EXPECT_FALSE(v.ok()) << text << " gave " << v->ToJson();
    if (!v.ok()) EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  absl::StatusOr<Value> pair = Value::FromJson(R"("\ud83d\ude00")");
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(pair->as_string(), "\xf0\x9f\x98\x80");
}

// Found by fuzz_json: RapidJSON's full-precision conversion asserted (aborting the process) on
// some numbers past the double range, and read others as infinity (which prints as null).
TEST(JsonTest, NumbersThatTripRapidJsonAssertionsAreInvalid) {
  for (const char* text : {"-3723.5685e309", "[3723.5685e309]", R"({"a": -3723.5685e309})",
                           "2e308", "-1e400", "[1, 18e307]"}) {
    absl::StatusOr<Value> v = Value::FromJson(text);
    EXPECT_FALSE(v.ok()) << text;
    if (!v.ok()) EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  EXPECT_TRUE(Value::FromJson("[1.5e308, -2e-320]").ok());
}

// Found by a 10M-input run of fuzz_json: RapidJSON's full-precision conversion read out of
// bounds (SEGV) on a number of a few hundred digits with an exponent
// (tests/fuzz/corpus/json/crash-long-number-segv.json). Numbers past 64 characters are refused
// before RapidJSON reads them; a string of digits is not a number.
TEST(JsonTest, OverlongNumbersAreInvalidAndNeverReachTheConverter) {
  const std::string digits(300, '7');
  for (const std::string& text :
       {"[9291," + digits + "." + digits + "E-368]", digits, "-" + digits, "1." + digits,
        R"({"a": )" + digits + "}", "1e" + digits}) {
    absl::StatusOr<Value> v = Value::FromJson(text);
    ASSERT_FALSE(v.ok()) << text;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(v.status().message().find("a number longer than 64 characters"), std::string::npos)
        << v.status();
  }
  const std::string just_fits = "0." + std::string(62, '1');
  ASSERT_EQ(just_fits.size(), 64u);
  EXPECT_TRUE(Value::FromJson(just_fits).ok());
  EXPECT_TRUE(Value::FromJson("[\"" + digits + "\", \"\\\"" + digits + "\"]").ok());
  EXPECT_TRUE(Value::FromJson("-9223372036854775808").ok());
}

// fuzz_json (CI, 2026-12-04): a 51-character number with many digits and a large negative
// exponent made RapidJSON's full-precision conversion read out of bounds (SEGV under ASan).
// Numbers are now converted by Weft (from_chars, strtod): tiny ones underflow to 0 or a
// subnormal, and doubles are still correctly rounded.
TEST(JsonTest, TinyNumbersWithManyDigitsUnderflowInsteadOfCrashing) {
  for (const char* text : {"750368547758.522478547687755809223808072280548E-368",
                           "[9291,268547687758074872272,750368547758.522478547687755809223808072280548E-368]",
                           "1e-400", "-1234567890123456789012345e-360"}) {
    absl::StatusOr<Value> v = Value::FromJson(text);
    ASSERT_TRUE(v.ok()) << text << ": " << v.status();
  }
  EXPECT_EQ(Parse("1e-400").as_double(), 0.0);
  EXPECT_EQ(Parse("4.9406564584124654e-324").as_double(), 4.9406564584124654e-324);
  EXPECT_EQ(Parse("0.1").as_double(), 0.1);
  EXPECT_EQ(Parse("2.2250738585072011e-308").as_double(), 2.2250738585072011e-308);
  EXPECT_EQ(Parse("9223372036854775807").as_int(), INT64_MAX);
  EXPECT_EQ(Parse("9223372036854775808").as_double(), 9223372036854775808.0);
  EXPECT_EQ(Parse("-0").as_int(), 0);
}

TEST(JsonTest, PrettyJson) {
  Value v = Parse(R"({"a":[1,{"b":null}],"c":{},"d":[]})");
  EXPECT_EQ(v.ToPrettyJson(),
            "{\n"
            "  \"a\": [\n"
            "    1,\n"
            "    {\n"
            "      \"b\": null\n"
            "    }\n"
            "  ],\n"
            "  \"c\": {},\n"
            "  \"d\": []\n"
            "}");
  EXPECT_EQ(Value::Int(3).ToPrettyJson(), "3");
  EXPECT_EQ(*Value::FromJson(v.ToPrettyJson()), v);
}

TEST(JsonTest, DisplayString) {
  EXPECT_EQ(Value::String("plain \"text\"").ToDisplayString(), "plain \"text\"");
  EXPECT_EQ(Value::Int(5).ToDisplayString(), "5");
  EXPECT_EQ(Value::Double(2).ToDisplayString(), "2.0");
  EXPECT_EQ(Value::Null().ToDisplayString(), "null");
  EXPECT_EQ(Parse(R"(["a",{"b":true}])").ToDisplayString(), R"(["a",{"b":true}])");
}

TEST(JsonTest, ErrorsNameTheOffset) {
  EXPECT_EQ(ParseError(""), "invalid JSON at offset 0: The document is empty.");
  EXPECT_EQ(ParseError("   "), "invalid JSON at offset 3: The document is empty.");
  EXPECT_EQ(ParseError("[1,2] x"),
            "invalid JSON at offset 6: The document root must not be followed by other values.");
  EXPECT_NE(ParseError("{\"a\":}").find("offset 5"), std::string::npos);
  EXPECT_NE(ParseError("[1,]").find("offset 3"), std::string::npos);
  EXPECT_NE(ParseError("\"\xFF\"").find("Invalid encoding"), std::string::npos);
  EXPECT_EQ(ParseError(std::string_view("1\0 2", 4)),
            "invalid JSON at offset 1: unexpected NUL byte");
  ParseError("NaN");
  ParseError("Infinity");
  ParseError("'single'");
  ParseError("\"unterminated");
  ParseError("01");
  ParseError("{\"a\" 1}");
  ParseError("[1 2]");
  ParseError("\"\\ud800\"");  // a lone surrogate escape
  ParseError("\"tab\tinside\"");
}

TEST(JsonTest, DepthLimit) {
  std::string ok(Value::kMaxDepth, '[');
  ok += std::string(Value::kMaxDepth, ']');
  EXPECT_TRUE(Value::FromJson(ok).ok());
  std::string deep(Value::kMaxDepth + 1, '[');
  deep += std::string(Value::kMaxDepth + 1, ']');
  EXPECT_NE(ParseError(deep).find("nesting deeper than 256 levels"), std::string::npos);
  // Very deep input fails cleanly rather than exhausting the stack.
  std::string very(1000000, '[');
  EXPECT_NE(ParseError(very).find("nesting deeper"), std::string::npos);
  std::string objs;
  for (int i = 0; i < 300; ++i) objs += "{\"a\":";
  EXPECT_NE(ParseError(objs).find("nesting deeper"), std::string::npos);
}

}  // namespace
}  // namespace weft
