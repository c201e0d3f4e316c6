// Conversion builtins: str, int, float. Parsing is strict and locale-free (std::from_chars): the
// whole string must be the number, with an optional leading '+' or '-' and nothing around it.
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

// from_chars takes '-' but not '+'; accept both, but not "+-1".
std::string_view StripPlus(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  return s;
}

absl::Status CannotParse(std::string_view fn, std::string_view what, const Value& s) {
  std::string message(fn);
  message.append("() cannot parse ").append(s.ToJson()).append(" as ").append(what);
  return absl::InvalidArgumentError(message);
}

absl::StatusOr<Value> IntFromString(const Value& v) {
  std::string_view s = StripPlus(v.as_string());
  int64_t out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 10);
  if (ec == std::errc::result_out_of_range) {
    return absl::InvalidArgumentError(
        absl::StrCat("int() cannot convert ", v.ToJson(), ": out of the 64-bit integer range"));
  }
  if (ec != std::errc() || end != s.data() + s.size()) return CannotParse("int", "an int", v);
  return Value::Int(out);
}

absl::StatusOr<Value> IntFromDouble(double d) {
  // Truncation toward zero must land in [-2^63, 2^63); NaN fails both comparisons.
  double t = std::trunc(d);
  if (!(t >= -9223372036854775808.0 && t < 9223372036854775808.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("int() cannot convert ", Value::Double(d).ToJson(),
                     std::isfinite(d) ? ": out of the 64-bit integer range" : ": not a finite number"));
  }
  return Value::Int(static_cast<int64_t>(t));
}

absl::StatusOr<Value> DoubleFromString(const Value& v) {
  std::string_view s = StripPlus(v.as_string());
  double out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range) {
    return absl::InvalidArgumentError(
        absl::StrCat("float() cannot convert ", v.ToJson(), ": out of range"));
  }
  // from_chars also reads "inf" and "nan", which JSON cannot hold: refuse them.
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(out)) {
    return CannotParse("float", "a float", v);
  }
  return Value::Double(out);
}

}  // namespace

absl::StatusOr<Value> Builtin_str(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (args[0].is_string()) return args[0];  // shares the string, no copy
  std::optional<std::string> json = args[0].ToJsonBounded(-1, kMaxResultBytes);
  if (!json) return CheckResultBytes("str", kMaxResultBytes + 1);
  return Value::String(*std::move(json));
}

absl::StatusOr<Value> Builtin_int(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  const Value& x = args[0];
  switch (x.kind()) {
    case Value::Kind::kInt: return x;
    case Value::Kind::kDouble: return IntFromDouble(x.as_double());
    case Value::Kind::kBool: return Value::Int(x.as_bool() ? 1 : 0);
    case Value::Kind::kString: return IntFromString(x);
    default: return ExpectError("int", "a number, bool or string", x);
  }
}

absl::StatusOr<Value> Builtin_float(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  const Value& x = args[0];
  switch (x.kind()) {
    case Value::Kind::kInt: return Value::Double(static_cast<double>(x.as_int()));
    case Value::Kind::kDouble: return x;
    case Value::Kind::kString: return DoubleFromString(x);
    default: return ExpectError("float", "a number or string", x);
  }
}

}  // namespace weft::stdlib
