// The opcode enum and its metadata, all expanded from opcodes.def. See that file for the
// encoding and the ABI rule (append only).
#ifndef WEFT_BYTECODE_OPCODES_H_
#define WEFT_BYTECODE_OPCODES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace weft::bytecode {

enum class Op : uint8_t {
#define OP(name, a, b, pops, pushes, flags, doc) name,
#include "bytecode/opcodes.def"
#undef OP
};

inline constexpr size_t kOpCount = 0
#define OP(name, a, b, pops, pushes, flags, doc) +1
#include "bytecode/opcodes.def"
#undef OP
    ;

enum class OperandKind : uint8_t { NONE, CONST, NAME, LOCAL, ITER, TARGET, TASK, BUILTIN, COUNT, BASE };

enum OpFlags : uint8_t {
  F_NONE = 0,
  F_JUMP = 1,     // operand A is a target; execution may also fall through
  F_GOTO = 2,     // operand A is a target; never falls through
  F_END = 4,      // ends the execution; never falls through
  F_SUSPEND = 8,  // the fiber may wait on the outside world (or its branches) here
  F_SPAWN = 16,   // operand A is where a new fiber starts, with an empty stack
  F_SPAWN_ITEM = 32,  // operand A is where new fibers start, each with its item pushed
  F_HANDLER = 64,     // operand A is a catch target, reached with the depth after this + 1
};

struct OpInfo {
  std::string_view name;
  OperandKind a;
  OperandKind b;
  uint8_t flags;
  std::string_view doc;
};

inline constexpr OpInfo kOpInfo[kOpCount] = {
#define OP(name, a, b, pops, pushes, flags, doc) \
  {#name, OperandKind::a, OperandKind::b, flags, doc},
#include "bytecode/opcodes.def"
#undef OP
};

// True when `byte` names an opcode.
constexpr bool IsValidOp(uint8_t byte) { return byte < kOpCount; }
constexpr const OpInfo& InfoOf(Op op) { return kOpInfo[static_cast<uint8_t>(op)]; }

constexpr int OperandCount(Op op) {
  const OpInfo& i = InfoOf(op);
  return (i.a != OperandKind::NONE) + (i.b != OperandKind::NONE);
}
// Bytes one instruction occupies: the opcode and 4 bytes per operand.
constexpr size_t InstructionSize(Op op) { return 1 + 4 * OperandCount(op); }

struct StackEffect {
  int64_t pops;
  int64_t pushes;
};
// The stack effect of `op` with operand values a and b (unused operands are ignored).
// The formulas in opcodes.def are evaluated in int64_t: in uint32_t, MAKE_OBJECT's `2 * a`
// would wrap (a = 2^31 would claim to pop nothing).
constexpr StackEffect StackEffectOf(Op op, uint32_t a_operand, uint32_t b_operand) {
  const int64_t a = a_operand;
  const int64_t b = b_operand;
  switch (op) {
#define OP(name, a_kind, b_kind, pops, pushes, flags, doc) \
  case Op::name:                                           \
    return {static_cast<int64_t>(pops), static_cast<int64_t>(pushes)};
#include "bytecode/opcodes.def"
#undef OP
  }
  return {0, 0};
}

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_OPCODES_H_
