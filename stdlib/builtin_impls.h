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

}  // namespace weft::stdlib

#endif  // WEFT_STDLIB_BUILTIN_IMPLS_H_
