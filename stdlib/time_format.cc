// format_time and parse_time: between ints of milliseconds since the Unix epoch and text. Always
// UTC and never the system clock or time zone database: the same arguments give the same result
// on every worker. Formatting and parsing are absl's (FormatTime/ParseTime, strftime-style).
#include <string>

#include "absl/time/time.h"
#include "common/strings.h"
#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

// RFC 3339 in UTC with exactly three fraction digits: fixed width, so that the texts of two
// times sort as the times do.
constexpr char kDefaultLayout[] = "%E4Y-%m-%dT%H:%M:%E3SZ";

// The layouts parse_time tries without a layout argument, most common first. %Ez takes "Z" as
// well as "+hh:mm"; %E*S takes any number of fraction digits, or none.
constexpr const char* kParseLayouts[] = {
    "%Y-%m-%d%ET%H:%M:%E*S%Ez",  // RFC 3339 / ISO 8601 with offset
    "%Y-%m-%d%ET%H:%M%Ez",       // ISO 8601 without seconds
    "%Y-%m-%d",                  // a date: its midnight UTC
};

// Years 0..9999: what four-digit RFC 3339 text can hold, and far inside int64 milliseconds.
constexpr int64_t kMinMs = -62167219200000;  // 0000-01-01T00:00:00Z
constexpr int64_t kMaxMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

absl::StatusOr<Value> ToMs(absl::Time t, const Value& text) {
  // ToUnixMillis rounds toward negative infinity: a sub-ms fraction before 1970 stays before.
  const int64_t ms = absl::ToUnixMillis(t);
  if (ms < kMinMs || ms > kMaxMs) {
    return UserError("parse_time", "time " + Preview(text) + " is outside the years 0000 to 9999");
  }
  return Value::Int(ms);
}

}  // namespace

absl::StatusOr<Value> Builtin_format_time(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1, 2);
  if (!args[0].is_int()) return ExpectError("format_time", "an int of milliseconds since the epoch", args[0]);
  std::string layout = kDefaultLayout;
  if (args.size() == 2) {
    if (!args[1].is_string()) return ExpectError("format_time", "a string layout", args[1]);
    layout = args[1].as_string();
  }
  const int64_t ms = args[0].as_int();
  if (ms < kMinMs || ms > kMaxMs) {
    return UserError("format_time", "time " + std::to_string(ms) + " is outside the years 0000 to 9999");
  }
  return Value::String(absl::FormatTime(layout, absl::FromUnixMillis(ms), absl::UTCTimeZone()));
}

absl::StatusOr<Value> Builtin_parse_time(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1, 2);
  if (!args[0].is_string()) return ExpectError("parse_time", "a string", args[0]);
  const std::string& text = args[0].as_string();
  absl::Time t;
  std::string error;
  if (args.size() == 2) {
    if (!args[1].is_string()) return ExpectError("parse_time", "a string layout", args[1]);
    // Without an offset in the layout, the text is read as UTC.
    if (absl::ParseTime(args[1].as_string(), text, absl::UTCTimeZone(), &t, &error)) {
      return ToMs(t, args[0]);
    }
    return UserError("parse_time", "cannot parse " + Preview(args[0]) + " with layout " +
                                       args[1].ToJson() + ": " + error);
  }
  for (const char* layout : kParseLayouts) {
    if (absl::ParseTime(layout, text, absl::UTCTimeZone(), &t, &error)) return ToMs(t, args[0]);
  }
  return UserError("parse_time", "cannot parse " + Preview(args[0]) +
                                     " as an RFC 3339 time such as \"2023-11-14T22:13:20Z\"");
}

}  // namespace weft::stdlib
