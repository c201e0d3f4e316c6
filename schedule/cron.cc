// See cron.h.
#include "schedule/cron.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/strings.h"

namespace weft::schedule {
namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

// One field of the expression: its name in messages, its range and its value names.
struct Field {
  std::string_view name;
  int min;
  int max;
  const std::string_view* names = nullptr;  // names[i] stands for min_name + i
  int name_count = 0;
  int min_name = 0;
};
constexpr Field kSecond{"second", 0, 59};
constexpr Field kMinute{"minute", 0, 59};
constexpr Field kHour{"hour", 0, 23};
constexpr Field kDayOfMonth{"day-of-month", 1, 31};
constexpr Field kMonth{"month", 1, 12, kMonthNames.data(), 12, 1};
constexpr Field kDayOfWeek{"day-of-week", 0, 7, kDayNames.data(), 7, 0};

struct Macro {
  std::string_view name;
  std::string_view expansion;
};
constexpr Macro kMacros[] = {
    {"@yearly", "0 0 0 1 1 *"}, {"@annually", "0 0 0 1 1 *"}, {"@monthly", "0 0 0 1 * *"},
    {"@weekly", "0 0 0 * * 0"}, {"@daily", "0 0 0 * * *"},    {"@midnight", "0 0 0 * * *"},
    {"@hourly", "0 0 * * * *"},
};

absl::Status FieldError(const Field& f, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(f.name), ": ", ToAbsl(what)));
}

// A number or, where the field has them, a name (any case).
absl::StatusOr<int> ParseValue(const Field& f, std::string_view token) {
  if (token.empty()) return FieldError(f, "a value is missing");
  int value = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec == std::errc() && end == token.data() + token.size()) {
    if (value < f.min || value > f.max) {
      return FieldError(f, absl::StrCat(value, " is out of range ", f.min, "-", f.max));
    }
    return value;
  }
  const std::string upper = absl::AsciiStrToUpper(ToAbsl(token));
  for (int i = 0; i < f.name_count; ++i) {
    if (upper == f.names[i]) return f.min_name + i;
  }
  return FieldError(f, absl::StrCat("`", ToAbsl(token), "` is not ",
                                    f.name_count > 0 ? "a number or a name" : "a number"));
}

// One item of a list: `*`, `?`, `a`, `a-b`, each optionally `/step`. Sets its bits.
absl::Status ParseItem(const Field& f, std::string_view item, uint64_t& bits) {
  std::string_view base = item;
  int step = 1;
  if (size_t slash = item.find('/'); slash != std::string_view::npos) {
    base = item.substr(0, slash);
    std::string_view s = item.substr(slash + 1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
    if (ec != std::errc() || end != s.data() + s.size() || step < 1) {
      return FieldError(f, absl::StrCat("the step `", ToAbsl(s), "` is not a positive number"));
    }
  }
  int lo = f.min, hi = f.max;
  if (base == "?" && f.name != kDayOfMonth.name && f.name != kDayOfWeek.name) {
    return FieldError(f, "`?` is only allowed in day-of-month and day-of-week");
  }
  if (base != "*" && base != "?") {
    if (size_t dash = base.find('-'); dash != std::string_view::npos && dash > 0) {
      auto a = ParseValue(f, base.substr(0, dash));
      if (!a.ok()) return a.status();
      auto b = ParseValue(f, base.substr(dash + 1));
      if (!b.ok()) return b.status();
      lo = *a;
      hi = *b;
      if (lo > hi) {
        return FieldError(f, absl::StrCat("the range `", ToAbsl(base), "` goes backwards"));
      }
    } else {
      auto a = ParseValue(f, base);
      if (!a.ok()) return a.status();
      lo = *a;
      hi = item.find('/') != std::string_view::npos ? f.max : *a;
    }
  }
  for (int v = lo; v <= hi; v += step) bits |= uint64_t{1} << v;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ParseField(const Field& f, std::string_view text) {
  uint64_t bits = 0;
  for (absl::string_view item : absl::StrSplit(ToAbsl(text), ',')) {
    if (absl::Status s = ParseItem(f, ToStd(item), bits); !s.ok()) return s;
  }
  return bits;
}

int DaysIn(int64_t year, int month) {
  const absl::CivilDay next_first =
      month == 12 ? absl::CivilDay(year + 1, 1, 1) : absl::CivilDay(year, month + 1, 1);
  return (next_first - 1).day();
}

int SundayBased(absl::Weekday w) { return (static_cast<int>(w) + 1) % 7; }

// The lowest set bit at or above `from`; -1 when none.
int NextBit(uint64_t bits, int from) {
  if (from >= 64) return -1;
  const uint64_t rest = bits & (~uint64_t{0} << from);
  return rest == 0 ? -1 : __builtin_ctzll(rest);
}

}  // namespace

absl::StatusOr<CronExpression> CronExpression::Parse(std::string_view text) {
  CronExpression c;
  c.text_ = std::string(text);
  std::string_view body = text;
  for (const Macro& m : kMacros) {
    if (absl::AsciiStrToLower(ToAbsl(text)) == m.name) body = m.expansion;
  }
  auto fail = [&](const absl::Status& s) {
    return absl::InvalidArgumentError(
        absl::StrCat("cron expression `", ToAbsl(text), "`: ", s.message()));
  };
  std::vector<std::string_view> fields;
  for (absl::string_view f : absl::StrSplit(ToAbsl(body), ' ', absl::SkipEmpty())) {
    fields.push_back(ToStd(f));
  }
  if (fields.size() == 5) {
    fields.insert(fields.begin(), "0");
    c.either_day_ = true;
  } else if (fields.size() != 6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cron expression `", ToAbsl(text), "` has ", fields.size(),
        " fields; it needs 6 (second minute hour day-of-month month day-of-week) or 5 "
        "(minute hour day-of-month month day-of-week)"));
  }
  absl::StatusOr<uint64_t> bits = ParseField(kSecond, fields[0]);
  if (!bits.ok()) return fail(bits.status());
  c.seconds_ = *bits;
  if (!(bits = ParseField(kMinute, fields[1])).ok()) return fail(bits.status());
  c.minutes_ = *bits;
  if (!(bits = ParseField(kHour, fields[2])).ok()) return fail(bits.status());
  c.hours_ = static_cast<uint32_t>(*bits);
  if (!(bits = ParseField(kMonth, fields[4])).ok()) return fail(bits.status());
  c.months_ = static_cast<uint16_t>(*bits);

  // day-of-month, with `L` and `L-n`.
  c.any_day_ = fields[3] == "*" || fields[3] == "?";
  uint64_t days = 0;
  for (absl::string_view piece : absl::StrSplit(ToAbsl(fields[3]), ',')) {
    const std::string_view item = ToStd(piece);
    if (item == "L" || item == "l" || absl::StartsWithIgnoreCase(ToAbsl(item), "L-")) {
      int offset = 0;
      if (item.size() > 2) {
        auto n = ParseValue(Field{"day-of-month", 0, 30}, item.substr(2));
        if (!n.ok()) return fail(n.status());
        offset = *n;
      }
      c.last_day_offsets_.push_back(offset);
      continue;
    }
    if (item.find_first_of("Ww") != std::string_view::npos) {
      return fail(FieldError(kDayOfMonth, absl::StrCat("`", ToAbsl(item),
                                                       "`: `W` (nearest weekday) is not supported")));
    }
    if (absl::Status s = ParseItem(kDayOfMonth, item, days); !s.ok()) return fail(s);
  }
  c.days_ = static_cast<uint32_t>(days);

  // day-of-week, with `dL` and `d#n`; 7 is Sunday too.
  c.any_weekday_ = fields[5] == "*" || fields[5] == "?";
  uint64_t weekdays = 0;
  for (absl::string_view piece : absl::StrSplit(ToAbsl(fields[5]), ',')) {
    const std::string_view item = ToStd(piece);
    if (size_t hash = item.find('#'); hash != std::string_view::npos) {
      auto d = ParseValue(kDayOfWeek, item.substr(0, hash));
      if (!d.ok()) return fail(d.status());
      auto n = ParseValue(Field{"day-of-week", 1, 5}, item.substr(hash + 1));
      if (!n.ok()) return fail(n.status());
      c.nth_weekdays_.emplace_back(*d % 7, *n);
      continue;
    }
    if (item.size() > 1 && (item.back() == 'L' || item.back() == 'l') &&
        item.find_first_of("-/,*") == std::string_view::npos) {
      auto d = ParseValue(kDayOfWeek, item.substr(0, item.size() - 1));
      if (!d.ok()) return fail(d.status());
      c.last_weekdays_ |= static_cast<uint8_t>(1u << (*d % 7));
      continue;
    }
    if (absl::Status s = ParseItem(kDayOfWeek, item, weekdays); !s.ok()) return fail(s);
  }
  if (weekdays & (uint64_t{1} << 7)) weekdays = (weekdays | 1) & 0x7f;
  c.weekdays_ = static_cast<uint8_t>(weekdays);

  // Days of the month that no chosen month has (30 February): refused, naming them.
  if (!c.any_day_ && c.last_day_offsets_.empty() && !(c.either_day_ && !c.any_weekday_)) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; ++m) {
      if (!(c.months_ & (1u << m))) continue;
      const int max_day = m == 2 ? 29 : DaysIn(2001, m);
      possible = NextBit(c.days_, 1) >= 1 && NextBit(c.days_, 1) <= max_day;
    }
    if (!possible) {
      std::vector<std::string> months;
      for (int m = 1; m <= 12; ++m) {
        if (c.months_ & (1u << m)) months.emplace_back(kMonthNames[m - 1]);
      }
      return fail(FieldError(kDayOfMonth, absl::StrCat("`", ToAbsl(fields[3]),
                                                       "` never occurs in ",
                                                       absl::StrJoin(months, ", "))));
    }
  }
  // Whatever else can never match (the 1st of a month that is also its fifth Monday).
  if (!c.Next(absl::UnixEpoch(), absl::UTCTimeZone())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cron expression `", ToAbsl(text), "` never fires: no day matches both day-of-month `",
        ToAbsl(fields[3]), "` and day-of-week `", ToAbsl(fields[5]), "`"));
  }
  return c;
}

bool CronExpression::DayMatches(absl::CivilDay day) const {
  if (!(months_ & (1u << day.month()))) return false;
  const int last = DaysIn(day.year(), day.month());
  bool dom = any_day_ || (days_ & (1u << day.day())) != 0;
  for (int offset : last_day_offsets_) dom = dom || day.day() == last - offset;
  const int wd = SundayBased(absl::GetWeekday(day));
  bool dow = any_weekday_ || (weekdays_ & (1u << wd)) != 0;
  dow = dow || ((last_weekdays_ & (1u << wd)) != 0 && day.day() + 7 > last);
  for (const auto& [d, n] : nth_weekdays_) dow = dow || (d == wd && (day.day() - 1) / 7 + 1 == n);
  if (either_day_ && !any_day_ && !any_weekday_) return dom || dow;
  return dom && dow;
}

std::optional<absl::CivilSecond> CronExpression::FirstOnDay(absl::CivilDay day, int from) const {
  const int h0 = from / 3600, m0 = from / 60 % 60, s0 = from % 60;
  for (int h = NextBit(hours_, h0); h >= 0 && h < 24; h = NextBit(hours_, h + 1)) {
    for (int m = NextBit(minutes_, h == h0 ? m0 : 0); m >= 0; m = NextBit(minutes_, m + 1)) {
      const int s = NextBit(seconds_, h == h0 && m == m0 ? s0 : 0);
      if (s >= 0) return absl::CivilSecond(day.year(), day.month(), day.day(), h, m, s);
    }
  }
  return std::nullopt;
}

std::optional<absl::Time> CronExpression::Next(absl::Time after, const absl::TimeZone& zone) const {
  const absl::CivilSecond start = absl::ToCivilSecond(after, zone) + 1;
  absl::CivilDay day(start);
  int from = static_cast<int>(start - absl::CivilSecond(day));
  const absl::CivilDay limit = day + int64_t{kSearchYears} * 366;
  for (; day <= limit; ++day, from = 0) {
    if (!DayMatches(day)) continue;
    for (auto slot = FirstOnDay(day, from); slot;
         slot = FirstOnDay(day, static_cast<int>(*slot - absl::CivilSecond(day)) + 1)) {
      // UNIQUE: the instant; SKIPPED (a gap): `pre` is shifted forward by the gap's length;
      // REPEATED (an overlap): `pre` is the first occurrence.
      const absl::Time t = zone.At(*slot).pre;
      if (t > after) return t;
    }
  }
  return std::nullopt;
}

absl::StatusOr<absl::TimeZone> LoadZone(std::string_view name) {
  absl::TimeZone zone;
  if (name.empty() || !absl::LoadTimeZone(ToAbsl(name), &zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown time zone `", ToAbsl(name),
        "`: use an IANA name such as `UTC` or `Europe/Berlin` (is tzdata installed?)"));
  }
  return zone;
}

}  // namespace weft::schedule
