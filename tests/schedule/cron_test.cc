// Cron expressions (schedule/cron.h) against tables of expressions and the fire times they
// must give, in UTC and across the daylight-saving changes of America/New_York and
// Europe/Berlin, and the expressions they must refuse, with the field each message names.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "schedule/cron.h"

namespace weft::schedule {
namespace {

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << rfc3339 << ": " << err;
  return t;
}

struct NextCase {
  const char* expr;
  const char* zone;
  const char* after;
  std::vector<const char*> expected;  // the next fire times, in order
};

const NextCase kNext[] = {
    {"0 0 12 * * *", "UTC", "2024-01-01T12:00:00Z",
     {"2024-01-02T12:00:00Z", "2024-01-03T12:00:00Z"}},
    {"*/15 * * * * *", "UTC", "2024-01-01T00:00:07Z",
     {"2024-01-01T00:00:15Z", "2024-01-01T00:00:30Z", "2024-01-01T00:00:45Z",
      "2024-01-01T00:01:00Z"}},
    {"0 10-20/5 * * * *", "UTC", "2024-01-01T00:00:00Z",
     {"2024-01-01T00:10:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:20:00Z",
      "2024-01-01T01:10:00Z"}},
    // The 5-field form (second 0), with a day range: Friday 10:00 -> Monday.
    {"30 9 * * MON-FRI", "UTC", "2024-01-05T10:00:00Z",
     {"2024-01-08T09:30:00Z", "2024-01-09T09:30:00Z"}},
    // Names, any case; 7 is Sunday as 0 is.
    {"0 0 8 * jan,JUL Sun", "UTC", "2024-01-01T00:00:00Z",
     {"2024-01-07T08:00:00Z", "2024-01-14T08:00:00Z"}},
    {"0 0 0 * * 7", "UTC", "2024-01-01T00:00:00Z", {"2024-01-07T00:00:00Z"}},
    // The last day of the month, and n days before it.
    {"0 0 0 L * ?", "UTC", "2024-01-15T00:00:00Z",
     {"2024-01-31T00:00:00Z", "2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z",
      "2024-04-30T00:00:00Z"}},
    {"0 0 0 L-2 * *", "UTC", "2023-02-01T00:00:00Z",
     {"2023-02-26T00:00:00Z", "2023-03-29T00:00:00Z"}},
    // 29 February: the next leap year; and one that must also be a Monday (AND, as Spring).
    {"0 0 0 29 2 *", "UTC", "2024-03-01T00:00:00Z",
     {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
    {"0 0 0 29 FEB MON", "UTC", "2024-03-01T00:00:00Z", {"2044-02-29T00:00:00Z"}},
    // The last Friday, the second Monday of the month.
    {"0 0 10 ? * 5L", "UTC", "2024-01-01T00:00:00Z",
     {"2024-01-26T10:00:00Z", "2024-02-23T10:00:00Z"}},
    {"0 0 10 ? * MON#2", "UTC", "2024-01-01T00:00:00Z",
     {"2024-01-08T10:00:00Z", "2024-02-12T10:00:00Z"}},
    // Both day fields restricted: 6 fields need both (Friday the 13th), 5 fields either.
    {"0 0 0 13 * FRI", "UTC", "2024-01-01T00:00:00Z",
     {"2024-09-13T00:00:00Z", "2024-12-13T00:00:00Z"}},
    {"0 0 13 * 5", "UTC", "2024-10-05T00:00:00Z",
     {"2024-10-11T00:00:00Z", "2024-10-13T00:00:00Z", "2024-10-18T00:00:00Z"}},
    {"0 0 0 1 1 *", "UTC", "2024-06-01T00:00:00Z", {"2025-01-01T00:00:00Z"}},
    {"@daily", "UTC", "2024-06-01T00:00:00Z", {"2024-06-02T00:00:00Z"}},
    {"@hourly", "UTC", "2024-06-01T00:00:00Z", {"2024-06-01T01:00:00Z"}},
    // America/New_York, 2024-03-10: 02:00 EST -> 03:00 EDT. A slot in the gap fires once,
    // shifted forward by the gap (02:30 -> 03:30), then the usual time again.
    {"0 30 2 * * *", "America/New_York", "2024-03-09T00:00:00-05:00",
     {"2024-03-09T02:30:00-05:00", "2024-03-10T03:30:00-04:00", "2024-03-11T02:30:00-04:00"}},
    // Hourly: the 02:00 slot becomes 03:00, which is the 03:00 slot: one fire, not two.
    {"0 0 * * * *", "America/New_York", "2024-03-10T01:30:00-05:00",
     {"2024-03-10T03:00:00-04:00", "2024-03-10T04:00:00-04:00"}},
    // 2024-11-03: 02:00 EDT -> 01:00 EST. 01:30 happens twice; the slot fires once, first.
    {"0 30 1 * * *", "America/New_York", "2024-11-02T12:00:00-04:00",
     {"2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00"}},
    {"0 0/30 * * * *", "America/New_York", "2024-11-03T00:45:00-04:00",
     {"2024-11-03T01:00:00-04:00", "2024-11-03T01:30:00-04:00", "2024-11-03T02:00:00-05:00"}},
    // Created during the repeated hour's second pass: its slots passed already.
    {"0 45 1 * * *", "America/New_York", "2024-11-03T01:10:00-05:00",
     {"2024-11-04T01:45:00-05:00"}},
    // Europe/Berlin, 2024-03-31: 02:00 CET -> 03:00 CEST; 2024-10-27: 03:00 CEST -> 02:00 CET.
    {"0 15 2 * * *", "Europe/Berlin", "2024-03-30T12:00:00+01:00",
     {"2024-03-31T03:15:00+02:00", "2024-04-01T02:15:00+02:00"}},
    {"0 30 2 * * *", "Europe/Berlin", "2024-10-26T12:00:00+02:00",
     {"2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00"}},
    // A zone moves the day: 23:30 in Berlin is 22:30 UTC in winter.
    {"0 30 23 * * *", "Europe/Berlin", "2024-01-01T00:00:00Z", {"2024-01-01T22:30:00Z"}},
};

TEST(Cron, NextTimesMatchTheTable) {
  for (const NextCase& c : kNext) {
    SCOPED_TRACE(std::string(c.expr) + " in " + c.zone + " after " + c.after);
    absl::StatusOr<CronExpression> cron = CronExpression::Parse(c.expr);
    ASSERT_TRUE(cron.ok()) << cron.status();
    absl::StatusOr<absl::TimeZone> zone = LoadZone(c.zone);
    ASSERT_TRUE(zone.ok()) << zone.status();
    absl::Time t = At(c.after);
    for (const char* want : c.expected) {
      std::optional<absl::Time> next = cron->Next(t, *zone);
      ASSERT_TRUE(next.has_value()) << "no next time; expected " << want;
      EXPECT_EQ(absl::FormatTime(absl::RFC3339_sec, *next, absl::UTCTimeZone()),
                absl::FormatTime(absl::RFC3339_sec, At(want), absl::UTCTimeZone()));
      t = *next;
    }
  }
}

struct BadCase {
  const char* expr;
  const char* message;  // a part of the error message
};

const BadCase kBad[] = {
    {"0 0 0 30 2 *", "day-of-month: `30` never occurs in FEB"},
    {"0 0 0 31 4,6,9,11 *", "never occurs in APR, JUN, SEP, NOV"},
    {"0 0 0 30,31 FEB ?", "never occurs in FEB"},
    {"60 * * * * *", "second: 60 is out of range 0-59"},
    {"* 60 * * * *", "minute: 60 is out of range 0-59"},
    {"* * 24 * * *", "hour: 24 is out of range 0-23"},
    {"* * * 32 * *", "day-of-month: 32 is out of range 1-31"},
    {"* * * 0 * *", "day-of-month: 0 is out of range 1-31"},
    {"* * * * 13 *", "month: 13 is out of range 1-12"},
    {"* * * * 0 *", "month: 0 is out of range 1-12"},
    {"* * * * * 8", "day-of-week: 8 is out of range 0-7"},
    {"* * * * FOO *", "month: `FOO` is not a number or a name"},
    {"* * * * * MON#6", "day-of-week: 6 is out of range 1-5"},
    {"*/0 * * * * *", "second: the step `0` is not a positive number"},
    {"? * * * * *", "second: `?` is only allowed in day-of-month and day-of-week"},
    {"0 0 0 20-10 * *", "day-of-month: the range `20-10` goes backwards"},
    {"0 0 0 15W * *", "`W` (nearest weekday) is not supported"},
    {"0 0 0 1 * MON#5", "never fires"},
    {"* * * * * * *", "has 7 fields"},
    {"* * *", "has 3 fields"},
    {"", "has 0 fields"},
    {"0 0 0 1- * *", "day-of-month: a value is missing"},
};

TEST(Cron, ImpossibleOrMalformedExpressionsAreRefusedNamingTheField) {
  for (const BadCase& c : kBad) {
    absl::StatusOr<CronExpression> cron = CronExpression::Parse(c.expr);
    ASSERT_FALSE(cron.ok()) << "`" << c.expr << "` was accepted";
    EXPECT_EQ(cron.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(cron.status().message(), c.message))
        << "`" << c.expr << "`: " << cron.status().message();
  }
}

TEST(Cron, UnknownZoneIsRefusedByName) {
  absl::StatusOr<absl::TimeZone> zone = LoadZone("Mars/Olympus_Mons");
  ASSERT_FALSE(zone.ok());
  EXPECT_TRUE(absl::StrContains(zone.status().message(), "unknown time zone `Mars/Olympus_Mons`"));
  EXPECT_FALSE(LoadZone("").ok());
  EXPECT_TRUE(LoadZone("America/New_York").ok()) << "tzdata must be installed (scripts/setup.sh)";
}

TEST(Cron, EverySecondGivesEverySecond) {
  auto cron = CronExpression::Parse("* * * * * *");
  ASSERT_TRUE(cron.ok());
  absl::Time t = At("2024-01-01T00:00:00Z");
  for (int i = 1; i <= 100; ++i) {
    t = *cron->Next(t, absl::UTCTimeZone());
    EXPECT_EQ(t, At("2024-01-01T00:00:00Z") + absl::Seconds(i));
  }
  // Strictly after, also from a time between seconds.
  EXPECT_EQ(*cron->Next(At("2024-01-01T00:00:00.500Z"), absl::UTCTimeZone()),
            At("2024-01-01T00:00:01Z"));
}

}  // namespace
}  // namespace weft::schedule
