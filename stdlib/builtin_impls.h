// Internal to stdlib/: the implementation of every builtin, declared once from builtins.def as
// `Builtin_<name>`, and small helpers the families share. Callers outside stdlib/ go through
// AllBuiltins() / FindBuiltin() in builtins.h.
//
// REQUIRES for every Builtin_*: args.size() is within the builtin's [min_args, max_args] (the
// compiler and the bytecode verifier guarantee it; checked again with WEFT_CHECK).
#ifndef WEFT_STDLIB_BUILTIN_IMPLS_H_
#define WEFT_STDLIB_BUILTIN_IMPLS_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/check.h"
#include "stdlib/builtins.h"
#include "weft/value.h"

namespace weft::stdlib {

#define BUILTIN(name, min_args, max_args, doc) \
  absl::StatusOr<Value> Builtin_##name(BuiltinContext& ctx, std::span<const Value> args);
#include "stdlib/builtins.def"
#undef BUILTIN

// "len() expects a list, object or string, got int"; also for later arguments, with `expected`
// naming the role: "split() expects a string separator, got int".
inline absl::Status ExpectError(std::string_view fn, std::string_view expected, const Value& got) {
  // (std::string, not absl::StrCat: this abseil build has its own string_view type.)
  std::string message(fn);
  message.append("() expects ").append(expected).append(", got ");
  message.append(Value::KindName(got.kind()));
  return absl::InvalidArgumentError(message);
}

inline void CheckArity(std::span<const Value> args, size_t n) { WEFT_CHECK(args.size() == n); }
inline void CheckArity(std::span<const Value> args, size_t min, size_t max) {
  WEFT_CHECK(args.size() >= min && args.size() <= max);
}

// "<fn>() <what>", for a bad argument value rather than a bad kind:
// UserError("split", "separator must not be empty").
inline absl::Status UserError(std::string_view fn, std::string_view what) {
  std::string message(fn);
  message.append("() ").append(what);
  return absl::InvalidArgumentError(message);
}

// v as compact JSON for an error message, cut to about 80 bytes: "{\"a\":[1,2,3,4,...".
inline std::string Preview(const Value& v) {
  std::string json = v.ToJson();
  if (json.size() > 80) json.replace(77, std::string::npos, "...");
  return json;
}

// Bounds on what one builtin call may build, so that a typo such as repeat(s, 1000000000) or
// range(1e12) fails with a message instead of exhausting the worker's memory: the value limits
// (weft/value.h), checked before anything that big is allocated.
inline constexpr size_t kMaxResultBytes = Value::kMaxStringBytes;  // of a string
inline constexpr size_t kMaxResultItems = Value::kMaxListItems;    // of a list

// "<fn>() <what>" as ResourceExhausted: a value limit, which the VM raises as LIMIT_EXCEEDED.
inline absl::Status LimitError(std::string_view fn, std::string_view what) {
  std::string message(fn);
  message.append("() ").append(what);
  return absl::ResourceExhaustedError(message);
}

// OK while a result string of `bytes` bytes or a result list of `items` items is within the
// limits; checked as results grow, so that nothing past a limit is ever allocated.
inline absl::Status CheckResultBytes(std::string_view fn, uint64_t bytes) {
  if (bytes <= kMaxResultBytes) return absl::OkStatus();
  return LimitError(fn, "result is too large (over 64 MiB)");
}
inline absl::Status CheckResultItems(std::string_view fn, uint64_t items) {
  if (items <= kMaxResultItems) return absl::OkStatus();
  return LimitError(fn, "result would have more than " + std::to_string(kMaxResultItems) +
                            " items");
}

// Exact three-way comparison of two numbers (ints beyond 2^53 included): <0, 0 or >0.
// REQUIRES: a.is_number() && b.is_number().
int CompareNumbers(const Value& a, const Value& b);

// The order of sort(), min() and max(): numbers by value, strings by bytes. Returns false (and
// leaves *result alone) when a and b are not both numbers or both strings.
bool CompareSortable(const Value& a, const Value& b, int* result);

}  // namespace weft::stdlib

#endif  // WEFT_STDLIB_BUILTIN_IMPLS_H_
