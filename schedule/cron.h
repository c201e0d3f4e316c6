// Cron expressions for schedules (docs/schedules.md): parsing, and the next fire time in an
// IANA time zone. The syntax is Spring's CronExpression, which Conductor's scheduler takes:
//
//   second minute hour day-of-month month day-of-week     (6 fields)
//          minute hour day-of-month month day-of-week     (5 fields: second 0)
//
// Each field is `*`, a value, a range `a-b`, a step `*/n`, `a/n` or `a-b/n`, or a list of
// those separated by commas. Months and days of the week may be named (JAN-DEC, SUN-SAT, any
// case); days of the week are 0-7 with both 0 and 7 Sunday. `?` means "any" in the two day
// fields. Day-of-month also takes `L` (the last day of the month) and `L-n` (n days before
// it); day-of-week takes `dL` (the last such weekday of the month) and `d#n` (its n-th). The
// macros @yearly (@annually), @monthly, @weekly, @daily (@midnight) and @hourly stand for
// their usual expressions.
//
// Day fields: in the 6-field form a day must match both day-of-month and day-of-week (as
// Spring does); in the 5-field form, when both are restricted (neither `*` nor `?`), either
// one matching is enough (as Unix cron does).
//
// Time zones: each slot is a civil time in the zone. A slot that falls in a daylight-saving gap
// (02:30 on the day clocks jump from 02:00 to 03:00) fires once, shifted forward by the length
// of the gap (03:30), as java.time and so Spring resolve it; a slot that falls in an overlap
// (01:30 on the day clocks go back from 02:00 to 01:00) fires once, at its first occurrence.
#ifndef WEFT_SCHEDULE_CRON_H_
#define WEFT_SCHEDULE_CRON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace weft::schedule {

class CronExpression {
 public:
  // InvalidArgument naming the field and what is wrong with it ("day-of-month: 32 is out of
  // range 1-31"), also for an expression that can never fire ("day-of-month 30 never occurs
  // in FEB").
  static absl::StatusOr<CronExpression> Parse(std::string_view text);

  // The first slot strictly after `after`, as an instant; nullopt when there is none within
  // kSearchYears (an expression like `0 0 0 29 2 MON` needs up to 28 years).
  std::optional<absl::Time> Next(absl::Time after, const absl::TimeZone& zone) const;

  // Whether a civil day is one of the expression's days.
  bool DayMatches(absl::CivilDay day) const;

  const std::string& text() const { return text_; }

  static constexpr int kSearchYears = 400;

 private:
  CronExpression() = default;
  // The first slot on `day` at or after the time of day `from` (seconds since midnight);
  // nullopt when none is left on that day.
  std::optional<absl::CivilSecond> FirstOnDay(absl::CivilDay day, int from) const;

  std::string text_;
  uint64_t seconds_ = 0;  // bit n: second n
  uint64_t minutes_ = 0;
  uint32_t hours_ = 0;
  uint32_t days_ = 0;     // bit n: day-of-month n (1-31)
  uint16_t months_ = 0;   // bit n: month n (1-12)
  uint8_t weekdays_ = 0;  // bit n: weekday n (0 = Sunday)
  bool any_day_ = true;      // day-of-month is `*` or `?`
  bool any_weekday_ = true;  // day-of-week is `*` or `?`
  bool either_day_ = false;  // the 5-field form: either day field may match
  std::vector<int> last_day_offsets_;  // `L` (0), `L-n` (n)
  uint8_t last_weekdays_ = 0;          // `dL`: bit d
  std::vector<std::pair<int, int>> nth_weekdays_;  // `d#n`: (d, n)
};

// The zone named `name` ("UTC", "Europe/Berlin"), from the system's tzdata; InvalidArgument
// naming it when it is unknown.
absl::StatusOr<absl::TimeZone> LoadZone(std::string_view name);

}  // namespace weft::schedule

#endif  // WEFT_SCHEDULE_CRON_H_
