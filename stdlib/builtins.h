// The catalogue and implementations of the language's builtin functions (builtins.def).
// Builtins are pure: their only inputs are their arguments and the BuiltinContext, which the
// VM fills from checkpointed state, so a resumed execution computes the same values.
#ifndef WEFT_STDLIB_BUILTINS_H_
#define WEFT_STDLIB_BUILTINS_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "weft/value.h"

namespace weft::stdlib {

enum class BuiltinId : uint32_t {
#define BUILTIN(name, min_args, max_args, doc) k_##name,
#include "stdlib/builtins.def"
#undef BUILTIN
};

struct BuiltinContext {
  int64_t now_ms = 0;              // the current transition's time
  uint64_t* rng_state = nullptr;   // the execution's checkpointed generator (splitmix64 state)
  // Work the call did beyond building its result, which the caller charges as fuel: a builtin
  // that reads or walks big arguments adds their size here (in vm::ShallowSize units: bytes of
  // string, 8 per item or entry). The VM zeroes it before each call and charges the result's
  // own shallow size itself.
  uint64_t work = 0;
};

// A failed builtin (wrong argument type, bad number, ...) returns InvalidArgument with a
// message fit for the user, e.g. "len() expects a list, object or string, got int". One that
// would go past a value limit (Value::CheckLimits) returns ResourceExhausted, which the VM
// raises as LIMIT_EXCEEDED; the VM also checks every result against the limits.
using BuiltinFn = absl::StatusOr<Value> (*)(BuiltinContext& ctx, std::span<const Value> args);

struct BuiltinInfo {
  std::string_view name;
  uint32_t min_args;
  uint32_t max_args;
  std::string_view doc;
  BuiltinFn fn;
};

// Every builtin, indexed by id.
std::span<const BuiltinInfo> AllBuiltins();
// nullptr when there is no builtin of that name. *id is set when found and id is non-null.
const BuiltinInfo* FindBuiltin(std::string_view name, uint32_t* id = nullptr);

// The next value of a splitmix64 generator; advances *state.
uint64_t NextRandom(uint64_t* state);

}  // namespace weft::stdlib

#endif  // WEFT_STDLIB_BUILTINS_H_
