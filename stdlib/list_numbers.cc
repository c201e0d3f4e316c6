// Builtins that compute numbers from or into lists: range, sum, min, max. Int arithmetic is
// checked: an overflow is the user's error, never undefined behaviour or a silent wrap.
#include <cmath>
#include <string>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

// min() and max(): the item whose comparison with the best so far has sign `want`.
absl::StatusOr<Value> Extreme(std::string_view fn, std::span<const Value> args, int want) {
  CheckArity(args, 1, 2);
  std::span<const Value> items = args;
  if (args.size() == 1) {
    if (!args[0].is_list()) return ExpectError(fn, "a list (or two values)", args[0]);
    items = args[0].as_list();
  }
  if (items.empty()) return Value::Null();
  const Value* best = &items[0];
  for (const Value& item : items) {
    int c = 0;
    if (!CompareSortable(item, *best, &c)) {
      return UserError(fn, "expects numbers or strings, not a mix, got " +
                               std::string(Value::KindName(best->kind())) + " and " +
                               std::string(Value::KindName(item.kind())));
    }
    if (c == want) best = &item;  // ties keep the first
  }
  return *best;
}

}  // namespace

absl::StatusOr<Value> Builtin_range(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1, 3);
  static constexpr std::string_view kRoles[] = {"an int", "an int end", "an int step"};
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].is_int()) return ExpectError("range", kRoles[args.size() == 1 ? 0 : i], args[i]);
  }
  int64_t start = 0, end = args[0].as_int(), step = 1;
  if (args.size() >= 2) {
    start = args[0].as_int();
    end = args[1].as_int();
  }
  if (args.size() == 3) step = args[2].as_int();
  if (step == 0) return UserError("range", "step must not be 0");
  // The count, in unsigned arithmetic: end - start cannot overflow there.
  uint64_t count = 0;
  if (step > 0 && end > start) {
    count = (static_cast<uint64_t>(end) - static_cast<uint64_t>(start) - 1) / static_cast<uint64_t>(step) + 1;
  } else if (step < 0 && end < start) {
    const uint64_t magnitude = 0 - static_cast<uint64_t>(step);
    count = (static_cast<uint64_t>(start) - static_cast<uint64_t>(end) - 1) / magnitude + 1;
  }
  if (count > kMaxResultItems) {
    return LimitError("range", "would make " + std::to_string(count) +
                                  " items; at most " + std::to_string(kMaxResultItems) + " are allowed");
  }
  List out;
  out.reserve(count);
  // start + i * step stays within [start, end) (or (end, start]) for i < count: no overflow.
  int64_t v = start;
  for (uint64_t i = 0; i < count; ++i) {
    out.push_back(Value::Int(v));
    if (i + 1 < count) v += step;
  }
  return Value::MakeList(std::move(out));
}

absl::StatusOr<Value> Builtin_sum(BuiltinContext&, std::span<const Value> args) {
  CheckArity(args, 1);
  if (!args[0].is_list()) return ExpectError("sum", "a list", args[0]);
  int64_t int_sum = 0;
  double double_sum = 0;
  bool any_double = false;
  for (const Value& item : args[0].as_list()) {
    if (item.is_int()) {
      if (__builtin_add_overflow(int_sum, item.as_int(), &int_sum)) {
        return UserError("sum", "integer overflow; convert the items with float() first");
      }
    } else if (item.is_double()) {
      any_double = true;
      double_sum += item.as_double();
    } else {
      return UserError("sum", "expects a list of numbers, got an item of kind " +
                                  std::string(Value::KindName(item.kind())));
    }
  }
  if (!any_double) return Value::Int(int_sum);
  const double total = double_sum + static_cast<double>(int_sum);
  if (!std::isfinite(total)) return UserError("sum", "result is out of the float range");
  return Value::Double(total);
}

absl::StatusOr<Value> Builtin_min(BuiltinContext&, std::span<const Value> args) {
  return Extreme("min", args, -1);
}

absl::StatusOr<Value> Builtin_max(BuiltinContext&, std::span<const Value> args) {
  return Extreme("max", args, 1);
}

}  // namespace weft::stdlib
