// format_time, parse_time, format_duration, parse_duration: UTC only, no clock, exact ms.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/stdlib/builtin_fixture.h"

namespace weft::stdlib {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using TimeTest = BuiltinFixture;

TEST_F(TimeTest, FormatTimeDefaultsToRfc3339Utc) {
  EXPECT_EQ(CallJ("format_time", {"1700000000123"}), R"("2023-11-14T22:13:20.123Z")");
  EXPECT_EQ(CallJ("format_time", {"0"}), R"("1970-01-01T00:00:00.000Z")");
  EXPECT_EQ(CallJ("format_time", {"-1"}), R"("1969-12-31T23:59:59.999Z")");
  EXPECT_EQ(CallJ("format_time", {"253402300799999"}), R"("9999-12-31T23:59:59.999Z")");
  EXPECT_EQ(CallJ("format_time", {"-62167219200000"}), R"("0000-01-01T00:00:00.000Z")");
}

TEST_F(TimeTest, FormatTimeWithLayout) {
  EXPECT_EQ(CallJ("format_time", {"1700000000123", R"("%Y-%m-%d")"}), R"("2023-11-14")");
  EXPECT_EQ(CallJ("format_time", {"1700000000123", R"("%H:%M:%S %Z")"}), R"("22:13:20 UTC")");
  EXPECT_EQ(CallJ("format_time", {"1700000000123", R"("%Y-%m-%dT%H:%M:%E*S%Ez")"}),
            R"("2023-11-14T22:13:20.123+00:00")");
  EXPECT_EQ(CallJ("format_time", {"1700000000123", R"("")"}), R"("")");
}

TEST_F(TimeTest, FormatTimeErrors) {
  EXPECT_EQ(Error("format_time", {"1.5"}),
            "format_time() expects an int of milliseconds since the epoch, got float");
  EXPECT_EQ(Error("format_time", {R"("2023-01-01")"}),
            "format_time() expects an int of milliseconds since the epoch, got string");
  EXPECT_EQ(Error("format_time", {"0", "1"}), "format_time() expects a string layout, got int");
  EXPECT_EQ(Error("format_time", {"253402300800000"}),
            "format_time() time 253402300800000 is outside the years 0000 to 9999");
  EXPECT_EQ(Error("format_time", {"-9223372036854775808"}),
            "format_time() time -9223372036854775808 is outside the years 0000 to 9999");
}

TEST_F(TimeTest, ParseTime) {
  EXPECT_EQ(CallJ("parse_time", {R"("2023-11-14T22:13:20.123Z")"}), "1700000000123");
  EXPECT_EQ(CallJ("parse_time", {R"("2023-11-14T22:13:20Z")"}), "1700000000000");
  EXPECT_EQ(CallJ("parse_time", {R"("2023-11-14t22:13:20z")"}), "1700000000000");
  EXPECT_EQ(CallJ("parse_time", {R"("2023-11-14T23:13:20.123+01:00")"}), "1700000000123");
  EXPECT_EQ(CallJ("parse_time", {R"("2023-11-14T17:13:20.123-05:00")"}), "1700000000123");
  EXPECT_EQ(CallJ("parse_time", {R"("2023-11-14T22:13Z")"}), "1699999980000");
  EXPECT_EQ(CallJ("parse_time", {R"("2023-11-14")"}), "1699920000000");
  EXPECT_EQ(CallJ("parse_time", {R"("2023-11-14T22:13:20.1234567Z")"}), "1700000000123");
  EXPECT_EQ(CallJ("parse_time", {R"("1969-12-31T23:59:59.9995Z")"}), "-1");  // floors
  EXPECT_EQ(CallJ("parse_time", {R"("1970-01-01T00:00:00Z")"}), "0");
  EXPECT_EQ(CallJ("parse_time", {R"(" 2023-11-14 ")"}), "1699920000000");  // whitespace around
  EXPECT_EQ(CallJ("parse_time", {R"("0000-01-01T00:00:00Z")"}), "-62167219200000");
}

TEST_F(TimeTest, ParseTimeWithLayout) {
  EXPECT_EQ(CallJ("parse_time", {R"("14/11/2023 22:13")", R"("%d/%m/%Y %H:%M")"}), "1699999980000");
  EXPECT_THAT(Error("parse_time", {R"("2023-11-14")", R"("%d/%m/%Y")"}),
              StartsWith(R"(parse_time() cannot parse "2023-11-14" with layout "%d/%m/%Y": )"));
}

TEST_F(TimeTest, ParseTimeErrors) {
  EXPECT_EQ(Error("parse_time", {R"("yesterday")"}),
            R"(parse_time() cannot parse "yesterday" as an RFC 3339 time such as "2023-11-14T22:13:20Z")");
  EXPECT_THAT(Error("parse_time", {R"("2023-13-01T00:00:00Z")"}), HasSubstr("cannot parse"));
  EXPECT_THAT(Error("parse_time", {R"("2023-11-14T22:13:20")"}), HasSubstr("cannot parse"));  // no offset
  EXPECT_EQ(Error("parse_time", {"1700000000000"}), "parse_time() expects a string, got int");
  EXPECT_EQ(Error("parse_time", {R"("x")", "null"}), "parse_time() expects a string layout, got null");
  EXPECT_EQ(Error("parse_time", {R"("10000-01-01T00:00:00Z")", R"("%Y-%m-%dT%H:%M:%SZ")"}),
            R"(parse_time() time "10000-01-01T00:00:00Z" is outside the years 0000 to 9999)");
}

TEST_F(TimeTest, FormatAndParseRoundTrip) {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1700000000123}, int64_t{951782400000},
                     int64_t{-62167219200000}, int64_t{253402300799999}}) {
    auto text = Call("format_time", {Value::Int(ms)});
    ASSERT_TRUE(text.ok());
    auto back = Call("parse_time", {*text});
    ASSERT_TRUE(back.ok()) << text->ToJson() << ": " << back.status();
    EXPECT_EQ(back->as_int(), ms) << text->ToJson();
  }
}

TEST_F(TimeTest, FormatDuration) {
  EXPECT_EQ(CallJ("format_duration", {"5400000"}), R"("1h30m")");
  EXPECT_EQ(CallJ("format_duration", {"172800000"}), R"("2d")");
  EXPECT_EQ(CallJ("format_duration", {"500"}), R"("500ms")");
  EXPECT_EQ(CallJ("format_duration", {"0"}), R"("0s")");
  EXPECT_EQ(CallJ("format_duration", {"90061001"}), R"("1d1h1m1s1ms")");
  EXPECT_EQ(CallJ("format_duration", {"-90000"}), R"("-1m30s")");
  EXPECT_EQ(CallJ("format_duration", {"-9223372036854775808"}), R"("-106751991167d7h12m55s808ms")");
  EXPECT_EQ(Error("format_duration", {"1.5"}), "format_duration() expects an int of milliseconds, got float");
  EXPECT_EQ(Error("format_duration", {R"("1h")"}), "format_duration() expects an int of milliseconds, got string");
}

TEST_F(TimeTest, ParseDuration) {
  EXPECT_EQ(CallJ("parse_duration", {R"("1h30m")"}), "5400000");
  EXPECT_EQ(CallJ("parse_duration", {R"("2d")"}), "172800000");
  EXPECT_EQ(CallJ("parse_duration", {R"("500ms")"}), "500");
  EXPECT_EQ(CallJ("parse_duration", {R"("1m1ms")"}), "60001");
  EXPECT_EQ(CallJ("parse_duration", {R"("90s")"}), "90000");
  EXPECT_EQ(CallJ("parse_duration", {R"("0s")"}), "0");
  EXPECT_EQ(CallJ("parse_duration", {R"("-1m30s")"}), "-90000");
  EXPECT_EQ(CallJ("parse_duration", {R"("+5s")"}), "5000");
  EXPECT_EQ(CallJ("parse_duration", {R"("1s1s")"}), "2000");  // parts add up
  EXPECT_EQ(CallJ("parse_duration", {R"("-106751991167d7h12m55s808ms")"}), "-9223372036854775808");
  EXPECT_EQ(CallJ("parse_duration", {R"("9223372036854775807ms")"}), "9223372036854775807");
}

TEST_F(TimeTest, ParseDurationErrors) {
  const std::string bad = R"( as a duration such as "1h30m", "2d" or "500ms")";
  EXPECT_EQ(Error("parse_duration", {R"("")"}), R"(parse_duration() cannot parse "")" + bad);
  EXPECT_EQ(Error("parse_duration", {R"("5")"}), R"(parse_duration() cannot parse "5")" + bad);
  EXPECT_EQ(Error("parse_duration", {R"("h")"}), R"(parse_duration() cannot parse "h")" + bad);
  EXPECT_EQ(Error("parse_duration", {R"("1.5h")"}), R"(parse_duration() cannot parse "1.5h")" + bad);
  EXPECT_EQ(Error("parse_duration", {R"("1h 30m")"}), R"(parse_duration() cannot parse "1h 30m")" + bad);
  EXPECT_EQ(Error("parse_duration", {R"("2w")"}), R"(parse_duration() cannot parse "2w")" + bad);
  EXPECT_EQ(Error("parse_duration", {R"("-")"}), R"(parse_duration() cannot parse "-")" + bad);
  EXPECT_EQ(Error("parse_duration", {R"("9223372036854775808ms")"}),
            R"(parse_duration() "9223372036854775808ms" is out of the 64-bit range)");
  EXPECT_EQ(Error("parse_duration", {R"("99999999999999999999ms")"}),
            R"(parse_duration() "99999999999999999999ms" is out of the 64-bit range)");
  EXPECT_EQ(Error("parse_duration", {R"("200000000000d")"}),
            R"(parse_duration() "200000000000d" is out of the 64-bit range)");
  EXPECT_EQ(Error("parse_duration", {"60000"}), "parse_duration() expects a string, got int");
}

TEST_F(TimeTest, DurationRoundTrip) {
  for (int64_t ms : {int64_t{1}, int64_t{999}, int64_t{1000}, int64_t{86400000}, int64_t{-5400001},
                     INT64_MAX, INT64_MIN}) {
    auto text = Call("format_duration", {Value::Int(ms)});
    ASSERT_TRUE(text.ok());
    auto back = Call("parse_duration", {*text});
    ASSERT_TRUE(back.ok()) << text->ToJson();
    EXPECT_EQ(back->as_int(), ms);
  }
}

}  // namespace
}  // namespace weft::stdlib
