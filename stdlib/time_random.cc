// The builtins whose values come from checkpointed state rather than their arguments: now() and
// uuid(). Both are deterministic given the BuiltinContext, which is what makes a resumed
// execution see the same values it saw before the crash.
#include <string>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {

absl::StatusOr<Value> Builtin_now(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 0);
  return Value::Int(ctx.now_ms);
}

// A version-4 (random) UUID, RFC 4122 section 4.4: 122 random bits from two draws of the
// execution's generator, version nibble 4, variant bits 10.
absl::StatusOr<Value> Builtin_uuid(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 0);
  WEFT_CHECK_MSG(ctx.rng_state != nullptr, "uuid() needs the execution's generator");
  uint8_t bytes[16];
  for (int half = 0; half < 2; ++half) {
    uint64_t r = NextRandom(ctx.rng_state);
    for (int i = 0; i < 8; ++i) bytes[half * 8 + i] = static_cast<uint8_t>(r >> (56 - 8 * i));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xF];
  }
  return Value::String(std::move(out));
}

}  // namespace weft::stdlib
