// The bytecode verifier: proves a Program safe to run, so the VM's inner loop can trust it and
// check nothing but the dynamic types of values. Every program loaded from disk passes through
// it (serialize.h calls it); the compiler's output is verified before it is stored.
//
// A program that passes has these properties (docs/format/bytecode.md, "Verifier guarantees"):
//   - the code decodes into whole instructions with known opcodes and ends with no fragment;
//   - every operand is in range for its kind: constants, names (string constants), locals,
//     iterator slot pairs, tasks, builtins (with an argument count the builtin accepts), and
//     jump targets that are instruction starts;
//   - on every path from pc 0 the operand stack never underflows, never exceeds max_stack, has
//     the same depth wherever paths join, and execution never runs off the end of the code;
//   - params fit in num_locals, have distinct non-empty names, known types and defaults of
//     that type; the line table is sorted and points into the code; num_locals and max_stack
//     stay below kMaxSlots.
// The verifier is driven by the opcode table (operand kinds, stack effects, flags) and has no
// special case for any particular opcode.
#ifndef WEFT_BYTECODE_VERIFIER_H_
#define WEFT_BYTECODE_VERIFIER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "bytecode/program.h"

namespace weft::bytecode {

// Upper bound for num_locals and for max_stack, so that a hostile program cannot make the VM
// reserve gigabytes of slots.
inline constexpr uint32_t kMaxSlots = 1u << 16;

// OK when `program` is safe to run; otherwise InvalidArgument naming the first problem found,
// e.g. "pc 17: jump target 23 is not an instruction start".
absl::Status VerifyProgram(const Program& program);

// As VerifyProgram; on success also fills *depths with one entry per code byte: the operand
// stack depth before the instruction starting there, or -1 for bytes that are not the start of
// a reachable instruction. The VM uses it to check that a decoded checkpoint fits the program.
absl::Status VerifyProgram(const Program& program, std::vector<int32_t>* depths);

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_VERIFIER_H_
