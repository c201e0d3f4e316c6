// See operators.h. Writes to `out` always go through a temporary: `out` may alias an argument
// that owns the value being read.
#include "vm/operators.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "absl/strings/str_cat.h"

namespace weft::vm {
namespace {

using bytecode::Op;

absl::string_view Symbol(Op op) {
  switch (op) {
    case Op::ADD: return "+";
    case Op::SUB: return "-";
    case Op::MUL: return "*";
    case Op::DIV: return "/";
    case Op::MOD: return "%";
    case Op::LT: return "<";
    case Op::LE: return "<=";
    case Op::GT: return ">";
    case Op::GE: return ">=";
    default: return "?";
  }
}

absl::string_view KindOf(const Value& v) { return ToAbsl(Value::KindName(v.kind())); }

bool Fail(OpError& error, std::string message) {
  error.code = kRuntimeError;
  error.message = std::move(message);
  return false;
}

bool LimitFail(OpError& error, std::string message) {
  error.code = kLimitExceeded;
  error.message = std::move(message);
  return false;
}

bool Set(Value& out, Value value) {
  out = std::move(value);
  return true;
}

bool IntArithmetic(Op op, int64_t a, int64_t b, Value& out, OpError& error) {
  int64_t r = 0;
  bool overflow = false;
  switch (op) {
    case Op::ADD: overflow = __builtin_add_overflow(a, b, &r); break;
    case Op::SUB: overflow = __builtin_sub_overflow(a, b, &r); break;
    case Op::MUL: overflow = __builtin_mul_overflow(a, b, &r); break;
    case Op::DIV:
      if (b == 0) return Fail(error, "division by zero");
      overflow = a == std::numeric_limits<int64_t>::min() && b == -1;
      if (!overflow) r = a / b;  // C++ truncates toward zero, as the language does
      break;
    case Op::MOD:
      if (b == 0) return Fail(error, "division by zero in `%`");
      r = b == -1 ? 0 : a % b;  // INT64_MIN % -1 would trap
      break;
    default: return Fail(error, "internal error: not an arithmetic opcode");
  }
  if (overflow) return Fail(error, absl::StrCat("integer overflow in `", Symbol(op), "`"));
  return Set(out, Value::Int(r));
}

bool FloatArithmetic(Op op, double a, double b, Value& out, OpError& error) {
  double r = 0;
  switch (op) {
    case Op::ADD: r = a + b; break;
    case Op::SUB: r = a - b; break;
    case Op::MUL: r = a * b; break;
    case Op::DIV:
      if (b == 0) return Fail(error, "division by zero");
      r = a / b;
      break;
    case Op::MOD:
      if (b == 0) return Fail(error, "division by zero in `%`");
      r = std::fmod(a, b);
      break;
    default: return Fail(error, "internal error: not an arithmetic opcode");
  }
  // JSON has no infinities or NaN, so a result that is one cannot be carried on.
  if (!std::isfinite(r)) {
    return Fail(error, absl::StrCat("result of `", Symbol(op), "` is not a finite number"));
  }
  return Set(out, Value::Double(r));
}

// `+` on two strings or two lists. The result's size is known before anything is allocated.
bool Concatenate(const Value& x, const Value& y, Value& out, OpError& error) {
  if (x.is_string()) {
    const size_t bytes = x.as_string().size() + y.as_string().size();
    if (bytes > Value::kMaxStringBytes) {
      return LimitFail(error, absl::StrCat("the result of `+` would be a string of ", bytes,
                                           " bytes, longer than the limit of ",
                                           Value::kMaxStringBytes));
    }
    return Set(out, Value::String(absl::StrCat(x.as_string(), y.as_string())));
  }
  const size_t count = x.as_list().size() + y.as_list().size();
  if (count > Value::kMaxListItems) {
    return LimitFail(error, absl::StrCat("the result of `+` would be a list of ", count,
                                         " items, longer than the limit of ",
                                         Value::kMaxListItems));
  }
  // Checked before building: the depth and size of the result follow from its parts'.
  uint64_t size;
  if (__builtin_add_overflow(x.total_size(), y.total_size() - 1, &size) ||
      size > Value::kMaxTotalSize) {
    return LimitFail(error, absl::StrCat("the result of `+` would be larger than the total size "
                                         "limit of ", Value::kMaxTotalSize));
  }
  List items;
  items.reserve(x.as_list().size() + y.as_list().size());
  items.insert(items.end(), x.as_list().begin(), x.as_list().end());
  items.insert(items.end(), y.as_list().begin(), y.as_list().end());
  return Set(out, Value::MakeList(std::move(items)));
}

}  // namespace

bool Arithmetic(Op op, const Value& x, const Value& y, Value& out, OpError& error) {
  if (x.is_int() && y.is_int()) return IntArithmetic(op, x.as_int(), y.as_int(), out, error);
  if (x.is_number() && y.is_number()) {
    return FloatArithmetic(op, x.as_number(), y.as_number(), out, error);
  }
  const bool joinable = (x.is_string() && y.is_string()) || (x.is_list() && y.is_list());
  if (op == Op::ADD && joinable) {
    try {
      return Concatenate(x, y, out, error);
    } catch (const std::bad_alloc&) {
      error = OutOfMemory("`+`");
      return false;
    }
  }
  return Fail(error, absl::StrCat("cannot apply `", Symbol(op), "` to ", KindOf(x), " and ",
                                  KindOf(y)));
}

bool Negate(const Value& x, Value& out, OpError& error) {
  if (x.is_int()) {
    if (x.as_int() == std::numeric_limits<int64_t>::min()) {
      return Fail(error, "integer overflow in unary `-`");
    }
    return Set(out, Value::Int(-x.as_int()));
  }
  if (x.is_double()) return Set(out, Value::Double(-x.as_double()));
  return Fail(error, absl::StrCat("cannot apply unary `-` to ", KindOf(x)));
}

namespace {

// The three-way order of an int and a double, exact (the int is never rounded to a double, so
// it agrees with `==`): <0, 0 or >0, or nullopt when `d` is NaN (unordered).
std::optional<int> OrderIntDouble(int64_t i, double d) {
  if (std::isnan(d)) return std::nullopt;
  if (d >= 9223372036854775808.0) return -1;  // 2^63 and up: above every int64
  if (d < -9223372036854775808.0) return 1;   // below -2^63: below every int64
  const double whole = std::trunc(d);         // in [-2^63, 2^63), so it converts exactly
  const int64_t w = static_cast<int64_t>(whole);
  if (i != w) return i < w ? -1 : 1;
  const double fraction = d - whole;  // exact; same sign as d
  return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0);
}

// The three-way order of two numbers, exact across int and double; nullopt when unordered (NaN).
std::optional<int> OrderNumbers(const Value& x, const Value& y) {
  if (x.is_int() && y.is_int()) return x.as_int() < y.as_int() ? -1 : x.as_int() > y.as_int();
  if (x.is_int()) return OrderIntDouble(x.as_int(), y.as_double());
  if (y.is_int()) {
    const std::optional<int> flipped = OrderIntDouble(y.as_int(), x.as_double());
    if (!flipped) return std::nullopt;
    return -*flipped;
  }
  const double a = x.as_double(), b = y.as_double();
  if (std::isnan(a) || std::isnan(b)) return std::nullopt;
  return a < b ? -1 : a > b;
}

}  // namespace

bool Compare(Op op, const Value& x, const Value& y, Value& out, OpError& error) {
  int order = 0;  // <0, 0, >0
  if (x.is_number() && y.is_number()) {
    const std::optional<int> ordered = OrderNumbers(x, y);
    if (!ordered) return Set(out, Value::Bool(false));  // NaN: every comparison is false
    order = *ordered;
  } else if (x.is_string() && y.is_string()) {
    order = x.as_string().compare(y.as_string());  // char_traits<char>: unsigned bytes
  } else {
    return Fail(error, absl::StrCat("cannot compare ", KindOf(x), " and ", KindOf(y),
                                    " with `", Symbol(op), "`"));
  }
  switch (op) {
    case Op::LT: return Set(out, Value::Bool(order < 0));
    case Op::LE: return Set(out, Value::Bool(order <= 0));
    case Op::GT: return Set(out, Value::Bool(order > 0));
    case Op::GE: return Set(out, Value::Bool(order >= 0));
    default: return Fail(error, "internal error: not a comparison opcode");
  }
}

bool GetField(const Value& x, const std::string& name, bool optional, Value& out,
              OpError& error) {
  if (x.is_object()) {
    if (const Value* found = x.as_object().Find(name)) return Set(out, Value(*found));
    if (optional) return Set(out, Value());
    return Fail(error, absl::StrCat("no field `", name, "` in object"));
  }
  if (x.is_null() && optional) return Set(out, Value());
  return Fail(error, absl::StrCat("cannot read field `", name, "` of ", KindOf(x)));
}

namespace {

bool IndexList(const List& list, int64_t index, bool optional, Value& out, OpError& error) {
  const int64_t size = static_cast<int64_t>(list.size());
  const int64_t at = index < 0 ? index + size : index;
  if (at >= 0 && at < size) return Set(out, Value(list[at]));
  if (optional) return Set(out, Value());
  return Fail(error, absl::StrCat("index ", index, " out of range for list of length ", size));
}

}  // namespace

bool GetIndex(const Value& x, const Value& i, bool optional, Value& out, OpError& error) {
  if (x.is_list()) {
    if (!i.is_int()) return Fail(error, absl::StrCat("list index must be an int, got ", KindOf(i)));
    return IndexList(x.as_list(), i.as_int(), optional, out, error);
  }
  if (x.is_object()) {
    if (!i.is_string()) {
      return Fail(error, absl::StrCat("object key must be a string, got ", KindOf(i)));
    }
    if (const Value* found = x.as_object().Find(i.as_string())) return Set(out, Value(*found));
    if (optional) return Set(out, Value());
    return Fail(error, absl::StrCat("no key `", i.as_string(), "` in object"));
  }
  if (x.is_null() && optional) return Set(out, Value());
  return Fail(error, absl::StrCat("cannot index ", KindOf(x)));
}

bool WithinLimits(const Value& v, std::string_view what, OpError& error) {
  absl::Status s = v.CheckLimits();
  if (s.ok()) return true;
  return LimitFail(error, absl::StrCat(ToAbsl(what), ": ", s.message()));
}

OpError OutOfMemory(std::string_view what) {
  return OpError{kLimitExceeded, absl::StrCat("out of memory in ", ToAbsl(what))};
}

uint64_t ShallowSize(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString: return v.as_string().size();
    case Value::Kind::kList: return 8 * uint64_t{v.as_list().size()};
    case Value::Kind::kObject: return 8 * uint64_t{v.as_object().size()};
    default: return 0;
  }
}

uint64_t EqualityWork(const Value& x, const Value& y) {
  if (x.kind() != y.kind() || x.total_size() != y.total_size()) return 0;
  switch (x.kind()) {
    case Value::Kind::kString: return x.as_string().size();
    case Value::Kind::kList:
      return &x.as_list() == &y.as_list() || x.depth() != y.depth() ? 0 : 8 * x.total_size();
    case Value::Kind::kObject:
      return &x.as_object() == &y.as_object() || x.depth() != y.depth() ? 0 : 8 * x.total_size();
    default: return 0;
  }
}

// The three builders below run with the limits of their input already checked, and a literal
// has at most a few thousand parts (the bytecode bounds it), so only the result needs a check:
// its depth and total size follow from the parts', O(1) once built.
bool MakeList(std::span<Value> items, Value& out, OpError& error) {
  try {
    Value list = Value::MakeList(List(std::make_move_iterator(items.begin()),
                                      std::make_move_iterator(items.end())));
    if (!WithinLimits(list, "the list", error)) return false;
    return Set(out, std::move(list));
  } catch (const std::bad_alloc&) {
    error = OutOfMemory("a list literal");
    return false;
  }
}

bool MakeObject(std::span<Value> keys_and_values, Value& out, OpError& error) {
  try {
    std::vector<Object::Entry> entries;
    entries.reserve(keys_and_values.size() / 2);
    for (size_t i = 0; i + 1 < keys_and_values.size(); i += 2) {
      Value& key = keys_and_values[i];
      if (!key.is_string()) {
        return Fail(error, absl::StrCat("object key must be a string, got ", KindOf(key)));
      }
      entries.emplace_back(key.as_string(), std::move(keys_and_values[i + 1]));
      key = Value();
    }
    Value object = Value::MakeObject(Object(std::move(entries)));
    if (!WithinLimits(object, "the object", error)) return false;
    return Set(out, std::move(object));
  } catch (const std::bad_alloc&) {
    error = OutOfMemory("an object literal");
    return false;
  }
}

bool Interpolate(std::span<Value> parts, Value& out, OpError& error) {
  try {
    // Each part is added only if the text stays within the limit; non-strings are written as
    // JSON with a bound, so a huge value costs no more than the limit.
    std::string text;
    bool over = false;
    for (Value& part : parts) {
      if (over) break;
      const size_t room = Value::kMaxStringBytes - text.size();
      if (part.is_string()) {
        over = part.as_string().size() > room;
        if (!over) text += part.as_string();
      } else {
        std::optional<std::string> json = part.ToJsonBounded(-1, room);
        over = !json.has_value();
        if (!over) text += *json;
      }
    }
    for (Value& part : parts) part = Value();
    if (over) {
      return LimitFail(error, absl::StrCat("the interpolated string would be longer than the "
                                           "limit of ", Value::kMaxStringBytes, " bytes"));
    }
    return Set(out, Value::String(std::move(text)));
  } catch (const std::bad_alloc&) {
    error = OutOfMemory("string interpolation");
    return false;
  }
}

}  // namespace weft::vm
