// Reading and writing single instructions in a code array (encoding in opcodes.def: an opcode
// byte, then one little-endian uint32 per operand). Shared by the verifier, the disassembler,
// the VM and anything that emits code, so the encoding is written down in exactly one place.
#ifndef WEFT_BYTECODE_INSTRUCTION_H_
#define WEFT_BYTECODE_INSTRUCTION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "bytecode/opcodes.h"

namespace weft::bytecode {

// Reads a little-endian uint32 at p (any alignment).
inline uint32_t ReadU32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

struct Instruction {
  Op op = Op::NOP;
  uint32_t a = 0;  // 0 when the opcode has no operand A
  uint32_t b = 0;  // 0 when the opcode has no operand B
  uint32_t size = 1;
};

// Why DecodeAt failed.
enum class DecodeError : uint8_t { kNone, kBadOpcode, kTruncated };

// Decodes the instruction at `pc`. REQUIRES: pc < code.size(). Returns nullopt and sets
// *error on an unknown opcode or an instruction cut off by the end of the code.
inline std::optional<Instruction> DecodeAt(const std::vector<uint8_t>& code, uint32_t pc,
                                           DecodeError* error = nullptr) {
  auto fail = [&](DecodeError e) {
    if (error != nullptr) *error = e;
    return std::nullopt;
  };
  if (!IsValidOp(code[pc])) return fail(DecodeError::kBadOpcode);
  Instruction ins;
  ins.op = static_cast<Op>(code[pc]);
  ins.size = static_cast<uint32_t>(InstructionSize(ins.op));
  if (code.size() - pc < ins.size) return fail(DecodeError::kTruncated);
  const int n = OperandCount(ins.op);
  if (n >= 1) ins.a = ReadU32(&code[pc + 1]);
  if (n >= 2) ins.b = ReadU32(&code[pc + 5]);
  if (error != nullptr) *error = DecodeError::kNone;
  return ins;
}

// Appends one instruction; operands the opcode does not take are ignored.
inline void AppendInstruction(std::vector<uint8_t>& code, Op op, uint32_t a = 0, uint32_t b = 0) {
  code.push_back(static_cast<uint8_t>(op));
  const int n = OperandCount(op);
  const uint32_t operands[2] = {a, b};
  for (int i = 0; i < n; ++i) {
    for (int shift = 0; shift < 32; shift += 8) {
      code.push_back(static_cast<uint8_t>(operands[i] >> shift));
    }
  }
}

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_INSTRUCTION_H_
