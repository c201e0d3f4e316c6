// Math builtins: abs, floor, ceil, round, pow, sqrt, clamp. Ints stay ints where the result is
// exact, and int overflow is an error. Float results must be finite: JSON cannot hold inf or NaN.
#include <cmath>
#include <string>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

absl::StatusOr<Value> FiniteDouble(std::string_view fn, double d) {
  if (!std::isfinite(d)) return UserError(fn, "result is not a finite number");
  return Value::Double(d);
}

// floor/ceil/round: an int unchanged; a float mapped by `op`, then as an int, which must fit.
absl::StatusOr<Value> ToIntBy(std::string_view fn, std::span<const Value> args, double (*op)(double)) {
  CheckArity(args, 1);
  if (args[0].is_int()) return args[0];
  if (!args[0].is_double()) return ExpectError(fn, "a number", args[0]);
  const double d = op(args[0].as_double());
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
    return UserError(fn, "result " + Value::Double(d).ToJson() + " is out of the 64-bit integer range");
  }
  return Value::Int(static_cast<int64_t>(d));
}

// base^exp for ints by squaring; false on overflow.
bool IntPow(int64_t base, int64_t exp, int64_t* out) {
  int64_t result = 1;
  while (exp > 0) {
    if ((exp & 1) && __builtin_mul_overflow(result, base, &result)) return false;
    exp >>= 1;
    if (exp > 0 && __builtin_mul_overflow(base, base, &base)) return false;
  }
  *out = result;
  return true;
}

}  // namespace

absl::StatusOr<Value> Builtin_abs(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (args[0].is_double()) return Value::Double(std::fabs(args[0].as_double()));
  if (!args[0].is_int()) return ExpectError("abs", "a number", args[0]);
  const int64_t i = args[0].as_int();
  if (i == INT64_MIN) return UserError("abs", "integer overflow: -9223372036854775808 has no int absolute value");
  return Value::Int(i < 0 ? -i : i);
}

absl::StatusOr<Value> Builtin_floor(BuiltinContext&, std::span<const Value> args) {
  return ToIntBy("floor", args, [](double d) { return std::floor(d); });
}
absl::StatusOr<Value> Builtin_ceil(BuiltinContext&, std::span<const Value> args) {
  return ToIntBy("ceil", args, [](double d) { return std::ceil(d); });
}
absl::StatusOr<Value> Builtin_round(BuiltinContext&, std::span<const Value> args) {
  return ToIntBy("round", args, [](double d) { return std::round(d); });  // halves away from 0
}

absl::StatusOr<Value> Builtin_pow(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_number()) return ExpectError("pow", "a number base", args[0]);
  if (!args[1].is_number()) return ExpectError("pow", "a number exponent", args[1]);
  if (args[0].is_int() && args[1].is_int() && args[1].as_int() >= 0) {
    int64_t out = 0;
    if (!IntPow(args[0].as_int(), args[1].as_int(), &out)) {
      return UserError("pow", "integer overflow; use a float base for a float result");
    }
    return Value::Int(out);
  }
  return FiniteDouble("pow", std::pow(args[0].as_number(), args[1].as_number()));
}

absl::StatusOr<Value> Builtin_sqrt(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_number()) return ExpectError("sqrt", "a number", args[0]);
  if (args[0].as_number() < 0) return UserError("sqrt", "expects a non-negative number, got " + args[0].ToJson());
  return Value::Double(std::sqrt(args[0].as_number()));
}

absl::StatusOr<Value> Builtin_clamp(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 3);
  static constexpr std::string_view kRoles[] = {"a number", "a number lower bound", "a number upper bound"};
  for (size_t i = 0; i < 3; ++i) {
    if (!args[i].is_number()) return ExpectError("clamp", kRoles[i], args[i]);
  }
  if (CompareNumbers(args[1], args[2]) > 0) {
    return UserError("clamp", "lower bound " + args[1].ToJson() + " is above upper bound " + args[2].ToJson());
  }
  if (CompareNumbers(args[0], args[1]) < 0) return args[1];
  if (CompareNumbers(args[0], args[2]) > 0) return args[2];
  return args[0];
}

}  // namespace weft::stdlib
