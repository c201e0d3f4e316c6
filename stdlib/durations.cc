// format_duration and parse_duration: between ints of milliseconds (what the language's duration
// literals such as `2d` or `90s` evaluate to) and text made of the same units: "1h30m", "2d",
// "500ms". Hand-written rather than absl::ParseDuration, which has no "d" and takes fractions.
#include <string>
#include <string_view>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

struct Unit {
  std::string_view name;
  uint64_t ms;
};
// Largest first, as format_duration writes them. "ms" precedes "m" so parsing matches it first.
constexpr Unit kUnits[] = {{"d", 86400000}, {"h", 3600000}, {"ms", 1}, {"m", 60000}, {"s", 1000}};
constexpr Unit kFormatOrder[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};

absl::Status BadDuration(const Value& text) {
  return UserError("parse_duration", "cannot parse " + Preview(text) +
                                         " as a duration such as \"1h30m\", \"2d\" or \"500ms\"");
}

}  // namespace

absl::StatusOr<Value> Builtin_format_duration(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_int()) return ExpectError("format_duration", "an int of milliseconds", args[0]);
  const int64_t ms = args[0].as_int();
  if (ms == 0) return Value::String("0s");
  // The magnitude in unsigned arithmetic: -INT64_MIN does not fit in an int64.
  uint64_t rest = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  std::string out = ms < 0 ? "-" : "";
  for (const Unit& unit : kFormatOrder) {
    if (rest < unit.ms) continue;
    out += std::to_string(rest / unit.ms);
    out += unit.name;
    rest %= unit.ms;
  }
  return Value::String(std::move(out));
}

absl::StatusOr<Value> Builtin_parse_duration(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_string()) return ExpectError("parse_duration", "a string", args[0]);
  std::string_view s = args[0].as_string();
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return BadDuration(args[0]);
  uint64_t total = 0;  // magnitude; at most 2^63 (for a negative result)
  while (!s.empty()) {
    uint64_t n = 0;
    size_t digits = 0;
    for (; digits < s.size() && s[digits] >= '0' && s[digits] <= '9'; ++digits) {
      if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, s[digits] - '0', &n)) {
        return UserError("parse_duration", Preview(args[0]) + " is out of the 64-bit range");
      }
    }
    if (digits == 0) return BadDuration(args[0]);
    s.remove_prefix(digits);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (s.starts_with(u.name)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return BadDuration(args[0]);
    s.remove_prefix(unit->name.size());
    uint64_t part = 0;
    if (__builtin_mul_overflow(n, unit->ms, &part) || __builtin_add_overflow(total, part, &total)) {
      return UserError("parse_duration", Preview(args[0]) + " is out of the 64-bit range");
    }
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (total > limit) return UserError("parse_duration", Preview(args[0]) + " is out of the 64-bit range");
  return Value::Int(negative ? static_cast<int64_t>(0 - total) : static_cast<int64_t>(total));
}

}  // namespace weft::stdlib
